// The status store on real SQLite files in a scratch folder: opening and
// migrating, every status transition, all-or-nothing updates, change after
// done, archive and restore, two writers at once (threads and processes), and
// a 20,000-piece publish.
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <thread>

#include "plugin/sync/outbox.hpp"
#include "plugin/store/store.hpp"
#include "tests/unit/support.hpp"

using namespace coursecrew;

namespace {

const std::string kCourse = "com.example.course";
const Status kAll[] = {Status::NotStarted, Status::InProgress, Status::InReview, Status::Done,
                       Status::Blocked};

using cctest::keep;
using cctest::piece;

std::unique_ptr<Store> open_store(const std::string &path) {
    std::string error;
    auto store = Store::open(path, error);
    BOOST_TEST_REQUIRE(bool(store), "open " << path << ": " << error);
    BOOST_TEST(error.empty());
    return store;
}

PublishSummary publish(Store &s, const std::vector<PieceRecord> &pieces, std::int64_t now = 1000) {
    PublishSummary sum;
    std::string error;
    BOOST_TEST_REQUIRE(s.publish(kCourse, pieces, now, sum, error), error);
    return sum;
}

StatusUpdate update(const std::string &piece, const std::string &role, Status st,
                    const std::string &by = "mailto:ana@example.com", const std::string &note = "") {
    return StatusUpdate{piece, role, st, by, note};
}

void set(Store &s, const std::vector<StatusUpdate> &updates, std::int64_t now = 2000) {
    std::vector<Change> changes;
    std::string error;
    BOOST_TEST_REQUIRE(s.set_status(kCourse, updates, now, changes, error), error);
    BOOST_TEST(changes.size() == updates.size());
}

// Pairs keyed "piece/role".
std::map<std::string, PairState> pairs_of(const Store &s, const std::string &course = kCourse) {
    std::vector<PairState> v;
    std::string error;
    BOOST_TEST_REQUIRE(s.pairs(course, v, error), error);
    std::map<std::string, PairState> m;
    for (auto &p : v) m[p.piece + "/" + p.role] = p;
    return m;
}

std::vector<HistoryEntry> history_of(const Store &s, const std::string &piece = "",
                                     const std::string &role = "") {
    std::vector<HistoryEntry> v;
    std::string error;
    BOOST_TEST_REQUIRE(s.history(kCourse, piece, role, v, error), error);
    return v;
}

// Everything a test can observe, to prove that a failed call changed nothing.
std::string snapshot(const Store &s) {
    std::string out;
    for (const auto &[key, p] : pairs_of(s))
        out += key + " " + to_string(p.status) + " " + p.by + " " + p.note + " " +
               std::to_string(p.since) + " " + p.fingerprint + (p.archived ? " A" : "") + "\n";
    for (const auto &h : history_of(s))
        out += h.piece + "/" + h.role + " " + to_string(h.from) + ">" + to_string(h.to) + " " +
               h.by + " " + h.note + " " + std::to_string(h.at) + " " + h.fingerprint + "\n";
    return out;
}

std::int64_t pragma_int(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
    std::int64_t v = -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

std::string pragma_text(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
    std::string v;
    if (sqlite3_step(st) == SQLITE_ROW) v = reinterpret_cast<const char *>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

// `n` pieces with a writer and a designer each, for the concurrency tests.
std::vector<PieceRecord> many_pieces(int n) {
    std::vector<PieceRecord> v;
    for (int i = 0; i < n; ++i)
        v.push_back(piece("P" + std::to_string(i), "M", {{"writer", "w"}, {"designer", "d"}}));
    return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store)

BOOST_AUTO_TEST_CASE(status_names_round_trip) {
    for (Status s : kAll) {
        Status back = Status::Blocked;
        BOOST_TEST(parse_status(to_string(s), back));
        BOOST_TEST((back == s));
    }
    BOOST_TEST(std::string(to_string(Status::NotStarted)) == "not_started");
    BOOST_TEST(std::string(to_string(Status::InReview)) == "in_review");
    Status s;
    for (const char *bad : {"", "Done", "DONE", "done ", "in-review", "inreview", "started"})
        BOOST_TEST(!parse_status(bad, s), bad);
}

BOOST_AUTO_TEST_CASE(open_creates_folders_and_migrates) {
    cctest::TempDir dir;
    const std::string path = dir / "work/.coursecrew/deeper/state.db";
    auto s = open_store(path);
    BOOST_TEST(std::filesystem::exists(path));
    BOOST_TEST(s->path() == path);
    BOOST_TEST(pragma_int(s->handle(), "PRAGMA user_version") == cctest::kStoreVersion);
    BOOST_TEST(pragma_text(s->handle(), "PRAGMA journal_mode") == "wal");
    BOOST_TEST(pragma_int(s->handle(), "PRAGMA foreign_keys") == 1);
    BOOST_TEST(pragma_int(s->handle(), "PRAGMA synchronous") == 1);  // NORMAL
    for (const char *table : {"pieces", "pairs", "history", "events", "outbox", "documents", "assignments", "progress"}) {
        std::string sql = std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") + table + "'";
        BOOST_TEST(pragma_int(s->handle(), sql.c_str()) == 1, table);
    }
    // An empty store reads as empty.
    BOOST_TEST(pairs_of(*s).empty());
    BOOST_TEST(history_of(*s).empty());
}

BOOST_AUTO_TEST_CASE(reopening_keeps_data) {
    cctest::TempDir dir;
    const std::string path = dir / "state.db";
    std::string before;
    {
        auto s = open_store(path);
        publish(*s, {piece("A", "M1", {{"writer", "fa"}, {"artist", "fa2"}})});
        set(*s, {update("A", "writer", Status::InProgress, "mailto:bo@example.com", "drafting")});
        before = snapshot(*s);
    }
    auto s = open_store(path);
    BOOST_TEST(snapshot(*s) == before);
    auto p = pairs_of(*s);
    BOOST_TEST((p.at("A/writer").status == Status::InProgress));
    BOOST_TEST(p.at("A/writer").by == "mailto:bo@example.com");
    BOOST_TEST(p.at("A/writer").note == "drafting");
    BOOST_TEST(p.at("A/writer").since == 2000);
    BOOST_TEST(p.at("A/writer").module == "M1");
    BOOST_TEST(p.at("A/writer").title == "Title of A");
    BOOST_TEST(pragma_int(s->handle(), "PRAGMA user_version") == cctest::kStoreVersion);
}

// What migration v7 (one team, many seats) added, taken away again: a store
// as an earlier release left it.
const std::string kUndoV7 = std::string(cctest::kUndoV8) +
    "ALTER TABLE pairs DROP COLUMN remote; ALTER TABLE documents DROP COLUMN unindexed; "
    "DROP TABLE course_iris; DROP TABLE team_cells; DROP TABLE pull_state; DROP TABLE pulls; DROP TABLE seat; ";

BOOST_AUTO_TEST_CASE(a_version_2_store_migrates_to_the_latest_keeping_its_data) {
    cctest::TempDir dir;
    const std::string path = dir / "state.db";
    std::string before;
    {
        // What the previous release left: the v2 schema with data in it.
        auto s = open_store(path);
        publish(*s, {piece("A", "M1", {{"writer", "fa"}})});
        before = snapshot(*s);
        BOOST_TEST_REQUIRE(sqlite3_exec(s->handle(),
                                        (kUndoV7 + "DROP TABLE sources; DROP VIEW outbox_pending; DROP TABLE outbox_marks; "
                                        "DROP TABLE events; DROP TABLE outbox; DROP TABLE documents; "
                                        "DROP TABLE assignments; DROP TABLE progress; DROP INDEX pieces_by_module; "
                                        "DROP TABLE file_digests; PRAGMA user_version = 2").c_str(),
                                        nullptr, nullptr, nullptr) == SQLITE_OK);
    }
    auto s = open_store(path);
    BOOST_TEST(pragma_int(s->handle(), "PRAGMA user_version") == cctest::kStoreVersion);
    BOOST_TEST(pragma_int(s->handle(), "SELECT count(*) FROM sqlite_schema WHERE name = 'outbox'") == 1);
    BOOST_TEST(pragma_int(s->handle(), "SELECT count(*) FROM sqlite_schema WHERE name = 'file_digests'") == 1);
    BOOST_TEST(snapshot(*s) == before);
}

BOOST_AUTO_TEST_CASE(a_version_4_outbox_keeps_its_pending_and_dead_rows) {
    cctest::TempDir dir;
    const std::string path = dir / "state.db";
    {
        auto s = open_store(path);
        BOOST_TEST_REQUIRE(sqlite3_exec(s->handle(),
                                        (kUndoV7 + "DROP TABLE sources; DROP VIEW outbox_pending; DROP TABLE outbox_marks; "
                                        "DROP INDEX outbox_dead; DROP INDEX outbox_retried; "
                                        "INSERT INTO events (id, uuid, course, kind, at, body) VALUES "
                                        "(1, 'u1', 'c', 'status', 0, '{}'), (2, 'u2', 'c', 'status', 0, '{}'), "
                                        "(3, 'u3', 'c', 'status', 0, '{}'); "
                                        "INSERT INTO outbox (target, event, dead) VALUES "
                                        "('lms', 1, 1), ('lms', 3, 0), ('hook', 3, 0); "
                                        "PRAGMA user_version = 4").c_str(),
                                        nullptr, nullptr, nullptr) == SQLITE_OK);
    }
    auto s = open_store(path);
    BOOST_TEST(pragma_int(s->handle(), "PRAGMA user_version") == cctest::kStoreVersion);
    BOOST_TEST(pragma_int(s->handle(), "SELECT count(*) FROM outbox_pending") == 3);
    Outbox outbox(s->handle(), path);
    const OutboxCounts lms = outbox.counts("lms");
    BOOST_TEST(lms.pending == 1);
    BOOST_TEST(lms.dead == 1);
    BOOST_TEST(outbox.counts("hook").pending == 1);
    StatementBatch batch;
    BOOST_TEST(!outbox.due("lms", 10, 1 << 20, batch));
    BOOST_TEST_REQUIRE(batch.size() == 1u);
    BOOST_TEST(batch.event(0) == 3);
}

BOOST_AUTO_TEST_CASE(a_newer_schema_is_refused) {
    cctest::TempDir dir;
    const std::string path = dir / "state.db";
    {
        auto s = open_store(path);
        BOOST_TEST_REQUIRE(sqlite3_exec(s->handle(), "PRAGMA user_version = 99", nullptr, nullptr,
                                        nullptr) == SQLITE_OK);
    }
    std::string error;
    auto s = Store::open(path, error);
    BOOST_TEST(!s.get());
    BOOST_TEST(error.find("created by a newer coursecrew") != std::string::npos, error);
    BOOST_TEST(error.find(path) != std::string::npos, error);
    BOOST_TEST(error.find("99") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_database_is_refused) {
    cctest::TempDir dir;
    const std::string path = dir / "state.db";
    cctest::write_file(path, std::string(4096, 'x'));
    std::string error;
    BOOST_TEST(!Store::open(path, error).get());
    BOOST_TEST(error.find(path) != std::string::npos, error);
    BOOST_TEST(error.find("not a database") != std::string::npos, error);

    // A folder where the file should be.
    std::filesystem::create_directories(dir / "folder.db");
    BOOST_TEST(!Store::open(dir / "folder.db", error).get());
    BOOST_TEST(error.find(dir / "folder.db") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(every_transition_is_allowed_and_recorded) {
    cctest::TempDir dir;
    auto s = open_store(dir / "state.db");
    // One piece per (from, to) pair of statuses.
    std::vector<PieceRecord> pieces;
    for (Status from : kAll)
        for (Status to : kAll)
            if (from != to)
                pieces.push_back(piece(std::string(to_string(from)) + ">" + to_string(to), "M",
                                       {{"writer", "fp"}}));
    BOOST_TEST(pieces.size() == 20u);
    publish(*s, pieces);

    for (Status from : kAll)
        for (Status to : kAll) {
            if (from == to) continue;
            const std::string id = std::string(to_string(from)) + ">" + to_string(to);
            if (from != Status::NotStarted) set(*s, {update(id, "writer", from)}, 3000);

            std::vector<Change> changes;
            std::string error;
            BOOST_TEST_REQUIRE(s->set_status(kCourse, {update(id, "writer", to, "mailto:cy@example.com", "why")},
                                             4000, changes, error),
                               id << ": " << error);
            BOOST_TEST_REQUIRE(changes.size() == 1u);
            BOOST_TEST((changes[0].from == from));
            BOOST_TEST((changes[0].to == to));
            BOOST_TEST(changes[0].kind == "status");
            BOOST_TEST(changes[0].module == "M");
            BOOST_TEST(changes[0].by == "mailto:cy@example.com");

            auto p = pairs_of(*s).at(id + "/writer");
            BOOST_TEST((p.status == to), id);
            BOOST_TEST(p.by == "mailto:cy@example.com");
            BOOST_TEST(p.note == "why");
            BOOST_TEST(p.since == 4000);

            auto h = history_of(*s, id, "writer");
            BOOST_TEST_REQUIRE(!h.empty());
            BOOST_TEST((h.back().from == from), id);
            BOOST_TEST((h.back().to == to), id);
            BOOST_TEST(h.back().by == "mailto:cy@example.com");
            BOOST_TEST(h.back().note == "why");
            BOOST_TEST(h.back().at == 4000);
            BOOST_TEST(h.back().fingerprint == "fp");
            // added, [set to `from`], set to `to`: oldest first.
            BOOST_TEST(h.size() == (from == Status::NotStarted ? 2u : 3u), id);
            BOOST_TEST(h.front().by == "coursecrew");
        }

    // The same status again is an error, for each status, and changes nothing.
    for (Status st : kAll) {
        const std::string id = std::string(to_string(Status::InProgress)) + ">" + to_string(st);
        if (st == Status::InProgress) continue;
        const std::string before = snapshot(*s);
        std::vector<Change> changes;
        std::string error;
        BOOST_TEST(!s->set_status(kCourse, {update(id, "writer", st)}, 5000, changes, error));
        BOOST_TEST(error.find(std::string("already ") + to_string(st)) != std::string::npos, error);
        BOOST_TEST(changes.empty());
        BOOST_TEST(snapshot(*s) == before);
    }
}

BOOST_AUTO_TEST_CASE(history_is_oldest_first_and_filters) {
    cctest::TempDir dir;
    auto s = open_store(dir / "state.db");
    publish(*s, {piece("A", "M", {{"writer", "1"}, {"artist", "2"}}), piece("B", "M", {{"writer", "3"}})});
    set(*s, {update("B", "writer", Status::InProgress)}, 2001);
    set(*s, {update("A", "writer", Status::InProgress)}, 2002);
    set(*s, {update("A", "writer", Status::Done)}, 2003);

    auto all = history_of(*s);
    BOOST_TEST(all.size() == 6u);  // three added, three status
    for (std::size_t i = 1; i < all.size(); ++i) BOOST_TEST(all[i - 1].at <= all[i].at);
    auto aw = history_of(*s, "A", "writer");
    BOOST_TEST_REQUIRE(aw.size() == 3u);
    BOOST_TEST((aw[0].to == Status::NotStarted));
    BOOST_TEST((aw[1].to == Status::InProgress));
    BOOST_TEST((aw[2].from == Status::InProgress));
    BOOST_TEST((aw[2].to == Status::Done));
    BOOST_TEST(history_of(*s, "A").size() == 4u);
    BOOST_TEST(history_of(*s, "", "writer").size() == 5u);
    BOOST_TEST(history_of(*s, "nope", "writer").empty());

    // Other courses are separate.
    std::vector<HistoryEntry> other;
    std::string error;
    BOOST_TEST(s->history("another.course", "", "", other, error));
    BOOST_TEST(other.empty());
}

BOOST_AUTO_TEST_CASE(bad_updates_change_nothing) {
    cctest::TempDir dir;
    auto s = open_store(dir / "state.db");
    publish(*s, {piece("A", "M", {{"writer", "1"}, {"artist", "2"}}), piece("B", "M", {{"writer", "3"}}),
                 piece("Gone", "M", {{"writer", "4"}}), piece("C", "M", {{"writer", "5"}, {"expert", "6"}})});
    // Gone leaves the package; C loses its expert.
    publish(*s, {piece("A", "M", {{"writer", "1"}, {"artist", "2"}}), piece("B", "M", {{"writer", "3"}}),
                 piece("C", "M", {{"writer", "5"}})});
    set(*s, {update("A", "artist", Status::Blocked, "mailto:bo@example.com", "waiting for photos")});
    const std::string before = snapshot(*s);

    struct Bad {
        std::vector<StatusUpdate> batch;
        std::string expect;  // part of the error
    };
    const Bad cases[] = {
        {{update("Nope", "writer", Status::Done)}, "unknown piece"},
        {{update("A", "expert", Status::Done)}, "no role \"expert\""},
        {{update("Gone", "writer", Status::Done)}, "archived"},
        {{update("C", "expert", Status::Done)}, "archived"},
        {{update("A", "artist", Status::Blocked)}, "already blocked"},
        {{update("A", "writer", Status::Done, "")}, "by"},
        // Only the third of a batch is bad: the first two must not land.
        {{update("A", "writer", Status::InProgress), update("B", "writer", Status::Done),
          update("B", "designer", Status::Done), update("C", "writer", Status::Done)},
         "update 3 of 4 (piece \"B\", role \"designer\")"},
        // A batch moving one pair twice is checked against its own earlier update.
        {{update("B", "writer", Status::InProgress), update("B", "writer", Status::InProgress)},
         "update 2 of 2 (piece \"B\", role \"writer\"): already in_progress"},
        {{update("A", "writer", static_cast<Status>(42))}, "not a status"},
    };
    for (const Bad &c : cases) {
        std::vector<Change> changes{Change{}};
        std::string error;
        BOOST_TEST(!s->set_status(kCourse, c.batch, 7000, changes, error), c.expect);
        BOOST_TEST(error.find(c.expect) != std::string::npos, error << " / expected " << c.expect);
        BOOST_TEST(changes.empty());
        BOOST_TEST(snapshot(*s) == before);
    }
    // The error names the update, its piece and its role.
    std::vector<Change> changes;
    std::string error;
    BOOST_TEST(!s->set_status(kCourse, {update("Nope", "writer", Status::Done)}, 7000, changes, error));
    BOOST_TEST(error == "update 1 of 1 (piece \"Nope\", role \"writer\"): unknown piece");
    // An update from a CSV row names its line instead.
    StatusUpdate from_csv = update("Nope", "writer", Status::Done);
    from_csv.line = 7;
    BOOST_TEST(!s->set_status(kCourse, {from_csv}, 7000, changes, error));
    BOOST_TEST(error == "line 7 (piece \"Nope\", role \"writer\"): unknown piece");
    // A course the store does not hold is named as such.
    BOOST_TEST(!s->set_status("com.example.other", {update("A", "writer", Status::Done)}, 7000, changes, error));
    BOOST_TEST(error == "update 1 of 1 (piece \"A\", role \"writer\"): unknown course \"com.example.other\"");
    BOOST_TEST(snapshot(*s) == before);

    // A batch moving one pair twice in a valid way is fine.
    set(*s, {update("B", "writer", Status::InProgress), update("B", "writer", Status::Done)});
    BOOST_TEST((pairs_of(*s).at("B/writer").status == Status::Done));
}

BOOST_AUTO_TEST_CASE(change_after_done_across_two_publishes) {
    cctest::TempDir dir;
    auto s = open_store(dir / "state.db");
    publish(*s, {piece("A", "M", {{"writer", "a1"}}), piece("B", "M", {{"writer", "b1"}}),
                 piece("C", "M", {{"writer", "c1"}})}, 1000);
    set(*s, {update("A", "writer", Status::Done), update("B", "writer", Status::Done),
             update("C", "writer", Status::InProgress)}, 2000);

    // A's files changed, B's did not, C's changed while in progress.
    auto sum = publish(*s, {piece("A", "M", {{"writer", "a2"}}), piece("B", "M", {{"writer", "b1"}}),
                            piece("C", "M", {{"writer", "c2"}})}, 3000);
    BOOST_TEST(sum.pairs_reopened == 1u);
    BOOST_TEST(sum.pairs_unchanged == 2u);
    BOOST_TEST(sum.pairs_added == 0u);
    BOOST_TEST_REQUIRE(sum.changes.size() == 1u);
    const Change &c = sum.changes[0];
    BOOST_TEST(c.piece == "A");
    BOOST_TEST(c.module == "M");
    BOOST_TEST((c.from == Status::Done));
    BOOST_TEST((c.to == Status::InReview));
    BOOST_TEST(c.kind == "content_changed_after_done");
    BOOST_TEST(c.note == "content changed after done");
    BOOST_TEST(c.by == "coursecrew");

    auto p = pairs_of(*s);
    BOOST_TEST((p.at("A/writer").status == Status::InReview));
    BOOST_TEST(p.at("A/writer").note == "content changed after done");
    BOOST_TEST(p.at("A/writer").by == "coursecrew");
    BOOST_TEST(p.at("A/writer").since == 3000);
    BOOST_TEST(p.at("A/writer").fingerprint == "a2");
    BOOST_TEST((p.at("B/writer").status == Status::Done));
    BOOST_TEST(p.at("B/writer").since == 2000);
    BOOST_TEST((p.at("C/writer").status == Status::InProgress));
    BOOST_TEST(p.at("C/writer").fingerprint == "c2");

    auto h = history_of(*s, "A", "writer");
    BOOST_TEST_REQUIRE(h.size() == 3u);
    BOOST_TEST((h[2].from == Status::Done));
    BOOST_TEST((h[2].to == Status::InReview));
    BOOST_TEST(h[2].note == "content changed after done");
    BOOST_TEST(h[2].fingerprint == "a2");
    BOOST_TEST(h[1].fingerprint == "a1");  // the fingerprint when it was marked done

    // The same content again reopens nothing more.
    sum = publish(*s, {piece("A", "M", {{"writer", "a2"}}), piece("B", "M", {{"writer", "b1"}}),
                       piece("C", "M", {{"writer", "c2"}})}, 4000);
    BOOST_TEST(sum.pairs_reopened == 0u);
    BOOST_TEST(sum.changes.empty());

    // Done again on the new content, then C done on c2 and changed back to c1.
    set(*s, {update("A", "writer", Status::Done), update("C", "writer", Status::Done)}, 5000);
    sum = publish(*s, {piece("A", "M", {{"writer", "a2"}}), piece("B", "M", {{"writer", "b1"}}),
                       piece("C", "M", {{"writer", "c1"}})}, 6000);
    BOOST_TEST(sum.pairs_reopened == 1u);
    p = pairs_of(*s);
    BOOST_TEST((p.at("A/writer").status == Status::Done));
    BOOST_TEST((p.at("C/writer").status == Status::InReview));
}

BOOST_AUTO_TEST_CASE(archive_and_restore) {
    cctest::TempDir dir;
    auto s = open_store(dir / "state.db");
    const auto a = piece("A", "M1", {{"writer", "a"}, {"artist", "a-img"}});
    const auto b = piece("B", "M2", {{"writer", "b"}, {"designer", "b-seq"}});
    publish(*s, {a, b}, 1000);
    set(*s, {update("B", "writer", Status::InReview, "mailto:di@example.com", "ready for review"),
             update("B", "designer", Status::Done)}, 2000);
    set(*s, {update("A", "artist", Status::Blocked, "mailto:ed@example.com", "no licence")}, 2100);

    // B leaves the package; A loses its artist.
    auto sum = publish(*s, {piece("A", "M1", {{"writer", "a"}})}, 3000);
    BOOST_TEST(sum.pieces_archived == 1u);
    BOOST_TEST(sum.pairs_unchanged == 1u);
    std::map<std::string, std::string> kinds;
    for (const auto &c : sum.changes) kinds[c.piece + "/" + c.role] = c.kind;
    BOOST_TEST(kinds.size() == 3u);
    BOOST_TEST(kinds["B/writer"] == "archived");
    BOOST_TEST(kinds["B/designer"] == "archived");
    BOOST_TEST(kinds["A/artist"] == "archived");

    auto p = pairs_of(*s);
    BOOST_TEST(p.size() == 4u);  // nothing deleted
    BOOST_TEST(p.at("B/writer").archived);
    BOOST_TEST(p.at("B/designer").archived);
    BOOST_TEST(p.at("A/artist").archived);
    BOOST_TEST(!p.at("A/writer").archived);
    BOOST_TEST((p.at("B/writer").status == Status::InReview));  // the status stays
    auto hb = history_of(*s, "B", "writer");
    BOOST_TEST_REQUIRE(hb.size() == 3u);  // added, in_review, archived
    BOOST_TEST(hb[2].note == "piece left the package");

    // Archived pieces and roles take no status.
    std::vector<Change> changes;
    std::string error;
    BOOST_TEST(!s->set_status(kCourse, {update("B", "writer", Status::Done)}, 3500, changes, error));
    BOOST_TEST(!s->set_status(kCourse, {update("A", "artist", Status::Done)}, 3500, changes, error));

    // Archiving again is not a new change.
    sum = publish(*s, {piece("A", "M1", {{"writer", "a"}})}, 3600);
    BOOST_TEST(sum.pieces_archived == 0u);
    BOOST_TEST(sum.changes.empty());

    // Both come back: last statuses and the whole history are back.
    sum = publish(*s, {a, b}, 4000);
    BOOST_TEST(sum.pieces_restored == 1u);
    BOOST_TEST(sum.pairs_reopened == 0u);
    kinds.clear();
    for (const auto &c : sum.changes) kinds[c.piece + "/" + c.role] = c.kind;
    BOOST_TEST(kinds.size() == 3u);
    BOOST_TEST(kinds["B/writer"] == "restored");
    BOOST_TEST(kinds["B/designer"] == "restored");
    BOOST_TEST(kinds["A/artist"] == "restored");
    p = pairs_of(*s);
    for (const auto &[key, pair] : p) BOOST_TEST(!pair.archived, key);
    BOOST_TEST((p.at("B/writer").status == Status::InReview));
    BOOST_TEST(p.at("B/writer").by == "mailto:di@example.com");
    BOOST_TEST(p.at("B/writer").note == "ready for review");
    BOOST_TEST((p.at("B/designer").status == Status::Done));
    BOOST_TEST((p.at("A/artist").status == Status::Blocked));
    BOOST_TEST(p.at("A/artist").note == "no licence");
    hb = history_of(*s, "B", "writer");
    BOOST_TEST_REQUIRE(hb.size() == 4u);
    BOOST_TEST(hb[3].note == "back in the package");
    set(*s, {update("B", "writer", Status::Done)}, 5000);

    // Back with changed content while done: restored, then reopened.
    set(*s, {update("A", "artist", Status::Done)}, 5100);
    publish(*s, {a}, 6000);
    sum = publish(*s, {piece("A", "M1", {{"writer", "a"}, {"artist", "a-img"}}),
                       piece("B", "M2", {{"writer", "b-new"}, {"designer", "b-seq"}})}, 7000);
    BOOST_TEST(sum.pieces_restored == 1u);
    BOOST_TEST(sum.pairs_reopened == 1u);
    p = pairs_of(*s);
    BOOST_TEST((p.at("B/writer").status == Status::InReview));
    BOOST_TEST((p.at("B/designer").status == Status::Done));
    BOOST_TEST((p.at("A/artist").status == Status::Done));
}

BOOST_AUTO_TEST_CASE(a_moved_or_renamed_piece_keeps_its_pairs) {
    cctest::TempDir dir;
    auto s = open_store(dir / "state.db");
    publish(*s, {piece("A", "M1", {{"writer", "a"}})});
    set(*s, {update("A", "writer", Status::InProgress)});
    auto moved = piece("A", "M2", {{"writer", "a"}});
    moved.title = "New title";
    auto sum = publish(*s, {moved});
    BOOST_TEST(sum.changes.empty());
    BOOST_TEST(sum.pairs_unchanged == 1u);
    auto p = pairs_of(*s).at("A/writer");
    BOOST_TEST(p.module == "M2");
    BOOST_TEST(p.title == "New title");
    BOOST_TEST((p.status == Status::InProgress));
    BOOST_TEST(history_of(*s).size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_piece_without_roles_is_archived_and_restored) {
    cctest::TempDir dir;
    auto s = open_store(dir / "state.db");
    publish(*s, {piece("A", "M", {}), piece("B", "M", {{"writer", "b"}})});
    auto sum = publish(*s, {piece("B", "M", {{"writer", "b"}})});
    BOOST_TEST(sum.pieces_archived == 1u);
    BOOST_TEST_REQUIRE(sum.changes.size() == 1u);
    BOOST_TEST(sum.changes[0].piece == "A");
    BOOST_TEST(sum.changes[0].role == "");
    BOOST_TEST(sum.changes[0].kind == "archived");
    sum = publish(*s, {piece("A", "M", {}), piece("B", "M", {{"writer", "b"}})});
    BOOST_TEST(sum.pieces_restored == 1u);
    BOOST_TEST_REQUIRE(sum.changes.size() == 1u);
    BOOST_TEST(sum.changes[0].kind == "restored");
    BOOST_TEST(history_of(*s, "A").size() == 2u);
}

BOOST_AUTO_TEST_CASE(publish_is_all_or_nothing_and_per_course) {
    cctest::TempDir dir;
    auto s = open_store(dir / "state.db");
    publish(*s, {piece("A", "M", {{"writer", "a"}})});
    const std::string before = snapshot(*s);

    PublishSummary sum;
    std::string error;
    BOOST_TEST(!s->publish(kCourse, {piece("B", "M", {{"writer", "b"}}), piece("B", "M", {})}, 2000, sum,
                           error));
    BOOST_TEST(error.find("\"B\" appears twice") != std::string::npos, error);
    BOOST_TEST(!s->publish(kCourse, {piece("B", "M", {{"writer", "b"}, {"writer", "c"}})}, 2000, sum,
                           error));
    BOOST_TEST(error.find("role \"writer\" twice") != std::string::npos, error);
    BOOST_TEST(sum.changes.empty());
    BOOST_TEST(snapshot(*s) == before);

    // A failure inside the transaction (a write refused by a trigger) rolls
    // back the writes made before it.
    BOOST_TEST_REQUIRE(sqlite3_exec(s->handle(),
                                    "CREATE TEMP TRIGGER refuse BEFORE INSERT ON pieces "
                                    "WHEN NEW.piece = 'Z' BEGIN SELECT RAISE(ABORT, 'refused'); END",
                                    nullptr, nullptr, nullptr) == SQLITE_OK);
    BOOST_TEST(!s->publish(kCourse, {piece("B", "M", {{"writer", "b"}}), piece("Z", "M", {})}, 2000, sum,
                           error));
    BOOST_TEST(error.find("refused") != std::string::npos, error);
    BOOST_TEST(error.find(s->path()) != std::string::npos, error);
    BOOST_TEST(snapshot(*s) == before);
    BOOST_TEST_REQUIRE(sqlite3_exec(s->handle(), "DROP TRIGGER refuse", nullptr, nullptr, nullptr) ==
                       SQLITE_OK);

    // Another course in the same file is untouched by this course's publish.
    BOOST_TEST(s->publish("other.course", {piece("A", "X", {{"artist", "x"}})}, 3000, sum, error), error);
    publish(*s, {});  // every piece of kCourse leaves
    auto other = pairs_of(*s, "other.course");
    BOOST_TEST_REQUIRE(other.size() == 1u);
    BOOST_TEST(!other.begin()->second.archived);
    BOOST_TEST(pairs_of(*s).at("A/writer").archived);
}

BOOST_AUTO_TEST_CASE(courses_lists_every_course_once) {
    cctest::TempDir dir;
    auto s = open_store(dir / "state.db");
    std::vector<std::string> courses;
    std::string error;
    BOOST_TEST(s->courses(courses, error), error);
    BOOST_TEST(courses.empty());
    PublishSummary sum;
    BOOST_TEST(s->publish("b.course", {piece("A", "M", {{"writer", "a"}}), piece("B", "M", {})}, 1, sum,
                          error));
    BOOST_TEST(s->publish("a.course", {piece("A", "M", {})}, 1, sum, error));
    BOOST_TEST(s->publish("a.course", {}, 2, sum, error));  // archived pieces still count
    BOOST_TEST(s->courses(courses, error), error);
    BOOST_TEST(courses == (std::vector<std::string>{"a.course", "b.course"}));
}

BOOST_AUTO_TEST_CASE(several_stores_create_one_file_at_once) {
    // The CLI and the plugin may both be first: creating the file, switching
    // it to WAL and migrating must not trip over each other.
    cctest::TempDir dir;
    const std::string path = dir / "new/state.db";
    const int n = 4;
    std::vector<std::string> errors(n);
    std::vector<std::thread> threads;
    std::atomic<int> ready{0};
    for (int t = 0; t < n; ++t)
        threads.emplace_back([&, t] {
            ++ready;
            while (ready.load() < n) std::this_thread::yield();
            std::string error;
            auto s = Store::open(path, error);
            PublishSummary sum;
            if (s && !s->publish("course" + std::to_string(t), {piece("A", "M", {{"writer", "a"}})}, 1,
                                 sum, error))
                s.reset();
            if (!s) errors[t] = error.empty() ? "failed" : error;
        });
    for (auto &t : threads) t.join();
    for (int t = 0; t < n; ++t) BOOST_TEST(errors[t] == "", "thread " << t << ": " << errors[t]);
    auto s = open_store(path);
    std::vector<std::string> courses;
    std::string error;
    BOOST_TEST(s->courses(courses, error), error);
    BOOST_TEST(courses.size() == std::size_t(n));
    BOOST_TEST(pragma_int(s->handle(), "PRAGMA user_version") == cctest::kStoreVersion);
}

BOOST_AUTO_TEST_CASE(two_threads_write_at_once) {
    cctest::TempDir dir;
    const std::string path = dir / "state.db";
    const int n = 200;
    publish(*open_store(path), many_pieces(n));

    // Each thread has its own Store; thread 0 sets writers, thread 1 designers.
    std::atomic<int> ready{0};
    std::string errors[2];
    int done[2] = {0, 0};
    auto work = [&](int t) {
        std::string error;
        auto s = Store::open(path, error);
        if (!s) {
            errors[t] = error;
            return;
        }
        ++ready;
        while (ready.load() < 2) std::this_thread::yield();
        const std::string role = t == 0 ? "writer" : "designer";
        for (int i = 0; i < n; ++i) {
            std::vector<Change> changes;
            if (!s->set_status(kCourse, {StatusUpdate{"P" + std::to_string(i), role, Status::InProgress,
                                                      "thread" + std::to_string(t), ""}},
                               3000 + i, changes, error)) {
                errors[t] = error;
                return;
            }
            ++done[t];
        }
    };
    std::thread t0(work, 0), t1(work, 1);
    t0.join();
    t1.join();
    BOOST_TEST(errors[0] == "");
    BOOST_TEST(errors[1] == "");
    BOOST_TEST(done[0] == n);
    BOOST_TEST(done[1] == n);

    auto s = open_store(path);
    auto p = pairs_of(*s);
    BOOST_TEST(p.size() == std::size_t(2 * n));
    int moved = 0;
    for (const auto &[key, pair] : p) moved += pair.status == Status::InProgress;
    BOOST_TEST(moved == 2 * n);
    BOOST_TEST(history_of(*s).size() == std::size_t(4 * n));  // added + status per pair
}

BOOST_AUTO_TEST_CASE(two_processes_write_at_once) {
    cctest::TempDir dir;
    const std::string path = dir / "state.db";
    const int n = 200;
    publish(*open_store(path), many_pieces(n));  // closed again before the fork

    // The child stands for the CLI, the parent for the plugin in the authoring
    // tool. Each opens its own connection after the fork (SQLite connections
    // must not cross a fork). A pipe starts both at once.
    int go[2];
    BOOST_TEST_REQUIRE(pipe(go) == 0);
    pid_t child = fork();
    BOOST_TEST_REQUIRE(child >= 0);
    if (child == 0) {
        close(go[1]);
        int code = 0;
        {
            std::string error;
            auto s = Store::open(path, error);
            char c;
            if (!s || read(go[0], &c, 1) != 1) {
                code = 2;
            } else {
                for (int i = 0; i < n && code == 0; ++i) {
                    std::vector<Change> changes;
                    if (!s->set_status(kCourse, {StatusUpdate{"P" + std::to_string(i), "writer",
                                                              Status::Done, "cli", ""}},
                                       3000, changes, error))
                        code = 1;
                }
            }
        }
        _exit(code);  // no Boost.Test teardown in the child
    }
    close(go[0]);
    std::string error;
    int done = 0;
    {
        auto s = open_store(path);
        BOOST_TEST_REQUIRE(write(go[1], "g", 1) == 1);
        for (int i = 0; i < n; ++i) {
            std::vector<Change> changes;
            if (!s->set_status(kCourse, {StatusUpdate{"P" + std::to_string(i), "designer",
                                                      Status::Blocked, "plugin", ""}},
                               3000, changes, error))
                break;
            ++done;
        }
    }
    close(go[1]);
    int wstatus = 0;
    BOOST_TEST_REQUIRE(waitpid(child, &wstatus, 0) == child);
    BOOST_TEST(WIFEXITED(wstatus));
    BOOST_TEST(WEXITSTATUS(wstatus) == 0);
    BOOST_TEST(error == "");
    BOOST_TEST(done == n);

    auto s = open_store(path);
    int writers = 0, designers = 0;
    for (const auto &[key, pair] : pairs_of(*s)) {
        writers += pair.role == "writer" && pair.status == Status::Done && pair.by == "cli";
        designers += pair.role == "designer" && pair.status == Status::Blocked && pair.by == "plugin";
    }
    BOOST_TEST(writers == n);
    BOOST_TEST(designers == n);
    BOOST_TEST(history_of(*s).size() == std::size_t(4 * n));
}

BOOST_AUTO_TEST_CASE(twenty_thousand_pieces) {
    cctest::TempDir dir;
    auto s = open_store(dir / "state.db");
    const int n = 20000;
    std::vector<PieceRecord> pieces;
    pieces.reserve(n);
    for (int i = 0; i < n; ++i) {
        const std::string id = "ITEM-" + std::to_string(i);
        pieces.push_back(piece(id, "MOD-" + std::to_string(i / 100),
                               {{"writer", "w" + std::to_string(i) + "-0123456789abcdef0123456789abcdef"},
                                {"designer", "d" + std::to_string(i) + "-0123456789abcdef0123456789abcdef"},
                                {"artist", "a" + std::to_string(i) + "-0123456789abcdef0123456789abcdef"}}));
    }
    // Wall time and this thread's CPU time (the machine may be busy).
    struct Timer {
        std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
        double cpu = cpu_ms();
        static double cpu_ms() {
            timespec t{};
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
            return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
        }
        std::string elapsed() const {
            const double w = std::chrono::duration<double, std::milli>(
                                 std::chrono::steady_clock::now() - wall).count();
            return std::to_string(int(w + 0.5)) + " ms (cpu " + std::to_string(int(cpu_ms() - cpu + 0.5)) +
                   " ms)";
        }
    };

    Timer timer;
    auto sum = publish(*s, pieces, 1000);
    const std::string first = timer.elapsed();
    BOOST_TEST(sum.pairs_added == std::size_t(3 * n));
    BOOST_TEST(sum.changes.size() == std::size_t(3 * n));

    set(*s, {update("ITEM-123", "writer", Status::Done), update("ITEM-124", "writer", Status::Done)});

    // One piece changed (its writer's files), one left, one arrived.
    pieces[123].roles[0].fingerprint = "changed";
    pieces[124].roles[0].fingerprint = "changed too";  // 124 is done too, but is about to leave
    pieces.erase(pieces.begin() + 124);
    pieces.push_back(piece("ITEM-NEW", "MOD-NEW", {{"writer", "n"}}));
    timer = Timer();
    sum = publish(*s, pieces, 3000);
    const std::string incremental = timer.elapsed();
    BOOST_TEST(sum.pairs_reopened == 1u);
    BOOST_TEST(sum.pairs_added == 1u);
    BOOST_TEST(sum.pieces_archived == 1u);
    BOOST_TEST(sum.pairs_unchanged == std::size_t(3 * (n - 1) - 1));
    BOOST_TEST(sum.changes.size() == 1u + 1u + 3u);  // reopened, added, three archived pairs

    timer = Timer();
    sum = publish(*s, pieces, 4000);
    const std::string unchanged = timer.elapsed();
    BOOST_TEST(sum.changes.empty());
    BOOST_TEST(sum.pairs_unchanged == std::size_t(3 * (n - 1) + 1));

    auto p = pairs_of(*s);
    BOOST_TEST(p.size() == std::size_t(3 * n + 1));
    BOOST_TEST((p.at("ITEM-123/writer").status == Status::InReview));
    BOOST_TEST((p.at("ITEM-124/writer").status == Status::Done));
    BOOST_TEST(p.at("ITEM-124/writer").archived);
    BOOST_TEST((p.at("ITEM-125/writer").status == Status::NotStarted));

    std::vector<PairState> all;
    std::string error;
    timer = Timer();
    BOOST_TEST(s->pairs(kCourse, all, error), error);
    const std::string read = timer.elapsed();
    BOOST_TEST(all.size() == std::size_t(3 * n + 1));

    BOOST_TEST_MESSAGE("store, " << n << " pieces x 3 roles: first publish " << first
                                 << "; incremental publish (1 changed, 1 gone, 1 new) " << incremental
                                 << "; publish with no change " << unchanged << "; pairs() " << read);
}

BOOST_AUTO_TEST_SUITE_END()
