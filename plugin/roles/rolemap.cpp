// Loading a role map: JSON, then the JSON Schema (schemas/rolemap.schema.json,
// compiled in), then what the schema cannot say (unknown roles, people without
// roles or listed twice, dates that are not calendar dates). Every problem is
// reported with its JSON pointer; a map with any problem is not applied.
#include "plugin/roles/rolemap.hpp"

#include "plugin/model/json_in.hpp"

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

// Compiled in by plugin/CMakeLists.txt (cc_embed_text).
extern const char kDefaultRoleMapJson[];
extern const char kRoleMapSchemaJson[];

namespace coursecrew {

namespace {

using rapidjson::Value;

// ------------------------------------------------------------ small helpers

// One JSON pointer reference token ("a/b" -> "a~1b", RFC 6901).
std::string token(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

std::string child(const std::string &pointer, std::string_view name) {
    return pointer + "/" + token(name);
}

std::string child(const std::string &pointer, std::size_t index) {
    return pointer + "/" + std::to_string(index);
}

std::string str(const Value &v) { return std::string(v.GetString(), v.GetStringLength()); }

// A value as a message quotes it: strings in quotes, shortened.
// Characters (code points) of UTF-8 text, as JSON Schema counts them.
std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

std::string shown(const Value &v) {
    if (v.IsString()) {
        std::string s = str(v);
        if (s.size() > 60) s = s.substr(0, 57) + "...";
        return "'" + s + "'";
    }
    if (v.IsBool()) return v.GetBool() ? "true" : "false";
    if (v.IsNull()) return "null";
    if (v.IsNumber()) {
        rapidjson::StringBuffer sb;
        rapidjson::Writer<rapidjson::StringBuffer> w(sb);
        v.Accept(w);
        return sb.GetString();
    }
    return v.IsArray() ? "an array" : "an object";
}

const char *type_phrase(const Value &v) {
    if (v.IsString()) return "a string";
    if (v.IsBool()) return "true or false";
    if (v.IsNull()) return "null";
    if (v.IsNumber()) return v.IsInt64() || v.IsUint64() ? "an integer" : "a number";
    return v.IsArray() ? "an array" : "an object";
}

const char *type_phrase(std::string_view schema_type) {
    if (schema_type == "string") return "a string";
    if (schema_type == "boolean") return "true or false";
    if (schema_type == "null") return "null";
    if (schema_type == "integer") return "an integer";
    if (schema_type == "number") return "a number";
    if (schema_type == "array") return "an array";
    return "an object";
}

std::string join(const std::vector<std::string> &items, const char *sep = ", ") {
    std::string out;
    for (const auto &s : items) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

// Levenshtein distance, for "did you mean" hints on short names.
std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1] ? 1 : 0)});
            diag = up;
        }
    }
    return row[b.size()];
}

// " (did you mean 'x'?)" when one candidate is close, else "".
std::string suggestion(std::string_view name, const std::vector<std::string> &candidates) {
    const std::string *best = nullptr;
    std::size_t best_d = 3;  // at most two edits away
    for (const auto &c : candidates) {
        const std::size_t d = distance(name, c);
        if (d < best_d) {
            best_d = d;
            best = &c;
        }
    }
    return best ? " (did you mean '" + *best + "'?)" : std::string();
}

// A real calendar date written YYYY-MM-DD (the schema checked the shape).
bool calendar_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9') return false;
    auto num = [&](std::size_t pos, std::size_t len) {
        int v = 0;
        for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
        return v;
    };
    const int y = num(0, 4), m = num(5, 2), d = num(8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1) return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

// ------------------------------------------------------------ problems

// "/people/7/agent" -> "/people/*/agent": problems of one kind at the same
// place in different entries are counted together.
std::string generalised(std::string_view pointer) {
    std::string out;
    out.reserve(pointer.size());
    std::size_t i = 0;
    while (i < pointer.size()) {
        const std::size_t next = std::min(pointer.find('/', i + 1), pointer.size());
        const std::string_view tok = pointer.substr(i + 1, next - i - 1);
        const bool index = !tok.empty() && std::all_of(tok.begin(), tok.end(), [](char c) {
            return c >= '0' && c <= '9';
        });
        out += '/';
        out += index ? std::string_view("*") : tok;
        i = next;
    }
    return out;
}

