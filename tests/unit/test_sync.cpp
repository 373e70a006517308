// The sync engine without the network: statement and document builders
// (events.cpp), the sync configuration and secret resolution
// (sync_config.cpp), the feed that writes events, outbox rows and module
// documents inside the store's transaction (feed.cpp, outbox.cpp, through the
// workspace API on real SQLite files), and the retry backoff (sync.cpp).
// Nothing here sends anything: the targets point at 127.0.0.1:9 and no worker
// is started.
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "plugin/sync/events.hpp"
#include "plugin/engine/registry.hpp"
#include "plugin/roles/rolemap.hpp"
#include "plugin/store/store.hpp"
#include "plugin/sync/sync.hpp"
#include "plugin/sync/sync_config.hpp"
#include "plugin/sync/vocabulary.hpp"
#include "plugin/engine/workspace.hpp"
#include "tests/unit/support.hpp"

namespace cc = coursecrew;
namespace fs = std::filesystem;
using rapidjson::Value;

namespace {

const std::string kCourseIri = "https://lms.example.org/courses/safety";
const std::string kBase = cc::vocab::kProfileBase;
constexpr std::int64_t kT0 = 1795867200;  // 2026-11-28T12:00:00Z

std::string sample_package() { return cctest::source_dir() + "/samples/safety-basics"; }
std::string sample_roles() { return cctest::source_dir() + "/samples/safety-basics.roles.json"; }

rapidjson::Document parse(const std::string &json) {
    rapidjson::Document d;
    d.Parse(json.c_str(), json.size());
    BOOST_TEST_REQUIRE(!d.HasParseError(), "not JSON: " << json);
    return d;
}

// Structural equality of two JSON texts (member order ignored).
bool same_json(const std::string &a, const std::string &b) {
    rapidjson::Document da, db;
    da.Parse(a.c_str(), a.size());
    db.Parse(b.c_str(), b.size());
    return !da.HasParseError() && !db.HasParseError() && da == db;
}

std::string to_text(const Value &v) {
    rapidjson::StringBuffer b;
    rapidjson::Writer<rapidjson::StringBuffer> w(b);
    v.Accept(w);
    return b.GetString();
}

std::string str(const Value &v) {
    BOOST_TEST_REQUIRE(v.IsString());
    return v.GetString();
}

// v[name] as a string, "" (and a failure) when missing.
std::string member_str(const Value &v, const std::string &name) {
    BOOST_TEST_REQUIRE(v.IsObject());
    auto it = v.FindMember(name.c_str());
    BOOST_TEST_REQUIRE((it != v.MemberEnd()), "no member " << name);
    return str(it->value);
}

bool is_v5_uuid(const std::string &u) {
    if (u.size() != 36) return false;
    for (std::size_t i = 0; i < u.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (u[i] == '-')) return false;
        if (!dash && !((u[i] >= '0' && u[i] <= '9') || (u[i] >= 'a' && u[i] <= 'f'))) return false;
    }
    return u[14] == '5' && std::string("89ab").find(u[19]) != std::string::npos;
}

// RFC 4122 section 4.3 computed here, independently of events.cpp.
std::string reference_v5(const unsigned char ns[16], const std::string &name) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
    EVP_DigestUpdate(ctx, ns, 16);
    EVP_DigestUpdate(ctx, name.data(), name.size());
    EVP_DigestFinal_ex(ctx, d, &len);
    EVP_MD_CTX_free(ctx);
    d[6] = static_cast<unsigned char>((d[6] & 0x0f) | 0x50);
    d[8] = static_cast<unsigned char>((d[8] & 0x3f) | 0x80);
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += hex[d[i] >> 4];
        out += hex[d[i] & 15];
    }
    return out;
}

const char *kAgentJson =
    R"({"objectType":"Agent","name":"coursecrew","account":{"homePage":"https://lms.example.org/courses/safety","name":"coursecrew"}})";

cc::RoleMap sample_map() {
    cc::RoleMap map;
    std::vector<cc::MapError> errors;
    BOOST_TEST_REQUIRE(cc::load_role_map_file(sample_roles(), map, errors));
    return map;
}

cc::EventContext context(const cc::RoleMap *map = nullptr) {
    cc::EventContext c;
    c.course_iri = kCourseIri;
    c.profile_base = kBase;
    c.language = "en";
    c.agent_json = kAgentJson;
    c.map = map;
    return c;
}

cc::StatusFacts facts() {
    cc::StatusFacts s;
    s.piece = "SCO-FIRE";
    s.piece_title = "Fire and electrical hazards";
    s.module = "MOD-HAZARDS";
    s.module_title = "Hazards";
    s.role = "writer";
    s.from = "in_progress";
    s.to = "in_review";
    s.by = "ana@example.org";
    s.note = "ready for review";
    return s;
}

// ---- SQLite probes (tests/unit/support.hpp) ----
using cctest::count;
using cctest::exec;
using cctest::rows;

std::map<std::string, std::size_t> kinds_of(const std::vector<cc::Event> &events) {
    std::map<std::string, std::size_t> m;
    for (const auto &e : events) ++m[e.kind];
    return m;
}

// A config in a scratch folder whose store (relative) lands beside it.
struct Workspace {
    cctest::TempDir dir;
    std::string config = dir / "coursecrew.json";
    std::string store = dir / "state.db";
    std::string package = sample_package();
    cc::WorkspaceOptions options;

    explicit Workspace(const std::string &targets_json =
                           R"([{"name": "lms", "kind": "xapi", "endpoint": "http://127.0.0.1:9/xAPI/"}])",
                       const std::string &roles = sample_roles()) {
        cctest::write_file(config, R"({"course_iri": ")" + kCourseIri +
                                       R"(", "store": "state.db", "roles": ")" + roles +
                                       R"(", "targets": )" + targets_json + "}");
        options.config_path = config;
        options.now = kT0;
    }

    cc::PublishResult publish(std::int64_t now = kT0) {
        cc::WorkspaceOptions o = options;
        o.now = now;
        cc::Inspection ins(20);
        cc::PublishResult result;
        cc::WorkspaceError error;
        BOOST_TEST_REQUIRE(cc::publish_package(package, {}, o, ins, result, error), error.message);
        return result;
    }

    // Status updates through the package; returns what the feed queued.
    cc::FeedResult set(const std::vector<cc::StatusUpdate> &updates, std::int64_t now,
                       bool dry_run = false) {
        cc::WorkspaceOptions o = options;
        o.now = now;
        o.dry_run = dry_run;
        std::vector<cc::Change> changes;
        cc::WorkspaceError error;
        cc::FeedResult feed;
        BOOST_TEST_REQUIRE(cc::set_status_for_package(package, {}, o, updates, changes, error, &feed),
                           error.message);
        BOOST_TEST(changes.size() == updates.size());
        return feed;
    }

    // The same by piece identifier, without the package (set_status_in_store);
    // `course` receives the course the store resolved.
    cc::FeedResult set_in_store(const std::vector<cc::StatusUpdate> &updates, std::int64_t now,
                                std::string *course = nullptr) {
        cc::WorkspaceOptions o = options;
        o.now = now;
        std::vector<cc::Change> changes;
        std::string resolved;
        cc::WorkspaceError error;
        cc::FeedResult feed;
        BOOST_TEST_REQUIRE(cc::set_status_in_store("", o, updates, changes, resolved, error, &feed),
                           error.message);
        BOOST_TEST(changes.size() == updates.size());
        if (course) *course = resolved;
        return feed;
    }

    std::int64_t events() const { return count(store, "SELECT count(*) FROM events"); }
    std::int64_t events(const std::string &kind) const {
        return count(store, "SELECT count(*) FROM events WHERE kind = '" + kind + "'");
    }
    std::int64_t outbox() const { return count(store, "SELECT count(*) FROM outbox_pending"); }
    std::int64_t outbox(const std::string &target) const {
        return count(store, "SELECT count(*) FROM outbox_pending WHERE target = '" + target + "'");
    }
    std::int64_t documents() const { return count(store, "SELECT count(*) FROM documents"); }
    // "module|version|pending|body" per document row of `target`.
    std::vector<std::string> document_rows(const std::string &target = "lms") const {
        return rows(store, "SELECT module, version, pending, body FROM documents WHERE target = '" +
                               target + "' ORDER BY module");
    }
    std::vector<std::string> pair_rows() const {
        return rows(store, "SELECT piece, role, status, \"by\", note, since FROM pairs ORDER BY piece, role");
    }
};

// (module, role, person key) the plan assigns, computed with the planner
// directly (the feed should announce exactly these, once each).
std::set<std::tuple<std::string, std::string, std::string>> planned_assignments() {
    cc::RoleMap team = sample_map();
    const cc::RoleMap map = cc::effective_role_map(&team, true);
    cc::Inspection ins(20);
    BOOST_TEST_REQUIRE(cc::inspect_package(sample_package(), {}, ins) == 0);
    const cc::Plan plan = cc::plan_roles(ins.course, map);
    std::set<std::tuple<std::string, std::string, std::string>> out;
    for (const auto &piece : plan.pieces)
        for (const auto &slot : piece.slots)
            for (std::uint32_t p : slot.people) out.emplace(piece.module_id, slot.role, map.people[p].agent.key());
    return out;
}

// The result extension `suffix` of a statement.
const Value &result_ext(const Value &stmt, const std::string &suffix) {
    const Value &ext = stmt["result"]["extensions"];
    const std::string key = suffix.rfind("http", 0) == 0 ? suffix : kBase + suffix;
    auto it = ext.FindMember(key.c_str());
    BOOST_TEST_REQUIRE((it != ext.MemberEnd()), "no result extension " << key);
    return it->value;
}

}  // namespace

// ===========================================================================
BOOST_AUTO_TEST_SUITE(sync_events)

BOOST_AUTO_TEST_CASE(name_uuid_is_rfc4122_version5) {
    const std::vector<std::string> names = {"", "a", "b", "hello", "published\nx\ny",
                                            std::string("nul\0inside", 10), "Caf\xC3\xA9 \xE2\x98\x95"};
    std::set<std::string> seen;
    for (const auto &n : names) {
        const std::string u = cc::name_uuid(n);
        BOOST_TEST(is_v5_uuid(u), u);
        BOOST_TEST(u == cc::name_uuid(n));  // deterministic
        seen.insert(u);
    }
    BOOST_TEST(seen.size() == names.size());  // different names differ
    // The name is hashed whole: an embedded NUL is not a terminator.
    BOOST_TEST(cc::name_uuid(std::string("nul\0inside", 10)) != cc::name_uuid("nul"));
}

BOOST_AUTO_TEST_CASE(name_uuid_known_answers) {
    // Pinned: statement ids must never change between releases (a resend
    // after an upgrade must be recognised by the LRS). Computed with Python's
    // uuid.uuid5 in coursecrew's namespace 2b6e3a07-9d1c-5f43-8e52-61a40c9b7d35.
    BOOST_TEST(cc::name_uuid("") == "341df590-7f35-5514-b136-005bf168e171");
    BOOST_TEST(cc::name_uuid("hello") == "c1d43a5b-57bb-5733-8d33-7a78786a3648");
    BOOST_TEST(cc::name_uuid("published\nhttps://lms.example.org/c\nabc") ==
               "25b0e0ee-866a-5e45-8284-8ab4cabdf709");
    BOOST_TEST(cc::name_uuid("Caf\xC3\xA9 \xE2\x98\x95") == "f92a5492-bce1-584c-80d6-543ef8a76e1b");
    // And the same as an independent RFC 4122 computation for many names.
    const unsigned char ns[16] = {0x2b, 0x6e, 0x3a, 0x07, 0x9d, 0x1c, 0x5f, 0x43,
                                  0x8e, 0x52, 0x61, 0xa4, 0x0c, 0x9b, 0x7d, 0x35};
    for (int i = 0; i < 200; ++i) {
        const std::string name = "status\n" + kCourseIri + "\nP" + std::to_string(i * 7919);
        BOOST_TEST(cc::name_uuid(name) == reference_v5(ns, name));
    }
}

BOOST_AUTO_TEST_CASE(iso_time_of_known_instants) {
    BOOST_TEST(cc::iso_time(0) == "1970-01-01T00:00:00Z");
    BOOST_TEST(cc::iso_time(951782400) == "2000-02-29T00:00:00Z");  // leap day
    BOOST_TEST(cc::iso_time(kT0) == "2026-11-28T12:00:00Z");
    BOOST_TEST(cc::iso_time(1700000000) == "2023-11-14T22:13:20Z");
    BOOST_TEST(cc::iso_time(4102444799) == "2099-12-31T23:59:59Z");
    BOOST_TEST(cc::iso_time(kT0 + 1) == "2026-11-28T12:00:01Z");
}

