// The sync worker. See sync.hpp for the policy.
#include "plugin/sync/sync.hpp"

#include <algorithm>
#include <chrono>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "plugin/sync/outbox.hpp"
#include "plugin/store/sql.hpp"
#include "plugin/store/store.hpp"
#include "plugin/store/team.hpp"
#include "plugin/sync/vocabulary.hpp"

namespace coursecrew {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(1000);  // notices other processes' work
constexpr int kDocumentAttempts = 5;  // read-merge-write rounds before backing off

// {"event": kind, "target": name, ...extra}
class EventJson {
public:
    EventJson(const char *kind, const std::string &target) : w_(buf_) {
        w_.StartObject();
        add("event", kind);
        add("target", target);
    }
    EventJson &add(const char *k, const std::string &v) {
        w_.Key(k);
        w_.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
        return *this;
    }
    EventJson &add(const char *k, std::int64_t v) {
        w_.Key(k);
        w_.Int64(v);
        return *this;
    }
    std::string done() {
        w_.EndObject();
        return buf_.GetString();
    }

private:
    rapidjson::StringBuffer buf_;
    rapidjson::Writer<rapidjson::StringBuffer> w_;
};

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// One write on the worker's connection.
template <class F>
void write(Outbox &outbox, sqlite3 *db, const std::string &path, F &&f) {
    sql::Transaction tx(db, path, "updating the outbox");
    f(outbox);
    tx.commit("updating the outbox");
}

// A batch the target refused as a whole: a bad statement (400, 413, ...) or
// an id it holds with other content (409). Sending it again as it is would
// be refused again.
bool refused(const Reply &r) { return r.outcome == Outcome::Rejected || r.outcome == Outcome::Conflict; }

}  // namespace

const char *to_string(Outcome o) {
    switch (o) {
    case Outcome::Ok: return "ok";
    case Outcome::Retry: return "retry";
    case Outcome::Rejected: return "rejected";
    case Outcome::Denied: return "denied";
    case Outcome::Conflict: return "conflict";
    case Outcome::Missing: return "missing";
    }
    return "unknown";
}

std::int64_t backoff_ms(std::int64_t base, std::int64_t cap, int failures, std::mt19937_64 &random) {
    std::int64_t ceiling = base;
    for (int i = 1; i < failures && ceiling < cap; ++i) ceiling *= 2;
    ceiling = std::min(ceiling, cap);
    return std::uniform_int_distribution<std::int64_t>(0, std::max<std::int64_t>(ceiling, 0))(random);
}

struct SyncWorker::Lane {
    TargetSpec spec;
    std::unique_ptr<Target> target;
    TargetStatus status;
    bool prepared = false;
    bool stopped = false;
    int failures = 0;
    Clock::time_point not_before{};
    sqlite3 *db = nullptr;
    const std::string *path = nullptr;
    StatementBatch batch;  // the next batch; its buffer is reused from batch to batch
    bool batch_retried = false;  // it holds retried dead letters (see Outbox::due)
};

SyncWorker::SyncWorker(std::string store_path, std::string profile_base, std::string course_iri,
                       std::vector<TargetSpec> targets, TargetFactory factory, SyncCallback callback)
    : store_path_(std::move(store_path)),
      profile_base_(std::move(profile_base)),
      course_iri_(std::move(course_iri)),
      specs_(std::move(targets)),
      factory_(std::move(factory)),
      callback_(std::move(callback)),
      random_(std::random_device{}()) {
    for (const TargetSpec &s : specs_) {
        TargetStatus t;
        t.name = s.config.name;
        t.kind = s.config.kind;
        status_.targets.push_back(std::move(t));
    }
}

SyncWorker::~SyncWorker() { stop(); }

void SyncWorker::start() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (thread_.joinable() || cancel_) return;
    thread_ = std::thread([this] { run(); });
}

void SyncWorker::wake() {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
    ++wake_generation_;
    wake_cv_.notify_one();
}

void SyncWorker::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        cancel_ = true;  // also aborts requests in flight (the adapters watch it)
        wake_cv_.notify_one();
        idle_cv_.notify_all();
        pull_cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
}

SyncStatus SyncWorker::status() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
}

SyncStatus SyncWorker::wait_idle(std::int64_t timeout_ms) {
    wake();
    std::unique_lock<std::mutex> lock(mutex_);
    const std::uint64_t wanted = wake_generation_;
    const auto deadline = Clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(timeout_ms, 0));
    idle_cv_.wait_until(lock, deadline, [&] {
        return cancel_ || (status_generation_ >= wanted && status_.idle);
    });
    return status_;
}

