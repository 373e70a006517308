// Integration tests against a real LRS: Learning Locker's own services
// (xapi-statements, xapi-activities), started on loopback by
// tests/lrs/harness.js behind its fault-injecting proxy. Each test publishes
// the sample course and changes statuses through the engine (what the ABI
// calls), lets the sync worker deliver, and reads the LRS back: every
// statement field by field, every module document, exactly once.
//
// Run by ctest through run_lrs_tests.sh, which skips (77) only where Node.js
// or the services are not installed; scripts/test.sh installs both.
#define BOOST_TEST_MODULE coursecrew_lrs
#include <boost/test/unit_test.hpp>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "plugin/sync/events.hpp"
#include "plugin/sync/outbox.hpp"
#include "plugin/sync/sync_session.hpp"
#include "plugin/sync/vocabulary.hpp"
#include "plugin/engine/workspace.hpp"

namespace fs = std::filesystem;
using namespace coursecrew;

namespace {

const std::string kSource = CC_SOURCE_DIR;
const std::string kSample = kSource + "/samples/safety-basics";
const std::string kRoles = kSource + "/samples/safety-basics.roles.json";
const std::string kSecret = "lrs-test-secret-7f3a";  // must never show up in errors

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// ---------------------------------------------------------------------------
// HTTP for the test itself (reading the LRS back, driving the proxy).

struct Http {
    long status = 0;
    std::string body;
};

size_t collect(char *p, size_t size, size_t n, void *out) {
    static_cast<std::string *>(out)->append(p, size * n);
    return size * n;
}

Http http(const std::string &method, const std::string &url, const std::string &body = "") {
    CURL *c = curl_easy_init();
    Http r;
    curl_slist *h = nullptr;
    h = curl_slist_append(h, "X-Experience-API-Version: 1.0.3");
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_USERPWD, "test:test");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    if (!body.empty() || method == "POST") {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return r;
}

std::string escape(const std::string &s) {
    CURL *c = curl_easy_init();
    char *e = curl_easy_escape(c, s.c_str(), static_cast<int>(s.size()));
    std::string out = e;
    curl_free(e);
    curl_easy_cleanup(c);
    return out;
}

rapidjson::Document parse(const std::string &text) {
    rapidjson::Document d;
    d.Parse(text.c_str());
    BOOST_REQUIRE_MESSAGE(!d.HasParseError(), "not JSON: " << text.substr(0, 300));
    return d;
}

// ---------------------------------------------------------------------------
// The harness: one set of services for the whole run.

struct Harness {
    pid_t pid = -1;
    int stdin_pipe = -1;
    std::string work, proxy, statements, activities, control;

    Harness() {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        char tmpl[] = "/tmp/cc-lrs-XXXXXX";
        work = mkdtemp(tmpl);
        const std::string ready = work + "/ready.json";
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe");
        pid = fork();
        if (pid == 0) {
            dup2(fds[0], 0);
            close(fds[1]);
            const std::string script = kSource + "/tests/lrs/harness.js";
            const std::string dir = work + "/services";
            execlp("node", "node", script.c_str(), "--ready-file", ready.c_str(), "--work", dir.c_str(),
                   static_cast<char *>(nullptr));
            _exit(127);
        }
        close(fds[0]);
        stdin_pipe = fds[1];  // the harness exits when this closes (even if we crash)
        for (int i = 0; i < 1200 && !fs::exists(ready); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!fs::exists(ready)) throw std::runtime_error("the LRS harness did not start (see " + work + ")");
        auto d = parse(read_file(ready));
        proxy = d["proxy"].GetString();
        statements = d["direct"]["statements"].GetString();
        activities = d["direct"]["activities"].GetString();
        control = d["control"].GetString();
    }
    ~Harness() {
        close(stdin_pipe);
        if (pid > 0) {
            kill(pid, SIGTERM);
            waitpid(pid, nullptr, 0);
        }
        std::error_code ec;
        fs::remove_all(work, ec);
        curl_global_cleanup();
    }