BOOST_AUTO_TEST_CASE(iri_segment_percent_encodes) {
    BOOST_TEST(cc::iri_segment("") == "");
    const std::string unreserved =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    BOOST_TEST(cc::iri_segment(unreserved) == unreserved);
    BOOST_TEST(cc::iri_segment("MOD-INTRO") == "MOD-INTRO");
    BOOST_TEST(cc::iri_segment("a b") == "a%20b");
    BOOST_TEST(cc::iri_segment("a/b") == "a%2Fb");
    BOOST_TEST(cc::iri_segment("100%") == "100%25");
    BOOST_TEST(cc::iri_segment("%20") == "%2520");  // already-encoded text is encoded again
    BOOST_TEST(cc::iri_segment("caf\xC3\xA9") == "caf%C3%A9");
    BOOST_TEST(cc::iri_segment("\xE2\x98\x95") == "%E2%98%95");
    BOOST_TEST(cc::iri_segment("?#[]@!$&'()*+,;=:") ==
               "%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A");
    BOOST_TEST(cc::iri_segment(std::string("\x00\x7f", 2)) == "%00%7F");
    // IRIs below the course use it for each segment.
    const cc::EventContext c = context();
    BOOST_TEST(cc::module_iri(c, "MOD 1/2") == kCourseIri + "/modules/MOD%201%2F2");
    BOOST_TEST(cc::piece_iri(c, "SCO-FIRE") == kCourseIri + "/pieces/SCO-FIRE");
    BOOST_TEST(cc::role_iri(c, "M", "voice over") == kCourseIri + "/modules/M/roles/voice%20over");
}

BOOST_AUTO_TEST_CASE(actor_resolution) {
    const cc::RoleMap map = sample_map();
    const cc::EventContext c = context(&map);

    // The plugin itself.
    BOOST_TEST(cc::actor_json(c, "coursecrew") == kAgentJson);
    BOOST_TEST(cc::actor_json(c, "") == kAgentJson);

    const std::string ana = R"({"objectType":"Agent","name":"Ana Lima","mbox":"mailto:ana@example.org"})";
    const std::string bob =
        R"({"objectType":"Agent","name":"Bob Stone","account":{"homePage":"https://lms.example.org","name":"bob"}})";
    const std::string dora = R"({"objectType":"Agent","name":"Dora Kent","mbox":"mailto:dora@example.org"})";
    // A person of the role map: by mbox (with or without mailto:), account name, display name.
    BOOST_TEST(same_json(cc::actor_json(c, "mailto:ana@example.org"), ana));
    BOOST_TEST(same_json(cc::actor_json(c, "ana@example.org"), ana));
    BOOST_TEST(same_json(cc::actor_json(c, "Ana Lima"), ana));
    BOOST_TEST(same_json(cc::actor_json(c, "bob"), bob));
    BOOST_TEST(same_json(cc::actor_json(c, "Bob Stone"), bob));
    BOOST_TEST(same_json(cc::actor_json(c, "Dora Kent"), dora));

    // An e-mail address nobody in the map has: an mbox, no name.
    const std::string zed = R"({"objectType":"Agent","mbox":"mailto:zed@example.com"})";
    BOOST_TEST(same_json(cc::actor_json(c, "zed@example.com"), zed));
    BOOST_TEST(same_json(cc::actor_json(c, "mailto:zed@example.com"), zed));

    // Anything else: an account on the course IRI.
    BOOST_TEST(same_json(cc::actor_json(c, "Zed Unknown"),
                         R"({"objectType":"Agent","account":{"homePage":")" + kCourseIri +
                             R"(","name":"Zed Unknown"}})"));
    BOOST_TEST(same_json(cc::actor_json(c, "zed at x@y"),  // a space: not an address
                         R"({"objectType":"Agent","account":{"homePage":")" + kCourseIri +
                             R"(","name":"zed at x@y"}})"));
    // A name that only resembles a person's is not theirs.
    BOOST_TEST(same_json(cc::actor_json(c, "ana lima"),
                         R"({"objectType":"Agent","account":{"homePage":")" + kCourseIri +
                             R"(","name":"ana lima"}})"));

    // Without a role map, an address is still an mbox (and has no name).
    const cc::EventContext bare = context();
    BOOST_TEST(same_json(cc::actor_json(bare, "ana@example.org"),
                         R"({"objectType":"Agent","mbox":"mailto:ana@example.org"})"));
    BOOST_TEST(same_json(cc::actor_json(bare, "bob"),
                         R"({"objectType":"Agent","account":{"homePage":")" + kCourseIri +
                             R"(","name":"bob"}})"));
}

BOOST_AUTO_TEST_CASE(status_event_fields) {
    const cc::RoleMap map = sample_map();
    const cc::EventContext c = context(&map);
    const cc::Event e = cc::status_event(c, facts(), kT0);
    BOOST_TEST(e.kind == "status");
    BOOST_TEST(e.at == kT0);
    BOOST_TEST(is_v5_uuid(e.uuid));
    const auto d = parse(e.body);

    BOOST_TEST(member_str(d, "id") == e.uuid);
    BOOST_TEST(member_str(d, "timestamp") == "2026-11-28T12:00:00Z");
    BOOST_TEST(same_json(
        to_text(d["actor"]),
        R"({"objectType":"Agent","name":"Ana Lima","mbox":"mailto:ana@example.org"})"));

    BOOST_TEST(member_str(d["verb"], "id") == kBase + "/verbs/changed-status");
    BOOST_TEST(member_str(d["verb"]["display"], "en") == "changed status");

    const Value &obj = d["object"];
    BOOST_TEST(member_str(obj, "objectType") == "Activity");
    BOOST_TEST(member_str(obj, "id") == kCourseIri + "/pieces/SCO-FIRE");
    BOOST_TEST(member_str(obj["definition"], "type") == kBase + "/activity-types/piece");
    BOOST_TEST(member_str(obj["definition"]["name"], "en") == "Fire and electrical hazards");

    BOOST_TEST(d["result"]["extensions"].MemberCount() == 4u);
    BOOST_TEST(str(result_ext(d, "/extensions/role")) == "writer");
    BOOST_TEST(str(result_ext(d, "/extensions/previous-status")) == "in_progress");
    BOOST_TEST(str(result_ext(d, "/extensions/status")) == "in_review");
    BOOST_TEST(str(result_ext(d, "/extensions/note")) == "ready for review");

    const Value &ca = d["context"]["contextActivities"];
    BOOST_TEST_REQUIRE(ca["parent"].Size() == 1u);
    BOOST_TEST(member_str(ca["parent"][0], "id") == kCourseIri + "/modules/MOD-HAZARDS");
    BOOST_TEST(member_str(ca["parent"][0]["definition"], "type") == cc::vocab::kTypeModule);
    BOOST_TEST(member_str(ca["parent"][0]["definition"]["name"], "en") == "Hazards");
    BOOST_TEST_REQUIRE(ca["grouping"].Size() == 1u);
    BOOST_TEST(member_str(ca["grouping"][0], "id") == kCourseIri);
    BOOST_TEST(member_str(ca["grouping"][0]["definition"], "type") == cc::vocab::kTypeCourse);
    BOOST_TEST_REQUIRE(ca["category"].Size() == 1u);
    BOOST_TEST(member_str(ca["category"][0], "id") == kBase + "/v1");
    BOOST_TEST(member_str(ca["category"][0]["definition"], "type") == cc::vocab::kTypeProfile);
}

BOOST_AUTO_TEST_CASE(status_event_identity) {
    const cc::EventContext c = context();
    const cc::StatusFacts s = facts();
    const std::string id = cc::status_event(c, s, kT0).uuid;
    BOOST_TEST(cc::status_event(c, s, kT0).uuid == id);  // stable
    BOOST_TEST(cc::status_event(c, s, kT0).body == cc::status_event(c, s, kT0).body);
    BOOST_TEST(cc::status_event(c, s, kT0 + 1).uuid != id);  // another instant
    cc::StatusFacts other = s;
    other.ordinal = 1;
    BOOST_TEST(cc::status_event(c, other, kT0).uuid != id);  // another change in the transaction
    other = s;
    other.to = "done";
    BOOST_TEST(cc::status_event(c, other, kT0).uuid != id);
    other = s;
    other.role = "designer";
    BOOST_TEST(cc::status_event(c, other, kT0).uuid != id);
    other = s;
    other.piece = "SCO-SLIPS";
    BOOST_TEST(cc::status_event(c, other, kT0).uuid != id);
    other = s;
    other.reopened = true;
    BOOST_TEST(cc::status_event(c, other, kT0).uuid != id);
    cc::EventContext c2 = c;
    c2.course_iri = "https://lms.example.org/courses/other";
    BOOST_TEST(cc::status_event(c2, s, kT0).uuid != id);
}

BOOST_AUTO_TEST_CASE(status_event_variants) {
    const cc::EventContext c = context();
    // Reopened: its own verb and kind.
    cc::StatusFacts s = facts();
    s.reopened = true;
    s.from = "done";
    s.to = "in_review";
    s.by = "coursecrew";
    s.note = "";
    const cc::Event e = cc::status_event(c, s, kT0);
    BOOST_TEST(e.kind == "reopened");
    auto d = parse(e.body);
    BOOST_TEST(member_str(d["verb"], "id") == kBase + "/verbs/reopened");
    BOOST_TEST(member_str(d["verb"]["display"], "en") == "reopened");
    BOOST_TEST(same_json(to_text(d["actor"]),
                         kAgentJson));
    // An empty note is left out.
    BOOST_TEST(d["result"]["extensions"].MemberCount() == 3u);
    BOOST_TEST(!d["result"]["extensions"].HasMember((kBase + "/extensions/note").c_str()));
    BOOST_TEST(str(result_ext(d, "/extensions/previous-status")) == "done");

    // No title: the piece id names it. Another profile base and language.
    cc::EventContext c2 = c;
    c2.profile_base = "https://example.org/profiles/cc";
    c2.language = "de";
    s = facts();
    s.piece_title.clear();
    d = parse(cc::status_event(c2, s, kT0).body);
    BOOST_TEST(member_str(d["object"]["definition"]["name"], "de") == "SCO-FIRE");
    BOOST_TEST(member_str(d["verb"], "id") == "https://example.org/profiles/cc/verbs/changed-status");
    BOOST_TEST(member_str(d["verb"]["display"], "de") == "changed status");
    BOOST_TEST(member_str(d["object"]["definition"], "type") ==
               "https://example.org/profiles/cc/activity-types/piece");
    BOOST_TEST(member_str(d["context"]["contextActivities"]["category"][0], "id") ==
               "https://example.org/profiles/cc/v1");
    BOOST_TEST(d["result"]["extensions"].HasMember("https://example.org/profiles/cc/extensions/status"));
}

BOOST_AUTO_TEST_CASE(progress_event_fields) {
    const cc::EventContext c = context();
    struct Case {
        std::size_t done, total;
        unsigned percent;
    };
    for (const Case k : {Case{1, 3, 33}, Case{2, 3, 66}, Case{3, 3, 100}, Case{0, 5, 0}, Case{0, 0, 0},
                         Case{1, 200, 0}, Case{199, 200, 99}}) {
        const cc::Event e = cc::progress_event(c, "MOD-HAZARDS", "Hazards", k.done, k.total, kT0, 1);
        BOOST_TEST(e.kind == "progressed");
        BOOST_TEST(is_v5_uuid(e.uuid));
        const auto d = parse(e.body);
        BOOST_TEST(member_str(d, "id") == e.uuid);
        BOOST_TEST(member_str(d["verb"], "id") == "http://adlnet.gov/expapi/verbs/progressed");
        BOOST_TEST(member_str(d["object"], "id") == kCourseIri + "/modules/MOD-HAZARDS");
        BOOST_TEST(member_str(d["object"]["definition"], "type") == cc::vocab::kTypeModule);
        BOOST_TEST(member_str(d["object"]["definition"]["name"], "en") == "Hazards");
        const Value &p = result_ext(d, cc::vocab::kExtProgress);
        BOOST_TEST_REQUIRE(p.IsInt(), "progress is not an integer");
        BOOST_TEST(p.GetInt() == static_cast<int>(k.percent), k.done << "/" << k.total);
        const Value &pairs = result_ext(d, "/extensions/pairs");
        BOOST_TEST(pairs["done"].GetUint64() == k.done);
        BOOST_TEST(pairs["total"].GetUint64() == k.total);
        // The course groups it; no parent (the module is the object).
        BOOST_TEST(!d["context"]["contextActivities"].HasMember("parent"));
        BOOST_TEST(member_str(d["context"]["contextActivities"]["grouping"][0], "id") == kCourseIri);
    }
    // Another share, another instant, another event number: another statement.
    const std::string id = cc::progress_event(c, "M", "", 1, 3, kT0, 7).uuid;
    BOOST_TEST(cc::progress_event(c, "M", "", 1, 3, kT0, 7).uuid == id);
    BOOST_TEST(cc::progress_event(c, "M", "", 2, 3, kT0, 7).uuid != id);
    BOOST_TEST(cc::progress_event(c, "M", "", 1, 3, kT0 + 1, 7).uuid != id);
    BOOST_TEST(cc::progress_event(c, "M", "", 1, 3, kT0, 8).uuid != id);
    BOOST_TEST(cc::progress_event(c, "M", "", 1, 3, kT0, 7).body == cc::progress_event(c, "M", "", 1, 3, kT0, 7).body);
}

