// The xAPI Profile in schemas/coursecrew.xapi-profile.jsonld against the
// vocabulary the code speaks (plugin/sync/vocabulary.hpp): the file is JSON with
// the properties ADL's xAPI Profiles 1.0 requires, every term the code sends
// is defined (our own) or referenced by a template (ADL, cmi5), the status set
// is the same in both, templates and rules are well formed, ids are unique,
// and the inline JSON Schemas accept what coursecrew sends and nothing else.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "plugin/sync/vocabulary.hpp"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "rapidjson/schema.h"

namespace vocab = coursecrew::vocab;

namespace {

const char *const kProfileFile = "/schemas/coursecrew.xapi-profile.jsonld";
const char *const kProfilesContext = "https://w3id.org/xapi/profiles/context";
const char *const kConformsTo = "https://w3id.org/xapi/profiles#1.0";

std::string base() { return vocab::kProfileBase; }
std::string version_iri() { return base() + vocab::kProfileVersionSuffix; }

// A vocabulary entry: a suffix ("/verbs/published") hangs off the base; a
// full IRI is someone else's (ADL, cmi5).
bool is_suffix(const char *term) { return term[0] == '/'; }
std::string iri_of(const char *term) { return is_suffix(term) ? base() + term : std::string(term); }

struct Term {
    const char *name;   // the constant, for messages
    const char *value;  // as in vocabulary.hpp
    const char *type;   // the concept type it must have
};

const Term kTerms[] = {
    {"kVerbPublished", vocab::kVerbPublished, "Verb"},
    {"kVerbAssigned", vocab::kVerbAssigned, "Verb"},
    {"kVerbUnassigned", vocab::kVerbUnassigned, "Verb"},
    {"kVerbChangedStatus", vocab::kVerbChangedStatus, "Verb"},
    {"kVerbReopened", vocab::kVerbReopened, "Verb"},
    {"kVerbProgressed", vocab::kVerbProgressed, "Verb"},
    {"kTypeCourse", vocab::kTypeCourse, "ActivityType"},
    {"kTypeModule", vocab::kTypeModule, "ActivityType"},
    {"kTypeProfile", vocab::kTypeProfile, "ActivityType"},
    {"kTypePiece", vocab::kTypePiece, "ActivityType"},
    {"kTypeRole", vocab::kTypeRole, "ActivityType"},
    {"kExtProgress", vocab::kExtProgress, "ResultExtension"},
    {"kExtRole", vocab::kExtRole, "ResultExtension"},
    {"kExtPreviousStatus", vocab::kExtPreviousStatus, "ResultExtension"},
    {"kExtStatus", vocab::kExtStatus, "ResultExtension"},
    {"kExtNote", vocab::kExtNote, "ResultExtension"},
    {"kExtPerson", vocab::kExtPerson, "ResultExtension"},
    {"kExtPairs", vocab::kExtPairs, "ResultExtension"},
    {"kExtPackage", vocab::kExtPackage, "ContextExtension"},
    {"kDocModuleStatus", vocab::kDocModuleStatus, "ActivityProfileResource"},
};

const std::set<std::string> kConceptTypes = {
    "Verb", "ActivityType", "AttachmentUsageType", "ContextExtension", "ResultExtension",
    "ActivityExtension", "StateResource", "AgentProfileResource", "ActivityProfileResource",
    "Activity"};

const char *const kContextTypeProps[] = {"contextParentActivityType", "contextGroupingActivityType",
                                         "contextCategoryActivityType", "contextOtherActivityType"};

std::string joined(const std::vector<std::string> &v) {
    std::string out;
    for (auto &s : v) out += (out.empty() ? "" : ", ") + s;
    return "[" + out + "]";
}

std::vector<std::string> statuses() {
    return std::vector<std::string>(std::begin(vocab::kStatuses), std::end(vocab::kStatuses));
}

struct Loaded {
    std::string text;
    rapidjson::Document doc;
    std::string error;  // "" when it parsed
};

// Read and parsed once for all cases.
const Loaded &loaded() {
    static const Loaded *once = [] {
        auto *l = new Loaded;
        const std::string path = std::string(CC_SOURCE_DIR) + kProfileFile;
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            l->error = "cannot open " + path;
            return l;
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        l->text = ss.str();
        l->doc.Parse(l->text.c_str(), l->text.size());
        if (l->doc.HasParseError())
            l->error = std::string(rapidjson::GetParseError_En(l->doc.GetParseError())) +
                       " at offset " + std::to_string(l->doc.GetErrorOffset());
        else if (!l->doc.IsObject())
            l->error = "the top level is not an object";
        return l;
    }();
    return *once;
}

// The profile, or a failed test when it does not parse.
const rapidjson::Value &profile() {
    const Loaded &l = loaded();
    BOOST_TEST_REQUIRE(l.error.empty(), kProfileFile << ": " << l.error);
    return l.doc;
}

const rapidjson::Value &array_member(const rapidjson::Value &obj, const char *name) {
    BOOST_TEST_REQUIRE(obj.HasMember(name), "missing " << name);
    BOOST_TEST_REQUIRE(obj[name].IsArray(), name << " is not an array");
    return obj[name];
}

std::string str(const rapidjson::Value &obj, const char *name) {
    if (!obj.IsObject() || !obj.HasMember(name) || !obj[name].IsString()) return {};
    return std::string(obj[name].GetString(), obj[name].GetStringLength());
}

// A language map: a non-empty object of non-empty strings, with English.
bool is_language_map(const rapidjson::Value &obj, const char *name) {
    if (!obj.HasMember(name) || !obj[name].IsObject() || obj[name].MemberCount() == 0) return false;
    for (auto &m : obj[name].GetObject())
        if (!m.value.IsString() || m.value.GetStringLength() == 0) return false;
    return obj[name].HasMember("en");
}

bool starts_with(const std::string &s, const std::string &prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// Concepts by id.
std::map<std::string, const rapidjson::Value *> concepts_by_id() {
    std::map<std::string, const rapidjson::Value *> out;
    for (auto &c : array_member(profile(), "concepts").GetArray()) {
        const std::string id = str(c, "id");
        if (!id.empty()) out[id] = &c;
    }
    return out;
}

const rapidjson::Value &templates() { return array_member(profile(), "templates"); }

// The activity types a template names (object and every context list).
std::set<std::string> activity_types_of(const rapidjson::Value &t) {
    std::set<std::string> out;
    if (!str(t, "objectActivityType").empty()) out.insert(str(t, "objectActivityType"));
    for (const char *prop : kContextTypeProps)
        if (t.HasMember(prop) && t[prop].IsArray())
            for (auto &v : t[prop].GetArray())
                if (v.IsString()) out.insert(v.GetString());
    return out;
}

// The rule locations a template has.
std::vector<std::string> locations_of(const rapidjson::Value &t) {
    std::vector<std::string> out;
    if (t.HasMember("rules") && t["rules"].IsArray())
        for (auto &r : t["rules"].GetArray()) out.push_back(str(r, "location"));
    return out;
}

std::string result_ext_location(const std::string &iri) { return "$.result.extensions['" + iri + "']"; }
std::string context_ext_location(const std::string &iri) { return "$.context.extensions['" + iri + "']"; }

// Whether some template uses the term where a term of that type goes.
bool referenced_by_template(const std::string &iri, const std::string &type) {
    for (auto &t : templates().GetArray()) {
        if (type == "Verb" && str(t, "verb") == iri) return true;
        if (type == "ActivityType" && activity_types_of(t).count(iri)) return true;
        for (auto &loc : locations_of(t)) {
            if (type == "ResultExtension" && loc == result_ext_location(iri)) return true;
            if (type == "ContextExtension" && loc == context_ext_location(iri)) return true;
        }
    }
    return false;
}

// A concept's inline JSON Schema, parsed.
bool inline_schema(const rapidjson::Value &term, rapidjson::Document &out) {
    const std::string text = str(term, "inlineSchema");
    if (text.empty()) return false;
    out.Parse(text.c_str(), text.size());
    return !out.HasParseError() && out.IsObject();
}

std::vector<std::string> strings_of(const rapidjson::Value &arr) {
    std::vector<std::string> out;
    if (arr.IsArray())
        for (auto &v : arr.GetArray()) out.push_back(v.IsString() ? v.GetString() : "<not a string>");
    return out;
}

// Validates a JSON text against the inline schema of the concept with this id.
bool schema_accepts(const std::string &concept_id, const char *json) {
    auto by_id = concepts_by_id();
    BOOST_TEST_REQUIRE(by_id.count(concept_id), "no concept " << concept_id);
    rapidjson::Document sd;
    BOOST_TEST_REQUIRE(inline_schema(*by_id[concept_id], sd), concept_id << ": no usable inlineSchema");
    rapidjson::SchemaDocument schema(sd);
    rapidjson::SchemaValidator validator(schema);
    rapidjson::Document value;
    value.Parse(json);
    BOOST_TEST_REQUIRE(!value.HasParseError(), "test value is not JSON: " << json);
    return value.Accept(validator);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(xapi_profile)

BOOST_AUTO_TEST_CASE(parses_as_json) {
    const Loaded &l = loaded();
    BOOST_TEST(l.error.empty(), kProfileFile << ": " << l.error);
    BOOST_TEST(!l.text.empty());
}

BOOST_AUTO_TEST_CASE(top_level_properties) {
    const rapidjson::Value &p = profile();
    BOOST_TEST(str(p, "@context") == kProfilesContext);
    BOOST_TEST(str(p, "id") == base());
    BOOST_TEST(str(p, "type") == "Profile");
    BOOST_TEST(str(p, "conformsTo") == kConformsTo);
    BOOST_TEST(is_language_map(p, "prefLabel"));
    BOOST_TEST(is_language_map(p, "definition"));

    BOOST_TEST_REQUIRE(p.HasMember("author"));
    const rapidjson::Value &author = p["author"];
    BOOST_TEST_REQUIRE(author.IsObject());
    const std::string author_type = str(author, "type");
    BOOST_TEST((author_type == "Organization" || author_type == "Person"), "author type " << author_type);
    BOOST_TEST(!str(author, "name").empty());

    const rapidjson::Value &versions = array_member(p, "versions");
    BOOST_TEST_REQUIRE(versions.Size() > 0u);
    bool current = false;
    for (auto &v : versions.GetArray()) {
        BOOST_TEST_REQUIRE(v.IsObject());
        const std::string id = str(v, "id");
        BOOST_TEST(!id.empty());
        BOOST_TEST(id != base(), "a version id must differ from the profile id");
        const std::string at = str(v, "generatedAtTime");
        BOOST_TEST(at.size() >= 20u, "generatedAtTime " << at);  // 2026-11-28T00:00:00Z
        BOOST_TEST(at.find('T') == 10u, "generatedAtTime " << at);
        if (id == version_iri()) current = true;
    }
    BOOST_TEST(current, "no version " << version_iri());
    // The newest version comes first.
    BOOST_TEST(str(versions[0], "id") == version_iri());

    BOOST_TEST(array_member(p, "concepts").Size() > 0u);
    BOOST_TEST(array_member(p, "templates").Size() > 0u);

    // No empty values anywhere at the top level (the spec forbids them).
    for (auto &m : p.GetObject()) {
        const std::string name = m.name.GetString();
        BOOST_TEST(!m.value.IsNull(), name);
        if (m.value.IsString()) BOOST_TEST(m.value.GetStringLength() > 0u, name);
        if (m.value.IsArray()) BOOST_TEST(m.value.Size() > 0u, name);
        if (m.value.IsObject()) BOOST_TEST(m.value.MemberCount() > 0u, name);
    }
}

BOOST_AUTO_TEST_CASE(every_concept_is_complete) {
    for (auto &c : array_member(profile(), "concepts").GetArray()) {
        BOOST_TEST_REQUIRE(c.IsObject());
        const std::string id = str(c, "id");
        BOOST_TEST_CONTEXT("concept " << (id.empty() ? "<no id>" : id)) {
            BOOST_TEST(!id.empty());
            BOOST_TEST(starts_with(id, base() + "/"), "id outside the profile base");
            BOOST_TEST(kConceptTypes.count(str(c, "type")) == 1u, "type " << str(c, "type"));
            BOOST_TEST(str(c, "inScheme") == version_iri());
            BOOST_TEST(is_language_map(c, "prefLabel"));
            BOOST_TEST(is_language_map(c, "definition"));

            const std::string type = str(c, "type");
            const bool extension = type.size() > 9 && type.compare(type.size() - 9, 9, "Extension") == 0;
            const bool document = type.size() > 8 && type.compare(type.size() - 8, 8, "Resource") == 0;
            if (extension || document) {
                BOOST_TEST(!(c.HasMember("schema") && c.HasMember("inlineSchema")),
                           "at most one of schema and inlineSchema");
                if (c.HasMember("inlineSchema")) {
                    rapidjson::Document sd;
                    BOOST_TEST(inline_schema(c, sd), "inlineSchema is not a JSON object in a string");
                }
            }
            if (document) BOOST_TEST(!str(c, "contentType").empty(), "document without contentType");
            if (c.HasMember("recommendedVerbs")) {
                BOOST_TEST((type == "ResultExtension" || type == "ContextExtension"));
                for (auto &v : strings_of(c["recommendedVerbs"]))
                    BOOST_TEST((concepts_by_id().count(v) == 1u || v == vocab::kVerbProgressed),
                               "recommended verb " << v);
            }
        }
    }
}

// Every term the code sends: ours defined as a concept of the right type; ADL's
// and cmi5's not redefined, but used by a template where that type goes.
BOOST_AUTO_TEST_CASE(vocabulary_matches_profile) {
    const auto by_id = concepts_by_id();
    for (const Term &term : kTerms) {
        const std::string iri = iri_of(term.value);
        BOOST_TEST_CONTEXT(term.name << " = " << iri) {
            if (is_suffix(term.value)) {
                auto it = by_id.find(iri);
                BOOST_TEST((it != by_id.end()), "not defined in the profile");
                if (it != by_id.end()) BOOST_TEST(str(*it->second, "type") == term.type);
            } else {
                BOOST_TEST(by_id.count(iri) == 0u, "someone else's term must not be redefined");
                BOOST_TEST(referenced_by_template(iri, term.type),
                           "no template uses it as a " << term.type);
            }
        }
    }
    // Our verbs each have their own template; our extensions are used by one.
    for (const Term &term : kTerms) {
        const std::string type = term.type;
        if (!is_suffix(term.value) || type == "ActivityProfileResource") continue;
        BOOST_TEST(referenced_by_template(iri_of(term.value), type), term.name << " unused by the templates");
    }
}

// The status set in vocabulary.hpp is exactly the one the profile defines.
BOOST_AUTO_TEST_CASE(status_set_matches) {
    const auto by_id = concepts_by_id();
    const std::vector<std::string> expected = statuses();
    for (const char *term : {vocab::kExtStatus, vocab::kExtPreviousStatus}) {
        const std::string iri = iri_of(term);
        BOOST_TEST_REQUIRE(by_id.count(iri) == 1u, iri);
        rapidjson::Document sd;
        BOOST_TEST_REQUIRE(inline_schema(*by_id.at(iri), sd), iri);
        BOOST_TEST_REQUIRE(sd.HasMember("enum"), iri);
        BOOST_TEST(joined(strings_of(sd["enum"])) == joined(expected), iri << " enum");
    }
    // The status concept's definition explains each status.
    const rapidjson::Value &status_concept = *by_id.at(iri_of(vocab::kExtStatus));
    BOOST_TEST_REQUIRE(is_language_map(status_concept, "definition"));
    const std::string definition = status_concept["definition"]["en"].GetString();
    for (auto &s : expected) BOOST_TEST(definition.find(s) != std::string::npos, "status " << s << " not described");

    // The document's cells use the same set.
    const std::string doc_iri = iri_of(vocab::kDocModuleStatus);
    BOOST_TEST_REQUIRE(by_id.count(doc_iri) == 1u);
    rapidjson::Document sd;
    BOOST_TEST_REQUIRE(inline_schema(*by_id.at(doc_iri), sd));
    const rapidjson::Value *v = &sd;
    for (const char *step : {"properties", "pieces", "additionalProperties", "properties", "roles",
                             "additionalProperties", "properties", "status", "enum"}) {
        BOOST_TEST_REQUIRE(v->IsObject());
        BOOST_TEST_REQUIRE(v->HasMember(step), "document schema: no " << step);
        v = &(*v)[step];
    }
    BOOST_TEST(joined(strings_of(*v)) == joined(expected), "document status enum");

    // Rules that constrain a status only name statuses from the set.
    const std::set<std::string> known(expected.begin(), expected.end());
    for (auto &t : templates().GetArray())
        for (auto &r : array_member(t, "rules").GetArray()) {
            const std::string loc = str(r, "location");
            if (loc != result_ext_location(iri_of(vocab::kExtStatus)) &&
                loc != result_ext_location(iri_of(vocab::kExtPreviousStatus)))
                continue;
            for (const char *key : {"any", "all", "none"})
                if (r.HasMember(key))
                    for (auto &s : strings_of(r[key]))
                        BOOST_TEST(known.count(s) == 1u, str(t, "id") << " " << loc << ": " << s);
        }
}

BOOST_AUTO_TEST_CASE(every_template_is_complete) {
    const auto by_id = concepts_by_id();
    for (auto &t : templates().GetArray()) {
        BOOST_TEST_REQUIRE(t.IsObject());
        const std::string id = str(t, "id");
        BOOST_TEST_CONTEXT("template " << (id.empty() ? "<no id>" : id)) {
            BOOST_TEST(starts_with(id, base() + "/"), "id outside the profile base");
            BOOST_TEST(str(t, "type") == "StatementTemplate");
            BOOST_TEST(str(t, "inScheme") == version_iri());
            BOOST_TEST(is_language_map(t, "prefLabel"));
            BOOST_TEST(is_language_map(t, "definition"));
            // Its activity types are ours or the ADL ones the vocabulary uses.
            for (auto &type : activity_types_of(t)) {
                auto it = by_id.find(type);
                const bool ours = it != by_id.end() && str(*it->second, "type") == "ActivityType";
                const bool adl = type == vocab::kTypeCourse || type == vocab::kTypeModule ||
                                 type == vocab::kTypeProfile;
                BOOST_TEST((ours || adl), "unknown activity type " << type);
            }
            for (const char *prop : kContextTypeProps)
                if (t.HasMember(prop)) BOOST_TEST((t[prop].IsArray() && t[prop].Size() > 0u), prop);
            // Every statement names the profile version in its category.
            BOOST_TEST(activity_types_of(t).count(vocab::kTypeProfile) == 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_template_verb_is_known) {
    const auto by_id = concepts_by_id();
    std::set<std::string> used;
    for (auto &t : templates().GetArray()) {
        const std::string verb = str(t, "verb");
        BOOST_TEST_CONTEXT("template " << str(t, "id")) {
            BOOST_TEST_REQUIRE(!verb.empty(), "no verb");
            auto it = by_id.find(verb);
            const bool ours = it != by_id.end() && str(*it->second, "type") == "Verb";
            BOOST_TEST((ours || verb == vocab::kVerbProgressed), "verb " << verb);
            BOOST_TEST(used.insert(verb).second, "two templates for verb " << verb);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_rule_location_is_jsonpath) {
    const auto by_id = concepts_by_id();
    const std::set<std::string> presences = {"included", "excluded", "recommended"};
    for (auto &t : templates().GetArray()) {
        BOOST_TEST_CONTEXT("template " << str(t, "id")) {
            const rapidjson::Value &rules = array_member(t, "rules");
            BOOST_TEST(rules.Size() > 0u);
            for (auto &r : rules.GetArray()) {
                BOOST_TEST_REQUIRE(r.IsObject());
                const std::string loc = str(r, "location");
                BOOST_TEST(starts_with(loc, "$."), "location " << loc);
                BOOST_TEST(loc.find("?(") == std::string::npos, "filter expressions are not allowed: " << loc);
                BOOST_TEST((r.HasMember("presence") || r.HasMember("any") || r.HasMember("all") ||
                            r.HasMember("none")),
                           loc << ": needs presence, any, all or none");
                if (r.HasMember("presence")) BOOST_TEST(presences.count(str(r, "presence")) == 1u, loc);
                for (const char *key : {"any", "all", "none"})
                    if (r.HasMember(key)) BOOST_TEST((r[key].IsArray() && r[key].Size() > 0u), loc << " " << key);
                // An extension named in a location is one of the right kind.
                for (const char *where : {"$.result.extensions['", "$.context.extensions['"}) {
                    if (!starts_with(loc, where)) continue;
                    const std::size_t from = std::string(where).size(), to = loc.find("']", from);
                    BOOST_TEST_REQUIRE(to != std::string::npos, loc);
                    const std::string ext = loc.substr(from, to - from);
                    const std::string want = where[2] == 'r' ? "ResultExtension" : "ContextExtension";
                    auto it = by_id.find(ext);
                    const bool ours = it != by_id.end() && str(*it->second, "type") == want;
                    BOOST_TEST((ours || (ext == vocab::kExtProgress && want == "ResultExtension")),
                               loc << ": not a " << want);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(ids_are_unique) {
    const rapidjson::Value &p = profile();
    std::map<std::string, int> seen;
    ++seen[str(p, "id")];
    for (auto &v : array_member(p, "versions").GetArray()) ++seen[str(v, "id")];
    for (auto &c : array_member(p, "concepts").GetArray()) ++seen[str(c, "id")];
    for (auto &t : templates().GetArray()) ++seen[str(t, "id")];
    if (p.HasMember("patterns"))
        for (auto &pt : array_member(p, "patterns").GetArray()) ++seen[str(pt, "id")];
    BOOST_TEST(seen.count("") == 0u, "something has no id");
    for (auto &[id, n] : seen) BOOST_TEST(n == 1, id << " used " << n << " times");
}

// The inline schemas say what coursecrew sends, and refuse what it never does.
BOOST_AUTO_TEST_CASE(inline_schemas_accept_what_coursecrew_sends) {
    const std::string status = iri_of(vocab::kExtStatus), previous = iri_of(vocab::kExtPreviousStatus);
    for (auto &s : statuses()) {
        const std::string json = "\"" + s + "\"";
        BOOST_TEST(schema_accepts(status, json.c_str()), s);
        BOOST_TEST(schema_accepts(previous, json.c_str()), s);
    }
    BOOST_TEST(!schema_accepts(status, "\"finished\""));
    BOOST_TEST(!schema_accepts(status, "3"));

    const std::string role = iri_of(vocab::kExtRole), note = iri_of(vocab::kExtNote);
    BOOST_TEST(schema_accepts(role, "\"reviewer\""));
    BOOST_TEST(!schema_accepts(role, "{\"name\": \"reviewer\"}"));
    BOOST_TEST(schema_accepts(note, "\"content changed after done\""));

    const std::string person = iri_of(vocab::kExtPerson);
    BOOST_TEST(schema_accepts(person, R"({"objectType": "Agent", "name": "Ana", "mbox": "mailto:ana@example.com"})"));
    BOOST_TEST(schema_accepts(person, R"({"account": {"homePage": "https://lms.example.org", "name": "ana"}})"));
    BOOST_TEST(!schema_accepts(person, R"({"name": "Ana"})"));
    BOOST_TEST(!schema_accepts(person, R"({"mbox": "ana@example.com"})"));
    BOOST_TEST(!schema_accepts(person, R"({"mbox": "mailto:ana@example.com", "account": {"homePage": "https://lms.example.org", "name": "ana"}})"));

    const std::string pairs = iri_of(vocab::kExtPairs);
    BOOST_TEST(schema_accepts(pairs, R"({"done": 9, "total": 12})"));
    BOOST_TEST(!schema_accepts(pairs, R"({"done": 9})"));
    BOOST_TEST(!schema_accepts(pairs, R"({"done": 1.5, "total": 2})"));

    const std::string package = iri_of(vocab::kExtPackage);
    BOOST_TEST(schema_accepts(package, R"({"identifier": "com.example.safety-basics", "format": "scorm2004",
        "digest": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "pieces": 4, "pairs": 12})"));
    BOOST_TEST(!schema_accepts(package, R"({"identifier": "x", "format": "scorm2004", "digest": "not-a-digest"})"));
    BOOST_TEST(!schema_accepts(package, R"({"identifier": "com.example.safety-basics", "format": "scorm2004"})"));

    const std::string doc = iri_of(vocab::kDocModuleStatus);
    BOOST_TEST(schema_accepts(doc, R"({
        "module": "MOD-INTRO", "course": "https://example.org/courses/safety", "title": "Introduction",
        "updated": "2026-11-28T10:15:00Z",
        "roles": {"reviewer": {"people": [{"objectType": "Agent", "mbox": "mailto:ana@example.com"}],
                               "at": "2026-11-20T08:00:00Z"}},
        "pieces": {"SCO-WELCOME": {"title": "Welcome: why safety matters", "roles": {
            "reviewer": {"status": "in_review", "by": "mailto:ana@example.com", "at": "2026-11-28T10:14:03Z",
                         "note": "ready", "people": [{"mbox": "mailto:ana@example.com"}]},
            "narrator": {"status": "not_started", "by": "coursecrew", "at": "2026-11-20T08:00:00Z"}}}}})"));
    BOOST_TEST(!schema_accepts(doc, R"({"module": "MOD-INTRO", "course": "https://example.org/courses/safety",
        "updated": "2026-11-28T10:15:00Z",
        "pieces": {"SCO-WELCOME": {"title": "Welcome", "roles": {
            "reviewer": {"status": "finished", "by": "coursecrew", "at": "2026-11-28T10:14:03Z"}}}}})"));
    BOOST_TEST(!schema_accepts(doc, R"({"module": "MOD-INTRO", "pieces": {}})"));
    BOOST_TEST(!schema_accepts(doc, R"({"module": "MOD-INTRO", "course": "https://example.org/courses/safety",
        "updated": "2026-11-28T10:15:00Z", "pieces": {}, "roles": {"reviewer": {"people": [{"name": "Ana"}], "at": "2026-11-20T08:00:00Z"}}})"));
}

BOOST_AUTO_TEST_SUITE_END()
