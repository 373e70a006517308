// The outbox on the store's SQLite file. See outbox.hpp.
#include "plugin/sync/outbox.hpp"

#include "plugin/store/sql.hpp"

#include <algorithm>

namespace coursecrew {

using sql::Statement;

Outbox::Outbox(sqlite3 *db, std::string path) : db_(db), path_(std::move(path)) {}
Outbox::~Outbox() = default;

// Statements are prepared once per Outbox and reused: a feed may queue
// 20,000 events in one transaction.
Statement &Outbox::prepared(int slot, const char *sql) {
    if (statements_.size() <= static_cast<std::size_t>(slot)) statements_.resize(slot + 1);
    auto &s = statements_[slot];
    if (!s) s = std::make_unique<Statement>(db_, path_, sql);
    return *s;
}

enum Slot {
    kAddEvent, kEventId, kQueue, kPutDocument, kAssignments, kAssign, kUnassign, kProgress,
    kSetProgress, kCells, kPieceTitle, kNextEvent, kLastPublished, kDue, kDueRetried, kMark, kMoveMark,
    kDeliveredRetried, kAttemptFailed, kDeadLetter, kPendingDocs, kDocDelivered, kDocFailed, kCounts,
    kDocCounts, kUnindexed, kIndexed, kAnnounceLater, kSeat,
};

bool Outbox::add_event(const std::string &course, const Event &e,
                       const std::vector<std::string> &targets) {
    prepared(kAddEvent, "INSERT OR IGNORE INTO events (uuid, course, kind, at, body) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)")
        .run("cannot record an event", e.uuid, course, e.kind, e.at, e.body);
    if (sqlite3_changes(db_) == 0) return false;  // said before: nothing new to send
    const std::int64_t id = sqlite3_last_insert_rowid(db_);
    Statement &queue = prepared(kQueue, "INSERT OR IGNORE INTO outbox (target, event) VALUES (?1, ?2)");
    for (const std::string &t : targets) queue.run("cannot queue an event", t, id);
    return true;
}

void Outbox::put_document(const std::string &target, const std::string &course,
                          const std::string &module, const std::string &activity,
                          const std::string &body) {
    prepared(kPutDocument,
             "INSERT INTO documents (target, course, module, activity, body) "
             "VALUES (?1, ?2, ?3, ?4, ?5) "
             "ON CONFLICT (target, course, module) DO UPDATE SET activity = excluded.activity, "
             "body = excluded.body, version = version + 1, pending = 1, dead = 0, attempts = 0, "
             "last_error = '' WHERE body <> excluded.body OR dead = 1")
        .run("cannot queue a status document", target, course, module, activity, body);
}

std::vector<Outbox::Assignment> Outbox::assignments(const std::string &course) {
    Statement &q = prepared(kAssignments, "SELECT module, role, person, agent, since FROM assignments "
                                          "WHERE course = ?1 ORDER BY module, role, person");
    std::vector<Assignment> out;
    q.query(course);
    while (q.next("cannot read assignments"))
        out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.integer(4)});
    return out;
}

void Outbox::assign(const std::string &course, const Assignment &a) {
    prepared(kAssign, "INSERT OR REPLACE INTO assignments (course, module, role, person, agent, since) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .run("cannot record an assignment", course, a.module, a.role, a.person, a.agent, a.since);
}

void Outbox::unassign(const std::string &course, const Assignment &a) {
    prepared(kUnassign, "DELETE FROM assignments WHERE course = ?1 AND module = ?2 AND role = ?3 "
                        "AND person = ?4")
        .run("cannot remove an assignment", course, a.module, a.role, a.person);
}

std::vector<Outbox::Progress> Outbox::progress(const std::string &course) {
    Statement &q = prepared(kProgress, "SELECT module, title, done, total FROM progress WHERE course = ?1");
    std::vector<Progress> out;
    q.query(course);
    while (q.next("cannot read progress")) out.push_back({q.text(0), q.text(1), q.integer(2), q.integer(3)});
    return out;
}

void Outbox::set_progress(const std::string &course, const Progress &p) {
    prepared(kSetProgress, "INSERT OR REPLACE INTO progress (course, module, title, done, total) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)")
        .run("cannot record progress", course, p.module, p.title, p.done, p.total);
}

bool Outbox::last_published_was(const std::string &course, const std::string &digest) {
    Statement &q = prepared(kLastPublished, "SELECT body FROM events WHERE course = ?1 AND kind = 'published' "
                                            "ORDER BY id DESC LIMIT 1");
    q.query(course);
    bool same = false;
    if (q.next("cannot read the last published version")) {
        same = q.view(0).find("\"digest\":\"" + digest + "\"") != std::string_view::npos;
        q.done();
    }
    return same;
}

std::int64_t Outbox::next_event_number() {
    Statement &q = prepared(kNextEvent, "SELECT coalesce(max(id), 0) + 1 FROM events");
    q.query();
    std::int64_t n = 1;
    if (q.next("cannot number an event")) {
        n = q.integer(0);
        q.done();
    }
    return n;
}

std::string Outbox::piece_title(const std::string &course, const std::string &piece) {
    Statement &q = prepared(kPieceTitle, "SELECT title FROM pieces WHERE course = ?1 AND piece = ?2");
    q.query(course, piece);
    std::string title;
    if (q.next("cannot read a piece's title")) {
        title = q.text(0);
        q.done();
    }
    return title;
}

std::vector<DocumentCell> Outbox::cells(const std::string &course, const std::string &module) {
    Statement &q = prepared(kCells,
                            "SELECT p.piece, pc.title, p.role, p.status, p.\"by\", p.note, p.since, "
                            "pc.archived OR p.archived "
                            "FROM pieces pc JOIN pairs p ON p.course = pc.course AND p.piece = pc.piece "
                            "WHERE pc.course = ?1 AND pc.module = ?2 ORDER BY p.piece, p.role");
    std::vector<DocumentCell> out;
    q.query(course, module);
    while (q.next("cannot read a module's pairs"))
        out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.integer(6),
                       q.integer(7) != 0});
    return out;
}