// A module's forecast rides on its progress statement (result extension
// /extensions/forecast) and in its status document ("forecast"): dates as
// YYYY-MM-DD, p50/p85 only when there is a forecast, due and late_days only
// when the module is scheduled.
BOOST_AUTO_TEST_CASE(progress_event_and_document_carry_the_forecast) {
    const cc::EventContext c = context();
    cc::ModuleForecast f;
    f.module = "MOD-1";
    f.state = cc::ForecastState::Forecast;
    BOOST_TEST_REQUIRE(cc::parse_day("2026-12-04", f.as_of));
    BOOST_TEST_REQUIRE(cc::parse_day("2026-12-16", f.p50));
    BOOST_TEST_REQUIRE(cc::parse_day("2026-12-18", f.p85));
    f.bottleneck = "artist";
    f.due = "2026-12-15";
    f.late_days = 3;
    const auto check = [](const Value &v) {
        BOOST_TEST(member_str(v, "state") == "forecast");
        BOOST_TEST(member_str(v, "as_of") == "2026-12-04");
        BOOST_TEST(member_str(v, "p50") == "2026-12-16");
        BOOST_TEST(member_str(v, "p85") == "2026-12-18");
        BOOST_TEST(member_str(v, "bottleneck") == "artist");
        BOOST_TEST(member_str(v, "due") == "2026-12-15");
        BOOST_TEST(v["late_days"].GetInt() == 3);
    };
    const auto stmt = parse(cc::progress_event(c, "MOD-1", "One", 2, 10, kT0, 7, &f).body);
    check(result_ext(stmt, "/extensions/forecast"));
    BOOST_TEST(result_ext(stmt, "/extensions/pairs")["done"].GetInt() == 2);
    const auto doc = parse(cc::module_document(c, "MOD-1", "One", {}, {}, kT0, &f));
    BOOST_TEST_REQUIRE(doc.HasMember("forecast"));
    check(doc["forecast"]);

    // Stalled, unscheduled: no dates but the day it was made, no due.
    f.state = cc::ForecastState::Stalled;
    f.due.clear();
    const auto stalled = parse(cc::module_document(c, "MOD-1", "One", {}, {}, kT0, &f));
    BOOST_TEST(member_str(stalled["forecast"], "state") == "stalled");
    BOOST_TEST(member_str(stalled["forecast"], "bottleneck") == "artist");
    BOOST_TEST(!stalled["forecast"].HasMember("p50"));
    BOOST_TEST(!stalled["forecast"].HasMember("p85"));
    BOOST_TEST(!stalled["forecast"].HasMember("due"));
    BOOST_TEST(!stalled["forecast"].HasMember("late_days"));

    // Without one, neither says anything about it.
    BOOST_TEST(!parse(cc::module_document(c, "MOD-1", "One", {}, {}, kT0)).HasMember("forecast"));
    const auto plain = parse(cc::progress_event(c, "MOD-1", "One", 2, 10, kT0, 7).body);
    BOOST_TEST(!plain["result"]["extensions"].HasMember((kBase + "/extensions/forecast").c_str()));
}

BOOST_AUTO_TEST_CASE(published_and_assignment_events) {
    const cc::EventContext c = context();
    cc::PackageFacts p{"com.example.safety-basics", "Workplace Safety Basics", "scorm2004", "abc123", 4, 11};
    const cc::Event e = cc::published_event(c, p, kT0, 1);
    BOOST_TEST(e.kind == "published");
    // The same event built again is the same statement; another version or
    // another event number (A, B, then A again) is another one.
    BOOST_TEST(cc::published_event(c, p, kT0 + 500, 1).uuid == e.uuid);
    cc::PackageFacts q = p;
    q.digest = "abc124";
    BOOST_TEST(cc::published_event(c, q, kT0, 1).uuid != e.uuid);
    BOOST_TEST(cc::published_event(c, p, kT0, 3).uuid != e.uuid);
    auto d = parse(e.body);
    BOOST_TEST(member_str(d["verb"], "id") == kBase + "/verbs/published");
    BOOST_TEST(member_str(d["object"], "id") == kCourseIri);
    BOOST_TEST(member_str(d["object"]["definition"]["name"], "en") == "Workplace Safety Basics");
    const Value &pkg = d["context"]["extensions"][(kBase + "/extensions/package").c_str()];
    BOOST_TEST(member_str(pkg, "identifier") == "com.example.safety-basics");
    BOOST_TEST(member_str(pkg, "digest") == "abc123");
    BOOST_TEST(member_str(pkg, "format") == "scorm2004");
    BOOST_TEST(pkg["pieces"].GetUint64() == 4u);
    BOOST_TEST(pkg["pairs"].GetUint64() == 11u);

    const std::string person = R"({"objectType":"Agent","name":"Eli Park","mbox":"mailto:eli@example.org"})";
    const cc::Event a = cc::assignment_event(c, true, "MOD-INTRO", "Introduction", "voice", person, kT0, 1);
    BOOST_TEST(a.kind == "assigned");
    d = parse(a.body);
    BOOST_TEST(member_str(d["verb"], "id") == kBase + "/verbs/assigned");
    BOOST_TEST(member_str(d["object"], "id") == kCourseIri + "/modules/MOD-INTRO/roles/voice");
    BOOST_TEST(member_str(d["object"]["definition"], "type") == kBase + "/activity-types/role");
    BOOST_TEST(str(result_ext(d, "/extensions/role")) == "voice");
    rapidjson::Document pj = parse(person);
    BOOST_TEST((result_ext(d, "/extensions/person") == pj));
    BOOST_TEST(member_str(d["context"]["contextActivities"]["parent"][0], "id") ==
               kCourseIri + "/modules/MOD-INTRO");
    BOOST_TEST(cc::assignment_event(c, true, "MOD-INTRO", "Introduction", "voice", person, kT0, 1).uuid == a.uuid);
    BOOST_TEST(cc::assignment_event(c, true, "MOD-INTRO", "Introduction", "voice", person, kT0, 2).uuid != a.uuid);
    BOOST_TEST(cc::assignment_event(c, true, "MOD-INTRO", "Introduction", "writer", person, kT0, 1).uuid != a.uuid);
    const cc::Event u = cc::assignment_event(c, false, "MOD-INTRO", "Introduction", "voice", person, kT0, 1);
    BOOST_TEST(u.kind == "unassigned");
    BOOST_TEST(u.uuid != a.uuid);
    BOOST_TEST(member_str(parse(u.body)["verb"], "id") == kBase + "/verbs/unassigned");
}

BOOST_AUTO_TEST_CASE(module_document_shape) {
    const cc::EventContext c = context();
    const std::string ana = R"({"objectType":"Agent","mbox":"mailto:ana@example.org"})";
    const std::string body = cc::module_document(
        c, "MOD-HAZARDS", "Hazards", {{"writer", {ana}, kT0 - 10}},
        {{"SCO-FIRE", "Fire", "writer", "done", "ana@example.org", "", kT0 - 5},
         {"SCO-FIRE", "Fire", "expert", "in_review", "dora", "check it", kT0 - 3},
         {"SCO-SLIPS", "Slips", "writer", "not_started", "coursecrew", "", kT0 - 20}},
        kT0);
    const auto d = parse(body);
    BOOST_TEST(member_str(d, "module") == "MOD-HAZARDS");
    BOOST_TEST(member_str(d, "course") == kCourseIri);
    BOOST_TEST(member_str(d, "title") == "Hazards");
    BOOST_TEST(member_str(d, "updated") == cc::iso_time(kT0));
    BOOST_TEST(member_str(d["roles"]["writer"], "at") == cc::iso_time(kT0 - 10));
    BOOST_TEST(d["roles"]["writer"]["people"].Size() == 1u);
    BOOST_TEST(d["pieces"].MemberCount() == 2u);
    BOOST_TEST(member_str(d["pieces"]["SCO-FIRE"], "title") == "Fire");
    BOOST_TEST(d["pieces"]["SCO-FIRE"]["roles"].MemberCount() == 2u);
    BOOST_TEST(member_str(d["pieces"]["SCO-FIRE"]["roles"]["expert"], "note") == "check it");
    BOOST_TEST(!d["pieces"]["SCO-FIRE"]["roles"]["writer"].HasMember("note"));
    BOOST_TEST(member_str(d["pieces"]["SCO-SLIPS"]["roles"]["writer"], "status") == "not_started");
    BOOST_TEST(member_str(d["pieces"]["SCO-SLIPS"]["roles"]["writer"], "at") == cc::iso_time(kT0 - 20));
}

BOOST_AUTO_TEST_CASE(merge_documents_newer_wins) {
    const cc::EventContext c = context();
    const std::string ana = R"({"objectType":"Agent","mbox":"mailto:ana@example.org"})";
    const std::string chen = R"({"objectType":"Agent","mbox":"mailto:chen@example.org"})";
    const std::string bob = R"({"objectType":"Agent","account":{"homePage":"https://lms","name":"bob"}})";
    const std::string ours = cc::module_document(
        c, "M", "Module", {{"writer", {ana}, 100}, {"designer", {chen}, 300}},
        {{"P1", "One", "artist", "in_progress", "bob", "", 100},      // only ours
         {"P1", "One", "designer", "done", "chen", "", 300},          // ours newer
         {"P1", "One", "writer", "in_progress", "ana", "", 100},      // theirs newer
         {"P2", "Two", "writer", "in_review", "ana", "ours", 200}},   // same second
        300);
    const std::string theirs = cc::module_document(
        c, "M", "Module", {{"artist", {bob}, 50}, {"designer", {ana}, 200}, {"writer", {chen}, 150}},
        {{"P1", "One", "designer", "blocked", "x", "", 250},
         {"P1", "One", "reviewer", "in_review", "y", "", 50},          // only theirs
         {"P1", "One", "writer", "done", "ana", "finished", 400},
         {"P2", "Two", "writer", "blocked", "z", "theirs", 200},
         {"P3", "Three", "writer", "done", "w", "", 10}},               // piece only theirs
        400);
    const std::string merged = cc::merge_documents(ours, theirs);
    const auto d = parse(merged);
    const Value &p1 = d["pieces"]["P1"]["roles"];
    BOOST_TEST(p1.MemberCount() == 4u);
    BOOST_TEST(member_str(p1["artist"], "status") == "in_progress");  // only ours: kept
    BOOST_TEST(member_str(p1["designer"], "status") == "done");       // ours newer
    BOOST_TEST(member_str(p1["reviewer"], "status") == "in_review");  // only theirs: kept
    BOOST_TEST(member_str(p1["writer"], "status") == "done");         // theirs newer
    BOOST_TEST(member_str(p1["writer"], "note") == "finished");       // the whole cell
    BOOST_TEST(member_str(p1["writer"], "at") == cc::iso_time(400));
    const Value &p2 = d["pieces"]["P2"]["roles"]["writer"];
    // The same second: the greater (by, status, note) wins, whichever side
    // it is on, so every seat keeps the same one ("z" > "ana").
    BOOST_TEST(member_str(p2, "status") == "blocked");
    BOOST_TEST(member_str(p2, "note") == "theirs");
    BOOST_TEST_REQUIRE(d["pieces"].HasMember("P3"));
    BOOST_TEST(member_str(d["pieces"]["P3"], "title") == "Three");
    BOOST_TEST(member_str(d["pieces"]["P3"]["roles"]["writer"], "status") == "done");

    const Value &roles = d["roles"];
    BOOST_TEST(roles.MemberCount() == 3u);
    BOOST_TEST(member_str(roles["writer"]["people"][0], "mbox") == "mailto:chen@example.org");  // theirs newer
    BOOST_TEST(member_str(roles["designer"]["people"][0], "mbox") == "mailto:chen@example.org");  // ours newer
    BOOST_TEST(member_str(roles["artist"]["people"][0]["account"], "name") == "bob");  // only theirs
    BOOST_TEST(member_str(d, "updated") == cc::iso_time(400));  // the max
    BOOST_TEST(member_str(d, "module") == "M");

    // Symmetric: the same cells and roles whichever side is ours.
    const auto r = parse(cc::merge_documents(theirs, ours));
    BOOST_TEST(member_str(r, "updated") == cc::iso_time(400));
    BOOST_TEST((r["pieces"] == d["pieces"]));
    BOOST_TEST((r["roles"] == d["roles"]));
    BOOST_TEST(member_str(r["pieces"]["P2"]["roles"]["writer"], "status") == "blocked");
    BOOST_TEST(member_str(r["pieces"]["P1"]["roles"]["writer"], "status") == "done");
    BOOST_TEST(member_str(r["pieces"]["P1"]["roles"]["designer"], "status") == "done");
    BOOST_TEST(r["pieces"]["P1"]["roles"].MemberCount() == 4u);

    // Merging a document with itself changes nothing.
    BOOST_TEST(same_json(cc::merge_documents(ours, ours), ours));
    // Ours newer overall keeps ours' "updated".
    const std::string older = cc::module_document(c, "M", "Module", {}, {}, 10);
    BOOST_TEST(member_str(parse(cc::merge_documents(ours, older)), "updated") == cc::iso_time(300));
    BOOST_TEST(same_json(cc::merge_documents(ours, older), ours));
}

