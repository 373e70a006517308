#include "options.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstdint>
#include <functional>

namespace coursecrew {

namespace {

struct Binding {
    OptionSpec spec;
    std::function<void(InspectOptions &, std::uint64_t)> set_int;
    std::function<void(InspectOptions &, bool)> set_bool;
    std::uint64_t min = 0, max = UINT64_MAX;
};

const std::vector<Binding> &bindings() {
    static const std::vector<Binding> table = {
        {{"max_diagnostics_per_code", "integer", "20",
          "How many diagnostics of one code are listed one by one; the rest are summarised with "
          "their exact count."},
         [](InspectOptions &o, std::uint64_t v) { o.max_diagnostics_per_code = v; }, nullptr, 1,
         1'000'000},
        {{"hash_files", "boolean", "true",
          "Compute the SHA-256 of every file present in the package (content fingerprints)."},
         nullptr, [](InspectOptions &o, bool v) { o.hash_files = v; }},
        {{"list_files", "boolean", "false", "List each piece's files in the JSON, not only counts."},
         nullptr, [](InspectOptions &o, bool v) { o.list_files = v; }},
        {{"max_manifest_bytes", "integer", "268435456", "Largest manifest file read, in bytes."},
         [](InspectOptions &o, std::uint64_t v) { o.limits.max_manifest_bytes = v; }, nullptr, 1},
        {{"max_xml_depth", "integer", "256", "Deepest element nesting accepted in a manifest."},
         [](InspectOptions &o, std::uint64_t v) { o.limits.max_xml_depth = static_cast<int>(v); },
         nullptr, 8, 100'000},
        {{"max_expanded_bytes", "integer", "8589934592",
          "Largest total expanded size of a zipped package, in bytes (zip-bomb guard)."},
         [](InspectOptions &o, std::uint64_t v) { o.limits.max_expanded_bytes = v; }, nullptr, 1},
        {{"max_compression_ratio", "integer", "200",
          "Largest expanded/compressed ratio of one zip entry over 1 MiB (zip-bomb guard)."},
         [](InspectOptions &o, std::uint64_t v) { o.limits.max_compression_ratio = v; }, nullptr, 1},
        {{"max_entries", "integer", "1000000", "Most files a package may hold."},
         [](InspectOptions &o, std::uint64_t v) { o.limits.max_entries = v; }, nullptr, 1},
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

bool apply_options(const char *json, InspectOptions &inout, std::string &error) {
    if (!json || !*json) return true;
    rapidjson::Document doc;
    doc.Parse(json);
    if (doc.HasParseError()) {
        error = std::string("options are not valid JSON: ") +
                rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                std::to_string(doc.GetErrorOffset());
        return false;
    }
    if (!doc.IsObject()) {
        error = "options must be a JSON object";
        return false;
    }
    InspectOptions next = inout;
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
        if (b->set_bool) {
            if (!m->value.IsBool()) {
                error = "/" + name + ": expected true or false";
                return false;
            }
            b->set_bool(next, m->value.GetBool());
            continue;
        }
        if (!m->value.IsUint64() || m->value.GetUint64() < b->min || m->value.GetUint64() > b->max) {
            error = "/" + name + ": expected an integer from " + std::to_string(b->min) + " to " +
                    std::to_string(b->max);
            return false;
        }
        b->set_int(next, m->value.GetUint64());
    }
    inout = next;
    return true;
}

}  // namespace coursecrew