    void faults(const std::string &rules_json) {
        BOOST_REQUIRE_EQUAL(http("POST", control + "faults", rules_json).status, 200);
    }
    void reset() { BOOST_REQUIRE_EQUAL(http("POST", control + "reset", "{}").status, 200); }
    rapidjson::Document stats() { return parse(http("GET", control + "stats").body); }
};

Harness *g_harness = nullptr;
struct GlobalHarness {
    GlobalHarness() { g_harness = new Harness(); }
    ~GlobalHarness() { delete g_harness; }
};
BOOST_TEST_GLOBAL_FIXTURE(GlobalHarness);
Harness &lrs() { return *g_harness; }

// ---------------------------------------------------------------------------
// A seat: one author's machine (own store), talking to the LRS through the proxy.

int g_course_counter = 0;

struct Seat {
    std::string dir, config, course_iri;
    WorkspaceOptions options;
    SyncSession session;
    std::mutex events_mutex;
    std::vector<std::string> events;

    explicit Seat(const std::string &course_iri_in, const std::string &name = "seat",
                  const std::string &target_extra = "", const std::string &more_targets = "")
        : course_iri(course_iri_in) {
        dir = lrs().work + "/" + name + "-" + std::to_string(++g_course_counter);
        fs::create_directories(dir);
        config = dir + "/coursecrew.json";
        std::ofstream(config) << R"({"course_iri": ")" << course_iri << R"(", "store": "state.db", "roles": ")"
                              << kRoles << R"(", "targets": [{"name": "lms", "kind": "xapi", "endpoint": ")"
                              << lrs().proxy
                              << R"(", "auth": {"type": "basic", "username": "test", "password": {"env": "CC_LRS_SECRET"}},
            "batch": {"max_statements": 100}, "retry": {"base_ms": 100, "cap_ms": 1500},
            "connect_timeout_ms": 2000, "request_timeout_ms": 15000)"
                              << target_extra << "}" << more_targets << "]}";
        setenv("CC_LRS_SECRET", kSecret.c_str(), 1);
        options.config_path = config;
        session.set_callback([this](const std::string &e) {
            std::lock_guard<std::mutex> lock(events_mutex);
            events.push_back(e);
        });
    }

    SyncConfig sync_config() {
        SyncConfig c;
        std::string error;
        BOOST_REQUIRE_MESSAGE(load_sync_config(config, c, error), error);
        return c;
    }
    std::string store() { return dir + "/state.db"; }

    PublishResult publish() {
        Inspection ins(20);
        PublishResult result;
        WorkspaceError error;
        BOOST_REQUIRE_MESSAGE(publish_package(kSample, InspectOptions{}, options, ins, result, error),
                              error.message);
        return result;
    }
    std::vector<Change> set(const std::vector<StatusUpdate> &updates) {
        std::vector<Change> changes;
        WorkspaceError error;
        BOOST_REQUIRE_MESSAGE(
            set_status_for_package(kSample, InspectOptions{}, options, updates, changes, error), error.message);
        return changes;
    }
    SyncStatus sync(std::int64_t timeout_ms = 60'000) {
        session.ensure(sync_config(), store());
        return session.wait(timeout_ms);
    }
    std::vector<std::string> seen(const std::string &kind) {
        std::lock_guard<std::mutex> lock(events_mutex);
        std::vector<std::string> out;
        for (const std::string &e : events)
            if (e.find("\"event\":\"" + kind + "\"") != std::string::npos) out.push_back(e);
        return out;
    }
};

// Rows of one SQL query on a store, as text.
std::vector<std::vector<std::string>> query(const std::string &db_path, const std::string &sql) {
    sqlite3 *db = nullptr;
    sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt *st = nullptr;
    std::vector<std::vector<std::string>> rows;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                auto *t = reinterpret_cast<const char *>(sqlite3_column_text(st, i));
                row.emplace_back(t ? t : "");
            }
            rows.push_back(std::move(row));
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rows;
}
std::int64_t count(const std::string &db, const std::string &sql) {
    auto rows = query(db, sql);
    return rows.empty() ? -1 : std::stoll(rows[0][0]);
}