BOOST_AUTO_TEST_CASE(merge_documents_unparsable_sides) {
    const cc::EventContext c = context();
    const std::string doc =
        cc::module_document(c, "M", "Module", {}, {{"P1", "One", "writer", "done", "ana", "", 100}}, 100);
    BOOST_TEST(cc::merge_documents(doc, "") == doc);
    BOOST_TEST(cc::merge_documents(doc, "{not json") == doc);
    BOOST_TEST(cc::merge_documents(doc, "[1,2]") == doc);
    BOOST_TEST(cc::merge_documents("", doc) == doc);
    BOOST_TEST(cc::merge_documents("garbage", doc) == doc);
    BOOST_TEST(cc::merge_documents("\"text\"", doc) == doc);
    // Ill-shaped members on our side are replaced by theirs' well-formed ones.
    const auto d = parse(cc::merge_documents(R"({"pieces": 3, "roles": [], "updated": "1970-01-01T00:00:00Z"})", doc));
    BOOST_TEST(member_str(d["pieces"]["P1"]["roles"]["writer"], "status") == "done");
    BOOST_TEST(d["roles"].IsObject());
    BOOST_TEST(member_str(d, "updated") == cc::iso_time(100));
}

// When ours lacks "updated" (ill-shaped, like the "pieces"/"roles" cases
// above, which are repaired), the merge takes theirs.
BOOST_AUTO_TEST_CASE(merge_documents_updated_when_ours_lacks_it) {
    const cc::EventContext c = context();
    const std::string doc =
        cc::module_document(c, "M", "Module", {}, {{"P1", "One", "writer", "done", "ana", "", 100}}, 100);
    const auto d = parse(cc::merge_documents(R"({"pieces": {}})", doc));
    BOOST_TEST((d.HasMember("updated") && d["updated"].IsString() &&
                std::string(d["updated"].GetString()) == cc::iso_time(100)));
}

BOOST_AUTO_TEST_SUITE_END()

// ===========================================================================
namespace {

struct ConfigDir {
    cctest::TempDir dir;
    std::string path = dir / "conf/sync.json";

    bool load(const std::string &text, cc::SyncConfig &out, std::string &error) {
        cctest::write_file(path, text);
        return cc::load_sync_config(path, out, error);
    }
    // Loading fails and the message names the file and the JSON pointer.
    void expect_error(const std::string &text, const std::string &pointer, const std::string &what) {
        cc::SyncConfig c;
        std::string error;
        BOOST_TEST_REQUIRE(!load(text, c, error), "accepted: " << text);
        BOOST_TEST(error.rfind(path + ": " + pointer + ": ", 0) == 0u,
                   "expected '" << path << ": " << pointer << ": ...', got: " << error);
        BOOST_TEST(error.find(what) != std::string::npos, "expected '" << what << "' in: " << error);
    }
};

const std::string kXapiTarget = R"({"name": "lms", "kind": "xapi", "endpoint": "https://lrs.example.org/xAPI"})";

std::string config_with(const std::string &targets) {
    return R"({"course_iri": "https://lms.example.org/courses/safety", "targets": [)" + targets + "]}";
}

// A unique variable name for this process.
std::string env_name(const std::string &stem) { return "CC_SYNCTEST_" + stem + "_" + std::to_string(::getpid()); }

cc::TargetSpec webhook_spec(const std::string &file) {
    cc::TargetSpec spec;
    spec.config.name = "hook";
    spec.config.kind = "webhook";
    spec.config.endpoint = "https://hooks.example.org/cc";
    spec.secret_from.file = file;
    return spec;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sync_config)

BOOST_AUTO_TEST_CASE(valid_config_loads_with_defaults) {
    ConfigDir d;
    const std::string pw = env_name("PW");
    cc::SyncConfig c;
    std::string error;
    BOOST_TEST_REQUIRE(d.load(R"({
        "course_iri": "https://lms.example.org/courses/safety/",
        "store": "state/cc.db",
        "roles": "../team/roles.json",
        "targets": [
          {"name": "lms", "kind": "xapi", "endpoint": "https://lrs.example.org/xAPI",
           "auth": {"type": "basic", "username": "cc-bot", "password": {"env": ")" + pw + R"("}}},
          {"name": "hook", "kind": "webhook", "endpoint": "https://hooks.example.org/cc",
           "secret": {"file": "hook.key"}},
          {"name": "lrs2", "kind": "xapi", "endpoint": "https://lrs2.example.org/xAPI/",
           "auth": {"type": "bearer", "token": {"file": "/etc/cc/token"}}}
        ]})",
                              c, error),
                       error);
    BOOST_TEST(error.empty());
    const std::string conf_dir = fs::path(d.path).parent_path().string();
    BOOST_TEST(c.file == d.path);
    BOOST_TEST(c.course_iri == "https://lms.example.org/courses/safety");  // trailing slash gone
    BOOST_TEST(c.store == conf_dir + "/state/cc.db");
    BOOST_TEST(c.roles == d.dir.path() + "/team/roles.json");  // normalized, no ".."
    BOOST_TEST(c.profile_iri == kBase);
    BOOST_TEST(c.language == "en");
    BOOST_TEST(c.default_roles);
    BOOST_TEST(!c.default_roles_given);

    // The plugin's agent: an account named coursecrew on the course IRI.
    const auto agent = parse(c.agent_json);
    BOOST_TEST(member_str(agent, "objectType") == "Agent");
    BOOST_TEST(member_str(agent["account"], "homePage") == "https://lms.example.org/courses/safety");
    BOOST_TEST(member_str(agent["account"], "name") == "coursecrew");

    BOOST_TEST_REQUIRE(c.targets.size() == 3u);
    const cc::TargetSpec &x = c.targets[0];
    BOOST_TEST(x.config.name == "lms");
    BOOST_TEST(x.config.kind == "xapi");
    BOOST_TEST(x.config.endpoint == "https://lrs.example.org/xAPI/");  // slash added
    BOOST_TEST(x.config.batch_max_statements == 500u);
    BOOST_TEST(x.config.batch_max_bytes == 4'000'000u);
    BOOST_TEST(x.config.backoff_base_ms == 500);
    BOOST_TEST(x.config.backoff_cap_ms == 300'000);
    BOOST_TEST(x.config.connect_timeout_ms == 10'000);
    BOOST_TEST(x.config.request_timeout_ms == 60'000);
    BOOST_TEST(x.config.xapi_version == "1.0.3");
    BOOST_TEST(!x.config.allow_xapi_2);
    BOOST_TEST(x.config.tls_verify);
    BOOST_TEST(x.config.documents);
    BOOST_TEST(x.config.ca_file.empty());
    BOOST_TEST(x.auth_type == "basic");
    BOOST_TEST(x.username == "cc-bot");
    BOOST_TEST(x.password_from.env == pw);
    BOOST_TEST(x.password_from.file.empty());
    // Nothing secret was read while loading.
    BOOST_TEST(x.config.auth.secret.empty());

    const cc::TargetSpec &h = c.targets[1];
    BOOST_TEST(h.config.kind == "webhook");
    BOOST_TEST(h.config.endpoint == "https://hooks.example.org/cc");  // webhook URLs are left alone
    BOOST_TEST(!h.config.documents);                                 // only xAPI keeps documents
    BOOST_TEST(h.config.signature_header == "X-Coursecrew-Signature");
    BOOST_TEST(h.secret_from.file == conf_dir + "/hook.key");         // relative to the config
    BOOST_TEST(h.auth_type == "none");

    const cc::TargetSpec &b = c.targets[2];
    BOOST_TEST(b.config.endpoint == "https://lrs2.example.org/xAPI/");  // not doubled
    BOOST_TEST(b.auth_type == "bearer");
    BOOST_TEST(b.token_from.file == "/etc/cc/token");
}

BOOST_AUTO_TEST_CASE(options_override_defaults) {
    ConfigDir d;
    cc::SyncConfig c;
    std::string error;
    BOOST_TEST_REQUIRE(d.load(R"({
        "course_iri": "urn:example:course:1",
        "profile_iri": "https://example.org/profiles/cc",
        "store": "/var/lib/cc/state.db",
        "default_roles": false,
        "language": "pt-BR",
        "agent": {"name": "Bot", "mbox": "mailto:bot@example.org"},
        "targets": [{"name": "lms", "kind": "xapi", "endpoint": "http://127.0.0.1:9/xAPI/",
                     "documents": false, "tls_verify": false, "ca_file": "ca.pem",
                     "xapi_version": "2.0.0", "allow_xapi_2": true,
                     "connect_timeout_ms": 1500, "request_timeout_ms": 9000,
                     "batch": {"max_statements": 50, "max_bytes": 100000},
                     "retry": {"base_ms": 20, "cap_ms": 1000}}]})",
                              c, error),
                       error);
    BOOST_TEST(c.course_iri == "urn:example:course:1");
    BOOST_TEST(c.profile_iri == "https://example.org/profiles/cc");
    BOOST_TEST(c.store == "/var/lib/cc/state.db");
    BOOST_TEST(c.roles.empty());
    BOOST_TEST(!c.default_roles);
    BOOST_TEST(c.default_roles_given);
    BOOST_TEST(c.language == "pt-BR");
    BOOST_TEST(same_json(c.agent_json, R"({"objectType":"Agent","name":"Bot","mbox":"mailto:bot@example.org"})"));
    const cc::TargetConfig &t = c.targets.at(0).config;
    BOOST_TEST(!t.documents);
    BOOST_TEST(!t.tls_verify);
    BOOST_TEST(t.ca_file == fs::path(d.path).parent_path().string() + "/ca.pem");
    BOOST_TEST(t.xapi_version == "2.0.0");
    BOOST_TEST(t.allow_xapi_2);
    BOOST_TEST(t.connect_timeout_ms == 1500);
    BOOST_TEST(t.request_timeout_ms == 9000);
    BOOST_TEST(t.batch_max_statements == 50u);
    BOOST_TEST(t.batch_max_bytes == 100000u);
    BOOST_TEST(t.backoff_base_ms == 20);
    BOOST_TEST(t.backoff_cap_ms == 1000);
}

