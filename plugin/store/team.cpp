// The team replica. See team.hpp.
#include "plugin/store/team.hpp"

#include "plugin/store/cell_order.hpp"
#include "plugin/store/sql.hpp"

namespace coursecrew {

using sql::Statement;

namespace {

enum Slot {
    kRemember, kCourses, kGetCell, kPutCell, kPair, kSetPair, kHistory, kModules, kMark, kSetMark,
    kSetEtag, kAttempted, kPulled, kLastPull, kLastError, kForeign, kAdoptable,
};

}  // namespace

TeamReplica::TeamReplica(sqlite3 *db, std::string path) : db_(db), path_(std::move(path)) {}
TeamReplica::~TeamReplica() = default;

Statement &TeamReplica::prepared(int slot, const char *sql) {
    if (statements_.size() <= static_cast<std::size_t>(slot)) statements_.resize(slot + 1);
    auto &s = statements_[slot];
    if (!s) s = std::make_unique<Statement>(db_, path_, sql);
    return *s;
}

void TeamReplica::remember_course(const std::string &course, const std::string &iri) {
    prepared(kRemember, "INSERT INTO course_iris (course, iri) VALUES (?1, ?2) "
                        "ON CONFLICT (course) DO UPDATE SET iri = excluded.iri WHERE iri <> excluded.iri")
        .run("cannot remember the course IRI", course, iri);
}

std::vector<std::string> TeamReplica::courses(const std::string &iri) {
    Statement &q = prepared(kCourses, "SELECT course FROM course_iris WHERE iri = ?1 ORDER BY course");
    q.query(iri);
    std::vector<std::string> out;
    while (q.next("cannot read the course IRIs")) out.push_back(q.text(0));
    return out;
}

std::vector<Change> TeamReplica::settle_pairs(const std::string &course, const TeamCell &cell) {
    const CellVersion team{cell.status, cell.by, cell.note, cell.at};
    if (untouched(team)) return {};  // tells a pair nothing it does not know
    Statement &q = prepared(kPair, "SELECT p.status, p.\"by\", p.note, p.since, pc.module, p.fingerprint "
                                   "FROM pairs p JOIN pieces pc ON pc.course = p.course AND pc.piece = p.piece "
                                   "WHERE p.course = ?1 AND p.piece = ?2 AND p.role = ?3");
    q.query(course, cell.piece, cell.role);
    if (!q.next("cannot read a pair")) return {};
    Status from;
    if (!parse_status(q.view(0), from)) from = Status::NotStarted;
    const CellVersion local{q.view(0), q.view(1), q.view(2), q.integer(3)};
    if (compare_cells(team, local) <= 0) {
        q.done();
        return {};
    }
    const std::string module = q.text(4), fingerprint = q.text(5);
    q.done();
    Status to;
    parse_status(cell.status, to);  // merge() and adopt() pass valid statuses only
    prepared(kSetPair, "UPDATE pairs SET status = ?4, \"by\" = ?5, note = ?6, since = ?7, remote = 1, "
                       "done_fingerprint = CASE WHEN ?4 = 'done' THEN fingerprint ELSE done_fingerprint END "
                       "WHERE course = ?1 AND piece = ?2 AND role = ?3")
        .run("cannot merge a pulled status", course, cell.piece, cell.role, cell.status, cell.by, cell.note,
             cell.at);
    prepared(kHistory, "INSERT INTO history (course, piece, role, from_status, to_status, \"by\", note, at, "
                       "fingerprint, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pulled')")
        .run("cannot record history", course, cell.piece, cell.role, to_string(from), cell.status, cell.by,
             cell.note, cell.at, fingerprint);
    return {Change{cell.piece, module, cell.role, from, to, cell.by, cell.note, "pulled",
                   sqlite3_last_insert_rowid(db_)}};
}

std::vector<Change> TeamReplica::merge(const std::string &iri, const std::vector<TeamCell> &cells,
                                       std::size_t *team_cells_changed) {
    const std::vector<std::string> local_courses = courses(iri);
    std::vector<Change> out;
    std::size_t changed = 0;
    Statement &get = prepared(kGetCell, "SELECT status, \"by\", note, at, module, title FROM team_cells "
                                        "WHERE iri = ?1 AND piece = ?2 AND role = ?3");
    for (const TeamCell &cell : cells) {
        Status ignored;
        if (!parse_status(cell.status, ignored)) continue;  // not a status this version knows: leave it
        get.query(iri, cell.piece, cell.role);
        if (get.next("cannot read a team cell")) {
            const CellVersion known{get.view(0), get.view(1), get.view(2), get.integer(3)};
            const int order = compare_cells({cell.status, cell.by, cell.note, cell.at}, known);
            const bool moved = get.view(4) != cell.module || get.view(5) != cell.title;
            get.done();
            // An older (or the same) version: the pairs already took the
            // known one, or will when their piece is published (adopt).
            if (order < 0 || (order == 0 && !moved)) continue;
        }
        prepared(kPutCell, "INSERT INTO team_cells (iri, piece, role, module, title, status, \"by\", note, at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                           "ON CONFLICT (iri, piece, role) DO UPDATE SET module = excluded.module, "
                           "title = excluded.title, status = excluded.status, \"by\" = excluded.\"by\", "
                           "note = excluded.note, at = excluded.at")
            .run("cannot store a team cell", iri, cell.piece, cell.role, cell.module, cell.title, cell.status,
                 cell.by, cell.note, cell.at);
        ++changed;
        for (const std::string &course : local_courses)
            for (Change &c : settle_pairs(course, cell)) out.push_back(std::move(c));
    }
    if (team_cells_changed) *team_cells_changed = changed;
    return out;
}

std::vector<Change> TeamReplica::adopt(const std::string &course, const std::string &iri) {
    // The candidates: team cells whose pair differs at all (settle_pairs
    // decides which side wins).
    Statement &q = prepared(kAdoptable,
                            "SELECT t.module, t.piece, t.title, t.role, t.status, t.\"by\", t.note, t.at "
                            "FROM team_cells t JOIN pairs p ON p.course = ?1 AND p.piece = t.piece "
                            "AND p.role = t.role WHERE t.iri = ?2 AND (p.status <> t.status OR "
                            "p.\"by\" <> t.\"by\" OR p.note <> t.note OR p.since <> t.at)");
    q.query(course, iri);
    std::vector<TeamCell> candidates;
    while (q.next("cannot read the team cells"))
        candidates.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6),
                              q.integer(7)});
    std::vector<Change> out;
    for (const TeamCell &cell : candidates)
        for (Change &c : settle_pairs(course, cell)) out.push_back(std::move(c));
    return out;
}

