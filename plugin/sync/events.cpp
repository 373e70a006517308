// Statements and status documents. See events.hpp.
#include "plugin/sync/events.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <climits>
#include <ctime>
#include <map>
#include <string_view>
#include <unordered_set>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "plugin/model/json_in.hpp"
#include "plugin/roles/rolemap.hpp"
#include "plugin/store/cell_order.hpp"
#include "plugin/sync/vocabulary.hpp"

namespace coursecrew {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// coursecrew's UUID namespace: a fixed random UUID chosen once (never
// change it: every statement id ever sent derives from it).
constexpr unsigned char kNamespace[16] = {0x2b, 0x6e, 0x3a, 0x07, 0x9d, 0x1c, 0x5f, 0x43,
                                          0x8e, 0x52, 0x61, 0xa4, 0x0c, 0x9b, 0x7d, 0x35};

void key(Writer &w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
void text(Writer &w, std::string_view v) { w.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); }
void member(Writer &w, std::string_view k, std::string_view v) { key(w, k); text(w, v); }
void raw(Writer &w, std::string_view json) {
    w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

// {"en": "text"}
void language_map(Writer &w, const EventContext &c, std::string_view value) {
    w.StartObject();
    member(w, c.language, value);
    w.EndObject();
}

void activity(Writer &w, const EventContext &c, const std::string &id, const std::string &type,
              std::string_view name) {
    w.StartObject();
    member(w, "objectType", "Activity");
    member(w, "id", id);
    key(w, "definition");
    w.StartObject();
    member(w, "type", type);
    if (!name.empty()) {
        key(w, "name");
        language_map(w, c, name);
    }
    w.EndObject();
    w.EndObject();
}

void verb(Writer &w, const EventContext &c, const std::string &id, std::string_view display) {
    w.StartObject();
    member(w, "id", id);
    key(w, "display");
    language_map(w, c, display);
    w.EndObject();
}

// "context": the module as parent (when there is one), the course as
// grouping, our profile as category.
void context(Writer &w, const EventContext &c, std::string_view module, std::string_view module_title,
             const std::string &extensions_json = "") {
    key(w, "context");
    w.StartObject();
    key(w, "contextActivities");
    w.StartObject();
    if (!module.empty()) {
        key(w, "parent");
        w.StartArray();
        activity(w, c, module_iri(c, module), vocab::kTypeModule, module_title);
        w.EndArray();
    }
    key(w, "grouping");
    w.StartArray();
    activity(w, c, c.course_iri, vocab::kTypeCourse, "");
    w.EndArray();
    key(w, "category");
    w.StartArray();
    w.StartObject();
    member(w, "objectType", "Activity");
    member(w, "id", c.profile_base + vocab::kProfileVersionSuffix);
    key(w, "definition");
    w.StartObject();
    member(w, "type", vocab::kTypeProfile);
    w.EndObject();
    w.EndObject();
    w.EndArray();
    w.EndObject();
    if (!extensions_json.empty()) {
        key(w, "extensions");
        raw(w, extensions_json);
    }
    w.EndObject();
}

// The common head of every statement: id, timestamp, actor, verb.
void head(Writer &w, const EventContext &c, const std::string &id, std::int64_t at,
          const std::string &actor, const std::string &verb_id, std::string_view verb_name) {
    member(w, "id", id);
    member(w, "timestamp", iso_time(at));
    key(w, "actor");
    raw(w, actor);
    key(w, "verb");
    verb(w, c, verb_id, verb_name);
}

Event finish(std::string kind, std::string uuid, std::int64_t at, rapidjson::StringBuffer &buf) {
    return Event{std::move(uuid), std::move(kind), at, std::string(buf.GetString(), buf.GetSize())};
}

}  // namespace

std::string agent_json(const Agent &a, const std::string &name) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    member(w, "objectType", "Agent");
    if (!name.empty()) member(w, "name", name);
    if (!a.mbox.empty()) {
        member(w, "mbox", a.mbox);
    } else {
        key(w, "account");
        w.StartObject();
        member(w, "homePage", a.account_home_page);
        member(w, "name", a.account_name);
        w.EndObject();
    }
    w.EndObject();
    return buf.GetString();
}

std::string name_uuid(std::string_view name) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
    EVP_DigestUpdate(ctx, kNamespace, sizeof kNamespace);
    EVP_DigestUpdate(ctx, name.data(), name.size());
    EVP_DigestFinal_ex(ctx, digest, &len);
    EVP_MD_CTX_free(ctx);
    digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x50);  // version 5
    digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);  // RFC 4122 variant
    char out[37];
    std::snprintf(out, sizeof out,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6],
                  digest[7], digest[8], digest[9], digest[10], digest[11], digest[12], digest[13],
                  digest[14], digest[15]);
    return out;
}