BOOST_AUTO_TEST_CASE(errors_name_file_and_pointer) {
    ConfigDir d;
    d.expect_error(R"({"targets": [)" + kXapiTarget + "]}", "/", "missing course_iri");
    d.expect_error(R"({"course_iri": "https://x.org/c"})", "/", "missing targets");
    // Unknown members: the pointer leads to the member, the message names it.
    d.expect_error(config_with(kXapiTarget).substr(0, config_with(kXapiTarget).size() - 1) + R"(, "colour": "red"})",
                   "/colour", "unknown member \"colour\"");
    d.expect_error(config_with(R"({"name": "lms", "kind": "xapi", "endpoint": "https://l/xAPI/", "colour": 1})"),
                   "/targets/0/colour", "unknown member \"colour\"");
    d.expect_error(config_with(R"({"name": "lms", "kind": "xapi", "endpoint": "https://l/xAPI/",
                                  "auth": {"type": "none", "user": "x"}})"),
                   "/targets/0/auth/user", "unknown member \"user\"");
    d.expect_error(config_with(R"({"name": "lms", "kind": "ftp", "endpoint": "https://l/xAPI/"})"),
                   "/targets/0/kind", "not one of the allowed values");
    d.expect_error(config_with(kXapiTarget + "," + kXapiTarget), "/targets/1/name",
                   "target name \"lms\" is used twice");
    d.expect_error(config_with(R"({"name": "lms", "kind": "xapi", "endpoint": "https://l/xAPI/",
                                  "auth": {"type": "basic", "username": "u"}})"),
                   "/targets/0/auth", "basic auth needs \"username\" and \"password\"");
    d.expect_error(config_with(R"({"name": "lms", "kind": "xapi", "endpoint": "https://l/xAPI/",
                                  "auth": {"type": "basic", "password": {"env": "PW"}}})"),
                   "/targets/0/auth", "basic auth needs");
    d.expect_error(config_with(R"({"name": "lms", "kind": "xapi", "endpoint": "https://l/xAPI/",
                                  "auth": {"type": "bearer"}})"),
                   "/targets/0/auth", "bearer auth needs \"token\"");
    d.expect_error(config_with(kXapiTarget + R"(, {"name": "hook", "kind": "webhook", "endpoint": "https://h/x"})"),
                   "/targets/1", "a webhook target needs \"secret\"");
    d.expect_error(config_with(""), "/targets", "must not be empty");
    d.expect_error(R"({"course_iri": "not an iri", "targets": [)" + kXapiTarget + "]}", "/course_iri",
                   "not in the expected form");

    // Not JSON; no file.
    cc::SyncConfig c;
    std::string error;
    BOOST_TEST(!d.load("{\"course_iri\": ", c, error));
    BOOST_TEST(error.rfind(d.path + ": not valid JSON", 0) == 0u, error);
    BOOST_TEST(!cc::load_sync_config(d.dir / "absent.json", c, error));
    BOOST_TEST(error.find(d.dir / "absent.json") != std::string::npos, error);
    // A failed load leaves `out` alone.
    c.course_iri = "untouched";
    BOOST_TEST(!d.load(config_with(kXapiTarget + "," + kXapiTarget), c, error));
    BOOST_TEST(c.course_iri == "untouched");
}

BOOST_AUTO_TEST_CASE(resolve_target_from_environment) {
    const std::string user = env_name("USER"), pass = env_name("PASS"), token = env_name("TOKEN");
    cc::TargetSpec spec;
    spec.config.name = "lms";
    spec.config.kind = "xapi";
    spec.auth_type = "basic";
    spec.username_from.env = user;
    spec.password_from.env = pass;
    ::unsetenv(user.c_str());
    ::unsetenv(pass.c_str());

    cc::TargetConfig out;
    std::string error;
    BOOST_TEST(!cc::resolve_target(spec, out, error));
    BOOST_TEST(error.find(user) != std::string::npos, error);
    BOOST_TEST(error.find("not set") != std::string::npos, error);
    BOOST_TEST(error.find("\"lms\"") != std::string::npos, error);

    // The user name is read; the password's variable is still unset, and the
    // message names it without quoting the user name that was read.
    ::setenv(user.c_str(), "user-S3CRET-value", 1);
    error.clear();
    BOOST_TEST(!cc::resolve_target(spec, out, error));
    BOOST_TEST(error.find(pass) != std::string::npos, error);
    BOOST_TEST(error.find("user-S3CRET-value") == std::string::npos, error);
    // Set but empty counts as unset.
    ::setenv(pass.c_str(), "", 1);
    BOOST_TEST(!cc::resolve_target(spec, out, error));
    BOOST_TEST(error.find(pass) != std::string::npos, error);

    ::setenv(pass.c_str(), "pass-S3CRET-value", 1);
    error.clear();
    BOOST_TEST_REQUIRE(cc::resolve_target(spec, out, error), error);
    BOOST_TEST((out.auth.kind == cc::Credentials::Kind::Basic));
    BOOST_TEST(out.auth.username == "user-S3CRET-value");
    BOOST_TEST(out.auth.secret == "pass-S3CRET-value");
    BOOST_TEST(out.name == "lms");

    cc::TargetSpec bearer;
    bearer.config.name = "lrs2";
    bearer.auth_type = "bearer";
    bearer.token_from.env = token;
    ::setenv(token.c_str(), "tok-S3CRET", 1);
    BOOST_TEST_REQUIRE(cc::resolve_target(bearer, out, error), error);
    BOOST_TEST((out.auth.kind == cc::Credentials::Kind::Bearer));
    BOOST_TEST(out.auth.secret == "tok-S3CRET");
    ::unsetenv(user.c_str());
    ::unsetenv(pass.c_str());
    ::unsetenv(token.c_str());
}

BOOST_AUTO_TEST_CASE(resolve_target_from_owner_only_file) {
    cctest::TempDir dir;
    const std::string key = dir / "hook.key";
    const std::string secret = "hmac-S3CRET-0123456789";
    cctest::write_file(key, secret + "\n");
    cc::TargetConfig out;
    std::string error;

    // Readable by others: refused, with the fix, and without the secret.
    for (mode_t mode : {0644, 0640, 0604, 0660}) {
        BOOST_TEST_REQUIRE(::chmod(key.c_str(), mode) == 0);
        error.clear();
        BOOST_TEST(!cc::resolve_target(webhook_spec(key), out, error), "mode " << std::oct << mode);
        BOOST_TEST(error.find("chmod 600 " + key) != std::string::npos, error);
        BOOST_TEST(error.find(secret) == std::string::npos, error);
        BOOST_TEST(out.hmac_secret.empty());
    }
    BOOST_TEST(error.find("mode 0660") != std::string::npos, error);

    // Owner only: read, trailing newline stripped.
    for (mode_t mode : {0600, 0400}) {
        BOOST_TEST_REQUIRE(::chmod(key.c_str(), mode) == 0);
        error.clear();
        BOOST_TEST_REQUIRE(cc::resolve_target(webhook_spec(key), out, error), error);
        BOOST_TEST(out.hmac_secret == secret);
        BOOST_TEST(out.kind == "webhook");
    }
    BOOST_TEST_REQUIRE(::chmod(key.c_str(), 0600) == 0);
    cctest::write_file(key, secret + "\r\n");
    BOOST_TEST_REQUIRE(cc::resolve_target(webhook_spec(key), out, error), error);
    BOOST_TEST(out.hmac_secret == secret);
    // Inner whitespace is part of the secret.
    cctest::write_file(key, " a b \n");
    BOOST_TEST_REQUIRE(cc::resolve_target(webhook_spec(key), out, error), error);
    BOOST_TEST(out.hmac_secret == " a b ");

    // Empty (after the newline) and missing files are errors naming the file.
    cctest::write_file(key, "\n");
    BOOST_TEST(!cc::resolve_target(webhook_spec(key), out, error));
    BOOST_TEST(error.find(key) != std::string::npos, error);
    BOOST_TEST(error.find("empty") != std::string::npos, error);
    BOOST_TEST(!cc::resolve_target(webhook_spec(dir / "absent.key"), out, error));
    BOOST_TEST(error.find(dir / "absent.key") != std::string::npos, error);

    // A secret already read (the password) never shows in a later error.
    const std::string pass = env_name("HOOKPASS");
    ::setenv(pass.c_str(), "pw-S3CRET-987", 1);
    cctest::write_file(key, secret);
    BOOST_TEST_REQUIRE(::chmod(key.c_str(), 0644) == 0);
    cc::TargetSpec spec = webhook_spec(key);
    spec.auth_type = "basic";
    spec.username = "hooker";
    spec.password_from.env = pass;
    error.clear();
    BOOST_TEST(!cc::resolve_target(spec, out, error));
    BOOST_TEST(!error.empty());
    BOOST_TEST(error.find("pw-S3CRET-987") == std::string::npos, error);
    BOOST_TEST(error.find(secret) == std::string::npos, error);
    ::unsetenv(pass.c_str());
}

BOOST_AUTO_TEST_SUITE_END()

// ===========================================================================
BOOST_AUTO_TEST_SUITE(sync_feed)

BOOST_AUTO_TEST_CASE(first_publish_queues_published_assignments_and_documents) {
    Workspace w;
    const cc::PublishResult r = w.publish();
    BOOST_TEST(r.store == w.store);  // the config's relative store, beside the config
    BOOST_TEST(fs::exists(w.store));

    const auto expected = planned_assignments();
    BOOST_TEST_REQUIRE(!expected.empty());
    // A few facts of the sample's map: Dora is the expert on hazards only,
    // Chen designs the assessment only.
    BOOST_TEST(expected.count({"MOD-HAZARDS", "expert", "mailto:dora@example.org"}) == 1u);
    BOOST_TEST(expected.count({"MOD-INTRO", "expert", "mailto:dora@example.org"}) == 0u);
    BOOST_TEST(expected.count({"MOD-INTRO", "voice", "mailto:eli@example.org"}) == 1u);
    BOOST_TEST(expected.count({"MOD-INTRO", "designer", "mailto:chen@example.org"}) == 0u);

    // What the call reports ...
    auto kinds = kinds_of(r.feed.events);
    BOOST_TEST(kinds["published"] == 1u);
    BOOST_TEST(kinds["assigned"] == expected.size());
    BOOST_TEST(r.feed.events.size() == 1 + expected.size());  // no status, no progress yet
    BOOST_TEST(r.feed.documents.size() == 3u);

    // ... is what the store holds.
    BOOST_TEST(w.events() == static_cast<std::int64_t>(r.feed.events.size()));
    BOOST_TEST(w.events("published") == 1);
    BOOST_TEST(w.events("assigned") == static_cast<std::int64_t>(expected.size()));
    BOOST_TEST(w.outbox("lms") == w.events());
    BOOST_TEST(w.outbox() == w.events());
    BOOST_TEST(count(w.store, "SELECT count(*) FROM events WHERE course <> 'com.example.safety-basics'") == 0);
    BOOST_TEST(count(w.store, "SELECT count(DISTINCT uuid) FROM events") == w.events());
    BOOST_TEST(count(w.store, "SELECT count(*) FROM assignments") == static_cast<std::int64_t>(expected.size()));

    // One "assigned" per (module, role, person), each the one planned.
    std::set<std::tuple<std::string, std::string, std::string>> announced;
    for (const cc::Event &e : r.feed.events) {
        const auto d = parse(e.body);
        BOOST_TEST(member_str(d, "id") == e.uuid);
        BOOST_TEST(member_str(d["actor"]["account"], "name") == "coursecrew");  // the plugin acts
        if (e.kind == "published") {
            BOOST_TEST(member_str(d["object"], "id") == kCourseIri);
            const Value &pkg = d["context"]["extensions"][(kBase + "/extensions/package").c_str()];
            BOOST_TEST(member_str(pkg, "identifier") == "com.example.safety-basics");
            BOOST_TEST(pkg["pieces"].GetUint64() == r.pieces);
            BOOST_TEST(pkg["pairs"].GetUint64() == r.pairs);
            continue;
        }
        const std::string module = member_str(d["context"]["contextActivities"]["parent"][0], "id")
                                       .substr(kCourseIri.size() + std::string("/modules/").size());
        const std::string role = str(result_ext(d, "/extensions/role"));
        const Value &person = result_ext(d, "/extensions/person");
        const std::string key = person.HasMember("mbox")
                                    ? member_str(person, "mbox")
                                    : "account:" + member_str(person["account"], "homePage") + "|" +
                                          member_str(person["account"], "name");
        BOOST_TEST(member_str(d["object"], "id") == kCourseIri + "/modules/" + module + "/roles/" + role);
        BOOST_TEST(announced.emplace(module, role, key).second, "announced twice: " << module << " " << role);
    }
    BOOST_TEST((announced == expected));

    // One document per module for the document target, pending, version 1.
    const auto docs = w.document_rows();
    BOOST_TEST_REQUIRE(docs.size() == 3u);
    BOOST_TEST(w.documents() == 3);
    const std::vector<std::string> modules = {"MOD-ASSESS", "MOD-HAZARDS", "MOD-INTRO"};
    for (std::size_t i = 0; i < docs.size(); ++i) {
        BOOST_TEST(docs[i].rfind(modules[i] + "|1|1|", 0) == 0u, docs[i]);
    }
    BOOST_TEST(count(w.store, "SELECT count(*) FROM documents WHERE activity = '" + kCourseIri +
                                  "/modules/MOD-HAZARDS'") == 1);
    const auto body = parse(rows(w.store, "SELECT body FROM documents WHERE module = 'MOD-HAZARDS'").at(0));
    BOOST_TEST(member_str(body, "module") == "MOD-HAZARDS");
    BOOST_TEST(member_str(body, "course") == kCourseIri);
    BOOST_TEST(member_str(body, "title") == "Hazards");
    BOOST_TEST(body["pieces"].MemberCount() == 2u);  // SCO-SLIPS, SCO-FIRE
    BOOST_TEST(member_str(body["pieces"]["SCO-FIRE"]["roles"]["expert"], "status") == "not_started");
    BOOST_TEST_REQUIRE(body["roles"].HasMember("expert"));
    BOOST_TEST(member_str(body["roles"]["expert"]["people"][0], "mbox") == "mailto:dora@example.org");
    // No progress statement for a module nothing is done in.
    BOOST_TEST(w.events("progressed") == 0);
    BOOST_TEST(count(w.store, "SELECT count(*) FROM progress") == 3);
}