// Collects a map's problems. Of each kind (code and place, with array
// indices ignored) the first `cap` are kept; the rest are only counted, and
// finish() adds one line per such kind with the exact number, so that a map
// of 100,000 broken entries gives a page of problems, not 25 MB.
class Problems {
public:
    Problems(const std::string &file, std::size_t cap, std::vector<MapError> &out)
        : file_(file), cap_(cap), out_(out) {}

    void add(const std::string &code, std::string pointer, std::string message) {
        Tally &t = tallies_[code + ' ' + generalised(pointer)];
        if (++t.total > cap_) {
            if (t.total == cap_ + 1) t.first_omitted = std::move(pointer);
            return;
        }
        if (t.total == 1) t.example = message;
        out_.push_back({file_, std::move(pointer), std::move(message), code});
    }

    // The "... and N more" lines, one per kind over the cap.
    void finish() {
        for (auto &[key, t] : tallies_) {
            if (t.total <= cap_) continue;
            const std::string code = key.substr(0, key.find(' '));
            const std::string where = key.substr(key.find(' ') + 1);
            std::string example = t.example;
            if (example.size() > 120) example = example.substr(0, 117) + "...";
            out_.push_back({file_, t.first_omitted,
                            "... and " + group_thousands(t.total - cap_) + " more like this at " + where +
                                " (" + code + "; the first at " + t.first_omitted +
                                "): " + example,
                            code, t.total - cap_});
        }
        tallies_.clear();
    }

    std::size_t total() const {
        std::size_t n = 0;
        for (const auto &kv : tallies_) n += kv.second.total;
        return n;
    }

private:
    // 99980 -> "99,980".

    struct Tally {
        std::size_t total = 0;
        std::string example;        // the first one's message
        std::string first_omitted;  // pointer of the first one not kept
    };
    const std::string &file_;
    std::size_t cap_;
    std::vector<MapError> &out_;
    std::map<std::string, Tally> tallies_;  // ordered: the summaries come out the same every time
};

// ------------------------------------------------------------ the schema

struct CompiledSchema {
    rapidjson::Document doc;
    std::unique_ptr<rapidjson::SchemaDocument> schema;
};

const CompiledSchema &role_map_schema() {
    static const CompiledSchema compiled = [] {
        CompiledSchema c;
        c.doc.Parse(kRoleMapSchemaJson);
        if (c.doc.HasParseError() || !c.doc.IsObject())
            throw std::logic_error("schemas/rolemap.schema.json (compiled in) is not valid JSON");
        c.schema = std::make_unique<rapidjson::SchemaDocument>(c.doc);
        return c;
    }();
    return compiled;
}

// Explains schema violations. RapidJSON's validator stops at the first
// violation; to report all of them, a failing document is walked node by
// node: each object or array is checked on its own ("shallow": its children's
// schemas replaced by {}), and each child is then checked against its own
// schema. Messages are built from the failing keyword and the schema's
// "description", which says what is expected.
class SchemaExplainer {
public:
    SchemaExplainer(const Value &root, Problems &problems) : root_(root), problems_(problems) {}