std::string iso_time(std::int64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return out;
}

bool parse_iso_time(std::string_view text, std::int64_t &unix_seconds) {
    // Exactly what iso_time writes: "YYYY-MM-DDTHH:MM:SSZ".
    if (text.size() != 20) return false;
    const std::string s(text);
    std::tm tm{};
    const char *end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end != '\0') return false;
    unix_seconds = static_cast<std::int64_t>(timegm(&tm));
    return true;
}

std::string iri_segment(std::string_view text) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char ch : text) {
        const bool unreserved = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                                (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
                                ch == '~';
        if (unreserved) {
            out += static_cast<char>(ch);
        } else {
            out += '%';
            out += hex[ch >> 4];
            out += hex[ch & 15];
        }
    }
    return out;
}

std::string module_iri(const EventContext &c, std::string_view module) {
    return c.course_iri + "/modules/" + iri_segment(module);
}
std::string piece_iri(const EventContext &c, std::string_view piece) {
    return c.course_iri + "/pieces/" + iri_segment(piece);
}
std::string role_iri(const EventContext &c, std::string_view module, std::string_view role) {
    return module_iri(c, module) + "/roles/" + iri_segment(role);
}
std::string profile_term(const EventContext &c, const char *suffix) {
    std::string_view s(suffix);
    if (s.rfind("http", 0) == 0) return std::string(s);  // an ADL or cmi5 IRI
    return c.profile_base + std::string(s);
}

std::string actor_json(const EventContext &c, std::string_view by) {
    if (by.empty() || by == "coursecrew") return c.agent_json;
    if (c.map) {
        for (const Person &p : c.map->people) {
            const Agent &a = p.agent;
            const bool match = (!a.mbox.empty() && (a.mbox == by || a.mbox.substr(7) == by)) ||
                               (!a.account_name.empty() && a.account_name == by) || p.name == by;
            if (match) return agent_json(a, p.name);
        }
    }
    Agent a;
    if (by.rfind("mailto:", 0) == 0) {
        a.mbox = std::string(by);
    } else if (by.find('@') != std::string_view::npos && by.find(' ') == std::string_view::npos) {
        a.mbox = "mailto:" + std::string(by);
    } else {
        a.account_home_page = c.course_iri;
        a.account_name = std::string(by);
    }
    return agent_json(a, "");
}

namespace {

// A statement's id: the name-based UUID of the event's identity and the seat
// that made it.
std::string event_id(const EventContext &c, const std::string &identity) {
    return name_uuid(c.seat.empty() ? identity : identity + "\n" + c.seat);
}

}  // namespace

Event published_event(const EventContext &c, const PackageFacts &p, std::int64_t at, std::int64_t sequence) {
    const std::string id =
        event_id(c, "published\n" + c.course_iri + "\n" + p.digest + "\n" + std::to_string(sequence));
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    head(w, c, id, at, c.agent_json, profile_term(c, vocab::kVerbPublished), "published");
    key(w, "object");
    activity(w, c, c.course_iri, vocab::kTypeCourse, p.title);
    rapidjson::StringBuffer ext;
    {
        Writer e(ext);
        e.StartObject();
        key(e, profile_term(c, vocab::kExtPackage));
        e.StartObject();
        member(e, "identifier", p.identifier);
        member(e, "format", p.format);
        member(e, "digest", p.digest);
        key(e, "pieces");
        e.Uint64(p.pieces);
        key(e, "pairs");
        e.Uint64(p.pairs);
        e.EndObject();
        e.EndObject();
    }
    context(w, c, "", "", ext.GetString());
    w.EndObject();
    return finish("published", id, at, buf);
}

Event assignment_event(const EventContext &c, bool assigned, std::string_view module,
                       std::string_view module_title, std::string_view role,
                       std::string_view person_agent_json, std::int64_t at, std::int64_t sequence) {
    const std::string kind = assigned ? "assigned" : "unassigned";
    const std::string id = event_id(c, kind + "\n" + c.course_iri + "\n" + std::string(module) + "\n" +
                                     std::string(role) + "\n" + std::string(person_agent_json) +
                                     "\n" + std::to_string(at) + "\n" + std::to_string(sequence));
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    head(w, c, id, at, c.agent_json,
         profile_term(c, assigned ? vocab::kVerbAssigned : vocab::kVerbUnassigned), kind);
    key(w, "object");
    activity(w, c, role_iri(c, module, role), profile_term(c, vocab::kTypeRole),
             std::string(role) + " on " + std::string(module_title.empty() ? module : module_title));
    key(w, "result");
    w.StartObject();
    key(w, "extensions");
    w.StartObject();
    member(w, profile_term(c, vocab::kExtRole), role);
    key(w, profile_term(c, vocab::kExtPerson));
    raw(w, person_agent_json);
    w.EndObject();
    w.EndObject();
    context(w, c, module, module_title);
    w.EndObject();
    return finish(kind, id, at, buf);
}