BOOST_AUTO_TEST_CASE(republishing_queues_nothing_new) {
    Workspace w;
    w.publish(kT0);
    const auto events = rows(w.store, "SELECT id, uuid, kind, at FROM events ORDER BY id");
    const auto outbox = rows(w.store, "SELECT target, event FROM outbox ORDER BY target, event");
    const auto docs = w.document_rows();

    const cc::PublishResult again = w.publish(kT0 + 3600);
    BOOST_TEST(again.feed.events.empty());
    BOOST_TEST(again.feed.documents.empty());
    BOOST_TEST((rows(w.store, "SELECT id, uuid, kind, at FROM events ORDER BY id") == events));
    BOOST_TEST((rows(w.store, "SELECT target, event FROM outbox ORDER BY target, event") == outbox));
    BOOST_TEST((w.document_rows() == docs));

    // Even after the outbox was delivered: nothing comes back.
    exec(w.store, "DELETE FROM outbox; UPDATE documents SET pending = 0");
    const cc::PublishResult third = w.publish(kT0 + 7200);
    BOOST_TEST(third.feed.events.empty());
    BOOST_TEST(w.outbox() == 0);
    BOOST_TEST(count(w.store, "SELECT count(*) FROM documents WHERE pending = 1") == 0);
}

BOOST_AUTO_TEST_CASE(status_change_queues_statement_progress_and_document) {
    Workspace w;
    w.publish(kT0);
    const std::int64_t events0 = w.events(), outbox0 = w.outbox();
    exec(w.store, "UPDATE documents SET pending = 0");  // as if delivered
    const std::int64_t intro_pairs = count(
        w.store, "SELECT count(*) FROM pairs p JOIN pieces pc ON pc.course = p.course AND pc.piece = p.piece "
                 "WHERE pc.module = 'MOD-INTRO'");
    BOOST_TEST_REQUIRE(intro_pairs >= 2);

    // Done: the module's share moves.
    const std::int64_t t1 = kT0 + 60;
    cc::FeedResult f = w.set({{"SCO-WELCOME", "writer", cc::Status::Done, "ana@example.org", "first cut"}}, t1);
    auto kinds = kinds_of(f.events);
    BOOST_TEST(kinds["status"] == 1u);
    BOOST_TEST(kinds["progressed"] == 1u);
    BOOST_TEST(f.events.size() == 2u);
    BOOST_TEST(w.events() == events0 + 2);
    BOOST_TEST(w.outbox() == outbox0 + 2);
    BOOST_TEST(w.events("status") == 1);
    BOOST_TEST(w.events("progressed") == 1);

    for (const cc::Event &e : f.events) {
        const auto d = parse(e.body);
        BOOST_TEST(member_str(d, "timestamp") == cc::iso_time(t1));
        if (e.kind == "status") {
            BOOST_TEST(member_str(d["actor"], "name") == "Ana Lima");  // resolved through the role map
            BOOST_TEST(member_str(d["actor"], "mbox") == "mailto:ana@example.org");
            BOOST_TEST(member_str(d["object"], "id") == kCourseIri + "/pieces/SCO-WELCOME");
            BOOST_TEST(str(result_ext(d, "/extensions/previous-status")) == "not_started");
            BOOST_TEST(str(result_ext(d, "/extensions/status")) == "done");
            BOOST_TEST(str(result_ext(d, "/extensions/note")) == "first cut");
            BOOST_TEST(member_str(d["context"]["contextActivities"]["parent"][0]["definition"]["name"], "en") ==
                       "Introduction");
        } else {
            BOOST_TEST(member_str(d["object"], "id") == kCourseIri + "/modules/MOD-INTRO");
            BOOST_TEST(result_ext(d, cc::vocab::kExtProgress).GetInt() == static_cast<int>(100 / intro_pairs));
            BOOST_TEST(result_ext(d, "/extensions/pairs")["done"].GetInt() == 1);
            BOOST_TEST(result_ext(d, "/extensions/pairs")["total"].GetInt() == intro_pairs);
        }
    }
    // The module's document is queued again (newer version, pending); the others are not.
    BOOST_TEST(f.documents.size() == 1u);
    BOOST_TEST(count(w.store, "SELECT version FROM documents WHERE module = 'MOD-INTRO'") == 2);
    BOOST_TEST(count(w.store, "SELECT pending FROM documents WHERE module = 'MOD-INTRO'") == 1);
    BOOST_TEST(count(w.store, "SELECT count(*) FROM documents WHERE module <> 'MOD-INTRO' AND "
                              "(version <> 1 OR pending <> 0)") == 0);
    const auto doc = parse(rows(w.store, "SELECT body FROM documents WHERE module = 'MOD-INTRO'").at(0));
    const Value &cell = doc["pieces"]["SCO-WELCOME"]["roles"]["writer"];
    BOOST_TEST(member_str(cell, "status") == "done");
    BOOST_TEST(member_str(cell, "by") == "ana@example.org");
    BOOST_TEST(member_str(cell, "note") == "first cut");
    BOOST_TEST(member_str(cell, "at") == cc::iso_time(t1));
    BOOST_TEST(member_str(doc, "updated") == cc::iso_time(t1));

    // A change that moves nothing done: a statement and the document, no progress.
    const std::int64_t t2 = t1 + 60;
    f = w.set({{"SCO-FIRE", "writer", cc::Status::InProgress, "Bob Stone", ""}}, t2);
    kinds = kinds_of(f.events);
    BOOST_TEST(kinds["status"] == 1u);
    BOOST_TEST(f.events.size() == 1u);
    BOOST_TEST(w.events("progressed") == 1);
    BOOST_TEST(count(w.store, "SELECT version FROM documents WHERE module = 'MOD-HAZARDS'") == 2);
    BOOST_TEST(count(w.store, "SELECT pending FROM documents WHERE module = 'MOD-HAZARDS'") == 1);
    BOOST_TEST(count(w.store, "SELECT version FROM documents WHERE module = 'MOD-INTRO'") == 2);
    const auto d = parse(f.events.at(0).body);
    BOOST_TEST(member_str(d["actor"]["account"], "name") == "bob");  // display name -> Bob's account
    BOOST_TEST(!d["result"]["extensions"].HasMember((kBase + "/extensions/note").c_str()));

    // Two changes in one call: two statements with distinct ids.
    f = w.set({{"SCO-SLIPS", "writer", cc::Status::InProgress, "ana@example.org", ""},
               {"SCO-FIRE", "writer", cc::Status::InReview, "ana@example.org", ""}},
              t2);
    BOOST_TEST(kinds_of(f.events)["status"] == 2u);
    BOOST_TEST(f.events.at(0).uuid != f.events.at(1).uuid);
    BOOST_TEST(w.events("status") == 4);
    BOOST_TEST(count(w.store, "SELECT version FROM documents WHERE module = 'MOD-HAZARDS'") == 3);
}

// Through the workspace: a status change a week and more after the first
// publish sends the module's progress with the forecast the store's history
// gives as of that day, and the module's document carries the same; with
// the forecast turned off (options.forecast, --no-forecast) neither does.
// Two seats doing the very same things at the same second (publish, then
// the same status change) make statements of every kind with ids of their
// own. With a shared id the LRS keeps the first and answers 409 to the
// other seat's (different: its actor, its forecast), refusing the whole
// batch the statement came in (the three-seat test lost 40 status changes
// so).
BOOST_AUTO_TEST_CASE(two_seats_never_share_a_statement_id_of_any_kind) {
    Workspace a, b;
    std::map<std::string, std::set<std::string>> ids;  // kind -> uuids on both seats
    std::size_t made = 0;
    for (Workspace *w : {&a, &b}) {
        w->publish(kT0);
        w->set({{"SCO-WELCOME", "writer", cc::Status::Done, "ana@example.org", "first cut"}}, kT0 + 60);
        for (const std::string &row : rows(w->store, "SELECT kind || '|' || uuid FROM events")) {
            ids[row.substr(0, row.find('|'))].insert(row.substr(row.find('|') + 1));
            ++made;
        }
    }
    for (const char *kind : {"published", "assigned", "status", "progressed"})
        BOOST_TEST(!ids[kind].empty(), kind);
    std::size_t distinct = 0;
    for (const auto &[kind, uuids] : ids) distinct += uuids.size();
    BOOST_TEST(distinct == made);
}

BOOST_AUTO_TEST_CASE(status_change_sends_the_modules_forecast) {
    for (const bool on : {true, false}) {
        Workspace w;
        w.options.forecast = on;
        w.publish(kT0);
        const std::int64_t t1 = kT0 + 10 * 86400;  // 2026-12-08, a Tuesday
        cc::FeedResult f = w.set({{"SCO-WELCOME", "writer", cc::Status::Done, "ana@example.org", ""}}, t1);
        BOOST_TEST_REQUIRE(kinds_of(f.events)["progressed"] == 1u);
        const auto doc = parse(rows(w.store, "SELECT body FROM documents WHERE module = 'MOD-INTRO'").at(0));
        for (const cc::Event &e : f.events) {
            if (e.kind != "progressed") continue;
            const auto d = parse(e.body);
            const Value &ext = d["result"]["extensions"];
            const std::string key = kBase + "/extensions/forecast";
            BOOST_TEST(ext.HasMember(key.c_str()) == on);
            BOOST_TEST(doc.HasMember("forecast") == on);
            if (!on) continue;
            const Value &fc = ext[key.c_str()];
            BOOST_TEST(member_str(fc, "as_of") == "2026-12-08");
            // One writer pair done in a week: the roles that did nothing are
            // stalled, so the module cannot be forecast yet, and says why.
            BOOST_TEST(member_str(fc, "state") == "stalled");
            BOOST_TEST(!member_str(fc, "bottleneck").empty());
            rapidjson::StringBuffer a, b;
            rapidjson::Writer<rapidjson::StringBuffer> wa(a), wb(b);
            fc.Accept(wa);
            doc["forecast"].Accept(wb);
            BOOST_TEST(std::string(a.GetString()) == std::string(b.GetString()));  // the same in both
        }
    }
}

// Status statements made through the workspace (no plan at hand for
// set_status_in_store) name the piece by its title, as the document does.
BOOST_AUTO_TEST_CASE(status_statement_names_the_piece_by_title) {
    Workspace w;
    w.publish(kT0);
    cc::FeedResult f = w.set({{"SCO-WELCOME", "writer", cc::Status::InProgress, "ana@example.org", ""}}, kT0 + 60);
    BOOST_TEST_REQUIRE(f.events.size() == 1u);
    BOOST_TEST(member_str(parse(f.events[0].body)["object"]["definition"]["name"], "en") ==
               "Welcome: why safety matters");
    // The document for the same change has the title.
    const auto doc = parse(rows(w.store, "SELECT body FROM documents WHERE module = 'MOD-INTRO'").at(0));
    BOOST_TEST(member_str(doc["pieces"]["SCO-WELCOME"], "title") == "Welcome: why safety matters");

    const cc::FeedResult g =
        w.set_in_store({{"SCO-WELCOME", "writer", cc::Status::InReview, "ana@example.org", ""}}, kT0 + 120);
    BOOST_TEST_REQUIRE(g.events.size() == 1u);
    BOOST_TEST(member_str(parse(g.events[0].body)["object"]["definition"]["name"], "en") ==
               "Welcome: why safety matters");
}

BOOST_AUTO_TEST_CASE(set_status_in_store_feeds_too) {
    Workspace w;
    w.publish(kT0);
    std::string course;
    const cc::FeedResult feed = w.set_in_store(
        {{"SCO-QUIZ", "designer", cc::Status::Blocked, "chen@example.org", "needs a decision"}}, kT0 + 10, &course);
    BOOST_TEST(course == "com.example.safety-basics");
    BOOST_TEST(kinds_of(feed.events)["status"] == 1u);
    BOOST_TEST(w.events("status") == 1);
    const auto d = parse(feed.events.at(0).body);
    BOOST_TEST(member_str(d["actor"], "name") == "Chen Wei");
    // Without the package, the module's title comes from what was recorded.
    BOOST_TEST(member_str(d["context"]["contextActivities"]["parent"][0]["definition"]["name"], "en") == "Assessment");
    BOOST_TEST(count(w.store, "SELECT version FROM documents WHERE module = 'MOD-ASSESS'") == 2);
}

