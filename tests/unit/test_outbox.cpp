// The outbox's delivery marks (store schema v5): a delivered batch moves
// its target's mark instead of deleting its rows; the rows go in bulk once
// the target has nothing left to send; retried dead letters are sent again
// even below the mark. Then the sync worker on top of it, with a scripted
// in-process target: nothing lost, nothing sent twice, across a restart.
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "plugin/sync/outbox.hpp"
#include "plugin/store/store.hpp"
#include "plugin/sync/sync.hpp"
#include "tests/unit/support.hpp"

using namespace coursecrew;

namespace {

using cctest::count;
using cctest::exec;

// A store with events 1..n, each queued for every target in `targets`.
struct Queued {
    cctest::TempDir dir;
    std::string path = dir / "state.db";
    std::unique_ptr<Store> store;

    Queued(int n, const std::vector<std::string> &targets) {
        std::string error;
        store = Store::open(path, error);
        BOOST_TEST_REQUIRE(static_cast<bool>(store), error);
        std::string sql = "BEGIN;";
        for (int i = 1; i <= n; ++i) {
            const std::string id = std::to_string(i);
            sql += "INSERT INTO events (id, uuid, course, kind, at, body) VALUES (" + id + ", 'uuid-" + id +
                   "', 'c', 'status', 0, '{\"id\":\"uuid-" + id + "\"}');";
            for (const std::string &t : targets)
                sql += "INSERT INTO outbox (target, event) VALUES ('" + t + "', " + id + ");";
        }
        exec(path, sql + "COMMIT;");
    }
    sqlite3 *db() const { return store->handle(); }
    std::int64_t rows(const std::string &where = "1") const {
        return count(path, "SELECT count(*) FROM outbox WHERE " + where);
    }
    std::int64_t pending(const std::string &where = "1") const {
        return count(path, "SELECT count(*) FROM outbox_pending WHERE " + where);
    }
};

std::vector<std::int64_t> ids_of(const StatementBatch &b) {
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < b.size(); ++i) out.push_back(b.event(i));
    return out;
}