Event status_event(const EventContext &c, const StatusFacts &s, std::int64_t at) {
    const std::string kind = s.reopened ? "reopened" : "status";
    const std::string id =
        event_id(c, kind + "\n" + c.course_iri + "\n" + s.piece + "\n" + s.role + "\n" + s.from +
                        "\n" + s.to + "\n" + s.by + "\n" + std::to_string(at) + "\n" +
                        std::to_string(s.ordinal) + "\n" + std::to_string(s.history_id));
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    head(w, c, id, at, actor_json(c, s.by),
         profile_term(c, s.reopened ? vocab::kVerbReopened : vocab::kVerbChangedStatus),
         s.reopened ? "reopened" : "changed status");
    key(w, "object");
    activity(w, c, piece_iri(c, s.piece), profile_term(c, vocab::kTypePiece),
             s.piece_title.empty() ? s.piece : s.piece_title);
    key(w, "result");
    w.StartObject();
    key(w, "extensions");
    w.StartObject();
    member(w, profile_term(c, vocab::kExtRole), s.role);
    member(w, profile_term(c, vocab::kExtPreviousStatus), s.from);
    member(w, profile_term(c, vocab::kExtStatus), s.to);
    if (!s.note.empty()) member(w, profile_term(c, vocab::kExtNote), s.note);
    w.EndObject();
    w.EndObject();
    context(w, c, s.module, s.module_title);
    w.EndObject();
    return finish(kind, id, at, buf);
}

namespace {

// A module's forecast as the LMS side reads it (statement and document alike).
void forecast_json(Writer &w, const ModuleForecast &f) {
    w.StartObject();
    member(w, "state", to_string(f.state));
    member(w, "as_of", day_text(f.as_of));
    if (f.state == ForecastState::Forecast) {
        member(w, "p50", day_text(f.p50));
        member(w, "p85", day_text(f.p85));
    }
    if (!f.bottleneck.empty()) member(w, "bottleneck", f.bottleneck);
    if (!f.due.empty()) {
        member(w, "due", f.due);
        key(w, "late_days");
        w.Int(f.late_days);
    }
    w.EndObject();
}

}  // namespace

Event progress_event(const EventContext &c, std::string_view module, std::string_view module_title,
                     std::size_t done, std::size_t total, std::int64_t at, std::int64_t sequence,
                     const ModuleForecast *forecast) {
    const std::string id = event_id(c, "progressed\n" + c.course_iri + "\n" + std::string(module) +
                                     "\n" + std::to_string(done) + "/" + std::to_string(total) +
                                     "\n" + std::to_string(at) + "\n" + std::to_string(sequence));
    const unsigned percent = total == 0 ? 0u : static_cast<unsigned>((done * 100) / total);
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    head(w, c, id, at, c.agent_json, vocab::kVerbProgressed, "progressed");
    key(w, "object");
    activity(w, c, module_iri(c, module), vocab::kTypeModule, module_title);
    key(w, "result");
    w.StartObject();
    key(w, "extensions");
    w.StartObject();
    key(w, vocab::kExtProgress);
    w.Uint(percent);
    key(w, profile_term(c, vocab::kExtPairs));
    w.StartObject();
    key(w, "done");
    w.Uint64(done);
    key(w, "total");
    w.Uint64(total);
    w.EndObject();
    if (forecast) {
        key(w, profile_term(c, vocab::kExtForecast));
        forecast_json(w, *forecast);
    }
    w.EndObject();
    w.EndObject();
    context(w, c, "", "");
    w.EndObject();
    return finish("progressed", id, at, buf);
}