BOOST_AUTO_TEST_CASE(dry_run_changes_nothing) {
    // A first publish as a dry run: the statements, and an untouched store.
    {
        Workspace w;
        w.options.dry_run = true;
        const cc::PublishResult r = w.publish();
        BOOST_TEST(kinds_of(r.feed.events)["published"] == 1u);
        BOOST_TEST(kinds_of(r.feed.events)["assigned"] == planned_assignments().size());
        BOOST_TEST(r.feed.documents.size() == 3u);
        BOOST_TEST(w.events() == 0);
        BOOST_TEST(w.outbox() == 0);
        BOOST_TEST(w.documents() == 0);
        BOOST_TEST(w.pair_rows().empty());
    }
    Workspace w;
    w.publish(kT0);
    const auto pairs = w.pair_rows();
    const auto events = rows(w.store, "SELECT id, uuid FROM events ORDER BY id");
    const auto outbox = rows(w.store, "SELECT target, event FROM outbox ORDER BY target, event");
    const auto docs = w.document_rows();

    const cc::FeedResult f =
        w.set({{"SCO-WELCOME", "writer", cc::Status::Done, "ana@example.org", "dry"}}, kT0 + 60, true);
    BOOST_TEST(kinds_of(f.events)["status"] == 1u);
    BOOST_TEST(kinds_of(f.events)["progressed"] == 1u);
    BOOST_TEST(f.documents.size() == 1u);
    const auto d = parse(f.events.at(0).body);
    BOOST_TEST(str(result_ext(d, "/extensions/note")) == "dry");

    BOOST_TEST((w.pair_rows() == pairs));
    BOOST_TEST((rows(w.store, "SELECT id, uuid FROM events ORDER BY id") == events));
    BOOST_TEST((rows(w.store, "SELECT target, event FROM outbox ORDER BY target, event") == outbox));
    BOOST_TEST((w.document_rows() == docs));
    BOOST_TEST(count(w.store, "SELECT count(*) FROM history WHERE to_status = 'done'") == 0);

    // The same change for real then queues the same statement (same id).
    const cc::FeedResult real =
        w.set({{"SCO-WELCOME", "writer", cc::Status::Done, "ana@example.org", "dry"}}, kT0 + 60);
    BOOST_TEST_REQUIRE(real.events.size() == f.events.size());
    BOOST_TEST(real.events.at(0).uuid == f.events.at(0).uuid);
    BOOST_TEST(w.events() == static_cast<std::int64_t>(events.size() + 2));
}

// A dry-run status update on a package not recorded yet sees the pairs the
// (rolled back) publish would create, like the real run.
BOOST_AUTO_TEST_CASE(dry_run_status_before_first_publish) {
    Workspace w;
    cc::WorkspaceOptions o = w.options;
    o.dry_run = true;
    std::vector<cc::Change> changes;
    cc::WorkspaceError error;
    cc::FeedResult feed;
    const std::vector<cc::StatusUpdate> updates = {{"SCO-WELCOME", "writer", cc::Status::Done, "ana@example.org", ""}};
    BOOST_TEST(cc::set_status_for_package(w.package, {}, o, updates, changes, error, &feed), error.message);
    auto kinds = kinds_of(feed.events);
    BOOST_TEST(kinds["published"] == 1u);  // the publish it would do first
    BOOST_TEST(kinds["status"] == 1u);
    BOOST_TEST(kinds["progressed"] == 1u);
    BOOST_TEST(changes.size() == 1u);
    BOOST_TEST(w.events() == 0);  // and nothing stored
    BOOST_TEST(w.outbox() == 0);
    BOOST_TEST(w.documents() == 0);
    BOOST_TEST(w.pair_rows().empty());
    // The real run queues the same.
    o.dry_run = false;
    error = {};
    cc::FeedResult real;
    BOOST_TEST_REQUIRE(cc::set_status_for_package(w.package, {}, o, updates, changes, error, &real), error.message);
    BOOST_TEST((kinds_of(real.events) == kinds));
    BOOST_TEST(w.events() == static_cast<std::int64_t>(real.events.size()));
    BOOST_TEST(w.events("status") == 1);
    BOOST_TEST(count(w.store, "SELECT count(*) FROM pairs WHERE status = 'done'") == 1);
}

BOOST_AUTO_TEST_CASE(failed_update_writes_nothing) {
    Workspace w;
    w.publish(kT0);
    const auto pairs = w.pair_rows();
    const auto events = rows(w.store, "SELECT id, uuid FROM events ORDER BY id");
    const auto outbox = rows(w.store, "SELECT target, event FROM outbox ORDER BY target, event");
    const auto docs = w.document_rows();

    cc::WorkspaceOptions o = w.options;
    o.now = kT0 + 60;
    std::vector<cc::Change> changes;
    cc::WorkspaceError error;
    cc::FeedResult feed;
    // A good update followed by one for a piece that does not exist: neither applies.
    BOOST_TEST(!cc::set_status_for_package(
        w.package, {}, o,
        {{"SCO-WELCOME", "writer", cc::Status::Done, "ana@example.org", ""},
         {"SCO-NOPE", "writer", cc::Status::Done, "ana@example.org", ""}},
        changes, error, &feed));
    BOOST_TEST(error.message.find("unknown piece") != std::string::npos, error.message);
    BOOST_TEST(changes.empty());
    BOOST_TEST((w.pair_rows() == pairs));
    BOOST_TEST((rows(w.store, "SELECT id, uuid FROM events ORDER BY id") == events));
    BOOST_TEST((rows(w.store, "SELECT target, event FROM outbox ORDER BY target, event") == outbox));
    BOOST_TEST((w.document_rows() == docs));
    for (const cc::Event &e : feed.events) BOOST_TEST(e.kind != "status");

    // A no-op (already the status) fails the same way.
    BOOST_TEST(!cc::set_status_for_package(
        w.package, {}, o, {{"SCO-WELCOME", "writer", cc::Status::NotStarted, "ana@example.org", ""}},
        changes, error, &feed));
    BOOST_TEST(w.events() == static_cast<std::int64_t>(events.size()));
}

BOOST_AUTO_TEST_CASE(every_target_gets_its_rows) {
    const std::string hook_env = env_name("HOOK");
    Workspace w(R"([{"name": "lms", "kind": "xapi", "endpoint": "http://127.0.0.1:9/xAPI/"},
                    {"name": "lrs2", "kind": "xapi", "endpoint": "http://127.0.0.1:9/other/xAPI"},
                    {"name": "archive", "kind": "xapi", "endpoint": "http://127.0.0.1:9/a/xAPI/", "documents": false},
                    {"name": "hook", "kind": "webhook", "endpoint": "http://127.0.0.1:9/hook",
                     "secret": {"env": ")" + hook_env + R"("}}])");
    const cc::PublishResult r = w.publish(kT0);
    const std::int64_t n = w.events();
    BOOST_TEST(n == static_cast<std::int64_t>(r.feed.events.size()));
    BOOST_TEST_REQUIRE(n > 1);
    for (const char *t : {"lms", "lrs2", "archive", "hook"}) BOOST_TEST(w.outbox(t) == n, t);
    BOOST_TEST(w.outbox() == 4 * n);
    // Documents only for the xAPI targets that keep them.
    BOOST_TEST(w.document_rows("lms").size() == 3u);
    BOOST_TEST(w.document_rows("lrs2").size() == 3u);
    BOOST_TEST(w.document_rows("archive").empty());
    BOOST_TEST(w.document_rows("hook").empty());
    BOOST_TEST(r.feed.documents.size() == 3u);  // reported once per module

    w.set({{"SCO-QUIZ", "writer", cc::Status::InProgress, "ana@example.org", ""}}, kT0 + 60);
    for (const char *t : {"lms", "lrs2", "archive", "hook"}) BOOST_TEST(w.outbox(t) == n + 1, t);
    BOOST_TEST(count(w.store, "SELECT count(*) FROM documents WHERE module = 'MOD-ASSESS' AND version = 2") == 2);
}

BOOST_AUTO_TEST_CASE(content_change_after_done_reopens) {
    Workspace w;
    w.package = w.dir / "pkg";
    fs::copy(sample_package(), w.package, fs::copy_options::recursive);
    w.publish(kT0);
    w.set({{"SCO-WELCOME", "writer", cc::Status::Done, "ana@example.org", ""}}, kT0 + 60);
    const std::int64_t published0 = w.events("published");
    BOOST_TEST(published0 == 1);

    // The page changes after it was done.
    {
        std::string html = cctest::read_file(w.package + "/intro/welcome.html");
        const auto at = html.find("</body>");
        BOOST_TEST_REQUIRE(at != std::string::npos);
        html.insert(at, "<p>One more paragraph.</p>\n");
        cctest::write_file(w.package + "/intro/welcome.html", html);
    }
    const cc::PublishResult r = w.publish(kT0 + 120);
    BOOST_TEST(r.summary.pairs_reopened >= 1u);
    auto kinds = kinds_of(r.feed.events);
    BOOST_TEST(kinds["published"] == 1u);  // new content, new version
    BOOST_TEST(kinds["reopened"] == r.summary.pairs_reopened);
    BOOST_TEST(kinds["progressed"] == 1u);  // the done share went back down
    BOOST_TEST(w.events("published") == 2);
    for (const cc::Event &e : r.feed.events) {
        if (e.kind != "reopened") continue;
        const auto d = parse(e.body);
        BOOST_TEST(member_str(d["verb"], "id") == kBase + "/verbs/reopened");
        BOOST_TEST(member_str(d["object"], "id") == kCourseIri + "/pieces/SCO-WELCOME");
        BOOST_TEST(str(result_ext(d, "/extensions/previous-status")) == "done");
        BOOST_TEST(str(result_ext(d, "/extensions/status")) == "in_review");
        BOOST_TEST(member_str(d["actor"]["account"], "name") == "coursecrew");
    }
}

BOOST_AUTO_TEST_CASE(role_map_change_unassigns) {
    Workspace w;
    w.publish(kT0);
    BOOST_TEST(count(w.store, "SELECT count(*) FROM assignments WHERE person = 'mailto:eli@example.org'") >= 1);
    const std::int64_t eli =
        count(w.store, "SELECT count(*) FROM assignments WHERE person = 'mailto:eli@example.org'");

    // Eli leaves the team.
    std::string map = cctest::read_file(sample_roles());
    const std::string line =
        R"(,
    {"agent": {"mbox": "mailto:eli@example.org"}, "name": "Eli Park", "roles": ["voice"]})";
    const auto at = map.find(line);
    BOOST_TEST_REQUIRE(at != std::string::npos);
    map.erase(at, line.size());
    const std::string roles = w.dir / "roles.json";
    cctest::write_file(roles, map);
    w.options.roles_path = roles;
    w.options.roles_explicit = true;

    const cc::PublishResult r = w.publish(kT0 + 60);
    auto kinds = kinds_of(r.feed.events);
    BOOST_TEST(kinds["unassigned"] == static_cast<std::size_t>(eli));
    BOOST_TEST(kinds["assigned"] == 0u);
    BOOST_TEST(count(w.store, "SELECT count(*) FROM assignments WHERE person = 'mailto:eli@example.org'") == 0);
    for (const cc::Event &e : r.feed.events)
        if (e.kind == "unassigned")
            BOOST_TEST(member_str(result_ext(parse(e.body), "/extensions/person"), "mbox") == "mailto:eli@example.org");
    // The affected module's document drops Eli.
    const auto doc = parse(rows(w.store, "SELECT body FROM documents WHERE module = 'MOD-INTRO'").at(0));
    BOOST_TEST(doc["roles"].HasMember("voice") == false);
    BOOST_TEST(count(w.store, "SELECT version FROM documents WHERE module = 'MOD-INTRO'") == 2);
}

// Statement ids tell a resend from a new change: two transactions in the
// same second that make the same move are two statements (the store's
// history row is part of the identity), not one taken for a resend.
BOOST_AUTO_TEST_CASE(same_second_round_trip_is_not_swallowed) {
    // A pair moved A -> B -> A -> B within one second, in three calls: three
    // real changes, so three statements.
    Workspace w;
    w.publish(kT0);
    const std::int64_t t = kT0 + 60;
    w.set({{"SCO-FIRE", "writer", cc::Status::InProgress, "ana@example.org", "start"}}, t);
    w.set({{"SCO-FIRE", "writer", cc::Status::NotStarted, "ana@example.org", "oops"}}, t);
    const cc::FeedResult third =
        w.set({{"SCO-FIRE", "writer", cc::Status::InProgress, "ana@example.org", "start again"}}, t);
    BOOST_TEST(count(w.store, "SELECT count(*) FROM history WHERE piece = 'SCO-FIRE' AND role = 'writer' "
                              "AND kind = 'status'") == 3);
    BOOST_TEST_REQUIRE(kinds_of(third.events)["status"] == 1u);
    BOOST_TEST(str(result_ext(parse(third.events.at(0).body), "/extensions/note")) == "start again");
    BOOST_TEST(w.events("status") == 3);
    BOOST_TEST(w.outbox("lms") == w.events());
}

