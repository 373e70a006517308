// The status store: one SQLite file per course workspace (default
// .coursecrew/state.db). It keeps, for every (piece, role) pair, its
// production status with who set it, when and why, and every change as
// history with the piece's content fingerprint at that moment.
//
// Safe for several processes at once (the CLI and the plugin inside the
// authoring tool): WAL journal, a busy timeout, and every write in one
// IMMEDIATE transaction. The schema migrates itself (PRAGMA user_version).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plugin/forecast/forecast.hpp"

typedef struct sqlite3 sqlite3;

namespace coursecrew {

enum class Status { NotStarted, InProgress, InReview, Done, Blocked };
const char *to_string(Status s);  // "not_started", "in_progress", "in_review", "done", "blocked"
bool parse_status(std::string_view text, Status &out);

// What a publish says about one piece.
// Views into the caller's strings (usually the plan's and the course's):
// they must outlive the call that takes the records.
struct PieceRecord {
    std::string_view id;      // piece identifier
    std::string_view module;  // module identifier
    std::string_view title;
    struct RoleRecord {
        std::string_view role;
        std::string_view fingerprint;  // of the files relevant to this role ("" if none present)
        // "waiting for images/x.png" when files this role makes are missing;
        // a done pair whose files changed then goes back to in_progress
        // with this note (not to in_review).
        std::string_view waiting = {};
    };
    std::vector<RoleRecord> roles;
};

// The current state of one pair.
struct PairState {
    std::string piece, module, title, role;
    Status status = Status::NotStarted;
    std::string by;          // who set the status ("coursecrew" for automatic changes)
    std::string note;
    std::int64_t since = 0;  // when the status was set (unix seconds, UTC)
    std::string fingerprint; // the current fingerprint of the role's files
    bool archived = false;   // the piece (or the role on it) left the package
    bool remote = false;     // the status was last set on another seat (pulled from the LRS)
};

struct HistoryEntry {
    std::string piece, role;
    Status from = Status::NotStarted, to = Status::NotStarted;
    std::string by, note;
    std::int64_t at = 0;
    std::string fingerprint;  // the pair's fingerprint at that moment
};

// One status change caused by a publish or a status update; the caller turns
// these into events (and, later, outbox rows in the same transaction).
struct Change {
    std::string piece, module, role;
    Status from = Status::NotStarted, to = Status::NotStarted;
    std::string by, note;
    std::string kind;  // "added", "status", "content_changed_after_done", "archived", "restored"
    std::int64_t history_id = 0;  // the history row it wrote: tells apart equal changes in one second
};

struct PublishSummary {
    std::size_t pairs_added = 0, pairs_reopened = 0, pieces_archived = 0, pieces_restored = 0,
                pairs_unchanged = 0;
    std::vector<Change> changes;
};

// A status change requested by a person (CLI `status set` / `status import`, ABI).
struct StatusUpdate {
    std::string piece, role;
    Status status = Status::NotStarted;
    std::string by, note;
    std::size_t line = 0;  // the CSV line it came from (status import); 0: none
};

// Work done inside a store write transaction just before it commits. The
// sync feed writes the events and outbox rows a change causes here, so they
// exist exactly when the change does. `before_commit` may throw to roll
// everything back. (A dry run wraps the whole call in an outer transaction
// and rolls it back; see workspace.cpp.)
struct WriteHook {
    std::function<void(sqlite3 *db, const std::vector<Change> &changes)> before_commit;
};

class Store {
public:
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    // Who uses the connection: any thread (SQLite serialises the calls), or
    // only the thread that opened it (no mutex per call: the sync worker,
    // which makes tens of thousands of calls per sync).
    enum class Threads { Any, One };

    // Opens (creating folders and the file as needed) and migrates. Returns
    // nullptr with `error` saying what and where.
    static std::unique_ptr<Store> open(const std::string &path, std::string &error,
                                       Threads threads = Threads::Any);

    // Records a publish of `course` (its identifier): new pairs start
    // not_started; a done pair whose fingerprint changed goes back to
    // in_review with the note "content changed after done"; pieces (and
    // roles on pieces) no longer present are archived with their history;
    // archived ones that reappear are restored with their last status. One
    // transaction: all or nothing.
    bool publish(const std::string &course, const std::vector<PieceRecord> &pieces,
                 std::int64_t now, PublishSummary &out, std::string &error,
                 const WriteHook &hook = {});

    // Applies status updates, all or nothing: an unknown or archived piece,
    // a role the piece does not have, or a no-op is an error naming the
    // update (its index) and nothing changes.
    bool set_status(const std::string &course, const std::vector<StatusUpdate> &updates,
                    std::int64_t now, std::vector<Change> &changes, std::string &error,
                    const WriteHook &hook = {});

    // Current pairs (archived ones too, flagged), in piece then role order.
    bool pairs(const std::string &course, std::vector<PairState> &out, std::string &error) const;

    // History of one pair, or of the whole course when piece and role are "".
    bool history(const std::string &course, const std::string &piece, const std::string &role,
                 std::vector<HistoryEntry> &out, std::string &error) const;

    // The course's daily tallies (schema v8): per (module, role, UTC day) the
    // change in done and in present pairs, kept with every history row.
    // Ordered by module, role, day. See plugin/forecast/forecast.hpp.
    bool daily_tallies(const std::string &course, std::vector<DailyTally> &out, std::string &error) const;

    // The same per pair, for the given (piece, role) pairs (the per-person
    // lines of people who hold a role on only some pieces of a module):
    // one row per pair and day that changed something, from the history.
    // Unknown pairs give no rows.
    bool pair_days(const std::string &course, const std::vector<std::pair<std::string, std::string>> &pairs,
                   std::vector<PairDay> &out, std::string &error) const;

    // Records where the course's pieces come from (`tool`: "" for the
    // manifest's, else the authoring tool whose structure was read). When
    // that changes (the first publish that reads a tool's structure archives
    // the one-SCO piece and adds the tool's), keeps `notice` for the next
    // review; take_notice() hands it over once and forgets it.
    bool note_source(const std::string &course, const std::string &tool, const std::string &notice,
                     std::string &error);
    bool take_notice(const std::string &course, std::string &notice, std::string &error);

    // The courses this store holds (identifiers, sorted).
    bool courses(std::vector<std::string> &out, std::string &error) const;

    const std::string &path() const { return path_; }
    sqlite3 *handle() const { return db_; }  // for the outbox, which reads and writes beside it

private:
    Store(sqlite3 *db, std::string path) : db_(db), path_(std::move(path)) {}
    sqlite3 *db_;
    std::string path_;
};

}  // namespace coursecrew