namespace {

// Appends the rows of a (event id, body) query to the batch, up to
// `max_bytes` of statement text past the first.
void fill(Statement &q, std::size_t max_count, std::size_t max_bytes, StatementBatch &batch) {
    std::size_t bytes = 0;
    while (q.next("cannot read the outbox")) {
        const std::string_view body = q.view(1);
        // +1 for the comma between statements in the batch body.
        if (!batch.empty() && bytes + body.size() + 1 > max_bytes) {
            q.done();
            break;
        }
        if (batch.empty()) batch.reserve(max_count, max_bytes);  // no-op once grown
        bytes += body.size() + 1;
        batch.add(q.integer(0), body);
    }
}

}  // namespace

bool Outbox::due(const std::string &target, std::size_t max_count, std::size_t max_bytes,
                 StatementBatch &batch) {
    batch.clear();
    const auto limit = static_cast<std::int64_t>(max_count);
    // Retried dead letters first, found through their own small partial
    // index. (INDEXED BY here and below: without statistics the planner
    // prefers the primary key, and would read every row of the target to
    // find the few with dead = 2.)
    Statement &again = prepared(kDueRetried, "SELECT e.id, e.body FROM outbox o INDEXED BY outbox_retried "
                                             "JOIN events e ON e.id = o.event "
                                             "WHERE o.target = ?1 AND o.dead = 2 ORDER BY o.event LIMIT ?2");
    again.query(target, limit);
    fill(again, max_count, max_bytes, batch);
    if (!batch.empty()) return true;
    // Then the oldest pending rows above the mark: a range of the primary key.
    Statement &q = prepared(kDue, "SELECT e.id, e.body FROM outbox o JOIN events e ON e.id = o.event "
                                  "WHERE o.target = ?1 AND o.dead = 0 AND o.event > ?2 "
                                  "ORDER BY o.event LIMIT ?3");
    q.query(target, mark(target), limit);
    fill(q, max_count, max_bytes, batch);
    return false;
}

std::string Outbox::statement_id(std::int64_t event) {
    Statement q(db_, path_, "SELECT uuid FROM events WHERE id = ?1");
    q.query(event);
    return q.next("cannot read an event") ? q.text(0) : std::string();
}

std::int64_t Outbox::mark(const std::string &target) {
    Statement &q = prepared(kMark, "SELECT through FROM outbox_marks WHERE target = ?1");
    q.query(target);
    std::int64_t through = 0;
    if (q.next("cannot read the outbox")) {
        through = q.integer(0);
        q.done();
    }
    return through;
}

void Outbox::delivered(const std::string &target, const std::vector<std::int64_t> &ids, bool retried) {
    if (ids.empty()) return;
    if (retried) {
        // Few, and not covered by the mark: deleted one by one.
        Statement &d = prepared(kDeliveredRetried,
                                "DELETE FROM outbox WHERE target = ?1 AND dead = 2 AND event = ?2");
        for (std::int64_t id : ids) d.run("cannot clear delivered events", target, id);
        return;
    }
    // The batch was the oldest pending rows above the mark, sent in order
    // (halves of a split too): every pending row up to its last is delivered.
    prepared(kMoveMark, "INSERT INTO outbox_marks (target, through) VALUES (?1, ?2) "
                        "ON CONFLICT (target) DO UPDATE SET through = max(through, excluded.through)")
        .run("cannot clear delivered events", target, *std::max_element(ids.begin(), ids.end()));
}

