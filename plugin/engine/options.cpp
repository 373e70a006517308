#include "plugin/engine/options.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>

#include "plugin/content/content.hpp"
#include "plugin/model/json_in.hpp"

namespace coursecrew {

namespace {

using rapidjson::Value;

// One option: its spec, and how a JSON value is checked and applied.
// `apply` returns "" or what is wrong with the value.
struct Binding {
    OptionSpec spec;
    std::function<std::string(Settings &, const Value &)> apply;
};

std::function<std::string(Settings &, const Value &)> integer(
    std::uint64_t min, std::uint64_t max, std::function<void(Settings &, std::uint64_t)> set) {
    return [=](Settings &s, const Value &v) -> std::string {
        if (!v.IsUint64() || v.GetUint64() < min || v.GetUint64() > max)
            return "expected an integer from " + std::to_string(min) + " to " + std::to_string(max);
        set(s, v.GetUint64());
        return {};
    };
}

std::function<std::string(Settings &, const Value &)> boolean(std::function<void(Settings &, bool)> set) {
    return [=](Settings &s, const Value &v) -> std::string {
        if (!v.IsBool()) return "expected true or false";
        set(s, v.GetBool());
        return {};
    };
}

std::function<std::string(Settings &, const Value &)> string(
    std::function<std::string(Settings &, const std::string &)> set) {
    return [=](Settings &s, const Value &v) -> std::string {
        if (!v.IsString()) return "expected a string";
        return set(s, std::string(v.GetString(), v.GetStringLength()));
    };
}

const std::vector<Binding> &bindings() {
    static const std::vector<Binding> table = {
        // Reading packages
        {{"max_diagnostics_per_code", "integer", "20",
          "How many diagnostics of one code are listed one by one; the rest are summarised with "
          "their exact count."},
         integer(1, 1'000'000, [](Settings &s, std::uint64_t v) { s.inspect.max_diagnostics_per_code = v; })},
        {{"hash_files", "boolean", "true",
          "Compute the SHA-256 of every file present in the package (content fingerprints)."},
         boolean([](Settings &s, bool v) { s.inspect.hash_files = v; })},
        {{"list_files", "boolean", "false", "List each piece's files in the JSON, not only counts."},
         boolean([](Settings &s, bool v) { s.inspect.list_files = v; })},
        {{"content_model", "string", "auto",
          "Read the authoring tool's own structure inside the package: auto (recognise the tool), off "
          "(the manifest's pieces only), or one tool: adapt, rise, storyline, h5p, exe, ispring, lectora, "
          "captivate."},
         string([](Settings &s, const std::string &v) -> std::string {
             if (!is_content_mode(v))
                 return "expected auto, off, adapt, rise, storyline, h5p, exe, ispring, lectora or captivate";
             s.inspect.content.mode = v;
             return {};
         })},
        {{"max_manifest_bytes", "integer", "268435456", "Largest manifest file read, in bytes."},
         integer(1, UINT64_MAX, [](Settings &s, std::uint64_t v) { s.inspect.limits.max_manifest_bytes = v; })},
        {{"max_xml_depth", "integer", "256", "Deepest element nesting accepted in a manifest."},
         integer(8, 100'000, [](Settings &s, std::uint64_t v) { s.inspect.limits.max_xml_depth = static_cast<int>(v); })},
        {{"max_expanded_bytes", "integer", "8589934592",
          "Largest total expanded size of a zipped package, in bytes (zip-bomb guard)."},
         integer(1, UINT64_MAX, [](Settings &s, std::uint64_t v) { s.inspect.limits.max_expanded_bytes = v; })},
        {{"max_compression_ratio", "integer", "200",
          "Largest expanded/compressed ratio of one zip entry over 1 MiB (zip-bomb guard)."},
         integer(1, UINT64_MAX, [](Settings &s, std::uint64_t v) { s.inspect.limits.max_compression_ratio = v; })},
        {{"max_entries", "integer", "1000000", "Most files a package may hold."},
         integer(1, UINT64_MAX, [](Settings &s, std::uint64_t v) { s.inspect.limits.max_entries = v; })},
        // The workspace
        {{"store", "string", ".coursecrew/state.db",
          "The status store (SQLite file), relative to the working folder."},
         string([](Settings &s, const std::string &v) -> std::string {
             if (v.empty()) return "must not be empty";
             s.workspace.store_path = v;
             s.workspace.store_explicit = true;
             return {};
         })},
        {{"roles", "string", "", "The team's role map (JSON, schemas/rolemap.schema.json); \"\" for none."},
         string([](Settings &s, const std::string &v) -> std::string {
             s.workspace.roles_path = v;
             s.workspace.roles_explicit = true;
             return {};
         })},
        {{"default_roles", "boolean", "true",
          "Apply the built-in role rules when no role map is given."},
         boolean([](Settings &s, bool v) {
             s.workspace.default_roles = v;
             s.workspace.default_roles_explicit = true;
         })},
        {{"config", "string", "",
          "The sync configuration (JSON, schemas/config.schema.json) naming the course IRI and the "
          "LMS targets; \"\" for no sync. Its store and roles apply unless those options are given."},
         string([](Settings &s, const std::string &v) -> std::string {
             s.workspace.config_path = v;
             return {};
         })},
        {{"dry_run", "boolean", "false",
          "publish and set_status: compute what would be sent (statements and documents) but change nothing."},
         boolean([](Settings &s, bool v) { s.workspace.dry_run = v; })},
        {{"now", "integer", "0",
          "The clock in unix seconds (UTC) for due dates and staleness; 0 = the system clock."},
         integer(0, 253402300799ull, [](Settings &s, std::uint64_t v) { s.workspace.now = static_cast<std::int64_t>(v); })},
        // The review
        {{"module", "string", "", "Review only this module (its identifier); \"\" for all."},
         string([](Settings &s, const std::string &v) -> std::string {
             s.workspace.review.module = v;
             return {};
         })},
        {{"format", "string", "json", "Review format: table, json, csv or html."},
         string([](Settings &s, const std::string &v) -> std::string {
             return parse_review_format(v, s.workspace.format) ? std::string()
                                                               : "expected table, json, csv or html";
         })},
        {{"series", "boolean", "false",
          "With format csv: the burn-up series and forecasts (module, role, person by day) instead of one "
          "row per (piece, role); see docs/review-forecast.md."},
         boolean([](Settings &s, bool v) { s.workspace.series = v; })},
        {{"forecast", "boolean", "true",
          "Progress over time and the finish-date forecast per module and role, from the store's history: in "
          "the review, and in the module documents and progress statements; false leaves them out."},
         boolean([](Settings &s, bool v) { s.workspace.forecast = v; })},
        {{"overload_threshold", "integer", "10",
          "Open pairs one person may hold before the review reports overload."},
         integer(1, 1'000'000, [](Settings &s, std::uint64_t v) { s.workspace.review.overload_threshold = v; })},
        {{"many_roles_threshold", "integer", "3",
          "Roles one person may hold before the review mentions it."},
         integer(2, 1000, [](Settings &s, std::uint64_t v) { s.workspace.review.many_roles_threshold = v; })},
        {{"stale_days", "integer", "14",
          "Days a pair may stay in_progress or in_review before it is reported stale."},
         integer(1, 3650, [](Settings &s, std::uint64_t v) { s.workspace.review.stale_days = static_cast<int>(v); })},
        {{"at_risk_days", "integer", "5",
          "Days before its due date a not_started pair is reported at risk."},
         integer(0, 3650, [](Settings &s, std::uint64_t v) { s.workspace.review.at_risk_days = static_cast<int>(v); })},
    };
    return table;
}

}  // namespace

const std::vector<OptionSpec> &option_specs() {
    static const std::vector<OptionSpec> specs = [] {
        std::vector<OptionSpec> out;
        for (const auto &b : bindings()) out.push_back(b.spec);
        return out;
    }();
    return specs;
}

bool apply_options(const char *json, Settings &inout, std::string &error) {
    if (!json || !*json) return true;
    rapidjson::Document doc;
    if (JsonError e; !parse_json(json, kLocalJsonLimits, doc, e)) {
        error = "options: " + e.message;
        return false;
    }
    if (!doc.IsObject()) {
        error = "options must be a JSON object";
        return false;
    }
    Settings next = inout;
    for (auto m = doc.MemberBegin(); m != doc.MemberEnd(); ++m) {
        const std::string name(m->name.GetString(), m->name.GetStringLength());
        const Binding *b = nullptr;
        for (const auto &candidate : bindings())
            if (name == candidate.spec.name) b = &candidate;
        if (!b) {
            error = "/" + name + ": unknown option (known: ";
            for (const auto &candidate : bindings()) error += std::string(candidate.spec.name) + " ";
            error.back() = ')';
            return false;
        }
        if (std::string why = b->apply(next, m->value); !why.empty()) {
            error = "/" + name + ": " + why;
            return false;
        }
    }
    inout = next;
    return true;
}

}  // namespace coursecrew