std::string module_document(const EventContext &c, std::string_view module,
                            std::string_view module_title, const std::vector<DocumentRole> &roles,
                            const std::vector<DocumentCell> &cells, std::int64_t updated,
                            const ModuleForecast *forecast) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    member(w, "module", module);
    member(w, "course", c.course_iri);
    member(w, "title", module_title);
    member(w, "updated", iso_time(updated));
    key(w, "roles");
    w.StartObject();
    for (const DocumentRole &r : roles) {
        key(w, r.role);
        w.StartObject();
        key(w, "people");
        w.StartArray();
        for (const std::string &p : r.people_json) raw(w, p);
        w.EndArray();
        member(w, "at", iso_time(r.at));
        w.EndObject();
    }
    w.EndObject();
    key(w, "pieces");
    w.StartObject();
    // Cells arrive grouped by piece.
    for (std::size_t i = 0; i < cells.size();) {
        const std::string &piece = cells[i].piece;
        key(w, piece);
        w.StartObject();
        member(w, "title", cells[i].piece_title);
        key(w, "roles");
        w.StartObject();
        for (; i < cells.size() && cells[i].piece == piece; ++i) {
            const DocumentCell &cell = cells[i];
            key(w, cell.role);
            w.StartObject();
            member(w, "status", cell.status);
            member(w, "by", cell.by);
            member(w, "at", iso_time(cell.at));
            if (!cell.note.empty()) member(w, "note", cell.note);
            w.EndObject();
        }
        w.EndObject();
        w.EndObject();
    }
    w.EndObject();
    if (forecast) {
        key(w, "forecast");
        forecast_json(w, *forecast);
    }
    w.EndObject();
    return buf.GetString();
}

namespace {

using rapidjson::Value;

std::string_view text_of(const Value &v, const char *name) {
    if (!v.IsObject()) return {};
    auto it = v.FindMember(name);
    return it != v.MemberEnd() && it->value.IsString()
               ? std::string_view(it->value.GetString(), it->value.GetStringLength())
               : std::string_view();
}

// A cell (or a role entry) of a document as a CellVersion; an "at" that is
// missing or not a time sorts first.
CellVersion version_of(const Value &v) {
    CellVersion c{text_of(v, "status"), text_of(v, "by"), text_of(v, "note"), INT64_MIN};
    parse_iso_time(text_of(v, "at"), c.at);
    return c;
}

std::string json_text(const Value &v) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    v.Accept(w);
    return buf.GetString();
}

// Whether `theirs` should replace `ours`, by the cell order every seat uses
// (plugin/store/cell_order.hpp). Entries equal in it are told apart by their
// JSON text, so the choice never depends on which side is ours.
bool theirs_wins(const Value &ours, const Value &theirs) {
    if (!theirs.IsObject()) return false;  // not a cell (fuzzing: `5` replaced an untouched cell)
    if (!ours.IsObject()) return true;
    const int order = compare_cells(version_of(theirs), version_of(ours));
    if (order != 0) return order > 0;
    return json_text(theirs) > json_text(ours);
}

// For role entries ({"people", "at"}): the same people since an earlier
// time is the same assignment, so the earlier entry stays (a seat publishing
// again changes nothing); different people: the later entry wins.
bool theirs_role_wins(const Value &ours, const Value &theirs) {
    if (!theirs.IsObject()) return false;
    if (!ours.IsObject()) return true;
    const auto people = [](const Value &v) -> const Value * {
        auto it = v.FindMember("people");
        return it == v.MemberEnd() ? nullptr : &it->value;
    };
    const Value *a = people(ours), *b = people(theirs);
    const bool same_people = a && b && *a == *b;
    const std::int64_t at_ours = version_of(ours).at, at_theirs = version_of(theirs).at;
    if (at_ours != at_theirs) return same_people ? at_theirs < at_ours : at_theirs > at_ours;
    return json_text(theirs) > json_text(ours);
}

// Copies into `ours` every member of `theirs` that `ours` lacks or that wins
// over ours.
// The names of an object's members met so far: a document may name an
// entry twice (RapidJSON keeps both); like FindMember, every reader here
// takes the first, so a merge gives the same result however often it is
// repeated (a set, not a scan: a hostile document may hold many entries).
class FirstNames {
public:
    // True the first time a name comes.
    bool first(const Value &name) { return seen_.emplace(name.GetString(), name.GetStringLength()).second; }

private:
    std::unordered_set<std::string_view> seen_;
};

template <class Wins>
void merge_entries(Value &ours, const Value &theirs, rapidjson::Document::AllocatorType &al, Wins wins) {
    FirstNames names;
    for (auto m = theirs.MemberBegin(); m != theirs.MemberEnd(); ++m) {
        if (!names.first(m->name)) continue;
        auto it = ours.FindMember(m->name);
        if (it == ours.MemberEnd()) {
            ours.AddMember(Value(m->name, al), Value(m->value, al), al);
        } else if (wins(it->value, m->value)) {
            it->value.CopyFrom(m->value, al);
        }
    }
}

