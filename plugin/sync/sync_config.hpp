// The sync configuration (a JSON file validated against
// schemas/config.schema.json): the course IRI, the status store, the role map
// and the LMS targets. Secrets are not in the file: each target says where
// they come from (an environment variable, or a file only its owner can
// read), and they are read only when the worker needs them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plugin/sync/target.hpp"

namespace coursecrew {

// Where a secret comes from.
struct SecretSource {
    std::string env;   // an environment variable, or
    std::string file;  // a file readable only by its owner (absolute after loading)
    bool empty() const { return env.empty() && file.empty(); }
};

struct TargetSpec {
    TargetConfig config;        // everything but the secrets
    std::string auth_type = "none";  // "none" | "basic" | "bearer"
    std::string username;       // basic: given in the file, or
    SecretSource username_from; // ... from a secret source
    SecretSource password_from; // basic
    SecretSource token_from;    // bearer
    SecretSource secret_from;   // webhook HMAC key
};

struct SyncConfig {
    std::string file;          // where it was loaded from
    std::string course_iri;
    std::string profile_iri;   // base of our vocabulary (vocab::kProfileBase by default)
    std::string store;         // absolute, or "" when the config names none
    std::string roles;         // absolute, or ""
    bool default_roles = true;
    bool default_roles_given = false;
    std::string language = "en";
    std::int64_t pull_timeout_ms = 5000;  // how long a command waits for the team's state
    std::string agent_json;    // the plugin's agent as xAPI JSON
    std::vector<TargetSpec> targets;
};

// Loads and validates a config file. On failure returns false and `error`
// says which file, which JSON pointer and what is wrong.
// The authority of an endpoint URL ("scheme://AUTHORITY/..."): a host, an
// optional numeric port, no user info (credentials go in "auth"). False with
// `what` (never echoing the URL, which may hold a secret) otherwise.
bool check_endpoint_authority(const std::string &url, std::string &what);

bool load_sync_config(const std::string &path, SyncConfig &out, std::string &error);
bool parse_sync_config(const std::string &text, const std::string &file, SyncConfig &out,
                       std::string &error);

// Reads a target's secrets into a TargetConfig ready for the adapters. Fails
// (without ever quoting a secret) when a variable is unset, a file is missing,
// empty, or readable by anyone but its owner.
bool resolve_target(const TargetSpec &spec, TargetConfig &out, std::string &error);

}  // namespace coursecrew
