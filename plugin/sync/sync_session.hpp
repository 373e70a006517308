// An instance's link to the LMS: the one sync worker for the config in use,
// and the host's event callback. Publish and status changes call ensure()
// after they queued work; the worker does the rest in the background.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "plugin/sync/sync.hpp"
#include "plugin/sync/sync_config.hpp"

namespace coursecrew {

class SyncSession {
public:
    SyncSession() = default;
    ~SyncSession();  // stops the worker (cancelling requests in flight) and joins it
    SyncSession(const SyncSession &) = delete;
    SyncSession &operator=(const SyncSession &) = delete;

    // The host's callback, called on the worker thread; may be empty.
    void set_callback(SyncCallback callback);

    // Makes sure a worker runs for this config and store (replacing one for
    // another config), and wakes it.
    void ensure(const SyncConfig &config, const std::string &store_path);

    // Waits up to timeout_ms for everything deliverable to be delivered.
    SyncStatus wait(std::int64_t timeout_ms);

    // ensure(), then a pull of the team's module documents, waiting at most
    // timeout_ms for it (see SyncWorker::pull).
    PullReport pull(const SyncConfig &config, const std::string &store_path, std::int64_t timeout_ms);
    bool running() const { return worker_ != nullptr; }

private:
    std::mutex callback_mutex_;
    SyncCallback callback_;
    std::unique_ptr<SyncWorker> worker_;
    std::string key_;  // config file + store of the running worker
};

// {"idle", "stopped", "targets": [{"name", "kind", "state", "error", "pending",
// "dead", "documents_pending", "documents_dead", "delivered", "retry_in_ms",
// "version"}]}
std::string sync_status_json(const SyncStatus &status);

// {"complete", "finished", "pulled_at": TIME|null, "attempted_at": TIME|null,
//  "targets": [{"name", "kind", "state", "error", "modules_checked",
//  "modules_fetched", "modules_merged", "cells_changed", "team_cells",
//  "unreadable"}]}; the times are the store's latest (LastPull).
std::string pull_report_json(const PullReport &report, const LastPull &last);

}  // namespace coursecrew