std::vector<std::int64_t> range(std::int64_t first, std::int64_t last) {
    std::vector<std::int64_t> out;
    for (std::int64_t i = first; i <= last; ++i) out.push_back(i);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(outbox_marks)

BOOST_AUTO_TEST_CASE(a_delivered_batch_moves_the_mark_and_the_rows_go_when_all_is_sent) {
    Queued q(10, {"lms"});
    Outbox o(q.db(), q.path);
    StatementBatch b;
    BOOST_TEST(!o.due("lms", 4, 1 << 20, b));
    BOOST_TEST((ids_of(b) == range(1, 4)));
    BOOST_TEST(b.json() == R"([{"id":"uuid-1"},{"id":"uuid-2"},{"id":"uuid-3"},{"id":"uuid-4"}])");
    o.delivered("lms", ids_of(b), false);
    BOOST_TEST(o.mark("lms") == 4);
    // The rows stay, but nobody sees them as pending.
    BOOST_TEST(q.rows() == 10);
    BOOST_TEST(q.pending() == 6);
    BOOST_TEST(o.counts("lms").pending == 6);
    BOOST_TEST(o.list(true).size() == 6u);

    o.due("lms", 4, 1 << 20, b);
    BOOST_TEST((ids_of(b) == range(5, 8)));
    o.delivered("lms", ids_of(b), false);
    o.due("lms", 4, 1 << 20, b);
    BOOST_TEST((ids_of(b) == range(9, 10)));
    o.delivered("lms", ids_of(b), false);
    o.due("lms", 4, 1 << 20, b);
    BOOST_TEST(b.empty());
    BOOST_TEST(o.counts("lms").pending == 0);

    o.clear_delivered("lms");
    BOOST_TEST(q.rows() == 0);
    BOOST_TEST(o.mark("lms") == 0);
    BOOST_TEST(count(q.path, "SELECT count(*) FROM events") == 10);  // the record of what was said stays
}

BOOST_AUTO_TEST_CASE(an_older_mark_never_moves_back) {
    Queued q(6, {"lms"});
    Outbox o(q.db(), q.path);
    o.delivered("lms", range(1, 6), false);
    o.delivered("lms", range(1, 3), false);  // a slower worker in another process, late
    BOOST_TEST(o.mark("lms") == 6);
    BOOST_TEST(q.pending() == 0);
}

BOOST_AUTO_TEST_CASE(clearing_keeps_other_targets_and_dead_letters) {
    Queued q(8, {"lms", "hook"});
    Outbox o(q.db(), q.path);
    StatementBatch b;
    o.due("lms", 3, 1 << 20, b);
    o.delivered("lms", ids_of(b), false);  // 1..3
    o.dead_letter("lms", 4, "HTTP 400: bad statement");
    o.due("lms", 10, 1 << 20, b);
    BOOST_TEST((ids_of(b) == range(5, 8)));  // past the dead letter
    o.delivered("lms", ids_of(b), false);
    BOOST_TEST(o.mark("lms") == 8);
    BOOST_TEST(o.counts("lms").pending == 0);
    BOOST_TEST(o.counts("lms").dead == 1);

    o.clear_delivered("lms");
    BOOST_TEST(q.rows("target = 'lms'") == 1);  // the dead letter
    BOOST_TEST(q.rows("target = 'lms' AND dead = 1 AND event = 4") == 1);
    BOOST_TEST(q.rows("target = 'hook'") == 8);  // untouched, all still pending
    BOOST_TEST(o.counts("hook").pending == 8);
    BOOST_TEST(o.mark("lms") == 0);
}

BOOST_AUTO_TEST_CASE(a_retried_dead_letter_under_the_mark_is_sent_again) {
    Queued q(6, {"lms"});
    Outbox o(q.db(), q.path);
    o.delivered("lms", range(1, 3), false);
    o.dead_letter("lms", 4, "HTTP 400");
    o.delivered("lms", range(5, 6), false);
    BOOST_TEST(o.mark("lms") == 6);
    BOOST_TEST(o.list(false).size() == 1u);
    BOOST_TEST(o.list(false).at(0).uuid == "uuid-4");

    BOOST_TEST(o.retry({"uuid-4"}) == 1);
    BOOST_TEST(o.counts("lms").pending == 1);
    BOOST_TEST(o.counts("lms").dead == 0);
    StatementBatch b;
    BOOST_TEST(o.due("lms", 10, 1 << 20, b));  // a batch of retried letters
    BOOST_TEST((ids_of(b) == std::vector<std::int64_t>{4}));
    o.delivered("lms", ids_of(b), true);
    BOOST_TEST(o.mark("lms") == 6);  // a retried batch does not move the mark
    BOOST_TEST(o.counts("lms").pending == 0);
    BOOST_TEST(q.pending() == 0);
    BOOST_TEST(!o.due("lms", 10, 1 << 20, b));
    BOOST_TEST(b.empty());
}

BOOST_AUTO_TEST_CASE(a_retried_letter_comes_before_newer_rows_and_does_not_cover_them) {
    Queued q(6, {"lms"});
    Outbox o(q.db(), q.path);
    o.dead_letter("lms", 5, "HTTP 400");
    o.retry({});
    StatementBatch b;
    BOOST_TEST(o.due("lms", 10, 1 << 20, b));
    BOOST_TEST((ids_of(b) == std::vector<std::int64_t>{5}));
    o.delivered("lms", ids_of(b), true);
    // Rows 1..4 and 6 were never sent: still pending, in order.
    BOOST_TEST(!o.due("lms", 10, 1 << 20, b));
    BOOST_TEST((ids_of(b) == std::vector<std::int64_t>{1, 2, 3, 4, 6}));
}

BOOST_AUTO_TEST_SUITE_END()

// ===========================================================================
// The worker over the marks, with a target scripted in process.

namespace {

// Accepts batches and remembers every statement it accepted; refuses any
// batch holding `bad`; stops accepting (denies) after `budget` batches.
struct Script {
    std::mutex mutex;
    std::multiset<std::string> accepted;
    int batches = 0;
    int budget = 1 << 30;
    std::string bad;
};

class ScriptedTarget final : public Target {
public:
    ScriptedTarget(const TargetConfig &c, Script &s) : config_(c), script_(s) {}
    const TargetConfig &config() const override { return config_; }
    Reply prepare() override { return ok(); }
    std::string version() const override { return "1.0.3"; }
    Reply send(const StatementBatch &batch) override {
        std::lock_guard<std::mutex> lock(script_.mutex);
        Reply r;
        if (script_.batches >= script_.budget) {
            r.outcome = Outcome::Denied;
            r.reason = "HTTP 401";
            return r;
        }
        for (std::size_t i = 0; i < batch.size(); ++i)
            if (!script_.bad.empty() && batch.statement(i) == script_.bad) {
                r.outcome = Outcome::Rejected;
                r.reason = "HTTP 400: bad statement";
                return r;
            }
        ++script_.batches;
        for (std::size_t i = 0; i < batch.size(); ++i) script_.accepted.emplace(batch.statement(i));
        return ok();
    }
    Reply get_document(const std::string &, const std::string &) override { return ok(); }
    Reply put_document(const std::string &, const std::string &, const std::string &,
                       const std::string &) override {
        return ok();
    }

private:
    static Reply ok() {
        Reply r;
        r.outcome = Outcome::Ok;
        return r;
    }
    TargetConfig config_;
    Script &script_;
};

SyncStatus run_worker(const std::string &path, Script &script, std::size_t batch) {
    TargetSpec spec;
    spec.config.name = "lms";
    spec.config.kind = "scripted";
    spec.config.documents = false;
    spec.config.batch_max_statements = batch;
    SyncWorker w(path, "https://example.org/profile/", {spec},
                 [&](const TargetConfig &c, const std::atomic<bool> &) {
                     return std::make_unique<ScriptedTarget>(c, script);
                 },
                 nullptr);
    w.start();
    return w.wait_idle(20'000);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(outbox_worker)

BOOST_AUTO_TEST_CASE(a_stopped_worker_resumes_after_its_mark_and_sends_nothing_twice) {
    Queued q(100, {"lms"});
    Script script;
    script.budget = 3;  // three batches of 7, then the credentials are refused
    const SyncStatus first = run_worker(q.path, script, 7);
    BOOST_TEST(first.stopped);
    BOOST_TEST(script.accepted.size() == 21u);
    Outbox o(q.db(), q.path);
    BOOST_TEST(o.mark("lms") == 21);
    BOOST_TEST(o.counts("lms").pending == 79);
    BOOST_TEST(q.rows() == 100);  // not drained: nothing cleared yet

    script.budget = 1 << 30;
    const SyncStatus second = run_worker(q.path, script, 7);
    BOOST_TEST(second.idle);
    BOOST_TEST(script.accepted.size() == 100u);
    std::set<std::string> distinct(script.accepted.begin(), script.accepted.end());
    BOOST_TEST(distinct.size() == 100u);  // each statement exactly once
    BOOST_TEST(q.rows() == 0);            // drained: cleared in bulk
    BOOST_TEST(o.mark("lms") == 0);
}

BOOST_AUTO_TEST_CASE(a_refused_statement_is_isolated_and_the_rest_delivered_past_it) {
    Queued q(40, {"lms"});
    Script script;
    script.bad = R"({"id":"uuid-23"})";
    const SyncStatus st = run_worker(q.path, script, 16);
    BOOST_TEST(st.idle);
    BOOST_TEST(st.targets.at(0).dead == 1);
    BOOST_TEST(script.accepted.size() == 39u);
    BOOST_TEST(script.accepted.count(script.bad) == 0u);
    // Only the dead letter is left in the table.
    BOOST_TEST(q.rows() == 1);
    BOOST_TEST(q.rows("dead = 1 AND event = 23") == 1);

    // Fixed at the target, retried by a person: sent once more, alone.
    script.bad.clear();
    Outbox(q.db(), q.path).retry({"uuid-23"});
    const SyncStatus again = run_worker(q.path, script, 16);
    BOOST_TEST(again.idle);
    BOOST_TEST(again.targets.at(0).dead == 0);
    BOOST_TEST(script.accepted.size() == 40u);
    BOOST_TEST(script.accepted.count(R"({"id":"uuid-23"})") == 1u);
    BOOST_TEST(q.rows() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
