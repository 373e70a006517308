// Loading the sync configuration. See sync_config.hpp.
#include "plugin/sync/sync_config.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "plugin/model/json_in.hpp"
#include "plugin/sync/vocabulary.hpp"

extern const char kConfigSchemaJson[];

namespace coursecrew {

namespace {

namespace fs = std::filesystem;
using rapidjson::Value;

struct CompiledSchema {
    rapidjson::Document doc;
    std::unique_ptr<rapidjson::SchemaDocument> schema;
};

const CompiledSchema &config_schema() {
    static const CompiledSchema compiled = [] {
        CompiledSchema c;
        c.doc.Parse(kConfigSchemaJson);
        c.schema = std::make_unique<rapidjson::SchemaDocument>(c.doc);
        return c;
    }();
    return compiled;
}

// What a failed schema keyword means, for a person. `schema` is the schema
// object that failed, `at` the instance it failed on (either may be null).
std::string explain(const std::string &keyword, const Value *schema, const Value *at) {
    if (keyword == "required" && schema && at && at->IsObject() && schema->HasMember("required")) {
        std::string names;
        for (const Value &m : (*schema)["required"].GetArray())
            if (!at->HasMember(m.GetString())) names += (names.empty() ? "" : ", ") + std::string(m.GetString());
        return "missing " + names;
    }
    if (keyword == "additionalProperties") return "unknown member (see schemas/config.schema.json)";
    if (keyword == "type") return "wrong type";
    if (keyword == "enum") return "not one of the allowed values";
    if (keyword == "pattern") return "not in the expected form";
    if (keyword == "oneOf") return "give exactly one of the alternatives (e.g. \"env\" or \"file\", \"mbox\" or \"account\")";
    if (keyword == "minimum" || keyword == "maximum") return "out of range";
    if (keyword == "minItems" || keyword == "minLength") return "must not be empty";
    return "violates \"" + keyword + "\"";
}

std::string absolute_from(const std::string &base_dir, const std::string &path) {
    if (path.empty()) return path;
    fs::path p(path);
    if (p.is_relative()) p = fs::path(base_dir) / p;
    return p.lexically_normal().string();
}

std::string str(const Value &obj, const char *name, const std::string &fallback = "") {
    auto it = obj.FindMember(name);
    return it != obj.MemberEnd() && it->value.IsString() ? it->value.GetString() : fallback;
}

SecretSource secret_source(const Value &obj, const char *name, const std::string &dir) {
    SecretSource s;
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || !it->value.IsObject()) return s;
    s.env = str(it->value, "env");
    s.file = absolute_from(dir, str(it->value, "file"));
    return s;
}

std::string to_json(const Value &v) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    v.Accept(w);
    return buf.GetString();
}

TargetSpec target_spec(const Value &t, const std::string &dir) {
    TargetSpec spec;
    TargetConfig &c = spec.config;
    c.name = str(t, "name");
    c.kind = str(t, "kind");
    c.endpoint = str(t, "endpoint");
    if (c.kind == "xapi" && !c.endpoint.empty() && c.endpoint.back() != '/') c.endpoint += '/';
    if (t.HasMember("auth")) {
        const Value &a = t["auth"];
        spec.auth_type = str(a, "type", "none");
        if (a.HasMember("username")) {
            if (a["username"].IsString()) spec.username = a["username"].GetString();
            else spec.username_from = secret_source(a, "username", dir);
        }
        spec.password_from = secret_source(a, "password", dir);
        spec.token_from = secret_source(a, "token", dir);
    }
    spec.secret_from = secret_source(t, "secret", dir);
    c.signature_header = str(t, "signature_header", c.signature_header);
    c.xapi_version = str(t, "xapi_version", c.xapi_version);
    if (t.HasMember("allow_xapi_2")) c.allow_xapi_2 = t["allow_xapi_2"].GetBool();
    if (t.HasMember("documents")) c.documents = t["documents"].GetBool();
    if (c.kind != "xapi") c.documents = false;
    if (t.HasMember("tls_verify")) c.tls_verify = t["tls_verify"].GetBool();
    c.ca_file = absolute_from(dir, str(t, "ca_file"));
    if (t.HasMember("connect_timeout_ms")) c.connect_timeout_ms = t["connect_timeout_ms"].GetInt64();
    if (t.HasMember("request_timeout_ms")) c.request_timeout_ms = t["request_timeout_ms"].GetInt64();
    if (t.HasMember("batch")) {
        const Value &b = t["batch"];
        if (b.HasMember("max_statements")) c.batch_max_statements = b["max_statements"].GetUint64();
        if (b.HasMember("max_bytes")) c.batch_max_bytes = b["max_bytes"].GetUint64();
    }
    if (t.HasMember("retry")) {
        const Value &r = t["retry"];
        if (r.HasMember("base_ms")) c.backoff_base_ms = r["base_ms"].GetInt64();
        if (r.HasMember("cap_ms")) c.backoff_cap_ms = r["cap_ms"].GetInt64();
    }
    return spec;
}

