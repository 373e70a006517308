// The outbox: what still has to reach each LMS target, kept in the status
// store's file (tables created by the store's migrations v3 and v5) so that
// events are written in the same transaction as the change that caused
// them, and survive crashes and restarts.
//
//   events       one xAPI statement per event, under its deterministic id;
//                kept after delivery as the record of what was said.
//   outbox       (target, event) rows still to deliver. dead: 0 pending,
//                1 refused by the target (a dead letter, waiting for a
//                person: `coursecrew outbox --retry/--drop`), 2 a dead letter
//                a person retried (pending again).
//   outbox_marks per target, the event id through which its pending (dead
//                = 0) rows were delivered. A batch is always the oldest
//                pending rows, sent in order, so its delivery only moves the
//                mark: one small write instead of deleting 500 rows. When the
//                target has nothing left to send, the worker deletes the
//                rows under its mark in bulk (clear_delivered).
//   outbox_pending (a view) what is really still in the outbox.
//   documents    the per-module status document each target should hold;
//                `version` grows at every change, so a delivery clears
//                `pending` only for the version it sent; `unindexed` until
//                the course index announces the write (pull.hpp).
//   assignments, progress   what was last announced, to announce changes only.
//
// Outbox wraps a connection it does not own. Methods throw sql::Error; the
// feed runs them inside a store transaction, the worker on its own connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "plugin/sync/events.hpp"
#include "plugin/sync/target.hpp"

typedef struct sqlite3 sqlite3;

namespace coursecrew {

namespace sql { class Statement; }

struct PendingDocument {
    std::string course, module, activity, body;
    std::int64_t version = 0;
};

struct OutboxEntry {  // for listing
    std::string target, kind, uuid, state;  // state: "pending" | "dead"
    std::string course, module, error;      // module only for documents
    std::int64_t attempts = 0, at = 0;
};

struct OutboxCounts {
    std::int64_t pending = 0, dead = 0, documents_pending = 0, documents_dead = 0;
};

class Outbox {
public:
    Outbox(sqlite3 *db, std::string path);
    ~Outbox();
    Outbox(const Outbox &) = delete;
    Outbox &operator=(const Outbox &) = delete;

    // ---- the feed (inside a write transaction) ----
    // Records the event and queues it for every target; false (nothing
    // queued) when an event with this id was recorded before.
    bool add_event(const std::string &course, const Event &event,
                   const std::vector<std::string> &targets);
    void put_document(const std::string &target, const std::string &course,
                      const std::string &module, const std::string &activity,
                      const std::string &body);

    struct Assignment {
        std::string module, role, person, agent;
        std::int64_t since = 0;
    };
    std::vector<Assignment> assignments(const std::string &course);
    void assign(const std::string &course, const Assignment &a);
    void unassign(const std::string &course, const Assignment &a);

    struct Progress {
        std::string module, title;
        std::int64_t done = 0, total = 0;
    };
    std::vector<Progress> progress(const std::string &course);
    void set_progress(const std::string &course, const Progress &p);

    // Whether the course's last "published" event was for this content digest.
    bool last_published_was(const std::string &course, const std::string &digest);

    // The number the next recorded event gets (1 + the largest so far).
    std::int64_t next_event_number();

    // The piece's title as last published ("" when unknown).
    std::string piece_title(const std::string &course, const std::string &piece);

    // The module's (piece, role) cells, grouped by piece; archived ones too
    // (flagged), for the document: a change made just before its piece left
    // the package must still reach the team.
    std::vector<DocumentCell> cells(const std::string &course, const std::string &module);

    // ---- the worker ----
    // The oldest pending statements of a target into `batch` (cleared
    // first): at most `max_count`, and (past the first) `max_bytes` of
    // statement text. Retried dead letters come first, in batches of their
    // own; returns true for such a batch (pass it on to delivered()).
    bool due(const std::string &target, std::size_t max_count, std::size_t max_bytes,
             StatementBatch &batch);
    // The statement id (UUID) of an event, "" if it is gone.
    std::string statement_id(std::int64_t event);
    // A batch (or a part of one, split in order) from due() was accepted.
    void delivered(const std::string &target, const std::vector<std::int64_t> &ids, bool retried);
    // The target's mark (0: none): its pending rows up to it were delivered.
    std::int64_t mark(const std::string &target);
    // For a target with nothing left to send: deletes its delivered rows
    // and its mark. Cheapest when the whole outbox was delivered.
    void clear_delivered(const std::string &target);
    void attempt_failed(const std::string &target, const std::vector<std::int64_t> &ids,
                        const std::string &error);
    void dead_letter(const std::string &target, std::int64_t id, const std::string &reason);
    std::vector<PendingDocument> pending_documents(const std::string &target);
    // `written`: the document was written (not found already as merged), so
    // the course index must announce it (see pull.hpp).
    void document_delivered(const std::string &target, const PendingDocument &d, bool written = true);
    // This store's random id (see EventContext::seat).
    std::string seat();
    // Just before a document is written: the course index must announce the
    // module even if the write's answer is lost (see pull.hpp).
    void announce_later(const std::string &target, const PendingDocument &d);
    // Modules whose delivered documents the course index does not announce yet.
    std::vector<std::string> unindexed(const std::string &target);
    void indexed(const std::string &target, const std::string &module);
    void document_failed(const std::string &target, const PendingDocument &d,
                         const std::string &error, bool dead);
    OutboxCounts counts(const std::string &target);

    // ---- people (coursecrew outbox) ----
    std::vector<OutboxEntry> list(bool include_pending);
    // Dead letters (and dead documents) back to pending; `uuids` empty = all.
    // Returns how many.
    std::int64_t retry(const std::vector<std::string> &uuids);
    std::int64_t drop(const std::vector<std::string> &uuids);

private:
    sql::Statement &prepared(int slot, const char *sql);
    sqlite3 *db_;
    std::string path_;
    std::vector<std::unique_ptr<sql::Statement>> statements_;
};

}  // namespace coursecrew