void Outbox::clear_delivered(const std::string &target) {
    const std::int64_t through = mark(target);
    if (through == 0) return;
    // Can the whole outbox go? Only if nothing in it is still wanted: no
    // dead or retried letters, no other target's rows, nothing of this
    // target above its mark (all answered from indexes, no scan). Then
    // SQLite drops the table's pages at once instead of row by row (on a
    // connection without foreign-key checks, as the worker's is).
    Statement everything(db_, path_,
                         "SELECT EXISTS (SELECT 1 FROM outbox INDEXED BY outbox_dead WHERE dead = 1) "
                         "OR EXISTS (SELECT 1 FROM outbox INDEXED BY outbox_retried WHERE dead = 2) "
                         "OR EXISTS (SELECT 1 FROM outbox WHERE target < ?1) "
                         "OR EXISTS (SELECT 1 FROM outbox WHERE target > ?1) "
                         "OR EXISTS (SELECT 1 FROM outbox WHERE target = ?1 AND event > ?2)");
    everything.query(target, through);
    const bool keep_some = everything.next("cannot read the outbox") && everything.integer(0) != 0;
    everything.done();
    if (keep_some) {
        Statement(db_, path_, "DELETE FROM outbox WHERE target = ?1 AND dead = 0 AND event <= ?2")
            .run("cannot clear delivered events", target, through);
    } else {
        Statement(db_, path_, "DELETE FROM outbox").run("cannot clear delivered events");
    }
    Statement(db_, path_, "DELETE FROM outbox_marks WHERE target = ?1")
        .run("cannot clear delivered events", target);
}

void Outbox::attempt_failed(const std::string &target, const std::vector<std::int64_t> &ids,
                            const std::string &error) {
    Statement &u = prepared(kAttemptFailed, "UPDATE outbox SET attempts = attempts + 1, last_error = ?3 "
                                            "WHERE target = ?1 AND event = ?2");
    for (std::int64_t id : ids) u.run("cannot record a failed attempt", target, id, error);
}

void Outbox::dead_letter(const std::string &target, std::int64_t id, const std::string &reason) {
    prepared(kDeadLetter, "UPDATE outbox SET dead = 1, attempts = attempts + 1, last_error = ?3 "
                          "WHERE target = ?1 AND event = ?2")
        .run("cannot dead-letter an event", target, id, reason);
}

std::vector<PendingDocument> Outbox::pending_documents(const std::string &target) {
    Statement &q = prepared(kPendingDocs, "SELECT course, module, activity, body, version FROM documents "
                                          "WHERE target = ?1 AND pending = 1 AND dead = 0 "
                                          "ORDER BY course, module");
    std::vector<PendingDocument> out;
    q.query(target);
    while (q.next("cannot read pending documents"))
        out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.integer(4)});
    return out;
}

void Outbox::document_delivered(const std::string &target, const PendingDocument &d, bool written) {
    // Only the version sent: a newer one queued meanwhile stays pending. A
    // document written (not one the target already held as merged) waits
    // for the course index to announce it.
    prepared(kDocDelivered, "UPDATE documents SET pending = 0, attempts = 0, last_error = '', "
                            "unindexed = unindexed OR ?5 "
                            "WHERE target = ?1 AND course = ?2 AND module = ?3 AND version = ?4")
        .run("cannot clear a delivered document", target, d.course, d.module, d.version, written ? 1 : 0);
}

std::string Outbox::seat() {
    Statement &q = prepared(kSeat, "SELECT id FROM seat LIMIT 1");
    q.query();
    std::string id;
    if (q.next("cannot read the seat's id")) {
        id = q.text(0);
        q.done();
    }
    return id;
}

void Outbox::announce_later(const std::string &target, const PendingDocument &d) {
    prepared(kAnnounceLater, "UPDATE documents SET unindexed = 1 "
                             "WHERE target = ?1 AND course = ?2 AND module = ?3")
        .run("cannot record a document being written", target, d.course, d.module);
}

std::vector<std::string> Outbox::unindexed(const std::string &target) {
    Statement &q = prepared(kUnindexed, "SELECT DISTINCT module FROM documents "
                                        "WHERE target = ?1 AND unindexed = 1 ORDER BY module");
    std::vector<std::string> out;
    q.query(target);
    while (q.next("cannot read the documents to announce")) out.push_back(q.text(0));
    return out;
}

void Outbox::indexed(const std::string &target, const std::string &module) {
    prepared(kIndexed, "UPDATE documents SET unindexed = 0 WHERE target = ?1 AND module = ?2")
        .run("cannot record an announced document", target, module);
}

