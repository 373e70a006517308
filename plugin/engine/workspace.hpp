// A course workspace: one package read into the model, the team's role map,
// the plan, and the status store, put together for the host's calls
// (publish, review, status updates). Everything here is local file I/O.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "plugin/inspect/inspect.hpp"
#include "plugin/review/review.hpp"
#include "plugin/roles/rolemap.hpp"
#include "plugin/sync/feed.hpp"
#include "plugin/store/store.hpp"
#include "plugin/sync/sync_config.hpp"

namespace coursecrew {

struct WorkspaceOptions {
    std::string store_path = ".coursecrew/state.db";  // relative to the working folder
    std::string roles_path;                           // the team's role map ("" = none)
    bool default_roles = true;                        // built-in rules when there is no map
    // Given as options (they win over the sync config's).
    bool store_explicit = false, roles_explicit = false, default_roles_explicit = false;
    std::string config_path;  // the sync config ("" = no LMS sync)
    // The config at config_path when the caller has read it already (the ABI
    // reads it once per call and starts the worker with it); null: read it.
    std::shared_ptr<const SyncConfig> loaded_config;
    bool dry_run = false;     // compute what would be sent; change nothing
    std::int64_t now = 0;                             // the clock (0 = the system clock)
    ReviewOptions review;
    ReviewFormat format = ReviewFormat::Json;
    bool series = false;  // with Csv: render_review_series_csv (issue 14)
    // Progress over time and the finish-date forecast: in the review, and in
    // the module documents and progress statements sent to the LMS.
    bool forecast = true;
};

// Why a workspace call failed: a status and, for a broken role map, every
// problem with its file and JSON pointer.
struct WorkspaceError {
    int status = 0;  // coursecrew_status
    std::string message;
    std::vector<MapError> map_errors;
};

struct PublishResult {
    std::string course;  // the course identifier the store keys on
    std::string store;   // the store it was recorded in
    std::size_t pieces = 0, pairs = 0;
    PublishSummary summary;
    FeedResult feed;     // what was queued for the LMS (empty without a sync config)
};

// The options with the sync config applied: its store, roles and
// default_roles fill in what the options did not give. `sync` receives the
// config (false with `error` when it cannot be loaded); without config_path
// it is left empty and `has_sync` false.
bool resolve_workspace(const WorkspaceOptions &options, WorkspaceOptions &resolved,
                       SyncConfig &sync, bool &has_sync, WorkspaceError &error);

// The clock: options.now, or the system's.
std::int64_t workspace_now(const WorkspaceOptions &options);

// Reads the package and the role map, plans, and records this version of the
// package in the store (new pairs, change-after-done, archive/restore).
// `inspection` keeps the model and its diagnostics for the caller.
bool publish_package(const std::string &package, const InspectOptions &inspect_options,
                     const WorkspaceOptions &options, Inspection &inspection,
                     PublishResult &result, WorkspaceError &error);

// publish_package, then the review of the recorded state.
bool review_package(const std::string &package, const InspectOptions &inspect_options,
                    const WorkspaceOptions &options, std::string &rendered,
                    WorkspaceError &error);

// Status updates for a package's pieces: records the package first (so the
// pairs exist and are current), then applies `updates` all or nothing.
bool set_status_for_package(const std::string &package, const InspectOptions &inspect_options,
                            const WorkspaceOptions &options,
                            const std::vector<StatusUpdate> &updates, std::vector<Change> &changes,
                            WorkspaceError &error, FeedResult *feed = nullptr);

// Status updates against the store alone (status import): `course` names the
// course, or "" when the store holds exactly one.
bool set_status_in_store(const std::string &course, const WorkspaceOptions &options,
                         const std::vector<StatusUpdate> &updates, std::vector<Change> &changes,
                         std::string &resolved_course, WorkspaceError &error,
                         FeedResult *feed = nullptr);

// Parses status updates from CSV text (header row with at least piece, role,
// status; optional by, note, course). Errors name the line.
bool parse_status_csv(std::string_view csv, const std::string &default_by,
                      std::vector<StatusUpdate> &updates, std::string &course,
                      std::string &error);

}  // namespace coursecrew
