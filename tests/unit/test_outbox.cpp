// The outbox's delivery marks (store schema v5): a delivered batch moves
// its target's mark instead of deleting its rows; the rows go in bulk once
// the target has nothing left to send; retried dead letters are sent again
// even below the mark. Then the sync worker on top of it, with a scripted
// in-process target: nothing lost, nothing sent twice, across a restart.
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include <atomic>
#include <deque>
#include <thread>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "plugin/sync/events.hpp"
#include "plugin/sync/outbox.hpp"
#include "plugin/store/store.hpp"
#include "plugin/sync/sync.hpp"
#include "tests/unit/support.hpp"

#include <rapidjson/document.h>

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

// A target with nothing due may still get new rows from the feed (another
// process) before clear_delivered runs: only the rows under the mark go.
BOOST_AUTO_TEST_CASE(clearing_keeps_rows_above_the_mark) {
    Queued q(6, {"lms"});
    Outbox o(q.db(), q.path);
    o.delivered("lms", range(1, 3), false);
    o.clear_delivered("lms");
    BOOST_TEST(q.rows() == 3);
    BOOST_TEST(o.mark("lms") == 0);
    StatementBatch b;
    o.due("lms", 10, 1 << 20, b);
    BOOST_TEST((ids_of(b) == range(4, 6)));
}

BOOST_AUTO_TEST_CASE(a_failed_attempt_is_counted_with_its_reason) {
    Queued q(3, {"lms"});
    Outbox o(q.db(), q.path);
    o.attempt_failed("lms", {1, 2}, "timeout");
    o.attempt_failed("lms", {1}, "HTTP 503");
    const auto all = o.list(true);
    BOOST_TEST_REQUIRE(all.size() == 3u);
    BOOST_TEST(all[0].attempts == 2);
    BOOST_TEST(all[0].error == "HTTP 503");
    BOOST_TEST(all[1].attempts == 1);
    BOOST_TEST(all[2].attempts == 0);
    BOOST_TEST(all[0].state == "pending");
}

// A document delivered while a newer version was queued stays pending with
// the newer body; a dead document queued again (same body) is pending again.
BOOST_AUTO_TEST_CASE(document_versions_and_dead_documents) {
    Queued q(0, {});
    Outbox o(q.db(), q.path);
    o.put_document("lms", "c", "M", "act", R"({"v":1})");
    auto docs = o.pending_documents("lms");
    BOOST_TEST_REQUIRE(docs.size() == 1u);
    const PendingDocument sent = docs[0];
    o.put_document("lms", "c", "M", "act", R"({"v":1})");  // unchanged: no new version
    BOOST_TEST(o.pending_documents("lms").at(0).version == sent.version);
    o.put_document("lms", "c", "M", "act", R"({"v":2})");  // changed while v1 was on the wire
    o.document_delivered("lms", sent);
    docs = o.pending_documents("lms");
    BOOST_TEST_REQUIRE(docs.size() == 1u);
    BOOST_TEST(docs[0].body == R"({"v":2})");
    BOOST_TEST(docs[0].version == sent.version + 1);
    o.document_delivered("lms", docs[0]);
    BOOST_TEST(o.pending_documents("lms").empty());
    // Written, but not yet announced in the course index: still work to do.
    BOOST_TEST(o.counts("lms").documents_pending == 1);
    BOOST_TEST(o.unindexed("lms") == std::vector<std::string>{"M"});
    o.indexed("lms", "M");
    BOOST_TEST(o.counts("lms").documents_pending == 0);
    BOOST_TEST(o.unindexed("lms").empty());
    // A delivery that wrote nothing (the target already held it all) has
    // nothing to announce.
    o.put_document("lms", "c", "M", "act", R"({"v":3})");
    o.document_delivered("lms", o.pending_documents("lms").at(0), false);
    BOOST_TEST(o.unindexed("lms").empty());
    BOOST_TEST(o.counts("lms").documents_pending == 0);

    o.put_document("lms", "c", "N", "act2", R"({"n":1})");
    o.document_failed("lms", o.pending_documents("lms").at(0), "HTTP 400", true);
    BOOST_TEST(o.counts("lms").documents_dead == 1);
    BOOST_TEST(o.pending_documents("lms").empty());
    o.put_document("lms", "c", "N", "act2", R"({"n":1})");  // the same body, queued again
    BOOST_TEST(o.counts("lms").documents_dead == 0);
    BOOST_TEST(o.counts("lms").documents_pending == 1);
    BOOST_TEST(o.pending_documents("lms").size() == 1u);
}