// What the schema cannot say: unique names, the secrets each kind needs.
bool check_meaning(const SyncConfig &c, std::string &where, std::string &what) {
    for (std::size_t i = 0; i < c.targets.size(); ++i) {
        const TargetSpec &t = c.targets[i];
        const std::string at = "/targets/" + std::to_string(i);
        if (!check_endpoint_authority(t.config.endpoint, what)) {
            where = at + "/endpoint";
            return false;
        }
        for (std::size_t j = 0; j < i; ++j)
            if (c.targets[j].config.name == t.config.name) {
                where = at + "/name";
                what = "target name \"" + t.config.name + "\" is used twice";
                return false;
            }
        if (t.auth_type == "basic" && (t.password_from.empty() ||
                                      (t.username.empty() && t.username_from.empty()))) {
            where = at + "/auth";
            what = "basic auth needs \"username\" and \"password\"";
            return false;
        }
        if (t.auth_type == "bearer" && t.token_from.empty()) {
            where = at + "/auth";
            what = "bearer auth needs \"token\"";
            return false;
        }
        if (t.config.kind == "webhook" && t.secret_from.empty()) {
            where = at;
            what = "a webhook target needs \"secret\" (the HMAC-SHA256 signing key)";
            return false;
        }
    }
    return true;
}

// Reads a secret. Messages name the variable or file, never the value.
bool read_secret(const SecretSource &src, const std::string &target, const char *what,
                 std::string &out, std::string &error) {
    const std::string label = "target \"" + target + "\": " + what;
    if (!src.env.empty()) {
        const char *v = std::getenv(src.env.c_str());
        if (!v || !*v) {
            error = label + ": the environment variable " + src.env + " is not set";
            return false;
        }
        out = v;
        return true;
    }
    struct stat st {};
    if (::stat(src.file.c_str(), &st) != 0) {
        error = label + ": cannot read " + src.file + " (missing?)";
        return false;
    }
    if ((st.st_mode & 077) != 0) {
        std::ostringstream mode;
        mode << std::oct << (st.st_mode & 0777);
        error = label + ": " + src.file + " is readable by others (mode 0" + mode.str() +
                "); make it readable only by you: chmod 600 " + src.file;
        return false;
    }
    std::ifstream in(src.file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (!in.good() && !in.eof()) {
        error = label + ": cannot read " + src.file;
        return false;
    }
    if (text.empty()) {
        error = label + ": " + src.file + " is empty";
        return false;
    }
    out = std::move(text);
    return true;
}

}  // namespace

