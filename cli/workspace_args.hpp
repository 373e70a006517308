// What the workspace subcommands (review, publish, status, sync, outbox,
// watch) share: where the store, the role map and the sync config are, and
// the clock, as command-line options that become the plugin's options object.
#pragma once

#include <CLI/CLI.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace coursecrew::cli {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Writes "key": "value" into an object being written.
void put(JsonWriter &w, const char *key, const std::string &value);

// --now accepts unix seconds, YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:MM[:SS]Z.
// The date must be a real calendar day (2026-02-30 is refused).
bool parse_now(const std::string &text, long long &out);

struct WorkspaceArgs {
    std::string roles, store, now, config;
    bool no_default_roles = false;
    bool no_forecast = false;

    void add_to(CLI::App *cmd);
    // Appends the options object's members; false when --now is malformed.
    bool write(JsonWriter &w, std::string &error) const;
    // The whole options object, with `dry_run` when asked; false (having
    // said why on stderr) when --now is malformed.
    bool options_json(bool dry_run, std::string &out) const;
};

}  // namespace coursecrew::cli