    void walk(const Value &node, const Value &instance, const std::string &pointer) {
        const Value &s = resolve(node);
        const Value *items = member(s, "items");
        const Value *props = member(s, "properties");
        const Value *extra = member(s, "additionalProperties");
        const bool container = (items && items->IsObject()) || (props && props->IsObject()) ||
                               (extra && extra->IsObject());
        if (!container) {
            Failure f;
            if (!validate(compiled(s, false), instance, f)) report(f, pointer);
            return;
        }

        // The node itself, repeatedly, so that every unknown or missing
        // property is reported (each one is fixed in a scratch copy).
        const Compiled &shallow = compiled(s, true);
        Failure first;
        // Copied only when something is wrong with the node itself; usually
        // only its children are.
        if (!validate(shallow, instance, first, &s)) {
            rapidjson::Document scratch;
            scratch.CopyFrom(instance, scratch.GetAllocator());
            for (int round = 0; round < 64; ++round) {
                Failure f;
                if (validate(shallow, scratch, f, &s)) break;
                report(f, pointer);
                if (f.keyword == "type") return;  // children cannot be checked on the wrong kind of value
                if (f.keyword == "additionalProperties" && scratch.IsObject()) {
                    rapidjson::Pointer(f.where.c_str()).Erase(scratch);
                    continue;
                }
                if (f.keyword == "required" && scratch.IsObject() && !f.missing.empty()) {
                    for (const auto &name : f.missing)
                        scratch.AddMember(Value(name.c_str(), scratch.GetAllocator()), Value(),
                                          scratch.GetAllocator());
                    continue;
                }
                break;
            }
        }

        if (instance.IsObject()) {
            for (const auto &m : instance.GetObject()) {
                const Value *sub = props && props->IsObject() ? member(*props, str(m.name)) : nullptr;
                if (!sub && extra && extra->IsObject()) sub = extra;
                if (sub) walk(*sub, m.value, child(pointer, str(m.name)));
            }
        } else if (instance.IsArray() && items && items->IsObject()) {
            for (rapidjson::SizeType i = 0; i < instance.Size(); ++i)
                walk(*items, instance[i], child(pointer, i));
        }
    }

private:
    // A schema node ready to validate with: a copy with the root's
    // definitions, compiled once per node (a map of 100,000 people has
    // thousands of nodes of the same few schemas).
    struct Compiled {
        rapidjson::Document sd;
        std::unique_ptr<rapidjson::SchemaDocument> schema;
    };

    // `shallow`: the children's schemas replaced by {}, to check the node alone.
    const Compiled &compiled(const Value &node, bool shallow) {
        auto &slot = (shallow ? shallow_ : whole_)[&node];
        if (slot) return *slot;
        slot = std::make_unique<Compiled>();
        rapidjson::Document &sd = slot->sd;
        sd.CopyFrom(node, sd.GetAllocator());
        if (shallow) {
            if (sd.HasMember("items") && sd["items"].IsObject()) sd["items"].SetObject();
            if (sd.HasMember("additionalProperties") && sd["additionalProperties"].IsObject())
                sd["additionalProperties"].SetObject();
            if (sd.HasMember("properties"))
                for (auto &m : sd["properties"].GetObject()) m.value.SetObject();
        }
        if (!sd.HasMember("definitions") && root_.HasMember("definitions"))
            sd.AddMember("definitions", Value(root_["definitions"], sd.GetAllocator()),
                         sd.GetAllocator());
        slot->schema = std::make_unique<rapidjson::SchemaDocument>(sd);
        return *slot;
    }

    struct Failure {
        std::string keyword, where, message;
        std::string last;                  // the last reference token of `where`, unescaped
        std::vector<std::string> missing;  // for "required"
    };

    static const Value *member(const Value &obj, std::string_view name) {
        if (!obj.IsObject()) return nullptr;
        auto it = obj.FindMember(Value(rapidjson::StringRef(name.data(), name.size())));
        return it == obj.MemberEnd() ? nullptr : &it->value;
    }

    // Follows local "$ref"s ("#/definitions/x").
    const Value &resolve(const Value &node) const {
        const Value *n = &node;
        for (int hops = 0; hops < 16; ++hops) {
            const Value *ref = member(*n, "$ref");
            if (!ref || !ref->IsString() || ref->GetString()[0] != '#') break;
            const Value *target = rapidjson::Pointer(ref->GetString() + 1).Get(root_);
            if (!target) break;
            n = target;
        }
        return *n;
    }

    std::string description(const Value &node) const {
        const Value *d = member(resolve(node), "description");
        return d && d->IsString() ? str(*d) : std::string();
    }