bool parse_sync_config(const std::string &text, const std::string &file, SyncConfig &out,
                       std::string &error) {
    rapidjson::Document doc;
    // Iterative, with a depth and size limit: the schema validator below
    // recurses once per level.
    if (JsonError e; !parse_json(text, kLocalJsonLimits, doc, e)) {
        error = file + ": " + e.message;
        return false;
    }
    const CompiledSchema &schema = config_schema();
    rapidjson::SchemaValidator validator(*schema.schema);
    if (!doc.Accept(validator)) {
        rapidjson::StringBuffer where;
        validator.GetInvalidDocumentPointer().Stringify(where);
        const std::string pointer = where.GetString();
        std::string keyword = validator.GetInvalidSchemaKeyword();
        if (keyword == "additionalProperties") {
            // The pointer ends at the member that is not allowed.
            const auto &p = validator.GetInvalidDocumentPointer();
            const std::size_t n = p.GetTokenCount();
            const std::string name = n ? std::string(p.GetTokens()[n - 1].name, p.GetTokens()[n - 1].length) : "";
            error = file + ": " + pointer + ": unknown member \"" + name + "\" (see schemas/config.schema.json)";
            return false;
        }
        error = file + ": " + (pointer.empty() ? "/" : pointer) + ": " +
                explain(keyword,
                        validator.GetInvalidSchemaPointer().Get(schema.doc),
                        validator.GetInvalidDocumentPointer().Get(doc));
        return false;
    }

    const std::string dir = fs::absolute(fs::path(file)).parent_path().string();
    SyncConfig c;
    c.file = file;
    c.course_iri = str(doc, "course_iri");
    while (!c.course_iri.empty() && c.course_iri.back() == '/') c.course_iri.pop_back();
    c.profile_iri = str(doc, "profile_iri", vocab::kProfileBase);
    c.store = absolute_from(dir, str(doc, "store"));
    c.roles = absolute_from(dir, str(doc, "roles"));
    if (doc.HasMember("default_roles")) {
        c.default_roles = doc["default_roles"].GetBool();
        c.default_roles_given = true;
    }
    c.language = str(doc, "language", "en");
    if (doc.HasMember("pull") && doc["pull"].HasMember("timeout_ms"))
        c.pull_timeout_ms = doc["pull"]["timeout_ms"].GetInt64();
    if (doc.HasMember("agent")) {
        Value agent;
        agent.CopyFrom(doc["agent"], doc.GetAllocator());
        agent.AddMember("objectType", "Agent", doc.GetAllocator());
        c.agent_json = to_json(agent);
    } else {
        rapidjson::Document a(rapidjson::kObjectType);
        auto &al = a.GetAllocator();
        Value account(rapidjson::kObjectType);
        account.AddMember("homePage", Value(c.course_iri.c_str(), al), al);
        account.AddMember("name", "coursecrew", al);
        a.AddMember("objectType", "Agent", al);
        a.AddMember("name", "coursecrew", al);
        a.AddMember("account", account, al);
        c.agent_json = to_json(a);
    }
    for (const Value &t : doc["targets"].GetArray()) c.targets.push_back(target_spec(t, dir));

    std::string where, what;
    if (!check_meaning(c, where, what)) {
        error = file + ": " + where + ": " + what;
        return false;
    }
    out = std::move(c);
    return true;
}

bool load_sync_config(const std::string &path, SyncConfig &out, std::string &error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot read the config file " + path;
        return false;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_sync_config(text, path, out, error);
}

bool resolve_target(const TargetSpec &spec, TargetConfig &out, std::string &error) {
    TargetConfig c = spec.config;
    const std::string &name = c.name;
    if (spec.auth_type == "basic") {
        c.auth.kind = Credentials::Kind::Basic;
        c.auth.username = spec.username;
        if (c.auth.username.empty() &&
            !read_secret(spec.username_from, name, "username", c.auth.username, error))
            return false;
        if (!read_secret(spec.password_from, name, "password", c.auth.secret, error)) return false;
    } else if (spec.auth_type == "bearer") {
        c.auth.kind = Credentials::Kind::Bearer;
        if (!read_secret(spec.token_from, name, "token", c.auth.secret, error)) return false;
    }
    if (c.kind == "webhook" && !read_secret(spec.secret_from, name, "secret", c.hmac_secret, error))
        return false;
    out = std::move(c);
    return true;
}

bool check_endpoint_authority(const std::string &url, std::string &what) {
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string::npos || scheme_end == 0) {
        what = "the endpoint is not an absolute URL (scheme://host/...)";
        return false;
    }
    const std::size_t start = scheme_end + 3;
    const std::size_t end = std::min(url.find_first_of("/?#", start), url.size());
    const std::string_view authority = std::string_view(url).substr(start, end - start);
    if (authority.find('@') != std::string_view::npos) {
        what = "the endpoint holds user info (user:password@): remove it and put the credentials "
               "in \"auth\"";
        return false;
    }
    std::string_view host = authority, port;
    if (!host.empty() && host.front() == '[') {  // an IPv6 literal: [::1]:8080
        const std::size_t close = host.find(']');
        if (close == std::string_view::npos || close == 1) {
            what = "the endpoint's IPv6 host is not closed by ']' or is empty";
            return false;
        }
        port = host.substr(close + 1);
        host = host.substr(0, close + 1);
        if (!port.empty() && port.front() != ':') {
            what = "the endpoint has text after its IPv6 host";
            return false;
        }
    } else if (const std::size_t colon = host.find(':'); colon != std::string_view::npos) {
        port = host.substr(colon);
        host = host.substr(0, colon);
    }
    if (host.empty()) {
        what = "the endpoint has no host (expected scheme://host/...)";
        return false;
    }
    if (!port.empty()) {
        port.remove_prefix(1);  // ':'
        bool digits = !port.empty() && port.size() <= 5;
        for (const char ch : port) digits = digits && ch >= '0' && ch <= '9';
        if (!digits || std::stoul(std::string(port)) == 0 || std::stoul(std::string(port)) > 65535) {
            what = "the endpoint's port is not a number from 1 to 65535";
            return false;
        }
    }
    return true;
}

}  // namespace coursecrew