void Outbox::document_failed(const std::string &target, const PendingDocument &d,
                             const std::string &error, bool dead) {
    prepared(kDocFailed, "UPDATE documents SET attempts = attempts + 1, last_error = ?4, dead = ?5 "
                         "WHERE target = ?1 AND course = ?2 AND module = ?3")
        .run("cannot record a failed document", target, d.course, d.module, error, dead ? 1 : 0);
}

OutboxCounts Outbox::counts(const std::string &target) {
    OutboxCounts c;
    // Pending: above the mark, plus retried dead letters; each a range of
    // an index, so counting does not scan what was delivered.
    Statement &q = prepared(kCounts,
                            "SELECT (SELECT count(*) FROM outbox "
                            "        WHERE target = ?1 AND dead = 0 AND event > ?2) "
                            "     + (SELECT count(*) FROM outbox INDEXED BY outbox_retried "
                            "        WHERE target = ?1 AND dead = 2), "
                            "       (SELECT count(*) FROM outbox INDEXED BY outbox_dead "
                            "        WHERE target = ?1 AND dead = 1)");
    q.query(target, mark(target));
    if (q.next("cannot count the outbox")) {
        c.pending = q.integer(0);
        c.dead = q.integer(1);
        q.done();
    }
    Statement &d = prepared(kDocCounts, "SELECT total(dead = 0), total(dead = 1) FROM documents "
                                        "WHERE target = ?1 AND (pending = 1 OR unindexed = 1)");
    d.query(target);
    if (d.next("cannot count documents")) {
        c.documents_pending = d.integer(0);
        c.documents_dead = d.integer(1);
        d.done();
    }
    return c;
}

std::vector<OutboxEntry> Outbox::list(bool include_pending) {
    std::vector<OutboxEntry> out;
    Statement q(db_, path_,
                "SELECT o.target, e.kind, e.uuid, o.dead, e.course, o.last_error, o.attempts, e.at "
                "FROM outbox_pending o JOIN events e ON e.id = o.event "
                "WHERE o.dead = 1 OR ?1 = 1 ORDER BY o.dead = 1 DESC, o.target, o.event");
    q.query(include_pending ? 1 : 0);
    while (q.next("cannot list the outbox"))
        out.push_back({q.text(0), q.text(1), q.text(2), q.integer(3) == 1 ? "dead" : "pending", q.text(4), "",
                       q.text(5), q.integer(6), q.integer(7)});
    Statement d(db_, path_,
                "SELECT target, course, module, dead, last_error, attempts FROM documents "
                "WHERE pending = 1 AND (dead = 1 OR ?1 = 1) ORDER BY dead DESC, target, course, module");
    d.query(include_pending ? 1 : 0);
    while (d.next("cannot list documents"))
        out.push_back({d.text(0), "document", "", d.integer(3) ? "dead" : "pending", d.text(1),
                       d.text(2), d.text(4), d.integer(5), 0});
    return out;
}

namespace {

// Runs `sql` once per uuid (or once with NULL when the list is empty: "all").
std::int64_t for_uuids(sqlite3 *db, const std::string &path, const char *sql,
                       const std::vector<std::string> &uuids, const char *what) {
    Statement s(db, path, sql);
    std::int64_t n = 0;
    if (uuids.empty()) {
        s.run(what, sql::Null{});
        return sqlite3_changes(db);
    }
    for (const std::string &u : uuids) {
        s.run(what, u);
        n += sqlite3_changes(db);
    }
    return n;
}

}  // namespace

std::int64_t Outbox::retry(const std::vector<std::string> &uuids) {
    std::int64_t n = for_uuids(db_, path_,
                               "UPDATE outbox SET dead = 2, attempts = 0, last_error = '' WHERE dead = 1 "
                               "AND (?1 IS NULL OR event = (SELECT id FROM events WHERE uuid = ?1))",
                               uuids, "cannot retry a dead letter");
    if (uuids.empty())
        n += for_uuids(db_, path_, "UPDATE documents SET dead = 0, attempts = 0, last_error = '' "
                                   "WHERE dead = 1 AND ?1 IS NULL",
                       {}, "cannot retry a dead document");
    return n;
}

std::int64_t Outbox::drop(const std::vector<std::string> &uuids) {
    std::int64_t n = for_uuids(db_, path_,
                               "DELETE FROM outbox WHERE dead = 1 "
                               "AND (?1 IS NULL OR event = (SELECT id FROM events WHERE uuid = ?1))",
                               uuids, "cannot drop a dead letter");
    if (uuids.empty())
        n += for_uuids(db_, path_, "UPDATE documents SET pending = 0, dead = 0 WHERE dead = 1 AND ?1 IS NULL",
                       {}, "cannot drop a dead document");
    return n;
}

}  // namespace coursecrew