    // Validates `instance` against `node`, with the root's definitions in
    // scope. On failure, `f` says where (relative to `instance`) and why.
    // `original` is the node before its children were stubbed out, for the
    // descriptions of missing properties.
    bool validate(const Compiled &c, const Value &instance, Failure &f,
                  const Value *original = nullptr) const {
        const rapidjson::Document &sd = c.sd;
        rapidjson::SchemaValidator v(*c.schema);
        if (instance.Accept(v)) return true;

        const rapidjson::Pointer at_pointer = v.GetInvalidDocumentPointer();
        rapidjson::StringBuffer where;
        at_pointer.Stringify(where);
        f.keyword = v.GetInvalidSchemaKeyword();
        f.where = where.GetString();
        if (const std::size_t n = at_pointer.GetTokenCount())
            f.last.assign(at_pointer.GetTokens()[n - 1].name, at_pointer.GetTokens()[n - 1].length);
        const Value *at = at_pointer.Get(instance);
        const Value *failed = v.GetInvalidSchemaPointer().Get(sd);
        f.message = explain(f, failed ? *failed : sd, at ? *at : instance,
                            f.where.empty() && original ? *original : sd);
        return false;
    }

    std::string explain(Failure &f, const Value &schema_node, const Value &value,
                        const Value &original) const {
        const Value &s = resolve(schema_node);
        const std::string what = description(s);
        const std::string expected = what.empty() ? std::string() : "; expected " + what;
        const std::string &k = f.keyword;
        if (k == "type") {
            std::string want;
            if (const Value *t = member(s, "type")) {
                if (t->IsString()) want = type_phrase(str(*t));
                else if (t->IsArray())
                    for (const auto &e : t->GetArray())
                        want += (want.empty() ? "" : " or ") + std::string(type_phrase(str(e)));
            }
            return "expected " + want + (what.empty() ? "" : " (" + what + ")") + ", found " +
                   type_phrase(value);
        }
        if (k == "additionalProperties") {
            // `where` names the unknown property; the schema is its object's.
            const std::string &name = f.last;
            std::vector<std::string> allowed;
            if (const Value *props = member(s, "properties"))
                for (const auto &m : props->GetObject()) allowed.push_back(str(m.name));
            return "unknown property '" + name + "'" + suggestion(name, allowed) +
                   "; allowed here: " + join(allowed);
        }
        if (k == "required") {
            const Value *req = member(s, "required");
            std::vector<std::string> parts;
            if (req && req->IsArray() && value.IsObject())
                for (const auto &r : req->GetArray()) {
                    if (value.HasMember(r)) continue;
                    f.missing.push_back(str(r));
                    const Value *props = member(resolve(original), "properties");
                    const Value *p = props ? member(*props, str(r)) : nullptr;
                    const std::string d = p ? description(*p) : std::string();
                    parts.push_back("'" + str(r) + "'" + (d.empty() ? "" : " (" + d + ")"));
                }
            return "missing " + std::string(parts.size() == 1 ? "property " : "properties ") +
                   join(parts);
        }
        if (k == "pattern") {
            const Value *p = member(s, "pattern");
            return shown(value) + " does not match " + (p ? str(*p) : std::string("the pattern")) +
                   expected;
        }
        if (k == "enum") {
            std::vector<std::string> options;
            if (const Value *e = member(s, "enum"))
                for (const auto &o : e->GetArray()) options.push_back(shown(o));
            return shown(value) + " is not one of the allowed values: " + join(options);
        }
        if (k == "minLength" || k == "minItems") {
            const Value *min = member(s, k);
            const std::uint64_t n = min && min->IsUint64() ? min->GetUint64() : 1;
            if (n <= 1) return "must not be empty" + expected;
            return "needs at least " + std::to_string(n) +
                   (k == "minLength" ? " characters" : " items") + expected;
        }
        if (k == "maxLength") {
            // Globs: a longer one is no use (no path is longer) and only costs time.
            // Only the start is shown: the whole may be megabytes.
            const Value *max = member(s, k);
            const std::size_t length = value.IsString() ? utf8_length(str(value)) : 0;
            return shown(value) + " is too long (" + group_thousands(length) +
                   " characters; the limit is " +
                   std::to_string(max && max->IsUint64() ? max->GetUint64() : 0) + ")" + expected;
        }
        if (k == "oneOf" || k == "anyOf")
            return what.empty() ? "matches none of the allowed forms" : "expected " + what;
        return "violates the schema's '" + k + "'" + expected;
    }