// The same share reached again within one second is a new statement, not a
// resend (the event number is part of the identity).
BOOST_AUTO_TEST_CASE(same_second_progress_round_trip) {
    // done -> in_review -> done in one second: the module's share moves
    // three times, so three progress statements.
    Workspace w;
    w.publish(kT0);
    const std::int64_t t = kT0 + 60;
    w.set({{"SCO-WELCOME", "writer", cc::Status::Done, "ana@example.org", ""}}, t);
    w.set({{"SCO-WELCOME", "writer", cc::Status::InReview, "ana@example.org", ""}}, t);
    const cc::FeedResult third = w.set({{"SCO-WELCOME", "writer", cc::Status::Done, "ana@example.org", ""}}, t);
    BOOST_TEST(kinds_of(third.events)["progressed"] == 1u);
    BOOST_TEST(w.events("progressed") == 3);
}

// An assignment made again within one second of an identical one is a new
// statement (the assignments table, and so the document, has the person
// again).
BOOST_AUTO_TEST_CASE(same_second_reassignment) {
    // Eli leaves the team and comes back within one second: assigned,
    // unassigned, assigned again.
    Workspace w;
    std::string map = cctest::read_file(sample_roles());
    const std::string line =
        R"(,
    {"agent": {"mbox": "mailto:eli@example.org"}, "name": "Eli Park", "roles": ["voice"]})";
    const auto at = map.find(line);
    BOOST_TEST_REQUIRE(at != std::string::npos);
    const std::string without = w.dir / "without-eli.json";
    cctest::write_file(without, std::string(map).erase(at, line.size()));
    w.options.roles_explicit = true;
    w.options.roles_path = sample_roles();
    w.publish(kT0);
    w.options.roles_path = without;
    w.publish(kT0);
    w.options.roles_path = sample_roles();
    const cc::PublishResult third = w.publish(kT0);
    BOOST_TEST(kinds_of(third.feed.events)["assigned"] >= 1u);
    BOOST_TEST(count(w.store, "SELECT count(*) FROM assignments WHERE person = 'mailto:eli@example.org'") >= 1);
    BOOST_TEST(w.events("assigned") == w.events("unassigned") + count(w.store, "SELECT count(*) FROM assignments"));
}

BOOST_AUTO_TEST_SUITE_END()

// ===========================================================================
BOOST_AUTO_TEST_SUITE(sync_backoff)

BOOST_AUTO_TEST_CASE(full_jitter_within_the_ceiling) {
    std::mt19937_64 random(12345);
    const std::int64_t base = 500, cap = 300'000;
    for (int n = 1; n <= 16; ++n) {
        std::int64_t ceiling = base;
        for (int i = 1; i < n; ++i) ceiling *= 2;
        ceiling = std::min(ceiling, cap);
        std::int64_t lo = cap + 1, hi = -1;
        for (int k = 0; k < 3000; ++k) {
            const std::int64_t v = cc::backoff_ms(base, cap, n, random);
            BOOST_TEST_REQUIRE(v >= 0);
            BOOST_TEST_REQUIRE(v <= ceiling, "failures " << n << ": " << v << " > " << ceiling);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        // Uniform over the whole range: near 0 and near the ceiling.
        BOOST_TEST(lo <= ceiling / 20, "failures " << n << ": smallest " << lo);
        BOOST_TEST(hi >= ceiling - ceiling / 20, "failures " << n << ": largest " << hi << " of " << ceiling);
    }
}

BOOST_AUTO_TEST_CASE(reaches_the_cap_and_stays) {
    std::mt19937_64 random(99);
    const std::int64_t base = 500, cap = 300'000;
    // 500 * 2^9 = 256,000 < cap < 512,000: from the 11th failure on, the cap.
    for (int n : {11, 12, 30, 63, 64, 1000, 1 << 30}) {
        std::int64_t hi = 0;
        for (int k = 0; k < 3000; ++k) {
            const std::int64_t v = cc::backoff_ms(base, cap, n, random);
            BOOST_TEST_REQUIRE(v >= 0);
            BOOST_TEST_REQUIRE(v <= cap);
            hi = std::max(hi, v);
        }
        BOOST_TEST(hi > 256'000 + (cap - 256'000) / 2, "failures " << n << ": largest " << hi);
        BOOST_TEST(hi >= cap - cap / 100, "failures " << n << ": largest " << hi);
    }
    // A base above the cap is capped from the first failure.
    for (int k = 0; k < 1000; ++k) BOOST_TEST_REQUIRE(cc::backoff_ms(10'000, 1'000, 1, random) <= 1'000);
    // Same seed, same delays.
    std::mt19937_64 a(7), b(7);
    for (int k = 0; k < 100; ++k) BOOST_TEST_REQUIRE(cc::backoff_ms(base, cap, 5, a) == cc::backoff_ms(base, cap, 5, b));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sync_merge_rules)

// Another seat's store only knows a piece exists: its untouched cell
// (not_started, set by coursecrew) never overrides a person's change, even
// when it is newer; between real changes the newer one wins.
BOOST_AUTO_TEST_CASE(an_untouched_cell_never_overrides_a_real_change) {
    const std::string done_old =
        R"({"pieces":{"P":{"roles":{"writer":{"status":"done","by":"ana","at":"2026-01-01T00:00:00Z"}}}}})";
    const std::string untouched_new =
        R"({"pieces":{"P":{"roles":{"writer":{"status":"not_started","by":"coursecrew","at":"2026-06-01T00:00:00Z"}}}}})";
    const std::string review_new =
        R"({"pieces":{"P":{"roles":{"writer":{"status":"in_review","by":"bo","at":"2026-06-01T00:00:00Z"}}}}})";
    auto status_of = [](const std::string &doc) {
        rapidjson::Document d;
        d.Parse(doc.c_str());
        return std::string(d["pieces"]["P"]["roles"]["writer"]["status"].GetString());
    };
    BOOST_TEST(status_of(coursecrew::merge_documents(untouched_new, done_old)) == "done");
    BOOST_TEST(status_of(coursecrew::merge_documents(done_old, untouched_new)) == "done");
    BOOST_TEST(status_of(coursecrew::merge_documents(done_old, review_new)) == "in_review");
    BOOST_TEST(status_of(coursecrew::merge_documents(review_new, done_old)) == "in_review");
}

// not_started set by a person (work thrown back to the start) is a real
// change like any other: only coursecrew's own not_started is "untouched".
BOOST_AUTO_TEST_CASE(a_person_setting_not_started_is_a_real_change) {
    const std::string done_old =
        R"({"pieces":{"P":{"roles":{"writer":{"status":"done","by":"ana","at":"2026-01-01T00:00:00Z"}}}}})";
    const std::string reset_new =
        R"({"pieces":{"P":{"roles":{"writer":{"status":"not_started","by":"bo","at":"2026-06-01T00:00:00Z"}}}}})";
    const std::string untouched_newer =
        R"({"pieces":{"P":{"roles":{"writer":{"status":"not_started","by":"coursecrew","at":"2026-07-01T00:00:00Z"}}}}})";
    auto cell = [](const std::string &doc) {
        rapidjson::Document d;
        d.Parse(doc.c_str());
        const auto &c = d["pieces"]["P"]["roles"]["writer"];
        return std::string(c["status"].GetString()) + "/" + c["by"].GetString();
    };
    BOOST_TEST(cell(coursecrew::merge_documents(done_old, reset_new)) == "not_started/bo");
    BOOST_TEST(cell(coursecrew::merge_documents(reset_new, done_old)) == "not_started/bo");
    // And a person's not_started beats coursecrew's, however recent.
    BOOST_TEST(cell(coursecrew::merge_documents(reset_new, untouched_newer)) == "not_started/bo");
    BOOST_TEST(cell(coursecrew::merge_documents(untouched_newer, reset_new)) == "not_started/bo");
    // A status other than not_started by coursecrew (a reopen) is a real change too.
    const std::string reopened_new =
        R"({"pieces":{"P":{"roles":{"writer":{"status":"in_progress","by":"coursecrew","at":"2026-06-01T00:00:00Z"}}}}})";
    BOOST_TEST(cell(coursecrew::merge_documents(done_old, reopened_new)) == "in_progress/coursecrew");
}

// A status CSV that is not well formed is refused whole, naming the line.
BOOST_AUTO_TEST_CASE(status_csv_refuses_malformed_files_naming_the_line) {
    using namespace std::string_literals;
    using coursecrew::parse_status_csv;
    using coursecrew::StatusUpdate;
    struct Bad {
        std::string csv, expect;
    };
    const Bad cases[] = {
        {"piece,role,status,by\nA,writer,done,ana\nB,writer,done,ana,extra\n",
         "line 3: 5 fields, but the header names 4 columns"},
        {"piece,piece,role,status\nA,A,writer,done\n", "line 1: the column 'piece' appears twice"},
        {"piece,role,status,BY,by\nA,writer,done,a,b\n", "line 1: the column 'by' appears twice"},
        {"piece,role,status,by\nA,writer,done,an\0a\n"s, "line 2: a NUL byte"},
        {"piece,role,status,by,note\nA,writer,done,ana,caf\xc3\x28\n", "line 2: invalid UTF-8"},
        {"piece,role,status,by,note\nA,writer,done,ana,x\n\xc0\xaf\n", "line 3: invalid UTF-8"},  // overlong
        {"piece,role,status,by,note\nA,writer,done,ana,\xed\xa0\x80\n", "line 2: invalid UTF-8"},  // surrogate
        {"piece,role,status,by,note\nA,writer,done,ana,\xf4\x90\x80\x80\n", "line 2: invalid UTF-8"},
        {"piece,role,status,by,note\nA,writer,done,ana,caf\xc3\n", "line 2: invalid UTF-8"},  // cut short
    };
    for (const Bad &c : cases) {
        std::vector<StatusUpdate> updates;
        std::string course, error;
        BOOST_TEST(!parse_status_csv(c.csv, "importer", updates, course, error), c.expect);
        BOOST_TEST(error.find(c.expect) != std::string::npos, error << " / expected " << c.expect);
        BOOST_TEST(updates.empty());
    }
    // Good UTF-8 (BOM, 2-, 3- and 4-byte sequences) passes, and each update keeps its line.
    std::vector<StatusUpdate> updates;
    std::string course, error;
    BOOST_TEST_REQUIRE(parse_status_csv("\xEF\xBB\xBFpiece,role,status,note\r\nA,writer,done,caf\xc3\xa9\r\n"
                                        "\r\nB,writer,done,\"two\nlines \xe2\x82\xac\xf0\x9f\x98\x80\"\r\nC,writer,done\r\n",
                                        "importer", updates, course, error),
                       error);
    BOOST_TEST_REQUIRE(updates.size() == 3u);
    BOOST_TEST(updates[0].line == 2u);
    BOOST_TEST(updates[1].line == 4u);
    BOOST_TEST(updates[2].line == 6u);
}

// Endpoints: a host, an optional port, never user info (and never echoed).
BOOST_AUTO_TEST_CASE(endpoint_authority_needs_a_host_and_no_user_info) {
    using coursecrew::check_endpoint_authority;
    std::string what;
    for (const char *good : {"https://lrs.example.org/xAPI/", "http://127.0.0.1:9/xAPI/", "https://h",
                             "https://[::1]:8443/x", "https://h.example:443?q#f"})
        BOOST_TEST(check_endpoint_authority(good, what), good << ": " << what);
    const std::pair<const char *, const char *> bad[] = {
        {"https:///xAPI/", "no host"},
        {"https://:443/xAPI/", "no host"},
        {"http://user:s3cr3t@host/", "user info"},
        {"http://user@host/", "user info"},
        {"http://u:p@/x", "user info"},
        {"https://[]/x", "IPv6"},
        {"https://[::1/x", "IPv6"},
        {"https://[::1]x/", "after its IPv6"},
        {"https://h:/x", "port"},
        {"https://h:0/x", "port"},
        {"https://h:65536/x", "port"},
        {"https://h:12ab/x", "port"},
        {"lrs.example.org/xAPI/", "absolute URL"},
    };
    for (const auto &[url, expect] : bad) {
        what.clear();
        BOOST_TEST(!check_endpoint_authority(url, what), url);
        BOOST_TEST(what.find(expect) != std::string::npos, url << ": " << what);
        BOOST_TEST(what.find("s3cr3t") == std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