// Every statement the LRS holds for a course (by course IRI), id -> how many times.
// In one page: the in-memory LRS sorts by stored time but pages by its own
// record id (xapi-statements' memory repo), so when the two orders disagree
// later pages can repeat statements of earlier ones. One ASan run here
// reported 300 statements "stored 9 times", the pattern of a repeated page
// (not proven to be the cause); a single page takes paging out of the count.
std::map<std::string, int> statements_of(const std::string &course_iri) {
    std::map<std::string, int> out;
    std::string url = lrs().statements + "statements?limit=1000000";
    const std::string base = lrs().statements.substr(0, lrs().statements.find("/xAPI/"));
    while (true) {
        Http r = http("GET", url);
        BOOST_REQUIRE_EQUAL(r.status, 200);
        auto d = parse(r.body);
        for (const auto &s : d["statements"].GetArray()) {
            rapidjson::StringBuffer buf;
            rapidjson::Writer<rapidjson::StringBuffer> w(buf);
            s.Accept(w);
            if (std::string(buf.GetString()).find("\"" + course_iri) != std::string::npos)
                out[s["id"].GetString()] += 1;
        }
        if (!d.HasMember("more") || !d["more"].IsString() || d["more"].GetStringLength() == 0) break;
        url = base + d["more"].GetString();
    }
    return out;
}

// Checks that every event the store recorded is in the LRS exactly once, field
// by field, and that nothing else of this course is.
void expect_lrs_has_exactly(Seat &seat) {
    const auto events = query(seat.store(), "SELECT uuid, body FROM events ORDER BY id");
    BOOST_REQUIRE(!events.empty());
    const std::map<std::string, int> stored = statements_of(seat.course_iri);
    BOOST_TEST(stored.size() == events.size());
    for (const auto &[id, times] : stored) BOOST_TEST(times == 1, id << " stored " << times << " times");
    for (const auto &row : events) {
        BOOST_TEST_CONTEXT("statement " << row[0]) {
            BOOST_TEST(stored.count(row[0]) == 1u);
            Http r = http("GET", lrs().statements + "statements?statementId=" + row[0]);
            BOOST_REQUIRE_EQUAL(r.status, 200);
            auto theirs = parse(r.body);
            auto ours = parse(row[1]);
            for (const char *field : {"id", "timestamp", "actor", "verb", "object", "result", "context"}) {
                if (!ours.HasMember(field)) continue;
                BOOST_TEST_CONTEXT("field " << field) {
                    BOOST_REQUIRE(theirs.HasMember(field));
                    BOOST_TEST((theirs[field] == ours[field]));
                }
            }
        }
    }
}

rapidjson::Document module_document_of(const std::string &course_iri, const std::string &module) {
    const std::string url = lrs().activities + "activities/profile?activityId=" +
                            escape(course_iri + "/modules/" + module) + "&profileId=" +
                            escape(std::string(vocab::kProfileBase) + vocab::kDocModuleStatus);
    Http r = http("GET", url);
    BOOST_REQUIRE_MESSAGE(r.status == 200, "document of " << module << ": HTTP " << r.status << " " << r.body);
    return parse(r.body);
}

std::string cell_status(const rapidjson::Document &doc, const char *piece, const char *role) {
    if (!doc["pieces"].HasMember(piece) || !doc["pieces"][piece]["roles"].HasMember(role)) return "";
    return doc["pieces"][piece]["roles"][role]["status"].GetString();
}

