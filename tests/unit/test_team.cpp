// One team, many seats: the cell order every seat uses, the team replica in
// the store (plugin/store/team.hpp) and the pull against an LRS held in
// memory (plugin/sync/pull.hpp). The real LRS and many processes are in
// tests/team.
#include <boost/test/unit_test.hpp>

#include <climits>
#include <deque>
#include <map>
#include <random>

#include "plugin/store/cell_order.hpp"
#include "plugin/store/sql.hpp"
#include "plugin/store/team.hpp"
#include "plugin/sync/events.hpp"
#include "plugin/sync/feed.hpp"
#include "plugin/sync/outbox.hpp"
#include "plugin/sync/pull.hpp"
#include "plugin/sync/vocabulary.hpp"
#include "support.hpp"

#include <rapidjson/document.h>

using namespace coursecrew;
using cctest::count;

namespace {

const std::string kCourse = "course-1";
const std::string kIri = "https://example.org/courses/c";

using cctest::keep;
using cctest::piece;

// One seat's store with the course published: A (M1: writer, designer), B (M2: writer).
struct Seat {
    cctest::TempDir dir;
    std::string path = dir / "state.db";
    std::unique_ptr<Store> store;

    Seat() {
        std::string error;
        store = Store::open(path, error);
        BOOST_TEST_REQUIRE(bool(store), error);
        publish({piece("A", "M1", {{"writer", "wa"}, {"designer", "da"}}), piece("B", "M2", {{"writer", "wb"}})},
                1000);
        adopt();
    }
    PublishSummary publish(const std::vector<PieceRecord> &pieces, std::int64_t now) {
        PublishSummary sum;
        std::string error;
        BOOST_TEST_REQUIRE(store->publish(kCourse, pieces, now, sum, error), error);
        return sum;
    }
    std::size_t adopt() { return adopt_team_state(store->handle(), path, kCourse, kIri); }
    std::vector<Change> set(const std::string &p, const std::string &role, Status s, const std::string &by,
                            std::int64_t now) {
        std::vector<Change> changes;
        std::string error;
        BOOST_TEST_REQUIRE(store->set_status(kCourse, {{p, role, s, by, ""}}, now, changes, error), error);
        return changes;
    }
    std::vector<Change> merge(const std::vector<TeamCell> &cells) {
        TeamReplica team(store->handle(), path);
        sql::Transaction tx(store->handle(), path, "test");
        auto changes = team.merge(kIri, cells);
        tx.commit("test");
        return changes;
    }
    PairState pair(const std::string &p, const std::string &role) {
        std::vector<PairState> all;
        std::string error;
        BOOST_TEST_REQUIRE(store->pairs(kCourse, all, error), error);
        for (const PairState &s : all)
            if (s.piece == p && s.role == role) return s;
        BOOST_FAIL("no pair " << p << "/" << role);
        return {};
    }
    std::int64_t rows(const std::string &sql) { return count(path, sql); }
};

TeamCell cell(const std::string &module, const std::string &p, const std::string &role, const std::string &status,
              const std::string &by, std::int64_t at, const std::string &note = "") {
    return {module, p, "Title of " + p, role, status, by, note, at};
}

CellVersion v(const char *status, const char *by, std::int64_t at, const char *note = "") {
    return {status, by, note, at};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(team_cell_order)

BOOST_AUTO_TEST_CASE(every_seat_picks_the_same_version) {
    // A real change beats an untouched cell, however recent the untouched one.
    BOOST_TEST(compare_cells(v("in_progress", "ana", 100), v("not_started", "coursecrew", 900)) > 0);
    // Between real changes the later wins; between untouched the earlier.
    BOOST_TEST(compare_cells(v("done", "ana", 200), v("blocked", "bob", 100)) > 0);
    BOOST_TEST(compare_cells(v("not_started", "coursecrew", 100), v("not_started", "coursecrew", 200)) > 0);
    // A person setting not_started is a real change.
    BOOST_TEST(compare_cells(v("not_started", "ana", 100), v("not_started", "coursecrew", 50)) > 0);
    // The same second: (by, status, note) decides, from either side.
    const CellVersion a = v("done", "ana", 300), z = v("blocked", "zoe", 300);
    BOOST_TEST(compare_cells(z, a) > 0);
    BOOST_TEST(compare_cells(a, z) < 0);
    BOOST_TEST(compare_cells(v("done", "ana", 300, "b"), v("done", "ana", 300, "a")) > 0);
    BOOST_TEST(compare_cells(a, v("done", "ana", 300)) == 0);
    // A cell with no readable time (INT64_MIN) sorts first among real
    // changes and, untouched, wins among untouched ones: no overflow either way.
    BOOST_TEST(compare_cells(v("done", "ana", INT64_MIN), v("done", "ana", 0)) < 0);
    BOOST_TEST(compare_cells(v("not_started", "coursecrew", INT64_MIN), v("not_started", "coursecrew", 0)) > 0);
    // A total order: antisymmetric over a mixed set.
    const std::vector<CellVersion> all = {a, z, v("not_started", "coursecrew", 1), v("not_started", "coursecrew", 9),
                                          v("in_review", "coursecrew", 300), v("done", "ana", 301)};
    for (const CellVersion &x : all)
        for (const CellVersion &y : all) BOOST_TEST(compare_cells(x, y) == -compare_cells(y, x));
}

// Two seats making the same change (same cell, same people, same second,
// the same history row number in their own stores) are two changes: their
// statements must not share an id, or the LRS would keep one.
BOOST_AUTO_TEST_CASE(two_seats_never_share_a_status_statement_id) {
    Seat a, b;
    const std::string seat_a = Outbox(a.store->handle(), a.path).seat();
    const std::string seat_b = Outbox(b.store->handle(), b.path).seat();
    BOOST_TEST(seat_a.size() == 32u);
    BOOST_TEST(seat_a != seat_b);
    {
        std::string error;
        auto again = Store::open(a.path, error);  // stable: the id is the store's
        BOOST_TEST(Outbox(again->handle(), a.path).seat() == seat_a);
    }
    EventContext c;
    c.course_iri = kIri;
    StatusFacts s;
    s.piece = "A";
    s.role = "writer";
    s.from = "not_started";
    s.to = "done";
    s.by = "ana";
    s.history_id = 7;
    const std::string plain = status_event(c, s, 1000).uuid;
    c.seat = seat_a;
    const std::string on_a = status_event(c, s, 1000).uuid;
    c.seat = seat_b;
    const std::string on_b = status_event(c, s, 1000).uuid;
    BOOST_TEST(on_a != on_b);
    BOOST_TEST(on_a != plain);
    c.seat = seat_a;
    BOOST_TEST(status_event(c, s, 1000).uuid == on_a);  // a resend is the same statement
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(team_replica)

BOOST_AUTO_TEST_CASE(a_pulled_change_lands_with_its_author_and_queues_nothing) {
    Seat seat;
    const std::int64_t events = seat.rows("SELECT count(*) FROM events");
    const std::int64_t documents = seat.rows("SELECT count(*) FROM documents");
    const auto changes = seat.merge({cell("M1", "A", "writer", "done", "Ana Lima", 2000, "final text")});
    BOOST_TEST_REQUIRE(changes.size() == 1u);
    BOOST_TEST(changes[0].kind == "pulled");
    BOOST_TEST(changes[0].module == "M1");
    BOOST_TEST((changes[0].from == Status::NotStarted && changes[0].to == Status::Done));
    const PairState p = seat.pair("A", "writer");
    BOOST_TEST((p.status == Status::Done));
    BOOST_TEST(p.by == "Ana Lima");
    BOOST_TEST(p.note == "final text");
    BOOST_TEST(p.since == 2000);
    BOOST_TEST(p.remote);
    BOOST_TEST(seat.rows("SELECT count(*) FROM history WHERE kind = 'pulled' AND piece = 'A' AND role = 'writer' "
                         "AND \"by\" = 'Ana Lima' AND at = 2000 AND note = 'final text' AND to_status = 'done'") == 1);
    // Never sent again, and the module document is not made dirty here.
    BOOST_TEST(seat.rows("SELECT count(*) FROM events") == events);
    BOOST_TEST(seat.rows("SELECT count(*) FROM documents") == documents);
    // Merging the same cell again changes nothing.
    BOOST_TEST(seat.merge({cell("M1", "A", "writer", "done", "Ana Lima", 2000, "final text")}).empty());
    BOOST_TEST(seat.rows("SELECT count(*) FROM history WHERE kind = 'pulled'") == 1);
}

BOOST_AUTO_TEST_CASE(an_older_or_untouched_cell_never_overrides_a_real_change) {
    Seat seat;
    seat.set("A", "writer", Status::InProgress, "eli", 2000);
    BOOST_TEST(seat.merge({cell("M1", "A", "writer", "done", "ana", 1999)}).empty());
    BOOST_TEST(seat.merge({cell("M1", "A", "writer", "not_started", "coursecrew", 5000)}).empty());
    const PairState p = seat.pair("A", "writer");
    BOOST_TEST((p.status == Status::InProgress));
    BOOST_TEST(p.by == "eli");
    BOOST_TEST(!p.remote);
    // An untouched team cell tells an untouched pair nothing either.
    BOOST_TEST(seat.merge({cell("M1", "A", "designer", "not_started", "coursecrew", 10)}).empty());
    BOOST_TEST(!seat.pair("A", "designer").remote);
    // A newer one wins, and a change made here afterwards is this seat's again.
    BOOST_TEST(seat.merge({cell("M1", "A", "writer", "in_review", "ana", 2001)}).size() == 1u);
    BOOST_TEST(seat.pair("A", "writer").remote);
    seat.set("A", "writer", Status::Done, "eli", 2002);
    BOOST_TEST(!seat.pair("A", "writer").remote);
}

// Two changes of one cell in the same second: the second is recorded a
// second later, so its own older value coming back from the team (another
// seat merged it into a document) does not win the tie.
BOOST_AUTO_TEST_CASE(a_cell_changed_twice_in_one_second_keeps_the_second_change) {
    Seat seat;
    seat.set("A", "designer", Status::InProgress, "bob", 3000);
    seat.set("A", "designer", Status::Blocked, "bob", 3000);
    const PairState p = seat.pair("A", "designer");
    BOOST_TEST((p.status == Status::Blocked));
    BOOST_TEST(p.since == 3001);
    BOOST_TEST(seat.rows("SELECT max(at) FROM history WHERE piece = 'A' AND role = 'designer' AND kind = 'status'") ==
               3001);
    BOOST_TEST(seat.merge({cell("M1", "A", "designer", "in_progress", "bob", 3000)}).empty());
    BOOST_TEST((seat.pair("A", "designer").status == Status::Blocked));
}

// A change made just before its piece leaves the package must still reach
// the team: the module's document keeps the archived cell (its last
// change), and only this version's pairs count in its progress.
BOOST_AUTO_TEST_CASE(the_document_keeps_the_last_change_of_a_piece_that_left) {
    Seat seat;
    seat.set("A", "writer", Status::Done, "chen", 3000);
    seat.publish({piece("B", "M2", {{"writer", "wb"}})}, 3100);  // A leaves
    Outbox outbox(seat.store->handle(), seat.path);
    const std::vector<DocumentCell> cells = outbox.cells(kCourse, "M1");
    BOOST_TEST_REQUIRE(cells.size() == 2u);  // A/designer, A/writer
    const DocumentCell &writer = cells[1];
    BOOST_TEST(writer.role == "writer");
    BOOST_TEST(writer.status == "done");
    BOOST_TEST(writer.by == "chen");
    BOOST_TEST(writer.archived);
    BOOST_TEST(!outbox.cells(kCourse, "M2").at(0).archived);
}

BOOST_AUTO_TEST_CASE(pieces_only_another_seat_has_are_foreign) {
    Seat seat;
    seat.merge({cell("M1", "A", "writer", "done", "ana", 2000), cell("M1", "Z", "writer", "in_progress", "zoe", 2000),
                cell("M3", "Y", "artist", "blocked", "yan", 2000), cell("M1", "A", "voice", "done", "vic", 2000)});
    TeamReplica team(seat.store->handle(), seat.path);
    auto foreign = team.foreign(kCourse, kIri, "");
    BOOST_TEST_REQUIRE(foreign.size() == 3u);  // Z, A/voice (a role this seat's map does not give A), Y
    BOOST_TEST(foreign[0].piece == "A");
    BOOST_TEST(foreign[0].role == "voice");
    BOOST_TEST(foreign[1].piece == "Z");
    BOOST_TEST(foreign[1].by == "zoe");
    BOOST_TEST(foreign[2].module == "M3");
    BOOST_TEST(team.foreign(kCourse, kIri, "M3").size() == 1u);
    // A piece this seat archived is another seat's now.
    seat.publish({piece("B", "M2", {{"writer", "wb"}})}, 3000);
    BOOST_TEST(team.foreign(kCourse, kIri, "M1").size() == 3u);  // A/writer, A/voice, Z
}

BOOST_AUTO_TEST_CASE(a_piece_new_to_this_seat_takes_the_team_state_when_published) {
    Seat seat;
    seat.merge({cell("M2", "C", "writer", "done", "ana", 2000, "from seat 2")});
    seat.publish({piece("A", "M1", {{"writer", "wa"}, {"designer", "da"}}), piece("B", "M2", {{"writer", "wb"}}),
                  piece("C", "M2", {{"writer", "wc"}})},
                 3000);
    BOOST_TEST((seat.pair("C", "writer").status == Status::NotStarted));
    BOOST_TEST(seat.adopt() == 1u);
    const PairState c = seat.pair("C", "writer");
    BOOST_TEST((c.status == Status::Done));
    BOOST_TEST(c.by == "ana");
    BOOST_TEST(c.remote);
    BOOST_TEST(seat.adopt() == 0u);  // nothing left to take
    // Done on another seat, then this seat publishes changed content: reopened.
    const PublishSummary sum = seat.publish({piece("A", "M1", {{"writer", "wa"}, {"designer", "da"}}),
                                             piece("B", "M2", {{"writer", "wb"}}), piece("C", "M2", {{"writer", "wc2"}})},
                                            4000);
    BOOST_TEST(sum.pairs_reopened == 1u);
    BOOST_TEST((seat.pair("C", "writer").status == Status::InReview));
    BOOST_TEST(!seat.pair("C", "writer").remote);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// The pull against an LRS in memory: documents with ETags and the
// concurrency rules of the Activity Profile API, and a count of requests.

namespace {

class MemoryLrs {
public:
    struct Doc {
        std::string body, etag;
    };
    std::map<std::string, Doc> docs;  // activity + " " + profile
    int gets = 0, puts = 0, next_etag = 0;
    int index_conflicts = 0;  // PUTs of the index answered 412 before the next one works

    static std::string key(const std::string &a, const std::string &p) { return a + " " + p; }
    void write(const std::string &a, const std::string &p, const std::string &body) {
        docs[key(a, p)] = {body, "\"e" + std::to_string(++next_etag) + "\""};
    }
};

Reply answer(Outcome o, std::string body = "", std::string etag = "") {
    Reply r;
    r.outcome = o;
    r.body = std::move(body);
    r.etag = std::move(etag);
    if (o != Outcome::Ok) r.reason = to_string(o);
    return r;
}

class MemoryTarget final : public Target {
public:
    explicit MemoryTarget(MemoryLrs &lrs) : lrs_(lrs) {
        config_.name = "lms";
        config_.kind = "xapi";
    }
    const TargetConfig &config() const override { return config_; }
    Reply prepare() override { return answer(Outcome::Ok); }
    std::string version() const override { return "1.0.3"; }
    Reply send(const StatementBatch &) override { return answer(Outcome::Ok); }
    Reply get_document(const std::string &a, const std::string &p) override {
        ++lrs_.gets;
        auto it = lrs_.docs.find(MemoryLrs::key(a, p));
        if (it == lrs_.docs.end()) return answer(Outcome::Missing);
        return answer(Outcome::Ok, it->second.body, it->second.etag);
    }
    Reply put_document(const std::string &a, const std::string &p, const std::string &json,
                       const std::string &etag) override {
        ++lrs_.puts;
        if (p.find("course-index") != std::string::npos && lrs_.index_conflicts > 0) {
            --lrs_.index_conflicts;
            return answer(Outcome::Conflict);
        }
        auto it = lrs_.docs.find(MemoryLrs::key(a, p));
        if (etag.empty() ? it != lrs_.docs.end() : (it == lrs_.docs.end() || it->second.etag != etag))
            return answer(Outcome::Conflict);
        lrs_.write(a, p, json);
        return answer(Outcome::Ok);
    }

private:
    MemoryLrs &lrs_;
    TargetConfig config_;
};

const std::string kModuleProfile = std::string(vocab::kProfileBase) + vocab::kDocModuleStatus;
const std::string kIndexProfile = std::string(vocab::kProfileBase) + vocab::kDocCourseIndex;

std::string module_activity(const std::string &m) { return kIri + "/modules/" + m; }

// What another seat wrote: a module document with one cell, and its index entry.
void other_seat_writes(MemoryLrs &lrs, const std::string &module, const std::string &p, const std::string &status,
                       std::int64_t at, const std::string &token, bool announce = true) {
    EventContext c;
    c.course_iri = kIri;
    const std::string doc = module_document(c, module, "Module " + module, {},
                                            {{p, "Title of " + p, "writer", status, "zoe", "", at}}, at);
    lrs.write(module_activity(module), kModuleProfile, doc);
    if (!announce) return;
    std::string index = R"({"course": ")" + kIri + R"(", "modules": {)";
    // Keep the other modules' entries.
    auto it = lrs.docs.find(MemoryLrs::key(kIri, kIndexProfile));
    std::map<std::string, std::string> tokens;
    if (it != lrs.docs.end()) {
        rapidjson::Document d;
        d.Parse(it->second.body.c_str());
        for (const auto &m : d["modules"].GetObject()) tokens[m.name.GetString()] = m.value["token"].GetString();
    }
    tokens[module] = token;
    bool first = true;
    for (const auto &[m, t] : tokens) {
        index += std::string(first ? "" : ",") + "\"" + m + R"(": {"token": ")" + t + R"(", "at": "2026-01-01T00:00:00Z"})";
        first = false;
    }
    lrs.write(kIri, kIndexProfile, index + "}}");
}

struct PullSeat : Seat {
    MemoryLrs &lrs;
    MemoryTarget target{lrs};
    explicit PullSeat(MemoryLrs &l) : lrs(l) {}
    PullCounts pull(Outcome expected = Outcome::Ok) {
        PullContext ctx{target, store->handle(), path, kIri, vocab::kProfileBase};
        PullCounts counts;
        const Reply r = pull_target(ctx, 5000, counts);
        BOOST_TEST((r.outcome == expected), r.reason);
        return counts;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(team_pull)

BOOST_AUTO_TEST_CASE(an_unchanged_course_costs_one_request_and_no_merge) {
    MemoryLrs lrs;
    other_seat_writes(lrs, "M1", "A", "done", 2000, "t1");
    other_seat_writes(lrs, "M2", "B", "in_progress", 2000, "t2");
    PullSeat seat(lrs);
    PullCounts first = seat.pull();
    BOOST_TEST(first.modules_checked == 2);
    BOOST_TEST(first.modules_fetched == 2);
    BOOST_TEST(first.modules_merged == 2);
    BOOST_TEST(first.cells_changed == 2);
    BOOST_TEST((seat.pair("A", "writer").status == Status::Done));
    BOOST_TEST(seat.rows("SELECT count(*) FROM pulls WHERE pulled_at = 5000 AND error = ''") == 1);
    // The progress record follows quietly: no "progressed" statement later
    // repeats another seat's news, and no statement is queued now.
    BOOST_TEST(seat.rows("SELECT done FROM progress WHERE course = 'course-1' AND module = 'M1'") == 1);
    BOOST_TEST(seat.rows("SELECT count(*) FROM events") == 0);

    lrs.gets = 0;
    const PullCounts again = seat.pull();
    BOOST_TEST(lrs.gets == 1);  // the index alone
    BOOST_TEST(again.modules_fetched == 0);
    BOOST_TEST(again.modules_merged == 0);
}

BOOST_AUTO_TEST_CASE(only_the_changed_module_is_fetched_and_merged) {
    MemoryLrs lrs;
    other_seat_writes(lrs, "M1", "A", "done", 2000, "t1");
    other_seat_writes(lrs, "M2", "B", "in_progress", 2000, "t2");
    PullSeat seat(lrs);
    seat.pull();
    other_seat_writes(lrs, "M2", "B", "in_review", 2100, "t3");
    lrs.gets = 0;
    const PullCounts c = seat.pull();
    BOOST_TEST(lrs.gets == 2);
    BOOST_TEST(c.modules_fetched == 1);
    BOOST_TEST(c.modules_merged == 1);
    BOOST_TEST((seat.pair("B", "writer").status == Status::InReview));
    // A new token over the same document (a seat announced what it had
    // already written): read, but not merged again.
    const std::string etag = lrs.docs[MemoryLrs::key(module_activity("M2"), kModuleProfile)].etag;
    other_seat_writes(lrs, "M2", "B", "in_review", 2100, "t4");
    lrs.docs[MemoryLrs::key(module_activity("M2"), kModuleProfile)].etag = etag;  // the document did not change
    const PullCounts same = seat.pull();
    BOOST_TEST(same.modules_fetched == 1);
    BOOST_TEST(same.modules_merged == 0);
}

BOOST_AUTO_TEST_CASE(a_module_the_index_does_not_list_is_read_once) {
    MemoryLrs lrs;
    PullSeat seat(lrs);
    // Written before the index existed (an older coursecrew): not announced.
    other_seat_writes(lrs, "M1", "A", "done", 2000, "", false);
    PullCounts c = seat.pull();
    BOOST_TEST(c.modules_checked == 2);  // M1 and M2, known here
    BOOST_TEST(c.modules_fetched == 2);
    BOOST_TEST((seat.pair("A", "writer").status == Status::Done));
    lrs.gets = 0;
    seat.pull();
    BOOST_TEST(lrs.gets == 1);
}

BOOST_AUTO_TEST_CASE(an_unreadable_index_fails_the_pull_and_a_bad_document_is_left_alone) {
    MemoryLrs lrs;
    PullSeat seat(lrs);
    lrs.write(kIri, kIndexProfile, "[not an index");
    seat.pull(Outcome::Rejected);
    lrs.write(kIri, kIndexProfile, R"({"modules": {"M1": {"token": "x"}}})");
    lrs.write(module_activity("M1"), kModuleProfile, R"({"pieces": {}, "extra": 1})");
    const PullCounts c = seat.pull();
    BOOST_TEST(c.unreadable == 1);
    BOOST_TEST(c.modules_merged == 0);
    // Not marked as seen: read again next time, once someone fixes it.
    lrs.gets = 0;
    seat.pull();
    BOOST_TEST(lrs.gets == 2);
}

BOOST_AUTO_TEST_CASE(announcing_keeps_other_seats_entries_and_marks_only_what_is_safe) {
    MemoryLrs lrs;
    other_seat_writes(lrs, "M1", "A", "done", 2000, "t1");
    PullSeat seat(lrs);
    seat.pull();
    // This seat delivered M1 and M2 documents; they wait for the index.
    {
        Outbox outbox(seat.store->handle(), seat.path);
        for (const char *m : {"M1", "M2"}) {
            outbox.put_document("lms", kCourse, m, module_activity(m), "{}");
            outbox.document_delivered("lms", outbox.pending_documents("lms").at(0));
        }
    }
    // Meanwhile another seat announced M2 (which this seat never read).
    other_seat_writes(lrs, "M2", "B", "blocked", 2100, "t-other");
    lrs.index_conflicts = 1;  // and someone wrote the index between our read and write
    std::mt19937_64 random(7);
    PullContext ctx{seat.target, seat.store->handle(), seat.path, kIri, vocab::kProfileBase};
    BOOST_TEST((update_index(ctx, 6000, random).outcome == Outcome::Ok));
    Outbox outbox(seat.store->handle(), seat.path);
    BOOST_TEST(outbox.unindexed("lms").empty());
    rapidjson::Document index;
    index.Parse(lrs.docs[MemoryLrs::key(kIri, kIndexProfile)].body.c_str());
    BOOST_TEST_REQUIRE(index["modules"].HasMember("M1"));
    const std::string m1 = index["modules"]["M1"]["token"].GetString();
    const std::string m2 = index["modules"]["M2"]["token"].GetString();
    BOOST_TEST(m1 != "t1");
    BOOST_TEST(m2 != "t-other");
    TeamReplica team(seat.store->handle(), seat.path);
    // M1: the token replaced was the one this seat had seen: its own is seen.
    BOOST_TEST(team.mark("lms", kIri, "M1").token == m1);
    // M2: another seat's announcement was replaced: not marked, so the next
    // pull reads M2 and learns the other seat's change.
    BOOST_TEST(team.mark("lms", kIri, "M2").token != m2);
    const PullCounts next = seat.pull();
    BOOST_TEST(next.modules_fetched == 1);
    BOOST_TEST((seat.pair("B", "writer").status == Status::Blocked));
}

BOOST_AUTO_TEST_CASE(a_failed_request_stops_the_pull_and_keeps_what_was_merged) {
    MemoryLrs lrs;
    other_seat_writes(lrs, "M1", "A", "done", 2000, "t1");
    other_seat_writes(lrs, "M2", "B", "blocked", 2000, "t2");
    class Flaky final : public Target {
    public:
        Flaky(MemoryLrs &l) : inner_(l) {}
        const TargetConfig &config() const override { return inner_.config(); }
        Reply prepare() override { return inner_.prepare(); }
        std::string version() const override { return "1.0.3"; }
        Reply send(const StatementBatch &b) override { return inner_.send(b); }
        Reply get_document(const std::string &a, const std::string &p) override {
            if (a.find("M2") != std::string::npos) return answer(Outcome::Retry, "", "");
            return inner_.get_document(a, p);
        }
        Reply put_document(const std::string &a, const std::string &p, const std::string &j,
                           const std::string &e) override {
            return inner_.put_document(a, p, j, e);
        }

    private:
        MemoryTarget inner_;
    } flaky(lrs);
    Seat seat;
    PullContext ctx{flaky, seat.store->handle(), seat.path, kIri, vocab::kProfileBase};
    PullCounts counts;
    BOOST_TEST((pull_target(ctx, 5000, counts).outcome == Outcome::Retry));
    BOOST_TEST((seat.pair("A", "writer").status == Status::Done));  // merged before the failure: kept
    BOOST_TEST((seat.pair("B", "writer").status == Status::NotStarted));
    BOOST_TEST(seat.rows("SELECT count(*) FROM pulls WHERE pulled_at > 0") == 0);  // not a pull
}

BOOST_AUTO_TEST_SUITE_END()