PullReport SyncWorker::pull(std::int64_t timeout_ms) {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::uint64_t ticket = ++pull_wanted_;
    woken_ = true;
    ++wake_generation_;
    wake_cv_.notify_one();
    const auto deadline = Clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(timeout_ms, 0));
    pull_cv_.wait_until(lock, deadline, [&] { return cancel_ || pull_done_ >= ticket; });
    if (pull_done_ >= ticket) return pull_report_;
    PullReport waiting;  // still running: what each target is, nothing pulled yet
    for (const TargetStatus &t : status_.targets) {
        TargetPull p;
        p.name = t.name;
        p.kind = t.kind;
        p.state = "failed";
        p.error = cancel_ ? "the sync worker stopped" : "no answer within " + std::to_string(timeout_ms) + " ms";
        waiting.targets.push_back(std::move(p));
    }
    return waiting;
}

void SyncWorker::emit(const std::string &json) {
    if (!callback_) return;
    try {
        callback_(json);
    } catch (...) {
        // The host's callback must not take the worker down.
    }
}

void SyncWorker::publish_status(std::vector<TargetStatus> snapshot, std::uint64_t generation) {
    bool idle = true, stopped = false;
    for (const TargetStatus &t : snapshot) {
        if (t.state == "stopped") {
            stopped = true;
            continue;
        }
        if (!t.settled) idle = false;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    status_.targets = std::move(snapshot);
    status_.idle = idle;
    status_.stopped = stopped;
    status_generation_ = generation;
    // Waiters wait for idleness only (wait_idle): waking them after every
    // batch would only cost the waiting thread a wake-up to sleep again.
    if (idle) idle_cv_.notify_all();
}

void SyncWorker::on_failure(Lane &lane, const Reply &reply, const char *what) {
    const std::string &name = lane.spec.config.name;
    if (reply.outcome == Outcome::Denied || (reply.outcome == Outcome::Rejected && !lane.prepared)) {
        lane.stopped = true;
        lane.status.state = "stopped";
        lane.status.error = std::string(what) + ": " + reply.reason +
                            (reply.outcome == Outcome::Denied
                                 ? " (the target refused our credentials; fix them and sync again)"
                                 : "");
        emit(EventJson("failed", name).add("reason", lane.status.error).done());
        return;
    }
    ++lane.failures;
    const TargetConfig &c = lane.spec.config;
    // Retry-After is honoured up to the backoff cap: an answer asking for a
    // day (or a date years ahead) must not park the target that long.
    const std::int64_t delay = reply.retry_after_ms >= 0
                                   ? std::min(reply.retry_after_ms, c.backoff_cap_ms)
                                   : backoff_ms(c.backoff_base_ms, c.backoff_cap_ms, lane.failures, random_);
    lane.not_before = Clock::now() + std::chrono::milliseconds(delay);
    lane.status.state = "retrying";
    lane.status.error = std::string(what) + ": " + reply.reason;
    lane.status.retry_in_ms = delay;
    emit(EventJson("retrying", name)
             .add("reason", lane.status.error)
             .add("attempt", lane.failures)
             .add("in_ms", delay)
             .done());
}

// Sends lane.batch. A refused batch is split in halves, then halves of
// halves, until the statement the target refuses is alone.
bool SyncWorker::send_batch(Lane &lane, Outbox &outbox) {
    const std::string &name = lane.spec.config.name;
    std::vector<StatementBatch> halves;  // still to send, the next at the back (after a refusal)
    const StatementBatch *b = &lane.batch;
    bool progressed = false;
    std::vector<std::int64_t> ids;
    while (b && !cancel_) {
        ids.clear();
        for (std::size_t i = 0; i < b->size(); ++i) ids.push_back(b->event(i));
        lane.status.state = "sending";
        const Reply r = lane.target->send(*b);
        if (r.outcome == Outcome::Ok) {
            write(outbox, lane.db, *lane.path, [&](Outbox &o) { o.delivered(name, ids, lane.batch_retried); });
            lane.failures = 0;
            lane.status.delivered += static_cast<std::int64_t>(ids.size());
            emit(EventJson("sent", name).add("count", static_cast<std::int64_t>(ids.size())).done());
            progressed = true;
        } else if (refused(r) && b->size() == 1) {
            // Alone and still refused: this statement is the bad one. Kept,
            // with the reason, for `coursecrew outbox` and a retry.
            std::string uuid;
            std::string reason = r.reason;
            if (r.outcome == Outcome::Conflict)
                reason = "the target holds a different statement with this id: " + r.reason;
            write(outbox, lane.db, *lane.path, [&](Outbox &o) {
                uuid = o.statement_id(ids[0]);
                o.dead_letter(name, ids[0], reason);
            });
            emit(EventJson("dead_lettered", name).add("id", uuid).add("reason", reason).done());
            progressed = true;
        } else if (refused(r)) {
            // The target stored none of the batch. Split to isolate the
            // statement it refuses; the first half goes first.
            const std::size_t mid = b->size() / 2;
            StatementBatch first = b->slice(0, mid), second = b->slice(mid, b->size());
            if (b != &lane.batch) halves.pop_back();  // b itself, now split
            halves.push_back(std::move(second));
            halves.push_back(std::move(first));
            b = &halves.back();
            continue;
        } else {
            write(outbox, lane.db, *lane.path, [&](Outbox &o) { o.attempt_failed(name, ids, r.reason); });
            on_failure(lane, r, "sending statements");
            return progressed;
        }
        if (b != &lane.batch) halves.pop_back();
        b = halves.empty() ? nullptr : &halves.back();
    }
    return progressed;
}

bool SyncWorker::sync_documents(Lane &lane, Outbox &outbox) {
    const std::string &name = lane.spec.config.name;
    const std::string profile_id = profile_base_ + vocab::kDocModuleStatus;
    bool progressed = false;
    for (const PendingDocument &d : outbox.pending_documents(name)) {
        if (cancel_) break;
        bool settled = false;
        for (int round = 0; round < kDocumentAttempts && !settled; ++round) {
            // Always read first: the target's version may hold other seats'
            // cells, which a blind write would lose.
            const Reply got = lane.target->get_document(d.activity, profile_id);
            std::string body, etag;
            if (got.outcome == Outcome::Ok) {
                // Never write over a document we cannot read: a merge would
                // lose what it holds (an empty one holds nothing to lose). Dead-lettered with the reason, so
                // `coursecrew outbox` shows it and a person retries it once
                // the document at the target is fixed.
                if (std::string problem = got.body.empty() ? "" : document_problem(got.body); !problem.empty()) {
                    const std::string reason = "module " + d.module +
                                               ": the target's status document cannot be read, so it was "
                                               "not overwritten: " + problem;
                    write(outbox, lane.db, *lane.path,
                          [&](Outbox &o) { o.document_failed(name, d, reason, true); });
                    emit(EventJson("dead_lettered", name).add("module", d.module).add("reason", reason).done());
                    progressed = settled = true;
                    break;
                }
                // What other seats wrote is news here too: merged into the
                // store as a pull would (pull.hpp).
                PullContext ctx{*lane.target, lane.db, *lane.path, course_iri_, profile_base_};
                PullCounts ignored;
                merge_module_document(ctx, d.module, got.body, got.etag, ignored);
                body = merge_documents(d.body, got.body);
                etag = got.etag;
                if (same_document(body, got.body)) {
                    // The target already holds all of it: nothing to write,
                    // nothing to announce.
                    write(outbox, lane.db, *lane.path, [&](Outbox &o) { o.document_delivered(name, d, false); });
                    lane.failures = 0;
                    progressed = settled = true;
                    break;
                }
            } else if (got.outcome == Outcome::Missing) {
                body = d.body;
            } else {
                on_failure(lane, got, "reading a module document");
                return progressed;
            }
            // From here the target may hold our write even if its answer is
            // lost (a cut connection, a crash): the next round would then
            // find nothing to write, so the announcement is owed now.
            write(outbox, lane.db, *lane.path, [&](Outbox &o) { o.announce_later(name, d); });
            const Reply put = lane.target->put_document(d.activity, profile_id, body, etag);
            switch (put.outcome) {
            case Outcome::Ok:
                write(outbox, lane.db, *lane.path, [&](Outbox &o) { o.document_delivered(name, d); });
                emit(EventJson("document", name).add("module", d.module).done());
                lane.failures = 0;
                progressed = settled = true;
                break;
            case Outcome::Conflict:
                break;  // someone wrote in between: read, merge, write again
            case Outcome::Rejected:
                write(outbox, lane.db, *lane.path,
                      [&](Outbox &o) { o.document_failed(name, d, put.reason, true); });
                emit(EventJson("dead_lettered", name).add("module", d.module).add("reason", put.reason).done());
                progressed = settled = true;
                break;
            default:
                write(outbox, lane.db, *lane.path,
                      [&](Outbox &o) { o.document_failed(name, d, put.reason, false); });
                on_failure(lane, put, "writing a module document");
                return progressed;
            }
        }
        if (!settled) {
            Reply busy;
            busy.reason = "module " + d.module + ": the document kept changing under us";
            on_failure(lane, busy, "writing a module document");
            return progressed;
        }
    }
    return progressed;
}

bool SyncWorker::step(Lane &lane, Outbox &outbox) {
    if (!lane.prepared) {
        const Reply r = lane.target->prepare();
        if (r.outcome != Outcome::Ok) {
            on_failure(lane, r, "asking the target which xAPI version it speaks");
            return false;
        }
        lane.prepared = true;
        lane.status.version = lane.target->version();
    }
    const TargetConfig &c = lane.spec.config;
    lane.batch_retried = outbox.due(c.name, c.batch_max_statements, c.batch_max_bytes, lane.batch);
    if (!lane.batch.empty()) return send_batch(lane, outbox);
    // Nothing left to send: the rows delivered under the mark go, in bulk.
    if (outbox.mark(c.name) != 0) {
        write(outbox, lane.db, *lane.path, [&](Outbox &o) { o.clear_delivered(c.name); });
    }
    if (!c.documents) return false;
    if (sync_documents(lane, outbox)) return true;
    if (lane.stopped || Clock::now() < lane.not_before) return false;  // it failed: back off first
    return announce(lane, outbox);
}

// Announces the modules this seat wrote in the course index (pull.hpp).
bool SyncWorker::announce(Lane &lane, Outbox &outbox) {
    if (outbox.unindexed(lane.spec.config.name).empty()) return false;
    PullContext ctx{*lane.target, lane.db, *lane.path, course_iri_, profile_base_};
    const Reply r = update_index(ctx, unix_now(), random_);
    if (r.outcome != Outcome::Ok) {
        on_failure(lane, r, "announcing changed modules in the course index");
        return false;
    }
    lane.failures = 0;
    return true;
}

PullReport SyncWorker::run_pull(std::vector<Lane> &lanes) {
    PullReport report;
    report.complete = true;
    report.finished = true;
    for (Lane &lane : lanes) {
        TargetPull p;
        p.name = lane.spec.config.name;
        p.kind = lane.spec.config.kind;
        if (lane.spec.config.kind != "xapi" || !lane.spec.config.documents) {
            report.targets.push_back(std::move(p));  // skipped: it keeps no module documents
            continue;
        }
        const std::int64_t now = unix_now();
        Reply r;
        if (!lane.target || lane.stopped) {
            r.reason = lane.status.error;
        } else {
            try {
                if (!lane.prepared) {
                    r = lane.target->prepare();
                    if (r.outcome == Outcome::Ok) {
                        lane.prepared = true;
                        lane.status.version = lane.target->version();
                    }
                }
                if (lane.prepared) {
                    PullContext ctx{*lane.target, lane.db, *lane.path, course_iri_, profile_base_};
                    r = pull_target(ctx, now, p.counts);
                }
            } catch (const std::exception &e) {
                r = Reply{};
                r.reason = e.what();  // the store failed
            }
        }
        if (r.outcome == Outcome::Ok) {
            p.state = "pulled";
            p.pulled_at = now;
            emit(EventJson("pulled", p.name)
                     .add("modules_fetched", p.counts.modules_fetched)
                     .add("modules_merged", p.counts.modules_merged)
                     .add("cells_changed", p.counts.cells_changed)
                     .done());
        } else {
            p.state = "failed";
            p.error = "pulling module documents: " + (r.reason.empty() ? std::string(to_string(r.outcome)) : r.reason);
            report.complete = false;
            if (lane.db) {
                try {
                    TeamReplica team(lane.db, *lane.path);
                    sql::Transaction tx(lane.db, *lane.path, "recording a pull");
                    team.pull_attempted(p.name, course_iri_, now, p.error);
                    tx.commit("recording a pull");
                } catch (const std::exception &) {
                    // The store is failing too; the report says why the pull did.
                }
            }
            if (r.outcome == Outcome::Denied && lane.target && !lane.stopped) on_failure(lane, r, "pulling module documents");
        }
        report.targets.push_back(std::move(p));
    }
    return report;
}

void SyncWorker::run() {
    std::vector<Lane> lanes(specs_.size());
    std::string error;
    std::unique_ptr<Store> store = Store::open(store_path_, error, Store::Threads::One);
    if (store) {
        // The worker reads each statement once, in order: a small page cache
        // is enough (the store's default is sized for a publish's working set).
        // No memory map: one dropped and remade per batch measured the same
        // CPU within the noise (bench/README.md, issue 10).
        sqlite3_exec(store->handle(), "PRAGMA cache_size = -2048", nullptr, nullptr, nullptr);
        // The worker only deletes outbox rows, moves marks and updates
        // counters and the documents' state: none of that can break a
        // foreign key. With checks on, SQLite would look up the event behind
        // every deleted row, and could not clear a fully delivered outbox in
        // one step (Outbox::clear_delivered).
        sqlite3_exec(store->handle(), "PRAGMA foreign_keys = OFF", nullptr, nullptr, nullptr);
    }
    for (std::size_t i = 0; i < specs_.size(); ++i) {
        Lane &lane = lanes[i];
        lane.spec = specs_[i];
        lane.status.name = lane.spec.config.name;
        lane.status.kind = lane.spec.config.kind;
        TargetConfig config;
        std::string why = error;
        if (store && resolve_target(lane.spec, config, why)) {
            lane.target = factory_(config, cancel_);
            if (!lane.target) why = "no adapter for target kind \"" + config.kind + "\"";
        }
        if (!lane.target) {
            lane.stopped = true;
            lane.status.state = "stopped";
            lane.status.error = why;
            emit(EventJson("failed", lane.status.name).add("reason", why).done());
        }
        if (store) {
            lane.db = store->handle();
            lane.path = &store->path();
        }
    }
    std::unique_ptr<Outbox> outbox = store ? std::make_unique<Outbox>(store->handle(), store->path()) : nullptr;

    while (!cancel_) {
        std::uint64_t generation, pull_wanted;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            generation = wake_generation_;
            pull_wanted = pull_wanted_;
            woken_ = false;
        }
        if (pull_wanted > pull_done_) {
            // A pull asked for goes first: the caller waits for it.
            PullReport report = run_pull(lanes);
            std::lock_guard<std::mutex> lock(mutex_);
            pull_report_ = std::move(report);
            pull_done_ = pull_wanted;
            pull_cv_.notify_all();
        }
        bool progressed = false;
        Clock::time_point next = Clock::now() + kPollInterval;
        std::vector<TargetStatus> snapshot;
        for (Lane &lane : lanes) {
            if (!lane.stopped && outbox) {
                try {
                    const std::int64_t delivered_before = lane.status.delivered;
                    const bool moved = Clock::now() >= lane.not_before && step(lane, *outbox);
                    progressed |= moved;
                    // Counting scans the target's rows: while batches flow,
                    // subtract what went; count again when the flow stops.
                    if (!moved) {
                        const OutboxCounts n = outbox->counts(lane.spec.config.name);
                        lane.status.pending = n.pending;
                        lane.status.dead = n.dead;
                        lane.status.documents_pending = n.documents_pending;
                        lane.status.documents_dead = n.documents_dead;
                    } else {
                        lane.status.pending -= lane.status.delivered - delivered_before;
                    }
                    lane.status.pending = std::max<std::int64_t>(lane.status.pending, 0);
                    // Idle only on a fresh count with nothing left to send.
                    lane.status.settled = !moved && lane.status.pending == 0 && lane.status.documents_pending == 0;
                    // (A target stopped just now stays stopped, with nothing pending too.)
                    if (lane.status.settled && !lane.stopped &&
                        (lane.status.state != "retrying" || Clock::now() >= lane.not_before))
                        lane.status.state = "idle";
                } catch (const std::exception &e) {
                    Reply r;
                    r.reason = e.what();  // the store was busy or failed: try again later
                    on_failure(lane, r, "using the outbox");
                }
                if (lane.status.state == "retrying") next = std::min(next, lane.not_before);
            }
            snapshot.push_back(lane.status);
        }
        publish_status(std::move(snapshot), generation);
        if (progressed) continue;
        std::unique_lock<std::mutex> lock(mutex_);
        wake_cv_.wait_until(lock, next, [&] { return woken_ || cancel_.load(); });
    }
}

}  // namespace coursecrew