// max_bytes ends a batch at the first row that does not fit: a smaller row
// after it must wait for the next batch, or the mark would pass the big one.
BOOST_AUTO_TEST_CASE(the_byte_limit_ends_the_batch_and_skips_nothing) {
    Queued q(0, {});
    auto body = [](int id, std::size_t pad) {
        return "{\"id\":\"uuid-" + std::to_string(id) + "\",\"p\":\"" + std::string(pad, 'x') + "\"}";
    };
    // Bodies of about 20, 120, 20, 20, 300 bytes.
    const std::vector<std::size_t> pads = {1, 100, 1, 1, 280};
    std::string sql = "BEGIN;";
    for (std::size_t i = 0; i < pads.size(); ++i) {
        const std::string id = std::to_string(i + 1);
        sql += "INSERT INTO events (id, uuid, course, kind, at, body) VALUES (" + id + ", 'uuid-" + id +
               "', 'c', 'status', 0, '" + body(static_cast<int>(i + 1), pads[i]) + "');"
               "INSERT INTO outbox (target, event) VALUES ('lms', " + id + ");";
    }
    exec(q.path, sql + "COMMIT;");
    Outbox o(q.db(), q.path);
    StatementBatch b;
    const std::size_t limit = 100;  // row 2 alone is over it
    o.due("lms", 10, limit, b);
    BOOST_TEST((ids_of(b) == std::vector<std::int64_t>{1}));  // not {1, 3, 4}
    BOOST_TEST(b.json().size() <= limit + 2);
    o.delivered("lms", ids_of(b), false);
    // A row over the limit on its own still goes, alone (else it blocks all).
    o.due("lms", 10, limit, b);
    BOOST_TEST((ids_of(b) == std::vector<std::int64_t>{2}));
    o.delivered("lms", ids_of(b), false);
    o.due("lms", 10, limit, b);
    BOOST_TEST((ids_of(b) == std::vector<std::int64_t>{3, 4}));
    BOOST_TEST(b.json() == "[" + body(3, 1) + "," + body(4, 1) + "]");
    o.delivered("lms", ids_of(b), false);
    o.due("lms", 10, limit, b);
    BOOST_TEST((ids_of(b) == std::vector<std::int64_t>{5}));
    o.delivered("lms", ids_of(b), false);
    o.due("lms", 10, limit, b);
    BOOST_TEST(b.empty());
    BOOST_TEST(o.counts("lms").pending == 0);

    // The limit counts the commas too: three 20-byte bodies need 63 bytes.
    Queued e(3, {"lms"});
    Outbox o2(e.db(), e.path);
    const std::size_t each = std::string("{\"id\":\"uuid-1\"}").size();
    o2.due("lms", 10, 3 * (each + 1), b);
    BOOST_TEST(b.size() == 3u);
    o2.due("lms", 10, 3 * (each + 1) - 1, b);
    BOOST_TEST(b.size() == 2u);
    // The same limit applies to retried dead letters.
    o2.dead_letter("lms", 1, "HTTP 400");
    o2.dead_letter("lms", 2, "HTTP 400");
    o2.retry({});
    BOOST_TEST(o2.due("lms", 10, each, b));
    BOOST_TEST((ids_of(b) == std::vector<std::int64_t>{1}));
}

BOOST_AUTO_TEST_SUITE_END()

// ===========================================================================
// The worker over the marks, with a target scripted in process.