// The latest "at" of a merged document's entries ("" when it has none).
std::string latest_at(const Value &doc) {
    std::string_view latest;
    auto consider = [&](const Value &entry) {
        const std::string_view at = text_of(entry, "at");
        if (at > latest) latest = at;
    };
    if (doc.HasMember("roles") && doc["roles"].IsObject())
        for (const auto &r : doc["roles"].GetObject()) consider(r.value);
    if (doc.HasMember("pieces") && doc["pieces"].IsObject())
        for (const auto &p : doc["pieces"].GetObject())
            if (p.value.IsObject() && p.value.HasMember("roles") && p.value["roles"].IsObject())
                for (const auto &r : p.value["roles"].GetObject()) consider(r.value);
    return std::string(latest);
}

}  // namespace

std::string merge_documents(std::string_view ours_text, std::string_view theirs_text) {
    rapidjson::Document ours, theirs;
    parse_json(ours_text, kRemoteJsonLimits, ours);  // a document from the LRS: iterative, limited
    parse_json(theirs_text, kRemoteJsonLimits, theirs);
    const bool ours_ok = !ours.HasParseError() && ours.IsObject();
    const bool theirs_ok = !theirs.HasParseError() && theirs.IsObject();
    if (!theirs_ok) return std::string(ours_text);
    if (!ours_ok) return std::string(theirs_text);
    auto &al = ours.GetAllocator();
    auto object_member = [&](Value &doc, const char *name) -> Value & {
        if (!doc.HasMember(name) || !doc[name].IsObject()) {
            doc.RemoveMember(name);
            doc.AddMember(Value(name, al), Value(rapidjson::kObjectType), al);
        }
        return doc[name];
    };
    if (theirs.HasMember("roles") && theirs["roles"].IsObject())
        merge_entries(object_member(ours, "roles"), theirs["roles"], al, theirs_role_wins);
    if (theirs.HasMember("pieces") && theirs["pieces"].IsObject()) {
        Value &pieces = object_member(ours, "pieces");
        FirstNames names;
        for (const auto &p : theirs["pieces"].GetObject()) {
            if (!names.first(p.name)) continue;
            if (!p.value.IsObject()) continue;
            auto it = pieces.FindMember(p.name);
            if (it == pieces.MemberEnd()) {
                pieces.AddMember(Value(p.name, al), Value(p.value, al), al);
                continue;
            }
            if (!it->value.IsObject()) continue;
            if (p.value.HasMember("roles") && p.value["roles"].IsObject()) {
                if (!it->value.HasMember("roles") || !it->value["roles"].IsObject()) {
                    it->value.RemoveMember("roles");
                    it->value.AddMember("roles", Value(rapidjson::kObjectType), al);
                }
                merge_entries(it->value["roles"], p.value["roles"], al, theirs_wins);
            }
        }
    }
    // "updated": the latest change the merged document holds (so merging a
    // document that adds nothing changes nothing).
    std::string updated = latest_at(ours);
    if (updated.empty()) {
        updated = std::string(std::max(text_of(ours, "updated"), text_of(theirs, "updated")));
    }
    if (!updated.empty()) {
        ours.RemoveMember("updated");
        ours.AddMember("updated", Value(updated.c_str(), al), al);
    }
    rapidjson::StringBuffer buf;
    Writer w(buf);
    ours.Accept(w);
    return buf.GetString();
}

bool same_document(std::string_view a, std::string_view b) {
    if (a == b) return true;
    rapidjson::Document da, db;
    JsonError error;
    if (!parse_json(a, kRemoteJsonLimits, da, error) || !parse_json(b, kRemoteJsonLimits, db, error)) return false;
    return da == db;
}

std::string document_problem(std::string_view text) {
    rapidjson::Document doc;
    JsonError error;
    if (!parse_json(text, kRemoteJsonLimits, doc, error)) {
        switch (error.kind) {
        case JsonError::Kind::TooDeep: return "it is nested too deeply to read (" + error.message + ")";
        case JsonError::Kind::TooLarge: return "it is too large to read (" + error.message + ")";
        default: return "it is not JSON (" + error.message + ")";
        }
    }
    if (!doc.IsObject()) return "it is not a JSON object";
    for (const auto &m : doc.GetObject()) {
        const std::string_view name(m.name.GetString(), m.name.GetStringLength());
        const bool is_text = name == "module" || name == "course" || name == "title" || name == "updated";
        // forecast: the writing seat's view of the module's finish dates (not merged).
        if (!is_text && name != "roles" && name != "pieces" && name != "forecast")
            return "it holds \"" + std::string(name) + "\", which coursecrew does not write";
        if (is_text ? !m.value.IsString() : !m.value.IsObject())
            return "its \"" + std::string(name) + "\" is not " + (is_text ? "a string" : "an object");
    }
    return "";
}

}  // namespace coursecrew