std::vector<std::string> TeamReplica::modules(const std::string &iri) {
    Statement &q = prepared(kModules, "SELECT module FROM team_cells WHERE iri = ?1 UNION "
                                      "SELECT pc.module FROM pieces pc JOIN course_iris c ON c.course = pc.course "
                                      "WHERE c.iri = ?1 AND pc.archived = 0 ORDER BY 1");
    q.query(iri);
    std::vector<std::string> out;
    while (q.next("cannot read the modules")) out.push_back(q.text(0));
    return out;
}

TeamReplica::Mark TeamReplica::mark(const std::string &target, const std::string &iri, const std::string &module) {
    Statement &q = prepared(kMark, "SELECT token, etag FROM pull_state WHERE target = ?1 AND iri = ?2 AND module = ?3");
    q.query(target, iri, module);
    Mark m;
    if (q.next("cannot read the pull state")) {
        m = {true, q.text(0), q.text(1)};
        q.done();
    }
    return m;
}

void TeamReplica::set_mark(const std::string &target, const std::string &iri, const std::string &module,
                           const std::string &token, const std::string &etag) {
    prepared(kSetMark, "INSERT INTO pull_state (target, iri, module, token, etag) VALUES (?1, ?2, ?3, ?4, ?5) "
                       "ON CONFLICT (target, iri, module) DO UPDATE SET token = excluded.token, etag = excluded.etag")
        .run("cannot record the pull state", target, iri, module, token, etag);
}

void TeamReplica::set_etag(const std::string &target, const std::string &iri, const std::string &module,
                           const std::string &etag) {
    // A new row keeps no token: the module's index entry is not known yet.
    prepared(kSetEtag, "INSERT INTO pull_state (target, iri, module, token, etag) VALUES (?1, ?2, ?3, '', ?4) "
                       "ON CONFLICT (target, iri, module) DO UPDATE SET etag = excluded.etag")
        .run("cannot record the pull state", target, iri, module, etag);
}

void TeamReplica::pull_attempted(const std::string &target, const std::string &iri, std::int64_t now,
                                 const std::string &error) {
    prepared(kAttempted, "INSERT INTO pulls (target, iri, attempted_at, error) VALUES (?1, ?2, ?3, ?4) "
                         "ON CONFLICT (target, iri) DO UPDATE SET attempted_at = excluded.attempted_at, "
                         "error = excluded.error")
        .run("cannot record a pull", target, iri, now, error);
}

void TeamReplica::pulled(const std::string &target, const std::string &iri, std::int64_t now) {
    prepared(kPulled, "INSERT INTO pulls (target, iri, attempted_at, pulled_at, error) VALUES (?1, ?2, ?3, ?3, '') "
                      "ON CONFLICT (target, iri) DO UPDATE SET attempted_at = excluded.attempted_at, "
                      "pulled_at = excluded.pulled_at, error = ''")
        .run("cannot record a pull", target, iri, now);
}

LastPull TeamReplica::last_pull(const std::string &iri) {
    LastPull out;
    Statement &q = prepared(kLastPull, "SELECT coalesce(max(attempted_at), 0), coalesce(max(pulled_at), 0) "
                                       "FROM pulls WHERE iri = ?1");
    q.query(iri);
    if (q.next("cannot read the pulls")) {
        out.attempted_at = q.integer(0);
        out.pulled_at = q.integer(1);
        q.done();
    }
    Statement &e = prepared(kLastError, "SELECT target, error FROM pulls WHERE iri = ?1 AND error <> '' "
                                        "ORDER BY attempted_at DESC, target LIMIT 1");
    e.query(iri);
    if (e.next("cannot read the pulls")) {
        out.error = e.text(0) + ": " + e.text(1);
        e.done();
    }
    return out;
}

std::vector<TeamCell> TeamReplica::foreign(const std::string &course, const std::string &iri,
                                           const std::string &module) {
    Statement &q = prepared(kForeign,
                            "SELECT t.module, t.piece, t.title, t.role, t.status, t.\"by\", t.note, t.at "
                            "FROM team_cells t WHERE t.iri = ?1 AND (?3 = '' OR t.module = ?3) "
                            "AND NOT EXISTS (SELECT 1 FROM pairs p JOIN pieces pc ON pc.course = p.course "
                            "AND pc.piece = p.piece WHERE p.course = ?2 AND p.piece = t.piece "
                            "AND p.role = t.role AND p.archived = 0 AND pc.archived = 0) "
                            "ORDER BY t.module, t.piece, t.role");
    q.query(iri, course, module);
    std::vector<TeamCell> out;
    while (q.next("cannot read the team cells"))
        out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.integer(7)});
    return out;
}

}  // namespace coursecrew