namespace {

// Accepts batches and remembers every statement it accepted; refuses any
// batch holding `bad`; stops accepting (denies) after `budget` batches.
// The first batch holding `flaky` (and not `bad`) fails as a timeout would.
// Documents: get and put answer from their queues (then Ok), and every put
// is recorded.
struct Script {
    std::mutex mutex;
    std::multiset<std::string> accepted;
    int batches = 0;
    int budget = 1 << 30;
    std::string bad;
    std::string taken;  // a statement whose id the target holds with other content (409)
    std::string flaky;
    bool flaky_failed = false;
    std::deque<Reply> gets, puts;
    bool puts_conflict = false;  // every put answers 412
    struct Put {
        std::string body, etag;
    };
    std::vector<Put> put_log;
    std::deque<Reply> index_gets;  // what reading the course index answers (then: missing)
    std::vector<Put> index_log;    // writes of the course index
    std::optional<Reply> prepare;     // what prepare() answers (else Ok)
    std::vector<std::string> events;  // what the worker's callback received
    std::size_t events_of(const std::string &kind) {
        std::lock_guard<std::mutex> lock(mutex);
        std::size_t n = 0;
        for (const auto &e : events) n += e.find("\"event\":\"" + kind + "\"") != std::string::npos;
        return n;
    }
};

Reply reply(Outcome outcome, long status = 0, std::string body = "", std::string etag = "") {
    Reply r;
    r.outcome = outcome;
    r.http_status = status;
    r.body = std::move(body);
    r.etag = std::move(etag);
    if (outcome != Outcome::Ok) r.reason = "HTTP " + std::to_string(status);
    return r;
}

class ScriptedTarget final : public Target {
public:
    ScriptedTarget(const TargetConfig &c, Script &s) : config_(c), script_(s) {}
    const TargetConfig &config() const override { return config_; }
    Reply prepare() override {
        std::lock_guard<std::mutex> lock(script_.mutex);
        return script_.prepare ? *script_.prepare : ok();
    }
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
        for (std::size_t i = 0; i < batch.size(); ++i)
            if (!script_.taken.empty() && batch.statement(i) == script_.taken) {
                // As an LRS does: the whole batch refused, nothing stored.
                r.outcome = Outcome::Conflict;
                r.http_status = 409;
                r.reason = "HTTP 409: uuid-23 is conflicting";
                return r;
            }
        for (std::size_t i = 0; i < batch.size(); ++i)
            if (!script_.flaky_failed && batch.statement(i) == script_.flaky) {
                script_.flaky_failed = true;
                return reply(Outcome::Retry, 0);
            }
        ++script_.batches;
        for (std::size_t i = 0; i < batch.size(); ++i) script_.accepted.emplace(batch.statement(i));
        return ok();
    }
    static bool is_index(const std::string &profile) {
        return profile.size() >= 12 && profile.compare(profile.size() - 12, 12, "course-index") == 0;
    }
    Reply get_document(const std::string &, const std::string &profile) override {
        std::lock_guard<std::mutex> lock(script_.mutex);
        if (is_index(profile)) {
            if (script_.index_gets.empty()) return reply(Outcome::Missing, 404);
            return next(script_.index_gets);
        }
        return next(script_.gets);
    }
    Reply put_document(const std::string &, const std::string &profile, const std::string &json,
                       const std::string &etag) override {
        std::lock_guard<std::mutex> lock(script_.mutex);
        if (is_index(profile)) {
            script_.index_log.push_back({json, etag});
            return ok();
        }
        script_.put_log.push_back({json, etag});
        if (script_.puts_conflict) return reply(Outcome::Conflict, 412);
        return next(script_.puts);
    }

private:
    static Reply ok() { return reply(Outcome::Ok, 200); }
    static Reply next(std::deque<Reply> &queue) {
        if (queue.empty()) return ok();
        Reply r = queue.front();
        queue.pop_front();
        return r;
    }
    TargetConfig config_;
    Script &script_;
};