    void report(const Failure &f, const std::string &pointer) {
        problems_.add("rolemap.schema." + f.keyword, pointer + f.where, f.message);
    }

    const Value &root_;
    Problems &problems_;
    std::map<const Value *, std::unique_ptr<Compiled>> whole_, shallow_;
};

// ------------------------------------------------------------ meaning

// Reads a schema-valid document into a RoleMap, checking what the schema
// cannot: role ids known, people with roles and listed once, real dates.
class MapReader {
public:
    MapReader(const std::string &file, const std::vector<Role> &builtin, Problems &problems)
        : file_(file), problems_(problems) {
        for (const auto &r : builtin)
            if (known_set_.insert(r.id).second) known_.push_back(r.id);
    }

    void read(const Value &doc, RoleMap &m) {
        m.file = file_;
        if (doc.HasMember("defaults")) m.include_defaults = doc["defaults"].GetBool();
        if (doc.HasMember("roles")) read_roles(doc["roles"], m);
        if (doc.HasMember("rules")) {
            const Value &rules = doc["rules"];
            for (rapidjson::SizeType i = 0; i < rules.Size(); ++i)
                m.rules.push_back(read_rule(rules[i], child("/rules", i)));
        }
        if (doc.HasMember("people")) read_people(doc["people"], m);
        if (doc.HasMember("schedule")) read_schedule(doc["schedule"], m);
        if (doc.HasMember("calendar")) read_calendar(doc["calendar"], m.calendar);
        if (doc.HasMember("people")) read_away(doc["people"], m);
    }

private:
    void error(const char *code, std::string pointer, std::string message) {
        problems_.add(code, std::move(pointer), std::move(message));
    }

    void read_roles(const Value &roles, RoleMap &m) {
        std::unordered_map<std::string, rapidjson::SizeType> own;  // id -> first index
        for (rapidjson::SizeType i = 0; i < roles.Size(); ++i) {
            const std::string at = child("/roles", i);
            Role r{str(roles[i]["id"]), str(roles[i]["title"])};
            if (const auto [first, added] = own.try_emplace(r.id, i); !added) {
                error("rolemap.duplicate_role", at + "/id",
                      "role '" + r.id + "' is defined twice (also at /roles/" +
                          std::to_string(first->second) + "); keep one definition");
            }
            // A built-in id may be listed to give it another title.
            if (known_set_.insert(r.id).second) known_.push_back(r.id);
            m.roles.push_back(std::move(r));
        }
    }