// A CSV of `rows` status changes cycling over the sample's pairs.
std::string many_changes_csv(Seat &seat, int rows, const std::string &by = "ana@example.org") {
    const auto pairs = query(seat.store(), "SELECT piece, role, status FROM pairs WHERE archived = 0");
    BOOST_REQUIRE(!pairs.empty());
    const char *cycle[] = {"in_progress", "in_review", "done", "blocked"};
    std::map<std::string, int> next;
    std::ostringstream csv;
    csv << "piece,role,status,by,note\n";
    for (int i = 0; i < rows; ++i) {
        const auto &p = pairs[static_cast<std::size_t>(i) % pairs.size()];
        int &k = next[p[0] + "/" + p[1]];
        csv << p[0] << "," << p[1] << "," << cycle[k++ % 4] << "," << by << ",change " << i << "\n";
    }
    return csv.str();
}

std::vector<StatusUpdate> parse_csv(const std::string &csv) {
    std::vector<StatusUpdate> updates;
    std::string course, error;
    BOOST_REQUIRE_MESSAGE(parse_status_csv(csv, "", updates, course, error), error);
    return updates;
}

bool contains(const std::vector<std::string> &v, const std::string &needle) {
    for (const std::string &s : v)
        if (s.find(needle) != std::string::npos) return true;
    return false;
}

}  // namespace

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(real_lrs)

BOOST_AUTO_TEST_CASE(publish_and_status_changes_reach_the_lrs) {
    Seat seat("https://example.org/courses/reach");
    seat.publish();
    seat.set({{"SCO-WELCOME", "writer", Status::Done, "ana@example.org", "script approved"},
              {"SCO-SLIPS", "artist", Status::InProgress, "bob", ""}});
    const SyncStatus st = seat.sync();
    BOOST_REQUIRE(st.idle);
    BOOST_TEST(st.targets.at(0).version == "1.0.3");
    BOOST_TEST(count(seat.store(), "SELECT count(*) FROM outbox_pending") == 0);
    BOOST_TEST(count(seat.store(), "SELECT count(*) FROM documents WHERE pending = 1") == 0);
    expect_lrs_has_exactly(seat);

    // The kinds of statement a publish and two status changes cause.
    std::multiset<std::string> kinds;
    for (const auto &row : query(seat.store(), "SELECT kind FROM events")) kinds.insert(row[0]);
    BOOST_TEST(kinds.count("published") == 1u);
    BOOST_TEST(kinds.count("assigned") >= 5u);
    BOOST_TEST(kinds.count("status") == 2u);
    BOOST_TEST(kinds.count("progressed") == 1u);  // MOD-INTRO moved to 25 %; MOD-HAZARDS has no done pair

    // The writer's status statement, read back from the LRS.
    const auto rows = query(seat.store(), "SELECT uuid FROM events WHERE kind = 'status' AND body LIKE '%script approved%'");
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    auto s = parse(http("GET", lrs().statements + "statements?statementId=" + rows[0][0]).body);
    BOOST_TEST(std::string(s["actor"]["mbox"].GetString()) == "mailto:ana@example.org");
    BOOST_TEST(std::string(s["actor"]["name"].GetString()) == "Ana Lima");
    BOOST_TEST(std::string(s["verb"]["id"].GetString()) == std::string(vocab::kProfileBase) + vocab::kVerbChangedStatus);
    BOOST_TEST(std::string(s["object"]["id"].GetString()) == seat.course_iri + "/pieces/SCO-WELCOME");
    const auto &ext = s["result"]["extensions"];
    const std::string base = vocab::kProfileBase;
    BOOST_TEST(std::string(ext[(base + vocab::kExtRole).c_str()].GetString()) == "writer");
    BOOST_TEST(std::string(ext[(base + vocab::kExtPreviousStatus).c_str()].GetString()) == "not_started");
    BOOST_TEST(std::string(ext[(base + vocab::kExtStatus).c_str()].GetString()) == "done");
    BOOST_TEST(std::string(ext[(base + vocab::kExtNote).c_str()].GetString()) == "script approved");
    BOOST_TEST(std::string(s["context"]["contextActivities"]["parent"][0]["id"].GetString()) ==
               seat.course_iri + "/modules/MOD-INTRO");
    BOOST_TEST(std::string(s["context"]["contextActivities"]["grouping"][0]["id"].GetString()) == seat.course_iri);

    // The module documents hold the current matrix.
    auto intro = module_document_of(seat.course_iri, "MOD-INTRO");
    BOOST_TEST(cell_status(intro, "SCO-WELCOME", "writer") == "done");
    BOOST_TEST(cell_status(intro, "SCO-WELCOME", "designer") == "not_started");
    BOOST_TEST(intro["roles"]["writer"]["people"][0]["mbox"].GetString() == std::string("mailto:ana@example.org"));
    auto hazards = module_document_of(seat.course_iri, "MOD-HAZARDS");
    BOOST_TEST(cell_status(hazards, "SCO-SLIPS", "artist") == "in_progress");

    // Only what changed is sent: publishing the same package again sends nothing new.
    const auto before = count(seat.store(), "SELECT count(*) FROM events");
    const auto posts_before = lrs().stats()["requests"]["POST /xAPI/statements"].GetInt();
    seat.publish();
    BOOST_REQUIRE(seat.sync().idle);
    BOOST_TEST(count(seat.store(), "SELECT count(*) FROM events") == before);
    BOOST_TEST(lrs().stats()["requests"]["POST /xAPI/statements"].GetInt() == posts_before);
}

