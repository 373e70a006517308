// The pull: one team, many seats. Each seat pushes its changes into the
// per-module status documents in the LRS (sync.hpp) and reads the others'
// back from there, so the LRS is the team's shared truth and each seat's
// store a replica that works offline (plugin/store/team.hpp).
//
// Finding what changed without reading every module: the course index, a
// document on the course activity ({"course", "modules": {MODULE: {"token",
// "at"}}}), gets a fresh random token for a module every time a seat writes
// that module's document (after the write, durably: documents.unindexed).
// A pull reads the index (one request), then only the modules whose token
// differs from the one it last saw, and merges a document only when its ETag
// differs from the one it last merged. Modules this seat knows that the
// index does not list (documents written before the index existed) are read
// once. So an unchanged course costs one request, and a pull's requests grow
// with the modules that changed, not with the course.
//
// Why a change cannot be missed: a writer announces a module only after its
// document write, so a reader that sees a new token reads a document at
// least that new. A writer marks its own announcement as seen only when the
// token it replaced is the one it last saw (no one else's announcement
// lost in between).
//
// The merge (TeamReplica::merge) changes the store only; nothing is queued:
// a pulled change is never sent again, and the module's progress record is
// updated quietly so no "progressed" statement repeats another seat's news.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "plugin/store/team.hpp"
#include "plugin/sync/target.hpp"

typedef struct sqlite3 sqlite3;

namespace coursecrew {

struct PullCounts {
    std::int64_t modules_checked = 0;  // listed by the index or known here
    std::int64_t modules_fetched = 0;  // documents read
    std::int64_t modules_merged = 0;   // documents whose content was new to this seat
    std::int64_t cells_changed = 0;    // this seat's pairs that took another seat's change
    std::int64_t team_cells = 0;       // team cells replaced
    std::int64_t unreadable = 0;       // documents that could not be read (left alone)
};

// What one pull or index update works with: a target, the worker's store
// connection and the course.
struct PullContext {
    Target &target;
    sqlite3 *db;
    const std::string &path;
    std::string iri;           // the course IRI
    std::string profile_base;  // vocab::kProfileBase unless configured
};

// The cells of a module document; cells with no valid "at" are left out.
std::vector<TeamCell> document_cells(std::string_view module, std::string_view document_json);

// Pulls the course's changed module documents from the target and merges
// them. Ok, or the failing reply (the pull stops there; what was merged
// stays merged). `now` stamps the pull in the store.
Reply pull_target(PullContext &ctx, std::int64_t now, PullCounts &counts);

// Merges one module document read from the target (by a pull, or before a
// write) in one transaction, unless its ETag was merged before. Returns
// whether it merged.
bool merge_module_document(PullContext &ctx, const std::string &module, const std::string &body,
                           const std::string &etag, PullCounts &counts);

// Announces the modules this seat wrote (Outbox::unindexed) in the course
// index, merging with other seats' announcements (If-Match, retried on
// conflict). Ok when there was nothing to do or it was written.
Reply update_index(PullContext &ctx, std::int64_t now, std::mt19937_64 &random);

// After a publish: the course's pairs take what the team replica knows
// (new pairs, created not_started, take the team's status), quietly, in one
// transaction; the course is remembered under `iri`. Returns how many pairs
// changed.
std::size_t adopt_team_state(sqlite3 *db, const std::string &path, const std::string &course,
                             const std::string &iri);

}  // namespace coursecrew
