// The sync worker: one background thread per plugin instance that delivers
// the outbox to each LMS target. The host's thread never waits on the
// network: it queues work (publish, status changes) and wakes the worker;
// `wait_idle` lets a caller wait, with a timeout, until everything
// deliverable was delivered.
//
// Policy (one place, here): batches bounded in count and bytes; a batch
// refused as bad content (400, 413, other 4xx) is split in halves until the
// bad statement is alone, which goes to the dead letters with the target's
// reason; 5xx, 408, 429, timeouts and refused or cut connections retry after
// full-jitter exponential backoff (capped), or after Retry-After when the
// target gives one (capped the same); 401 and 403 stop that target with a clear error. Module
// documents are written with If-Match / If-None-Match; on 412 or 409 the
// worker reads the target's version, merges, and tries again. The outbox
// lives in the store, so after a crash or restart the worker resumes where
// it stopped; statement ids are deterministic, so a batch that was stored
// but whose answer was lost is harmless to send again.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "plugin/sync/pull.hpp"
#include "plugin/sync/sync_config.hpp"
#include "plugin/sync/target.hpp"

namespace coursecrew {

struct TargetStatus {
    std::string name, kind;
    std::string state = "starting";  // "starting" | "idle" | "sending" | "retrying" | "stopped"
    std::string error;               // why it retries or stopped (no secrets)
    std::int64_t pending = 0, dead = 0, documents_pending = 0, documents_dead = 0;
    std::int64_t delivered = 0;      // statements delivered by this worker
    std::int64_t retry_in_ms = 0;
    std::string version;             // xAPI version in use
    bool settled = false;            // counted just now: nothing deliverable left
};

struct SyncStatus {
    std::vector<TargetStatus> targets;
    bool idle = false;     // nothing deliverable is pending (dead letters and stopped targets aside)
    bool stopped = false;  // some target stopped (credentials refused)
};

// What a pull did, per target (see pull.hpp).
struct TargetPull {
    std::string name, kind;
    std::string state = "skipped";  // "pulled" | "failed" | "skipped" (no module documents)
    std::string error;              // why it failed (no secrets)
    PullCounts counts;
    std::int64_t pulled_at = 0;     // when (unix seconds), 0 unless pulled
};
struct PullReport {
    bool complete = false;  // every document target was pulled
    bool finished = false;  // the pull ran to its end (false: the wait timed out)
    std::vector<TargetPull> targets;
};

// A JSON text per event, on the worker thread:
// {"event": "sent"|"retrying"|"failed"|"dead_lettered"|"document"|"pulled", "target", ...}
using SyncCallback = std::function<void(const std::string &event_json)>;

class SyncWorker {
public:
    SyncWorker(std::string store_path, std::string profile_base, std::string course_iri,
               std::vector<TargetSpec> targets, TargetFactory factory, SyncCallback callback);
    ~SyncWorker();  // stops and joins; requests in flight are cancelled
    SyncWorker(const SyncWorker &) = delete;
    SyncWorker &operator=(const SyncWorker &) = delete;

    void start();  // idempotent
    void wake();   // new work was queued
    void stop();

    // Waits until idle (or a target stopped), at most timeout_ms (0: no wait).
    SyncStatus wait_idle(std::int64_t timeout_ms);
    SyncStatus status() const;

    // Asks for a pull of the team's module documents (before anything else
    // the worker does next) and waits at most timeout_ms for it to finish.
    PullReport pull(std::int64_t timeout_ms);

private:
    struct Lane;  // one target's state, worker thread only
    void run();
    bool step(Lane &lane, class Outbox &outbox);
    bool send_batch(Lane &lane, Outbox &outbox);
    bool sync_documents(Lane &lane, Outbox &outbox);
    bool announce(Lane &lane, Outbox &outbox);
    PullReport run_pull(std::vector<Lane> &lanes);
    void on_failure(Lane &lane, const Reply &reply, const char *what);
    void publish_status(std::vector<TargetStatus> snapshot, std::uint64_t generation);
    void emit(const std::string &json);

    const std::string store_path_;
    const std::string profile_base_;
    const std::string course_iri_;
    const std::vector<TargetSpec> specs_;
    TargetFactory factory_;
    SyncCallback callback_;

    std::atomic<bool> cancel_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::condition_variable wake_cv_, idle_cv_, pull_cv_;
    std::uint64_t pull_wanted_ = 0, pull_done_ = 0;  // pull requests asked for and served
    PullReport pull_report_;
    bool woken_ = false;
    std::uint64_t wake_generation_ = 0, status_generation_ = 0;
    SyncStatus status_;
    std::mt19937_64 random_;
};

// Full-jitter backoff: uniform in [0, min(cap, base * 2^(failures - 1))].
std::int64_t backoff_ms(std::int64_t base, std::int64_t cap, int failures, std::mt19937_64 &random);

}  // namespace coursecrew