    // Checks each id of a role list; returns them.
    std::vector<std::string> read_role_list(const Value &list, const std::string &at) {
        std::vector<std::string> out;
        for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
            std::string id = str(list[i]);
            check_role(id, child(at, i));
            out.push_back(std::move(id));
        }
        return out;
    }

    void check_role(const std::string &id, const std::string &at) {
        if (known_set_.count(id)) return;
        error("rolemap.unknown_role", at, "unknown role '" + id + "'" + suggestion(id, known_) + "; known roles: " +
                      join(known_) + ". Define new roles under \"roles\"");
    }

    static std::vector<std::string> strings(const Value &obj, const char *name) {
        std::vector<std::string> out;
        if (!obj.HasMember(name)) return out;
        for (const auto &v : obj[name].GetArray()) out.push_back(str(v));
        return out;
    }

    Rule read_rule(const Value &v, const std::string &at) {
        Rule r;
        r.pointer = at;
        if (v.HasMember("name")) r.name = str(v["name"]);
        const Value &m = v["match"];
        r.match.paths = strings(m, "paths");
        r.match.resource_types = strings(m, "resource_types");
        r.match.types = strings(m, "types");
        r.match.ids = strings(m, "ids");
        r.match.titles = strings(m, "titles");
        r.match.keywords = strings(m, "keywords");
        const std::vector<std::string> kinds = strings(m, "kinds");
        for (std::size_t i = 0; i < kinds.size(); ++i) {
            FileKind k;
            if (parse_file_kind(kinds[i], k)) r.match.kinds.push_back(k);
            else  // the schema's enum catches this first; kept for safety
                error("rolemap.unknown_kind", child(at + "/match/kinds", i), "unknown file kind '" + kinds[i] + "'");
        }
        static const std::vector<std::string> kFacts = {"sequencing", "objectives", "interactions",
                                                        "mastery_score", "question", "media", "text"};
        r.match.facts = strings(m, "facts");
        for (std::size_t i = 0; i < r.match.facts.size(); ++i)
            if (std::find(kFacts.begin(), kFacts.end(), r.match.facts[i]) == kFacts.end())
                error("rolemap.unknown_fact", child(at + "/match/facts", i),
                      "unknown fact '" + r.match.facts[i] + "'" +
                          suggestion(r.match.facts[i], kFacts) + "; known facts: " + join(kFacts));
        if (v.HasMember("roles")) r.roles = read_role_list(v["roles"], at + "/roles");
        if (v.HasMember("exclude")) r.exclude = read_role_list(v["exclude"], at + "/exclude");
        if (r.roles.empty() && r.exclude.empty())
            error("rolemap.empty_rule", at, "the rule" + (r.name.empty() ? std::string() : " '" + r.name + "'") +
                          " adds no role and excludes none; give \"roles\", \"exclude\" or both");
        return r;
    }

    void read_people(const Value &people, RoleMap &m) {
        std::unordered_map<std::string, rapidjson::SizeType> keys;  // agent key -> first index
        for (rapidjson::SizeType i = 0; i < people.Size(); ++i) {
            const Value &v = people[i];
            const std::string at = child("/people", i);
            Person p;
            p.pointer = at;
            p.name = str(v["name"]);
            const Value &agent = v["agent"];
            if (agent.HasMember("mbox")) p.agent.mbox = str(agent["mbox"]);
            if (agent.HasMember("account")) {
                p.agent.account_home_page = str(agent["account"]["homePage"]);
                p.agent.account_name = str(agent["account"]["name"]);
            }
            const std::string key = p.agent.key();
            if (const auto [first, added] = keys.try_emplace(key, i); !added)
                error("rolemap.duplicate_person", at + "/agent",
                      "'" + p.name + "' (" + key + ") is listed twice (also at /people/" +
                          std::to_string(first->second) + "); merge the two entries into one");
            if (v.HasMember("roles")) p.roles = read_role_list(v["roles"], at + "/roles");
            if (p.roles.empty())
                error("rolemap.person_without_role", v.HasMember("roles") ? at + "/roles" : at,
                      "'" + p.name + "' holds no role; give at least one of: " + join(known_));
            p.scope = strings(v, "scope");
            m.people.push_back(std::move(p));
        }
    }

    void check_date(const std::string &date, const std::string &at) {
        if (!calendar_date(date))
            error("rolemap.bad_date", at, "'" + date + "' is not a calendar date; write a real day as YYYY-MM-DD");
    }

    void read_schedule(const Value &schedule, RoleMap &m) {
        std::unordered_map<std::string, rapidjson::SizeType> modules;  // module -> first index
        for (rapidjson::SizeType i = 0; i < schedule.Size(); ++i) {
            const Value &v = schedule[i];
            const std::string at = child("/schedule", i);
            Due d;
            d.pointer = at;
            d.module = str(v["module"]);
            if (const auto [first, added] = modules.try_emplace(d.module, i); !added)
                error("rolemap.duplicate_module", at + "/module",
                      "module '" + d.module + "' is scheduled twice (also at /schedule/" +
                          std::to_string(first->second) + "); keep one entry per module");
            if (v.HasMember("due")) {
                d.date = str(v["due"]);
                check_date(d.date, at + "/due");
            }
            if (v.HasMember("roles"))
                for (const auto &r : v["roles"].GetObject()) {
                    const std::string role = str(r.name), date = str(r.value);
                    const std::string rat = child(at + "/roles", role);
                    check_role(role, rat);
                    check_date(date, rat);
                    d.roles[role] = date;
                }
            m.schedule.push_back(std::move(d));
        }
    }

    // A real date as a Day; reports a bad one at `at`.
    bool day_at(const Value &v, const std::string &at, Day &out) {
        const std::string text = str(v);
        check_date(text, at);
        return calendar_date(text) && parse_day(text, out);
    }

    void read_calendar(const Value &c, WorkCalendar &cal) {
        if (c.HasMember("working_days")) {
            static const char *const kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
            std::uint8_t bits = 0;
            for (const auto &d : c["working_days"].GetArray())
                for (unsigned i = 0; i < 7; ++i)
                    if (str(d) == kDays[i]) bits = static_cast<std::uint8_t>(bits | (1u << i));
            if (bits == 0)  // the schema's minItems catches an empty list first
                error("rolemap.no_working_day", "/calendar/working_days",
                      "the calendar has no working day; list at least one of mon, tue, wed, thu, fri, sat, sun");
            cal.weekdays = bits;
        }
        if (c.HasMember("holidays")) {
            const Value &h = c["holidays"];
            for (rapidjson::SizeType i = 0; i < h.Size(); ++i) {
                Day d;
                if (day_at(h[i], child("/calendar/holidays", i), d)) cal.holidays.push_back(d);
            }
            std::sort(cal.holidays.begin(), cal.holidays.end());
            cal.holidays.erase(std::unique(cal.holidays.begin(), cal.holidays.end()), cal.holidays.end());
        }
    }

    // Each person's days away, into the calendar (sorted by person, then from).
    void read_away(const Value &people, RoleMap &m) {
        for (rapidjson::SizeType i = 0; i < people.Size() && i < m.people.size(); ++i) {
            const Value &v = people[i];
            if (!v.HasMember("away")) continue;
            const std::string key = m.people[i].agent.key();
            const Value &away = v["away"];
            for (rapidjson::SizeType j = 0; j < away.Size(); ++j) {
                const std::string at = child(child("/people", i) + "/away", j);
                const Value &a = away[j];
                WorkCalendar::Away entry{key, 0, 0};
                if (a.IsString()) {
                    if (!day_at(a, at, entry.from)) continue;
                    entry.to = entry.from;
                } else {
                    const bool from_ok = day_at(a["from"], at + "/from", entry.from);
                    const bool to_ok = day_at(a["to"], at + "/to", entry.to);
                    if (!from_ok || !to_ok) continue;
                    if (entry.to < entry.from) {
                        error("rolemap.bad_range", at,
                              "the range ends (" + str(a["to"]) + ") before it starts (" + str(a["from"]) +
                                  "); write \"from\" as the first day away and \"to\" as the last");
                        continue;
                    }
                }
                m.calendar.away.push_back(std::move(entry));
            }
        }
        std::sort(m.calendar.away.begin(), m.calendar.away.end(),
                  [](const WorkCalendar::Away &a, const WorkCalendar::Away &b) {
                      return a.person != b.person ? a.person < b.person : a.from < b.from;
                  });
    }

    const std::string &file_;
    Problems &problems_;
    std::vector<std::string> known_;  // built-in roles, then the map's own
    std::unordered_set<std::string> known_set_;  // the same, to look up (a map may define many)
};