SyncStatus run_worker(const std::string &path, Script &script, std::size_t batch, bool documents = false,
                      std::size_t max_bytes = 4'000'000, std::int64_t timeout_ms = 20'000) {
    TargetSpec spec;
    spec.config.name = "lms";
    spec.config.kind = "scripted";
    spec.config.documents = documents;
    spec.config.batch_max_statements = batch;
    spec.config.batch_max_bytes = max_bytes;
    spec.config.backoff_base_ms = 1;  // retries come at once: the tests wait for idle
    spec.config.backoff_cap_ms = 1;
    SyncWorker w(path, "https://example.org/profile/", "https://example.org/course", {spec},
                 [&](const TargetConfig &c, const std::atomic<bool> &) {
                     return std::make_unique<ScriptedTarget>(c, script);
                 },
                 [&](const std::string &event) {
                     std::lock_guard<std::mutex> lock(script.mutex);
                     script.events.push_back(event);
                 });
    w.start();
    return w.wait_idle(timeout_ms);
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

// A 409 to a batch: the LRS holds a different statement under one of its
// ids and stored none of the batch. Counting the batch delivered would lose
// every other statement in it (the three-seat test saw 40 status changes
// lost so). The batch is split until the statement is alone; it is kept as
// a dead letter that says why, and the rest is delivered.
BOOST_AUTO_TEST_CASE(a_conflicting_id_refuses_its_batch_and_only_that_statement_is_held_back) {
    Queued q(40, {"lms"});
    Script script;
    script.taken = R"({"id":"uuid-23"})";
    const SyncStatus st = run_worker(q.path, script, 16);
    BOOST_TEST(st.idle);
    BOOST_TEST(st.targets.at(0).pending == 0);
    BOOST_TEST(st.targets.at(0).dead == 1);
    BOOST_TEST(script.accepted.size() == 39u);
    BOOST_TEST(script.accepted.count(script.taken) == 0u);
    BOOST_TEST(q.rows() == 1);
    BOOST_TEST(q.rows("dead = 1 AND event = 23") == 1);
    const std::vector<OutboxEntry> letters = Outbox(q.db(), q.path).list(false);
    BOOST_TEST_REQUIRE(letters.size() == 1u);
    BOOST_TEST(letters[0].state == "dead");
    BOOST_TEST(letters[0].error.find("holds a different statement with this id") != std::string::npos,
               letters[0].error);
    BOOST_TEST(letters[0].error.find("uuid-23 is conflicting") != std::string::npos, letters[0].error);
    BOOST_TEST(script.events_of("dead_lettered") == 1u);
}

// An LRS that speaks no xAPI version we do will not start to: the target
// stops with the reason, nothing is sent, the outbox keeps everything.
BOOST_AUTO_TEST_CASE(a_target_refused_while_preparing_stops) {
    Queued q(3, {"lms"});
    Script script;
    script.prepare = reply(Outcome::Rejected, 200);
    script.prepare->reason = "GET /xAPI/about: no xAPI version in common (offered: 0.95)";
    const SyncStatus st = run_worker(q.path, script, 10, false, 4'000'000, 3'000);
    BOOST_TEST(st.stopped);
    BOOST_TEST(st.targets.at(0).state == "stopped");
    BOOST_TEST(st.targets.at(0).error.find("offered: 0.95") != std::string::npos, st.targets.at(0).error);
    BOOST_TEST(script.batches == 0);
    BOOST_TEST(script.events_of("failed") == 1u);
    BOOST_TEST(q.pending() == 3);
}

// A refused batch is split and its halves go in order. With the second half
// first, a transient failure on the first half would leave the mark already
// past it: the worker would call itself idle with statements never sent.
BOOST_AUTO_TEST_CASE(a_split_batch_goes_in_order_so_a_failure_never_strands_its_first_half) {
    Queued q(8, {"lms"});
    Script script;
    script.bad = R"({"id":"uuid-6"})";    // batch 1..8 refused; halves 1..4 and 5..8
    script.flaky = R"({"id":"uuid-2"})";  // the half 1..4 fails once (a timeout)
    const SyncStatus st = run_worker(q.path, script, 8);
    BOOST_TEST(st.idle);
    BOOST_TEST(st.targets.at(0).pending == 0);
    BOOST_TEST(st.targets.at(0).dead == 1);
    BOOST_TEST(script.accepted.size() == 7u);
    for (int i = 1; i <= 8; ++i)
        BOOST_TEST(script.accepted.count(R"({"id":"uuid-)" + std::to_string(i) + R"("})") == (i == 6 ? 0u : 1u),
                   "uuid-" << i);
    BOOST_TEST(q.rows() == 1);  // only the dead letter
    BOOST_TEST(q.rows("dead = 1 AND event = 6") == 1);
}

// max_bytes reaches the worker: small batches, every statement once, in order.
BOOST_AUTO_TEST_CASE(the_byte_limit_makes_small_batches_and_loses_nothing) {
    Queued q(30, {"lms"});
    Script script;
    const std::size_t each = std::string(R"({"id":"uuid-10"})").size() + 1;
    const SyncStatus st = run_worker(q.path, script, 100, false, 4 * each);
    BOOST_TEST(st.idle);
    BOOST_TEST(script.accepted.size() == 30u);
    BOOST_TEST(std::set<std::string>(script.accepted.begin(), script.accepted.end()).size() == 30u);
    BOOST_TEST(script.batches >= 8);  // at most 4 per batch
    BOOST_TEST(q.rows() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

// ===========================================================================
// Module documents through the worker: read, merge, write with the ETag; a
// conflict (412 or 409) means read again, never "delivered".

namespace {

const char *kOurs =
    R"({"module":"M","updated":"2026-02-01T00:00:00Z","roles":{},"pieces":{"P1":{"title":"One","roles":)"
    R"({"writer":{"status":"done","by":"ana","at":"2026-02-01T00:00:00Z"}}}}})";

// Their version as another seat wrote it: a cell on piece `piece`.
std::string theirs(const std::string &piece, const std::string &at) {
    return R"({"module":"M","updated":")" + at + R"(","roles":{},"pieces":{")" + piece +
           R"(":{"title":"T","roles":{"expert":{"status":"in_review","by":"bo","at":")" + at + R"("}}}}})";
}

bool has_piece(const std::string &json, const char *piece) {
    rapidjson::Document d;
    d.Parse(json.c_str());
    return d.IsObject() && d.HasMember("pieces") && d["pieces"].IsObject() && d["pieces"].HasMember(piece);
}

// A store holding one pending module document for "lms".
struct OneDocument : Queued {
    OneDocument() : Queued(0, {}) {
        Outbox(db(), path).put_document("lms", "c", "M", "https://example.org/c/modules/M", kOurs);
    }
    std::int64_t pending() const {
        return count(path, "SELECT count(*) FROM documents WHERE pending = 1 AND dead = 0");
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(outbox_documents)

BOOST_AUTO_TEST_CASE(a_conflict_reads_again_and_writes_the_merge_with_the_new_etag) {
    for (long status : {412L, 409L}) {
        OneDocument store;
        Script script;
        script.gets = {reply(Outcome::Ok, 200, theirs("P2", "2026-03-01T00:00:00Z"), "\"e1\""),
                       reply(Outcome::Ok, 200, theirs("P3", "2026-03-02T00:00:00Z"), "\"e2\"")};
        script.puts = {reply(Outcome::Conflict, status)};  // then Ok
        const SyncStatus st = run_worker(store.path, script, 10, true);
        BOOST_TEST(st.idle, status);
        BOOST_TEST(store.pending() == 0);
        BOOST_TEST_REQUIRE(script.put_log.size() == 2u, status);
        BOOST_TEST(script.put_log[0].etag == "\"e1\"");
        BOOST_TEST(has_piece(script.put_log[0].body, "P2"));
        // The second write carries the version read after the conflict.
        BOOST_TEST(script.put_log[1].etag == "\"e2\"");
        BOOST_TEST(has_piece(script.put_log[1].body, "P1"));  // ours kept
        BOOST_TEST(has_piece(script.put_log[1].body, "P3"));  // their new cell merged
        // Merged and written again at once: no backing off for one conflict.
        BOOST_TEST(script.events_of("retrying") == 0u);
        BOOST_TEST(script.events_of("document") == 1u);
    }
}

// A write whose answer was lost (the LRS stored it, the connection was cut):
// the next round finds the LRS already holding it and writes nothing, but
// the module must still be announced in the course index, or other seats
// would never read the change (the three-seat test found this).
BOOST_AUTO_TEST_CASE(a_write_whose_answer_was_lost_is_still_announced) {
    OneDocument store;
    Script script;
    script.gets = {reply(Outcome::Missing, 404), reply(Outcome::Ok, 200, kOurs, "\"e1\"")};
    script.puts = {reply(Outcome::Retry, 0)};  // stored, but the answer was cut
    const SyncStatus st = run_worker(store.path, script, 10, true);
    BOOST_TEST(st.idle);
    BOOST_TEST(store.pending() == 0);
    std::lock_guard<std::mutex> lock(script.mutex);
    BOOST_TEST(script.put_log.size() == 1u);    // not written twice
    BOOST_TEST(script.index_log.size() == 1u);  // but announced
    BOOST_TEST(script.index_log.at(0).body.find("\"M\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_document_that_keeps_conflicting_stays_pending) {
    OneDocument store;
    Script script;
    script.puts_conflict = true;
    const SyncStatus st = run_worker(store.path, script, 10, true, 4'000'000, 1'000);
    BOOST_TEST(!st.idle);  // never delivered: wait_idle times out
    BOOST_TEST(st.targets.at(0).state == "retrying");
    BOOST_TEST(st.targets.at(0).documents_pending == 1);
    BOOST_TEST(store.pending() == 1);
    BOOST_TEST(script.put_log.size() >= 5u);  // read-merge-write rounds before backing off
}

BOOST_AUTO_TEST_CASE(a_missing_document_is_created_and_a_refused_one_dead_lettered) {
    {
        OneDocument store;
        Script script;
        script.gets = {reply(Outcome::Missing, 404)};
        BOOST_TEST(run_worker(store.path, script, 10, true).idle);
        BOOST_TEST_REQUIRE(script.put_log.size() == 1u);
        BOOST_TEST(script.put_log[0].etag == "");  // If-None-Match: *
        BOOST_TEST(script.put_log[0].body == kOurs);
        BOOST_TEST(store.pending() == 0);
    }
    {
        OneDocument store;
        Script script;
        script.puts = {reply(Outcome::Rejected, 400)};
        const SyncStatus st = run_worker(store.path, script, 10, true);
        BOOST_TEST(st.idle);
        BOOST_TEST(st.targets.at(0).documents_dead == 1);
        BOOST_TEST(count(store.path, "SELECT count(*) FROM documents WHERE dead = 1") == 1);
    }
}

BOOST_AUTO_TEST_CASE(an_unreadable_document_is_dead_lettered_and_never_overwritten) {
    // Issue 10 (catalogue lrs-document-*): the LRS's version could not be
    // read, so a merge would lose it; nothing is written over it.
    const std::string deep = std::string(1000, '[') + std::string(1000, ']');
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"{not json", "not JSON"},
        {deep, "nested too deeply"},
        {R"({"cells": "everything", "version": []})", "\"cells\""},
        {R"({"module": "M", "pieces": []})", "\"pieces\" is not an object"},
        {"[]", "not a JSON object"},
    };
    for (const auto &[body, why] : cases) {
        OneDocument store;
        Script script;
        script.gets = {reply(Outcome::Ok, 200, body, "\"e1\"")};
        const SyncStatus st = run_worker(store.path, script, 10, true);
        BOOST_TEST(st.idle, why);
        BOOST_TEST(script.put_log.empty(), why);
        BOOST_TEST(st.targets.at(0).documents_dead == 1, why);
        BOOST_TEST(count(store.path, "SELECT count(*) FROM documents WHERE dead = 1 AND pending = 1") == 1, why);
        const std::int64_t named = count(store.path, "SELECT count(*) FROM documents WHERE last_error LIKE "
                                                     "'module M: %not overwritten%'");
        BOOST_TEST(named == 1, why);
        BOOST_TEST(script.events_of("dead_lettered") == 1u, why);
        BOOST_TEST(document_problem(body).find(why) != std::string::npos, why);
    }
    BOOST_TEST(document_problem(kOurs).empty());
    BOOST_TEST(document_problem(theirs("P2", "2026-03-01T00:00:00Z")).empty());
}

BOOST_AUTO_TEST_SUITE_END()

// The worker's pull (SyncWorker::pull): asked for from another thread, run
// before anything else, reported back, and recorded in the store.
BOOST_AUTO_TEST_SUITE(outbox_pull)

SyncWorker *make_worker(std::unique_ptr<SyncWorker> &holder, const std::string &path, Script &script) {
    TargetSpec spec;
    spec.config.name = "lms";
    spec.config.kind = "xapi";  // a pull reads xapi targets' documents
    spec.config.documents = true;
    spec.config.backoff_base_ms = 1;
    spec.config.backoff_cap_ms = 1;
    holder = std::make_unique<SyncWorker>(
        path, "https://example.org/profile/", "https://example.org/course", std::vector<TargetSpec>{spec},
        [&](const TargetConfig &c, const std::atomic<bool> &) { return std::make_unique<ScriptedTarget>(c, script); },
        [&](const std::string &event) {
            std::lock_guard<std::mutex> lock(script.mutex);
            script.events.push_back(event);
        });
    holder->start();
    return holder.get();
}

BOOST_AUTO_TEST_CASE(a_pull_is_reported_and_recorded) {
    OneDocument store;
    Script script;
    script.gets = {reply(Outcome::Missing, 404)};  // the module document, when the worker writes it
    std::unique_ptr<SyncWorker> holder;
    SyncWorker *w = make_worker(holder, store.path, script);
    const PullReport report = w->pull(20'000);
    BOOST_TEST(report.finished);
    BOOST_TEST(report.complete);
    BOOST_TEST_REQUIRE(report.targets.size() == 1u);
    BOOST_TEST(report.targets[0].state == "pulled");
    BOOST_TEST(report.targets[0].pulled_at > 0);
    BOOST_TEST(script.events_of("pulled") == 1u);
    BOOST_TEST(count(store.path, "SELECT count(*) FROM pulls WHERE pulled_at > 0 AND error = ''") == 1);
    // The worker goes on with its work: the document is written, then announced.
    BOOST_TEST(w->wait_idle(20'000).idle);
    BOOST_TEST(store.pending() == 0);
    std::lock_guard<std::mutex> lock(script.mutex);
    BOOST_TEST(script.index_log.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_failed_pull_says_why_and_is_recorded_as_an_attempt) {
    OneDocument store;
    Script script;
    script.prepare = reply(Outcome::Retry, 503);
    std::unique_ptr<SyncWorker> holder;
    SyncWorker *w = make_worker(holder, store.path, script);
    const PullReport report = w->pull(20'000);
    BOOST_TEST(report.finished);
    BOOST_TEST(!report.complete);
    BOOST_TEST_REQUIRE(report.targets.size() == 1u);
    BOOST_TEST(report.targets[0].state == "failed");
    BOOST_TEST(report.targets[0].error.find("HTTP 503") != std::string::npos);
    BOOST_TEST(count(store.path, "SELECT count(*) FROM pulls WHERE pulled_at = 0 AND attempted_at > 0 "
                                 "AND error LIKE '%HTTP 503%'") == 1);
    // Many threads asking at once each get an answer.
    std::vector<std::thread> askers;
    std::atomic<int> answered{0};
    for (int i = 0; i < 4; ++i)
        askers.emplace_back([&] {
            if (w->pull(20'000).finished) ++answered;
        });
    for (std::thread &t : askers) t.join();
    BOOST_TEST(answered.load() == 4);
}

BOOST_AUTO_TEST_CASE(a_wait_that_times_out_says_so) {
    OneDocument store;
    Script script;
    std::unique_ptr<SyncWorker> holder;
    SyncWorker *w = make_worker(holder, store.path, script);
    const PullReport report = w->pull(0);  // not waiting at all
    if (!report.finished) {
        BOOST_TEST(!report.complete);
        BOOST_TEST(report.targets.at(0).error.find("no answer within 0 ms") != std::string::npos);
    }
    BOOST_TEST(w->pull(20'000).complete);
}

BOOST_AUTO_TEST_SUITE_END()
