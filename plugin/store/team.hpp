// The team replica: this seat's copy of the team's state in the LRS.
//
// Every seat (an author's machine, with its own store) pushes its changes to
// the per-module status documents in the LRS and pulls the others' back
// (plugin/sync/pull.hpp). What it pulls lands here, in the status store's
// file, in the caller's write transaction:
//
//   team_cells  every (piece, role) cell of the team's documents as last
//               merged, pieces this seat's package lacks included ("on
//               another seat's version"); per cell the version that wins in
//               the cell order (cell_order.hpp).
//   pairs       a team cell that beats this seat's pair gives the pair its
//               status, by, note and time, marks it remote and writes a
//               history row of kind "pulled". Nothing here queues
//               statements or documents: a pulled change is never sent again.
//   pull_state  per target and module, the course index token and the
//               document ETag last merged, so an unchanged module is neither
//               fetched nor merged again.
//   pulls       per target, when it was last tried and last pulled, and why
//               the last try failed.
//   course_iris which course IRI (the LRS's name) a course key (the store's)
//               is synced under; written by the feed.
//
// TeamReplica wraps a connection it does not own; methods throw sql::Error
// and expect the caller's transaction around writes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "plugin/store/store.hpp"

typedef struct sqlite3 sqlite3;

namespace coursecrew {

namespace sql { class Statement; }

// One cell of a team document.
struct TeamCell {
    std::string module, piece, title, role, status, by, note;
    std::int64_t at = 0;  // unix seconds
};

struct LastPull {
    std::int64_t attempted_at = 0, pulled_at = 0;  // 0: never
    std::string error;                             // why the last attempt failed, "" if it worked
};

class TeamReplica {
public:
    TeamReplica(sqlite3 *db, std::string path);
    ~TeamReplica();
    TeamReplica(const TeamReplica &) = delete;
    TeamReplica &operator=(const TeamReplica &) = delete;

    void remember_course(const std::string &course, const std::string &iri);
    std::vector<std::string> courses(const std::string &iri);

    // Merges cells of the team's documents: each replaces the team cell it
    // beats, then every pair of the courses under `iri` that the team cell
    // beats takes its state. Returns those pair changes (kind "pulled").
    std::vector<Change> merge(const std::string &iri, const std::vector<TeamCell> &cells,
                              std::size_t *team_cells_changed = nullptr);

    // After a publish: the course's pairs that a team cell beats (new pairs,
    // typically, created not_started) take its state.
    std::vector<Change> adopt(const std::string &course, const std::string &iri);

    // Modules this seat knows under `iri`: its pieces' and the team cells'.
    std::vector<std::string> modules(const std::string &iri);

    struct Mark {
        bool known = false;  // a row exists (the module was looked at before)
        std::string token, etag;
    };
    Mark mark(const std::string &target, const std::string &iri, const std::string &module);
    void set_mark(const std::string &target, const std::string &iri, const std::string &module,
                  const std::string &token, const std::string &etag);
    void set_etag(const std::string &target, const std::string &iri, const std::string &module,
                  const std::string &etag);

    void pull_attempted(const std::string &target, const std::string &iri, std::int64_t now,
                        const std::string &error);
    void pulled(const std::string &target, const std::string &iri, std::int64_t now);
    // Over every target of `iri`: the latest attempt and pull, and the
    // error of a target whose latest attempt failed.
    LastPull last_pull(const std::string &iri);

    // Team cells whose (piece, role) the course has no live pair for; of one
    // module when `module` is not "". Sorted by module, piece, role.
    std::vector<TeamCell> foreign(const std::string &course, const std::string &iri,
                                  const std::string &module);

private:
    sql::Statement &prepared(int slot, const char *sql);
    std::vector<Change> settle_pairs(const std::string &course, const TeamCell &cell);
    sqlite3 *db_;
    std::string path_;
    std::vector<std::unique_ptr<sql::Statement>> statements_;
};

}  // namespace coursecrew