bool load(std::string_view json_text, const std::string &file, const std::vector<Role> &builtin,
          std::size_t max_per_kind, RoleMap &out, std::vector<MapError> &errors) {
    rapidjson::Document doc;
    if (JsonError e; !parse_json(json_text, kLocalJsonLimits, doc, e)) {
        // The depth limit also keeps the schema validator and the explainer
        // below (both recursive) on a short stack.
        static const char *const kCodes[] = {"rolemap.json", "rolemap.too_large", "rolemap.too_deep",
                                             "rolemap.json"};
        const bool syntax = e.kind == JsonError::Kind::Syntax;
        errors.push_back({file, e.pointer,
                          e.message + (syntax ? "; fix the syntax (a missing or extra comma or quote is usual)"
                                              : "; a role map needs far less"),
                          kCodes[static_cast<int>(e.kind)]});
        return false;
    }

    Problems problems(file, max_per_kind, errors);
    const CompiledSchema &schema = role_map_schema();
    rapidjson::SchemaValidator validator(*schema.schema);
    if (!doc.Accept(validator)) {
        SchemaExplainer(schema.doc, problems).walk(schema.doc, doc, "");
        if (problems.total() == 0)  // cannot happen; never report success on a failure
            problems.add("rolemap.schema", "", "does not follow schemas/rolemap.schema.json");
        problems.finish();
        return false;
    }

    RoleMap m;
    MapReader(file, builtin, problems).read(doc, m);
    if (problems.total() != 0) {
        problems.finish();
        return false;
    }
    out = std::move(m);
    return true;
}

}  // namespace