BOOST_AUTO_TEST_CASE(server_errors_and_429_are_retried_honouring_retry_after) {
    lrs().reset();
    Seat seat("https://example.org/courses/retry");
    seat.publish();
    lrs().faults(R"([{"kind":"status","status":500,"count":2,"path":"/xAPI/statements","method":"POST"},
                     {"kind":"status","status":429,"retry_after":"1","path":"/xAPI/statements","method":"POST"},
                     {"kind":"status","status":503,"path":"/xAPI/activities"}])");
    const auto started = std::chrono::steady_clock::now();
    const SyncStatus st = seat.sync();
    const auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started).count();
    BOOST_REQUIRE(st.idle);
    BOOST_TEST(took_ms >= 900);  // Retry-After: 1 was honoured
    const auto retries = seat.seen("retrying");
    BOOST_TEST(retries.size() >= 4u);
    BOOST_TEST(contains(retries, "HTTP 500"));
    BOOST_TEST(contains(retries, "\"in_ms\":1000"));
    for (const std::string &e : seat.events) BOOST_TEST(e.find(kSecret) == std::string::npos);
    expect_lrs_has_exactly(seat);
    lrs().reset();
}

BOOST_AUTO_TEST_CASE(unauthorized_stops_the_target_and_keeps_the_outbox) {
    lrs().reset();
    Seat seat("https://example.org/courses/denied");
    seat.publish();
    const auto queued = count(seat.store(), "SELECT count(*) FROM outbox_pending");
    BOOST_REQUIRE(queued > 0);
    lrs().faults(R"([{"kind":"status","status":401,"count":1000,"body":"{\"message\":\"Unauthorised\"}"}])");
    const SyncStatus st = seat.sync(20'000);
    BOOST_TEST(st.stopped);
    BOOST_TEST(st.targets.at(0).state == "stopped");
    BOOST_TEST(st.targets.at(0).error.find("401") != std::string::npos);
    BOOST_TEST(st.targets.at(0).error.find("credentials") != std::string::npos);
    BOOST_TEST(st.targets.at(0).error.find(kSecret) == std::string::npos);
    BOOST_TEST(seat.seen("failed").size() == 1u);
    // Nothing was lost, and a 401 was not hammered: one request, then stop.
    BOOST_TEST(count(seat.store(), "SELECT count(*) FROM outbox_pending") == queued);
    BOOST_TEST(lrs().stats()["statuses"]["401"].GetInt() == 1);

    // Credentials fixed (the proxy lets us through): a new worker delivers everything.
    lrs().reset();
    SyncSession fresh;
    fresh.ensure(seat.sync_config(), seat.store());
    BOOST_REQUIRE(fresh.wait(60'000).idle);
    expect_lrs_has_exactly(seat);
}

BOOST_AUTO_TEST_CASE(a_refused_statement_is_isolated_and_dead_lettered) {
    lrs().reset();
    Seat seat("https://example.org/courses/poison");
    seat.publish();
    BOOST_REQUIRE(seat.sync().idle);
    std::vector<StatusUpdate> updates;
    const char *pieces[] = {"SCO-WELCOME", "SCO-SLIPS", "SCO-FIRE", "SCO-QUIZ"};
    for (const char *p : pieces) updates.push_back({p, "writer", Status::InProgress, "ana@example.org", "drafting"});
    updates[2].note = "POISON-7781";
    seat.set(updates);
    lrs().faults(R"([{"kind":"status","status":400,"count":100,"body_contains":"POISON-7781",
                      "path":"/xAPI/statements","body":"{\"message\":\"statement rejected by the test LRS\"}"}])");
    const SyncStatus st = seat.sync();
    BOOST_REQUIRE(st.idle);
    BOOST_TEST(st.targets.at(0).dead == 1);
    const auto dead = query(seat.store(),
                            "SELECT e.uuid, o.last_error FROM outbox o JOIN events e ON e.id = o.event WHERE o.dead = 1");
    BOOST_REQUIRE_EQUAL(dead.size(), 1u);
    BOOST_TEST(dead[0][1].find("statement rejected by the test LRS") != std::string::npos);
    BOOST_TEST(contains(seat.seen("dead_lettered"), dead[0][0]));
    // The others of its batch went through; the bad one did not.
    BOOST_TEST(http("GET", lrs().statements + "statements?statementId=" + dead[0][0]).status == 404);
    BOOST_TEST(count(seat.store(), "SELECT count(*) FROM outbox WHERE dead = 0") == 0);

    // A person retries it once the LRS accepts it again.
    lrs().reset();
    sqlite3 *db = nullptr;
    sqlite3_open(seat.store().c_str(), &db);
    {
        Outbox outbox(db, seat.store());
        sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        BOOST_TEST(outbox.retry({dead[0][0]}) == 1);
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
    sqlite3_close(db);
    BOOST_REQUIRE(seat.sync().idle);
    expect_lrs_has_exactly(seat);
}

BOOST_AUTO_TEST_CASE(lrs_taken_away_mid_sync_and_answers_cut_lose_and_double_nothing) {
    lrs().reset();
    Seat seat("https://example.org/courses/outage");
    seat.publish();
    BOOST_REQUIRE(seat.sync().idle);
    const std::string csv = many_changes_csv(seat, 2000);
    seat.options.dry_run = false;
    std::vector<Change> changes;
    WorkspaceError error;
    BOOST_REQUIRE(set_status_for_package(kSample, InspectOptions{}, seat.options, parse_csv(csv), changes, error));
    BOOST_REQUIRE(count(seat.store(), "SELECT count(*) FROM outbox_pending") >= 2000);
    // Two answers lost after the LRS stored the batch, then the LRS is gone
    // for 2.5 s (refused connections), then two more lost answers and a cut body.
    lrs().faults(R"([{"kind":"cut_after_upstream","count":2,"path":"/xAPI/statements","method":"POST"},
                     {"kind":"refuse","ms":2500,"path":"/xAPI/statements","method":"POST"},
                     {"kind":"cut_after_upstream","count":2,"path":"/xAPI/statements","method":"POST"},
                     {"kind":"cut_body","path":"/xAPI/statements","method":"POST"}])");
    const SyncStatus st = seat.sync(120'000);
    BOOST_REQUIRE(st.idle);
    auto stats = lrs().stats();
    BOOST_TEST(stats["faults"]["cut_after_upstream"].GetInt() == 4);
    BOOST_TEST(stats["faults"]["refuse"].GetInt() == 1);
    BOOST_TEST(contains(seat.seen("retrying"), "refused"));
    BOOST_TEST(count(seat.store(), "SELECT count(*) FROM outbox_pending") == 0);
    expect_lrs_has_exactly(seat);
    lrs().reset();
}

BOOST_AUTO_TEST_CASE(a_killed_sync_resumes_where_it_stopped) {
    lrs().reset();
    Seat seat("https://example.org/courses/killed");
    seat.publish();
    BOOST_REQUIRE(seat.sync().idle);
    std::vector<Change> changes;
    WorkspaceError error;
    BOOST_REQUIRE(set_status_for_package(kSample, InspectOptions{}, seat.options,
                                         parse_csv(many_changes_csv(seat, 3000)), changes, error));
    const auto queued = count(seat.store(), "SELECT count(*) FROM outbox_pending");
    // Slow answers, so the kill lands mid-sync.
    lrs().faults(R"([{"kind":"delay","ms":250,"count":1000,"path":"/xAPI/statements","method":"POST"}])");
    const auto posts = [] {
        auto s = lrs().stats();
        return s["requests"].HasMember("POST /xAPI/statements") ? s["requests"]["POST /xAPI/statements"].GetInt() : 0;
    };
    const int posts_before = posts();
    pid_t child = fork();
    if (child == 0) {
        setenv("CC_LRS_SECRET", kSecret.c_str(), 1);
        const int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(CC_CLI, CC_CLI, "sync", "--config", seat.config.c_str(), "--timeout", "300",
              static_cast<char *>(nullptr));
        _exit(127);
    }
    for (int i = 0; i < 600 && posts() < posts_before + 5; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    kill(child, SIGKILL);
    int wstatus = 0;
    waitpid(child, &wstatus, 0);
    BOOST_REQUIRE(WIFSIGNALED(wstatus));
    const auto left = count(seat.store(), "SELECT count(*) FROM outbox_pending");
    BOOST_TEST_MESSAGE("killed with " << left << " of " << queued << " still queued");
    BOOST_REQUIRE(left > 0);
    BOOST_REQUIRE(left < queued);
    lrs().reset();
    // Started again (the CLI, as a user would): it resumes and finishes.
    const std::string cmd = std::string(CC_CLI) + " sync --config " + seat.config + " --timeout 120 > /dev/null 2>&1";
    BOOST_REQUIRE_EQUAL(std::system(cmd.c_str()), 0);
    BOOST_TEST(count(seat.store(), "SELECT count(*) FROM outbox_pending") == 0);
    BOOST_TEST(count(seat.store(), "SELECT count(*) FROM outbox") == 0);  // delivered rows cleared in bulk
    expect_lrs_has_exactly(seat);
}

BOOST_AUTO_TEST_CASE(two_seats_updating_one_module_document_keep_both_updates) {
    lrs().reset();
    const std::string course = "https://example.org/courses/two-seats";
    Seat a(course, "seat-a"), b(course, "seat-b");
    a.publish();
    b.publish();
    BOOST_REQUIRE(a.sync().idle);
    BOOST_REQUIRE(b.sync().idle);
    for (int round = 0; round < 3; ++round) {
        // Both change different cells of MOD-INTRO, then sync at the same time.
        const Status sa = round % 2 ? Status::InReview : Status::Done;
        const Status sb = round % 2 ? Status::Blocked : Status::InProgress;
        a.set({{"SCO-WELCOME", "writer", sa, "ana@example.org", "round " + std::to_string(round)}});
        b.set({{"SCO-WELCOME", "designer", sb, "bob", "round " + std::to_string(round)}});
        a.session.ensure(a.sync_config(), a.store());
        b.session.ensure(b.sync_config(), b.store());
        SyncStatus ra, rb;
        std::thread ta([&] { ra = a.session.wait(60'000); });
        std::thread tb([&] { rb = b.session.wait(60'000); });
        ta.join();
        tb.join();
        BOOST_REQUIRE(ra.idle && rb.idle);
        auto doc = module_document_of(course, "MOD-INTRO");
        BOOST_TEST(cell_status(doc, "SCO-WELCOME", "writer") == to_string(sa));
        BOOST_TEST(cell_status(doc, "SCO-WELCOME", "designer") == to_string(sb));
    }
    // A write that lost the race was answered 412 and retried after a merge,
    // or the reads came first: either way the If-Match path was used.
    auto stats = lrs().stats();
    BOOST_TEST(stats["requests"]["PUT /xAPI/activities/profile"].GetInt() >= 6);
}

BOOST_AUTO_TEST_CASE(a_webhook_target_gets_the_same_events_signed) {
    lrs().reset();
    const std::string hook_secret = "hook-secret-3c9e";
    setenv("CC_HOOK_SECRET", hook_secret.c_str(), 1);
    const std::string hook_url = lrs().proxy.substr(0, lrs().proxy.find("/xAPI/")) + "/hook";
    Seat seat("https://example.org/courses/webhook", "hooked", "",
              R"(, {"name": "hook", "kind": "webhook", "endpoint": ")" + hook_url +
                  R"(", "secret": {"env": "CC_HOOK_SECRET"}, "retry": {"base_ms": 100, "cap_ms": 1000}})");
    seat.publish();
    seat.set({{"SCO-FIRE", "expert", Status::InReview, "ana@example.org", "facts checked"}});
    lrs().faults(R"([{"kind":"status","status":500,"path":"/hook"},
                     {"kind":"cut_after_upstream","path":"/hook"}])");
    const SyncStatus st = seat.sync();
    BOOST_REQUIRE(st.idle);
    BOOST_TEST(count(seat.store(), "SELECT count(*) FROM outbox_pending") == 0);
    BOOST_TEST(contains(seat.seen("retrying"), "\"target\":\"hook\""));
    expect_lrs_has_exactly(seat);

    // Every event reached the webhook, in a signed body: HMAC-SHA256 of the bytes.
    auto hooks = parse(http("GET", lrs().control + "hooks").body);
    std::map<std::string, int> received;
    for (const auto &h : hooks.GetArray()) {
        const std::string body = h["body"].GetString();
        if (body.find(seat.course_iri) == std::string::npos) continue;
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        HMAC(EVP_sha256(), hook_secret.data(), static_cast<int>(hook_secret.size()),
             reinterpret_cast<const unsigned char *>(body.data()), body.size(), mac, &len);
        std::string hex;
        for (unsigned i = 0; i < len; ++i) {
            char b[3];
            std::snprintf(b, sizeof b, "%02x", mac[i]);
            hex += b;
        }
        BOOST_REQUIRE(h["headers"].HasMember("x-coursecrew-signature"));
        BOOST_TEST(std::string(h["headers"]["x-coursecrew-signature"].GetString()) == "sha256=" + hex);
        auto doc = parse(body);
        for (const auto &e : doc["events"].GetArray()) received[e["id"].GetString()] += 1;
    }
    const auto events = query(seat.store(), "SELECT uuid FROM events");
    for (const auto &row : events) BOOST_TEST(received.count(row[0]) == 1u, row[0] << " not received");
    // The cut answer came after the receiver had the batch: it was resent, so
    // that batch arrived twice (the same ids: the receiver can drop the repeat).
    std::size_t repeats = 0;
    for (const auto &[id, n] : received) repeats += n > 1;
    BOOST_TEST(lrs().stats()["faults"]["cut_after_upstream"].GetInt() == 1);
    BOOST_TEST(repeats >= 1u);
    BOOST_TEST(received.size() == events.size());
}

BOOST_AUTO_TEST_SUITE_END()