std::string Agent::key() const {
    if (!mbox.empty()) return mbox;
    return "account:" + account_home_page + "|" + account_name;
}

const Role *RoleMap::find_role(std::string_view id) const {
    for (const auto &r : roles)
        if (r.id == id) return &r;
    return nullptr;
}

bool load_role_map(std::string_view json_text, const std::string &file, RoleMap &out,
                   std::vector<MapError> &errors, std::size_t max_per_kind) {
    return load(json_text, file, default_role_map().roles, max_per_kind, out, errors);
}

bool load_role_map_file(const std::string &path, RoleMap &out, std::vector<MapError> &errors,
                        std::size_t max_per_kind) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        errors.push_back({path, "", std::string("cannot read the role map: ") + std::strerror(errno),
                          "rolemap.read"});
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return load_role_map(text.str(), path, out, errors, max_per_kind);
}

std::size_t count_map_problems(const std::vector<MapError> &errors) {
    std::size_t n = 0;
    for (const MapError &e : errors) n += e.count;
    return n;
}

void cap_map_errors(std::vector<MapError> &errors, std::size_t from, std::size_t max_per_kind) {
    if (from >= errors.size()) return;
    std::vector<MapError> added(std::make_move_iterator(errors.begin() + static_cast<std::ptrdiff_t>(from)),
                                std::make_move_iterator(errors.end()));
    errors.resize(from);
    const std::string file = added.front().file;
    Problems problems(file, max_per_kind, errors);
    for (MapError &e : added) problems.add(e.code, std::move(e.pointer), std::move(e.message));
    problems.finish();
}

const RoleMap &default_role_map() {
    // Parsed once; C++11 guarantees this initialisation is thread-safe. The
    // defaults define the built-in roles themselves, so none are given here.
    static const RoleMap defaults = [] {
        RoleMap m;
        std::vector<MapError> errors;
        if (!load(kDefaultRoleMapJson, "", {}, kMapErrorsPerKind, m, errors)) {
            std::string what = "roles/defaults.json (compiled in) is broken:";
            for (const auto &e : errors) what += " " + e.pointer + ": " + e.message + ";";
            throw std::logic_error(what);
        }
        return m;
    }();
    return defaults;
}

RoleMap effective_role_map(const RoleMap *team_map, bool use_defaults) {
    const RoleMap &defaults = default_role_map();
    if (!team_map) {
        if (use_defaults) return defaults;
        RoleMap none;  // no rules: every piece without roles, but the roles known
        none.roles = defaults.roles;
        return none;
    }
    RoleMap m = *team_map;
    // The built-in roles are always known, first, under the team's title when
    // it gives one; then the team's own roles in its order.
    std::vector<Role> roles;
    for (const Role &r : defaults.roles) {
        const Role *own = team_map->find_role(r.id);
        roles.push_back(own ? *own : r);
    }
    for (const Role &r : team_map->roles)
        if (!defaults.find_role(r.id)) roles.push_back(r);
    m.roles = std::move(roles);
    if (team_map->include_defaults) {
        std::vector<Rule> rules = defaults.rules;
        rules.insert(rules.end(), team_map->rules.begin(), team_map->rules.end());
        m.rules = std::move(rules);
    }
    return m;
}

}  // namespace coursecrew
