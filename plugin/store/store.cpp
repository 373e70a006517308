// The status store on the SQLite C API. See store.hpp for the contract.
//
// Schema (version 1):
//   pieces   one row per piece a publish ever named; never deleted, archived
//            when the piece leaves the package.
//   pairs    one row per (piece, role): the current status, who set it, when,
//            the current fingerprint and the fingerprint it had when it was
//            marked done (to detect a change after done).
//   history  every change, oldest first (id order), with the fingerprint of
//            the moment and its kind: added, status,
//            content_changed_after_done, archived, restored.
//
// Internally errors are exceptions (StoreError) so the SQL reads straight;
// each public method catches them, rolls back and reports through `error`.
#include "plugin/store/store.hpp"

#include "plugin/store/sql.hpp"
#include "plugin/model/text_index.hpp"

#include <sqlite3.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <filesystem>
#include <stdexcept>
#include <tuple>
#include <thread>
#include <unordered_map>
#include <utility>

namespace coursecrew {

namespace {

using sql::DbHandle;
using sql::Null;
using sql::Statement;
using sql::Transaction;
using sql::exec;
using sql::fail;
using StoreError = sql::Error;

constexpr const char *kAutomatic = "coursecrew";  // `by` of changes the store makes itself
constexpr const char *kChangedNote = "content changed after done";

// ---------------------------------------------------------------------------
// Schema migrations, keyed on PRAGMA user_version. Append new versions; never
// edit a shipped one.

struct Migration {
    int version;
    const char *sql;
};

// Migration v8 (see its comment in kMigrations). The tallying runs as the
// body of two triggers: on history (every new row) and on the view
// tally_feed (the back-fill, and publish's 'moved' rows). NEW has the same
// columns in both. Each statement reads and writes different tables (an
// INSERT that reads its own table would go through a temporary copy).
const std::string kTallyBody = R"sql(
    SELECT RAISE(ABORT, 'history names a (piece, role) pair the store does not hold')
    WHERE NOT EXISTS (SELECT 1 FROM pairs WHERE course = NEW.course AND piece = NEW.piece AND role = NEW.role);
    -- The piece moved to another module: its counts leave the old one.
    INSERT INTO daily_tallies (course, module, role, day, done_delta, total_delta)
    SELECT NEW.course, pt.module, NEW.role, (NEW.at - ((NEW.at % 86400) + 86400) % 86400) / 86400,
           -pt.done, -pt.total
    FROM pair_tallies pt JOIN pieces pc ON pc.course = pt.course AND pc.piece = pt.piece
    WHERE pt.course = NEW.course AND pt.piece = NEW.piece AND pt.role = NEW.role
      AND pt.module <> pc.module AND (pt.done <> 0 OR pt.total <> 0)
    ON CONFLICT (course, module, role, day) DO UPDATE SET
        done_delta = done_delta + excluded.done_delta, total_delta = total_delta + excluded.total_delta;
    -- The change, in the piece's module.
    INSERT INTO daily_tallies (course, module, role, day, done_delta, total_delta)
    SELECT NEW.course, module, NEW.role, (NEW.at - ((NEW.at % 86400) + 86400) % 86400) / 86400,
           present * (NEW.to_status = 'done') - done_before, present - total_before
    FROM (SELECT pc.module AS module,
                 CASE WHEN pt.module = pc.module THEN pt.total ELSE 0 END AS total_before,
                 CASE WHEN pt.module = pc.module THEN pt.done ELSE 0 END AS done_before,
                 CASE WHEN NEW.kind IN ('added', 'restored') THEN 1 WHEN NEW.kind = 'archived' THEN 0
                      ELSE coalesce(pt.total, 0) END AS present
          FROM pieces pc LEFT JOIN pair_tallies pt
            ON pt.course = NEW.course AND pt.piece = NEW.piece AND pt.role = NEW.role
          WHERE pc.course = NEW.course AND pc.piece = NEW.piece)
    WHERE present * (NEW.to_status = 'done') <> done_before OR present <> total_before
    ON CONFLICT (course, module, role, day) DO UPDATE SET
        done_delta = done_delta + excluded.done_delta, total_delta = total_delta + excluded.total_delta;
    -- What the pair counts for now.
    INSERT INTO pair_tallies (course, piece, role, module, total, done)
    SELECT NEW.course, NEW.piece, NEW.role, pc.module, NEW.kind IN ('added', 'restored'),
           (NEW.kind IN ('added', 'restored')) * (NEW.to_status = 'done')
    FROM pieces pc WHERE pc.course = NEW.course AND pc.piece = NEW.piece
    ON CONFLICT (course, piece, role) DO UPDATE SET
        module = excluded.module,
        total = CASE WHEN NEW.kind IN ('added', 'restored') THEN 1 WHEN NEW.kind = 'archived' THEN 0 ELSE total END,
        done = CASE WHEN NEW.kind IN ('added', 'restored') THEN 1 WHEN NEW.kind = 'archived' THEN 0 ELSE total END
               * (NEW.to_status = 'done');
)sql";

const std::string kTalliesV8 = R"sql(
CREATE TABLE daily_tallies (
    course      TEXT NOT NULL,
    module      TEXT NOT NULL,
    role        TEXT NOT NULL,
    day         INTEGER NOT NULL,
    done_delta  INTEGER NOT NULL DEFAULT 0,
    total_delta INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (course, module, role, day)
) WITHOUT ROWID;
CREATE TABLE pair_tallies (
    course TEXT NOT NULL,
    piece  TEXT NOT NULL,
    role   TEXT NOT NULL,
    module TEXT NOT NULL,
    total  INTEGER NOT NULL,
    done   INTEGER NOT NULL,
    PRIMARY KEY (course, piece, role)
) WITHOUT ROWID;
CREATE VIEW tally_feed AS
    SELECT course, piece, role, kind, to_status, at FROM history WHERE 0;
CREATE TRIGGER tally_feed_insert INSTEAD OF INSERT ON tally_feed WHEN NEW.role <> '' BEGIN)sql" +
                                  kTallyBody + R"sql(END;
INSERT INTO tally_feed (course, piece, role, kind, to_status, at)
    SELECT course, piece, role, kind, to_status, at FROM history WHERE role <> '' ORDER BY id;
CREATE TRIGGER history_tally AFTER INSERT ON history WHEN NEW.role <> '' BEGIN)sql" +
                                  kTallyBody + "END;\n";

const Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE pieces (
    course   TEXT NOT NULL,
    piece    TEXT NOT NULL,
    module   TEXT NOT NULL DEFAULT '',
    title    TEXT NOT NULL DEFAULT '',
    archived INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (course, piece)
) WITHOUT ROWID;

CREATE TABLE pairs (
    course           TEXT NOT NULL,
    piece            TEXT NOT NULL,
    role             TEXT NOT NULL,
    status           TEXT NOT NULL,
    "by"             TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    since            INTEGER NOT NULL DEFAULT 0,
    fingerprint      TEXT NOT NULL DEFAULT '',
    done_fingerprint TEXT NOT NULL DEFAULT '',
    archived         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (course, piece, role),
    FOREIGN KEY (course, piece) REFERENCES pieces (course, piece)
) WITHOUT ROWID;

CREATE TABLE history (
    id          INTEGER PRIMARY KEY,
    course      TEXT NOT NULL,
    piece       TEXT NOT NULL,
    role        TEXT NOT NULL,
    from_status TEXT,              -- NULL when the pair was added
    to_status   TEXT NOT NULL,
    "by"        TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    at          INTEGER NOT NULL,
    fingerprint TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL
);
-- History of one pair (or piece), in id order: the rowid ends every index entry.
CREATE INDEX history_by_pair ON history (course, piece, role);
)sql"},
    // v2: what the piece's last publish said (module, title, roles and their
    // fingerprints), hashed; an equal signature lets a publish skip the piece's
    // pairs without reading them.
    {2, R"sql(
ALTER TABLE pieces ADD COLUMN signature TEXT NOT NULL DEFAULT '';
)sql"},
    // v3: the outbox (see outbox.hpp). events: what happened, one xAPI
    // statement each under its deterministic id; outbox: which target still
    // has to receive which event (a row goes when delivered; dead rows were
    // refused and wait for a person); documents: the per-module status
    // document each target should hold; assignments and progress: what was
    // last announced, to announce only changes.
    {3, R"sql(
CREATE TABLE events (
    id      INTEGER PRIMARY KEY,
    uuid    TEXT NOT NULL UNIQUE,
    course  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    at      INTEGER NOT NULL,
    body    TEXT NOT NULL
);
CREATE TABLE outbox (
    target     TEXT NOT NULL,
    event      INTEGER NOT NULL REFERENCES events (id),
    dead       INTEGER NOT NULL DEFAULT 0,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (target, event)
) WITHOUT ROWID;
CREATE TABLE documents (
    target     TEXT NOT NULL,
    course     TEXT NOT NULL,
    module     TEXT NOT NULL,
    activity   TEXT NOT NULL,
    body       TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    pending    INTEGER NOT NULL DEFAULT 1,
    dead       INTEGER NOT NULL DEFAULT 0,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (target, course, module)
) WITHOUT ROWID;
CREATE TABLE assignments (
    course  TEXT NOT NULL,
    module  TEXT NOT NULL,
    role    TEXT NOT NULL,
    person  TEXT NOT NULL,
    agent   TEXT NOT NULL,
    since   INTEGER NOT NULL,
    PRIMARY KEY (course, module, role, person)
) WITHOUT ROWID;
CREATE TABLE progress (
    course  TEXT NOT NULL,
    module  TEXT NOT NULL,
    title   TEXT NOT NULL DEFAULT '',
    done    INTEGER NOT NULL,
    total   INTEGER NOT NULL,
    PRIMARY KEY (course, module)
) WITHOUT ROWID;
CREATE INDEX pieces_by_module ON pieces (course, module);
)sql"},
    // v4: file digests remembered between publishes (see digest_cache.hpp),
    // per package location and file path.
    {4, R"sql(
CREATE TABLE file_digests (
    package   TEXT NOT NULL,
    path      TEXT NOT NULL,
    size      INTEGER NOT NULL,
    stamp     INTEGER NOT NULL,
    hashed_at INTEGER NOT NULL,
    sha256    TEXT NOT NULL,
    PRIMARY KEY (package, path)
) WITHOUT ROWID;
)sql"},
    // v5: delivery marks (see outbox.hpp). A target's pending rows up to its
    // mark were delivered: the worker moves the mark per batch and deletes
    // the rows in bulk once the target has nothing left to send, instead of
    // one by one per batch. dead = 2 marks a dead letter a person retried
    // (pending, but not covered by the mark). outbox_pending is what is
    // really still in the outbox, for people and tests reading the store.
    {5, R"sql(
CREATE TABLE outbox_marks (
    target  TEXT PRIMARY KEY,
    through INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX outbox_dead ON outbox (target, event) WHERE dead = 1;
CREATE INDEX outbox_retried ON outbox (target, event) WHERE dead = 2;
CREATE VIEW outbox_pending AS
    SELECT o.* FROM outbox o LEFT JOIN outbox_marks m ON m.target = o.target
    WHERE o.dead <> 0 OR o.event > coalesce(m.through, 0);
)sql"},
    // v6: where each course's pieces come from (the manifest: tool '', or an
    // authoring tool's structure), and a notice the next review shows once
    // when that changes (see Store::note_source).
    {6, R"sql(
CREATE TABLE sources (
    course TEXT PRIMARY KEY,
    tool   TEXT NOT NULL DEFAULT '',
    notice TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
)sql"},

    // v7: one team, many seats (see team.hpp). The store is a replica of the
    // team's state in the LRS: team_cells holds every (piece, role) cell of
    // the module documents pulled (or read before a write), including pieces
    // this seat's package does not have; pull_state what each module's index
    // entry and document were when last merged; pulls when each target was
    // last pulled; course_iris which course IRI a course key is synced under.
    // pairs.remote marks a status last set on another seat;
    // documents.unindexed a delivered document the course index does not
    // announce yet. seat: this store's random id, part of a status change's
    // statement id (two seats' changes never share one).
    {7, R"sql(
ALTER TABLE pairs ADD COLUMN remote INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN unindexed INTEGER NOT NULL DEFAULT 0;
CREATE TABLE course_iris (
    course TEXT PRIMARY KEY,
    iri    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX course_iris_by_iri ON course_iris (iri);
CREATE TABLE team_cells (
    iri    TEXT NOT NULL,
    piece  TEXT NOT NULL,
    role   TEXT NOT NULL,
    module TEXT NOT NULL,
    title  TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    "by"   TEXT NOT NULL DEFAULT '',
    note   TEXT NOT NULL DEFAULT '',
    at     INTEGER NOT NULL,
    PRIMARY KEY (iri, piece, role)
) WITHOUT ROWID;
CREATE INDEX team_cells_by_module ON team_cells (iri, module);
CREATE TABLE pull_state (
    target TEXT NOT NULL,
    iri    TEXT NOT NULL,
    module TEXT NOT NULL,
    token  TEXT NOT NULL DEFAULT '',
    etag   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (target, iri, module)
) WITHOUT ROWID;
CREATE TABLE seat (
    id TEXT PRIMARY KEY
) WITHOUT ROWID;
INSERT INTO seat (id) VALUES (lower(hex(randomblob(16))));
CREATE TABLE pulls (
    target       TEXT NOT NULL,
    iri          TEXT NOT NULL,
    attempted_at INTEGER NOT NULL DEFAULT 0,
    pulled_at    INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (target, iri)
) WITHOUT ROWID;
)sql"},
    // v8: daily tallies for the progress charts and the forecast (issue 14,
    // plugin/forecast/forecast.hpp). daily_tallies: per (course, module, role,
    // UTC day) the change that day in pairs done (done_delta) and in pairs
    // present (total_delta). pair_tallies: what each pair counts for now
    // (its module, 1/0 present, 1/0 done), so each history row adds exactly
    // the difference. Kept by a trigger on every history insert, in the same
    // transaction: no writer can forget it. The rules (tally_feed's trigger):
    //   added, restored         the pair is present, done when to_status is done
    //   archived                the pair is gone (counts nothing)
    //   any other kind          present as before; done when to_status is done
    // so a change on an archived pair (a pulled status) counts nothing until
    // it is restored; a pair whose piece moved to another module moves its
    // counts there (publish feeds a 'moved' row for renamed pieces). Rows of
    // a piece without pairs (role '') count nothing. The day is
    // floor(at / 86400). The module is the piece's current module. Existing
    // history is replayed into the tallies, in id order.
    {8, kTalliesV8.c_str()},
};

constexpr int kLatestVersion = 8;

int user_version(sqlite3 *db, const std::string &path) {
    Statement st(db, path, "PRAGMA user_version");
    st.query();
    int v = 0;
    if (st.next("cannot read the schema version")) v = static_cast<int>(st.integer(0));
    st.done();
    return v;
}

void migrate(sqlite3 *db, const std::string &path) {
    int current = user_version(db, path);
    if (current > kLatestVersion)
        throw StoreError("status store " + path + " was created by a newer coursecrew (schema version " +
                         std::to_string(current) + "; this build knows up to version " +
                         std::to_string(kLatestVersion) + ")");
    for (const Migration &m : kMigrations) {
        if (m.version <= current) continue;
        Transaction tx(db, path, "migrating the status store");
        // Another process may have migrated while we waited for the lock.
        current = user_version(db, path);
        if (current >= m.version) continue;
        exec(db, path, m.sql,
             ("cannot migrate the status store to version " + std::to_string(m.version)).c_str());
        // PRAGMA takes no parameters; the value is our own constant.
        exec(db, path, ("PRAGMA user_version = " + std::to_string(m.version)).c_str(),
             "cannot record the schema version");
        tx.commit("migrating the status store");
        current = m.version;
    }
}

// ---------------------------------------------------------------------------

bool valid(Status s) {
    switch (s) {
    case Status::NotStarted: case Status::InProgress: case Status::InReview:
    case Status::Done: case Status::Blocked:
        return true;
    }
    return false;
}

// Statuses are stored as text; anything else in the file is corruption (or a
// newer build's status) and is reported, not guessed.
Status read_status(std::string_view text, const std::string &path, const char *where) {
    Status s;
    if (!parse_status(text, s))
        throw StoreError("status store " + path + ": unknown status \"" + std::string(text) +
                         "\" in " + where);
    return s;
}

}  // namespace

const char *to_string(Status s) {
    switch (s) {
    case Status::NotStarted: return "not_started";
    case Status::InProgress: return "in_progress";
    case Status::InReview: return "in_review";
    case Status::Done: return "done";
    case Status::Blocked: return "blocked";
    }
    return "unknown";
}

bool parse_status(std::string_view text, Status &out) {
    static constexpr Status all[] = {Status::NotStarted, Status::InProgress, Status::InReview,
                                     Status::Done, Status::Blocked};
    for (Status s : all)
        if (text == to_string(s)) {
            out = s;
            return true;
        }
    return false;
}

// ---------------------------------------------------------------------------
// Opening

Store::~Store() { sqlite3_close_v2(db_); }

std::unique_ptr<Store> Store::open(const std::string &path, std::string &error, Threads threads) {
    error.clear();
    try {
        namespace fs = std::filesystem;
        fs::path parent = fs::path(path).parent_path();
        if (!parent.empty()) {
            std::error_code ec;
            fs::create_directories(parent, ec);
            if (ec)
                throw StoreError("cannot create the folder " + parent.string() +
                                 " for the status store " + path + ": " + ec.message());
        }

        sqlite3 *raw = nullptr;
        const int mutex = threads == Threads::One ? SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_FULLMUTEX;
        int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | mutex,
                                 nullptr);
        DbHandle db(raw);  // closes it on any error below, even a failed open
        if (rc != SQLITE_OK) fail(raw, path, "cannot open the status store");
        sqlite3_extended_result_codes(raw, 1);

        // Wait for other writers (the CLI and the plugin share the file)
        // instead of failing at once. Set first: switching to WAL needs a lock.
        sqlite3_busy_timeout(raw, 10000);
        // WAL: readers never block the writer nor it them. (Where the file
        // system cannot share memory SQLite keeps its rollback journal;
        // transactions and the busy timeout still keep that safe.)
        // Changing the journal mode can answer SQLITE_BUSY at once, without the
        // busy handler, while another connection is creating the same new
        // file: retry for as long as the busy timeout would have waited.
        for (int attempt = 0;; ++attempt) {
            try {
                Statement wal(raw, path, "PRAGMA journal_mode = WAL");
                wal.query();
                while (wal.next("cannot switch the status store to WAL")) {
                }
                break;
            } catch (const std::exception &) {
                const int code = sqlite3_errcode(raw) & 0xff;  // primary code
                if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || attempt >= 1000) throw;
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
        // NORMAL is durable enough in WAL mode (a power cut may lose the last
        // commits, never corrupt) and spares an fsync on every commit.
        exec(raw, path, "PRAGMA synchronous = NORMAL", "cannot set synchronous mode");
        exec(raw, path, "PRAGMA foreign_keys = ON", "cannot enable foreign keys");
        // A 20,000-piece first publish touches ~20 MB of pages; a bigger cache
        // (used only as needed) keeps them from spilling mid-transaction.
        exec(raw, path, "PRAGMA cache_size = -32768", "cannot set the cache size");

        migrate(raw, path);
        return std::unique_ptr<Store>(new Store(db.release(), path));
    } catch (const std::exception &e) {
        error = e.what();
        return nullptr;
    }
}

// ---------------------------------------------------------------------------
// Publish
//
// A publish compares what the package says (the records) with what the store
// holds and writes only the differences. Big courses (20,000 pieces, 60,000
// pairs) must stay fast, so the records are indexed in a hash map whose keys
// point into the caller's strings (no copies), the store's pieces and pairs
// are streamed past it in two queries and compared column by column in place,
// and only what changed is written, with statements prepared once.

namespace {

// What the store holds for one published piece or pair, found while scanning.
struct PieceSlot {
    bool stored = false;    // the store knows the piece
    bool archived = false;  // ... archived: it is coming back
    bool renamed = false;   // ... its module or title changed
    bool same = false;      // ... and this publish says exactly what the last one did
};

// A piece record's signature: its module, title, roles and their
// fingerprints, length-prefixed (no two records encode alike), hashed to 64
// bits and spelled as 16 hex digits. Equal signatures mean nothing about the
// piece changed. The fields are hashed where they lie, 8 bytes at a time:
// no text is built per record. (Stores written by an older build hold
// another hash; those pieces just read their pairs once more.)
class SignatureHash {
public:
    void add(std::string_view s) {
        mix(s.size());
        std::size_t i = 0;
        for (; i + 8 <= s.size(); i += 8) {
            std::uint64_t w;
            std::memcpy(&w, s.data() + i, 8);
            mix(w);
        }
        if (i < s.size()) {  // the last 1 to 7 bytes, zero-padded (the length tells them apart)
            std::uint64_t tail = 0;
            std::memcpy(&tail, s.data() + i, s.size() - i);  // never with an empty view's null data()
            mix(tail);
        }
    }
    std::uint64_t value() const { return h_; }

private:
    // One 64x64->128-bit multiply folded to 64 bits: every input bit
    // reaches every output bit (the mixing step of wyhash).
    void mix(std::uint64_t w) {
        const unsigned __int128 m =
            static_cast<unsigned __int128>(h_ ^ w ^ 0xa0761d6478bd642full) * 0xe7037ed1a0b428dbull;
        h_ = static_cast<std::uint64_t>(m) ^ static_cast<std::uint64_t>(m >> 64);
    }
    std::uint64_t h_ = 0x8ebc6af09c88c6e3ull;
};

using Signature = std::array<char, 16>;

Signature signature_of(const PieceRecord &rec) {
    SignatureHash h;
    h.add(rec.module);
    h.add(rec.title);
    for (const auto &r : rec.roles) {
        h.add(r.role);
        h.add(r.fingerprint);
        h.add(r.waiting);
    }
    Signature out;
    std::uint64_t v = h.value();
    for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = "0123456789abcdef"[v & 15];
    return out;
}
std::string_view view(const Signature &s) { return {s.data(), s.size()}; }

struct PairSlot {
    bool stored = false;
    bool archived = false;             // the role had left the piece
    Status status = Status::NotStarted;
    bool reopen = false;               // done, and its files changed since
    bool fingerprint_changed = false;
};

// A stored pair leaving the package (its role left a present piece, or its
// piece left). Rare, so copied out of the scan.
struct LeavingPair {
    std::string role;
    Status status;
    std::string fingerprint;
};
struct LeavingPiece {  // a piece that left the package
    std::string id, module;
    std::vector<LeavingPair> pairs;  // its pairs not archived before
};
struct LeavingRole {  // a role that left a present piece
    std::size_t piece;  // index of the record
    LeavingPair pair;
};

// The statements a publish reuses for every row.
struct PublishStatements {
    Statement insert_piece, update_piece, archive_piece;
    Statement insert_pair, reopen_pair, update_pair, archive_pair;
    Statement insert_history;
    Statement move_tallies;

    PublishStatements(sqlite3 *db, const std::string &p)
        : insert_piece(db, p, "INSERT INTO pieces (course, piece, module, title, archived, signature) "
                              "VALUES (?1, ?2, ?3, ?4, 0, ?5)"),
          update_piece(db, p, "UPDATE pieces SET module = ?3, title = ?4, archived = 0, signature = ?5 "
                              "WHERE course = ?1 AND piece = ?2"),
          archive_piece(db, p, "UPDATE pieces SET archived = 1 WHERE course = ?1 AND piece = ?2"),
          insert_pair(db, p, "INSERT INTO pairs (course, piece, role, status, \"by\", note, since, "
                             "fingerprint, done_fingerprint, archived) "
                             "VALUES (?1, ?2, ?3, 'not_started', ?4, '', ?5, ?6, '', 0)"),
          reopen_pair(db, p, "UPDATE pairs SET status = ?4, \"by\" = ?5, note = ?6, since = ?7, "
                             "fingerprint = ?8, archived = 0, remote = 0 "
                             "WHERE course = ?1 AND piece = ?2 AND role = ?3"),
          update_pair(db, p, "UPDATE pairs SET fingerprint = ?4, archived = 0 "
                             "WHERE course = ?1 AND piece = ?2 AND role = ?3"),
          archive_pair(db, p, "UPDATE pairs SET archived = 1 "
                              "WHERE course = ?1 AND piece = ?2 AND role = ?3"),
          insert_history(db, p, "INSERT INTO history (course, piece, role, from_status, to_status, "
                                "\"by\", note, at, fingerprint, kind) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
          // A piece that moved to another module takes its pairs' counts
          // along in the daily tallies (see migration v8), on the day of the
          // publish that moved it.
          move_tallies(db, p, "INSERT INTO tally_feed (course, piece, role, kind, to_status, at) "
                              "SELECT course, piece, role, 'moved', status, ?3 FROM pairs "
                              "WHERE course = ?1 AND piece = ?2") {}
};

// Records by piece identifier.
struct RecordKey {
    const std::vector<PieceRecord> *pieces;
    std::string_view operator()(std::uint32_t i) const { return (*pieces)[i].id; }
};
using RecordIndex = TextIndex<RecordKey>;

// Checks the records before anything is touched, and indexes them by piece.
// first_pair[i] is the index of record i's first role in the flat pair list.
RecordIndex index_records(const std::vector<PieceRecord> &pieces, std::vector<std::size_t> &first_pair) {
    if (pieces.size() >= RecordIndex::kAbsent) throw StoreError("publish: too many pieces");
    RecordIndex index(pieces.size(), RecordKey{&pieces});
    first_pair.assign(pieces.size() + 1, 0);
    for (std::uint32_t i = 0; i < pieces.size(); ++i) {
        const PieceRecord &rec = pieces[i];
        if (rec.id.empty()) throw StoreError("publish: a piece has an empty identifier");
        if (index.put(i) != RecordIndex::kAbsent)
            throw StoreError("publish: piece \"" + std::string(rec.id) + "\" appears twice");
        for (std::size_t j = 0; j < rec.roles.size(); ++j) {
            if (rec.roles[j].role.empty())
                throw StoreError("publish: piece \"" + std::string(rec.id) + "\" has an empty role");
            for (std::size_t k = 0; k < j; ++k)
                if (rec.roles[k].role == rec.roles[j].role)
                    throw StoreError("publish: piece \"" + std::string(rec.id) + "\" names role \"" +
                                     std::string(rec.roles[j].role) + "\" twice");
        }
        first_pair[i + 1] = first_pair[i] + rec.roles.size();
    }
    return index;
}

}  // namespace

namespace {

// Ends a write: the hook's work joins the transaction, then it commits.
void finish(sql::Transaction &tx, const char *op, const WriteHook &hook,
            const std::vector<Change> &changes) {
    if (hook.before_commit) hook.before_commit(tx.db(), changes);
    tx.commit(op);
}

}  // namespace

bool Store::publish(const std::string &course, const std::vector<PieceRecord> &pieces,
                    std::int64_t now, PublishSummary &out, std::string &error,
                    const WriteHook &hook) {
    out = PublishSummary{};
    error.clear();
    const char *op = "publish";
    try {
        std::vector<std::size_t> first_pair;
        const auto index = index_records(pieces, first_pair);
        auto find = [&](std::string_view id) {
            const std::uint32_t i = index.find(id);
            return i == RecordIndex::kAbsent ? pieces.size() : std::size_t(i);
        };

        Transaction tx(db_, path_, op);

        // 1. The stored pieces of the course: which records are known, which
        //    come back, which were renamed; which stored pieces left.
        std::vector<PieceSlot> piece_slots(pieces.size());
        std::vector<LeavingPiece> pieces_gone;
        std::unordered_map<std::string, std::size_t> gone_index;
        std::vector<Signature> signatures(pieces.size());
        for (std::size_t i = 0; i < pieces.size(); ++i) signatures[i] = signature_of(pieces[i]);
        std::size_t stored = 0, same = 0;
        {
            Statement q(db_, path_,
                        "SELECT piece, module, title, archived, signature FROM pieces WHERE course = ?1");
            q.query(course);
            while (q.next("cannot read the pieces")) {
                const std::size_t i = find(q.view(0));
                const bool archived = q.integer(3) != 0;
                if (i == pieces.size()) {
                    if (!archived) {
                        gone_index.emplace(q.text(0), pieces_gone.size());
                        pieces_gone.push_back(LeavingPiece{q.text(0), q.text(1), {}});
                    }
                    continue;
                }
                PieceSlot &slot = piece_slots[i];
                slot.stored = true;
                slot.archived = archived;
                slot.renamed = q.view(1) != pieces[i].module || q.view(2) != pieces[i].title;
                slot.same = !archived && !slot.renamed && q.view(4) == view(signatures[i]);
                ++stored;
                same += slot.same;
            }
        }

        // 2. The stored pairs of the course, grouped by piece (primary-key
        //    order), so one hash lookup per piece.
        std::vector<PairSlot> pair_slots(first_pair.back());
        std::vector<LeavingRole> roles_gone;
        {
            std::string current;  // the piece of the previous row
            std::size_t i = pieces.size();
            LeavingPiece *gone = nullptr;
            bool first = true;
            auto consume = [&](Statement &q) {
                if (first || q.view(0) != current) {
                    first = false;
                    current.assign(q.view(0));
                    i = find(current);
                    auto g = gone_index.find(current);
                    gone = g == gone_index.end() ? nullptr : &pieces_gone[g->second];
                }
                if (i < pieces.size() && piece_slots[i].same) return;  // nothing to compare
                const bool archived = q.integer(5) != 0;
                const Status status = read_status(q.view(2), path_, "pairs");
                if (i == pieces.size()) {  // the piece left (or had left before)
                    if (gone && !archived)
                        gone->pairs.push_back(LeavingPair{q.text(1), status, q.text(3)});
                    return;
                }
                const PieceRecord &rec = pieces[i];
                std::size_t k = first_pair[i];
                const std::string_view role = q.view(1);
                while (k < first_pair[i + 1] && rec.roles[k - first_pair[i]].role != role) ++k;
                if (k == first_pair[i + 1]) {  // the role left this piece
                    if (!archived)
                        roles_gone.push_back(LeavingRole{i, LeavingPair{q.text(1), status, q.text(3)}});
                    return;
                }
                const std::string_view fingerprint = rec.roles[k - first_pair[i]].fingerprint;
                PairSlot &slot = pair_slots[k];
                slot.stored = true;
                slot.archived = archived;
                slot.status = status;
                slot.fingerprint_changed = q.view(3) != fingerprint;
                // done_fingerprint is the fingerprint when it was marked done.
                slot.reopen = status == Status::Done && q.view(4) != fingerprint;
            };
            const std::size_t to_read = stored - same + pieces_gone.size();
            if (to_read * 8 >= stored) {
                // Much changed: one pass over the course's pairs.
                Statement q(db_, path_,
                            "SELECT piece, role, status, fingerprint, done_fingerprint, archived "
                            "FROM pairs WHERE course = ?1 ORDER BY piece, role");
                q.query(course);
                while (q.next("cannot read the pairs")) consume(q);
            } else {
                // Little changed (the usual publish): read only the pairs of the
                // pieces that changed or left.
                Statement q(db_, path_,
                            "SELECT piece, role, status, fingerprint, done_fingerprint, archived "
                            "FROM pairs WHERE course = ?1 AND piece = ?2 ORDER BY role");
                auto read_piece = [&](std::string_view piece) {
                    q.query(course, piece);
                    while (q.next("cannot read the pairs")) consume(q);
                };
                for (std::size_t p = 0; p < pieces.size(); ++p)
                    if (piece_slots[p].stored && !piece_slots[p].same) read_piece(pieces[p].id);
                for (std::size_t g = 0; g < pieces_gone.size(); ++g) read_piece(pieces_gone[g].id);
            }
        }

        // 3. Write the differences.
        PublishStatements st(db_, path_);
        auto history = [&](std::string_view piece, std::string_view role, const Status *from,
                           Status to, std::string_view note, std::string_view fp, const char *kind) {
            if (from)
                st.insert_history.run("cannot record history", course, piece, role,
                                      to_string(*from), to_string(to), kAutomatic, note, now, fp, kind);
            else  // no previous status: a new pair, or a row for a piece with no pairs
                st.insert_history.run("cannot record history", course, piece, role, Null{},
                                      to_string(to), kAutomatic, note, now, fp, kind);
        };
        auto change = [&](std::string_view piece, std::string_view module, std::string_view role,
                          Status from, Status to, std::string_view note, const char *kind) {
            out.changes.push_back(Change{std::string(piece), std::string(module), std::string(role), from,
                                         to, kAutomatic, std::string(note), kind, sqlite3_last_insert_rowid(db_)});
        };
        const char *kBack = "back in the package";

        for (std::size_t i = 0; i < pieces.size(); ++i) {
            const PieceRecord &rec = pieces[i];
            const PieceSlot &piece = piece_slots[i];
            if (piece.same) {  // exactly as last published: its pairs stay as they are
                out.pairs_unchanged += rec.roles.size();
                continue;
            }
            if (!piece.stored)
                st.insert_piece.run("cannot add a piece", course, rec.id, rec.module, rec.title,
                                    view(signatures[i]));
            else
                st.update_piece.run("cannot update a piece", course, rec.id, rec.module, rec.title,
                                    view(signatures[i]));
            if (piece.renamed)
                st.move_tallies.run("cannot move a piece's tallies", course, rec.id, now);
            if (piece.archived) ++out.pieces_restored;
            bool pair_restored = false;

            for (std::size_t j = 0; j < rec.roles.size(); ++j) {
                const auto &r = rec.roles[j];
                const PairSlot &pair = pair_slots[first_pair[i] + j];
                if (!pair.stored) {  // a new pair starts not_started
                    st.insert_pair.run("cannot add a pair", course, rec.id, r.role, kAutomatic, now,
                                       r.fingerprint);
                    history(rec.id, r.role, nullptr, Status::NotStarted, "", r.fingerprint, "added");
                    change(rec.id, rec.module, r.role, Status::NotStarted, Status::NotStarted, "",
                           "added");
                    ++out.pairs_added;
                    continue;
                }
                // Back in the package (the piece, or this role on it): the pair
                // keeps the status it had when it left.
                const bool back = piece.archived || pair.archived;
                if (back) {
                    pair_restored = true;
                    history(rec.id, r.role, &pair.status, pair.status, kBack, r.fingerprint, "restored");
                    change(rec.id, rec.module, r.role, pair.status, pair.status, kBack, "restored");
                }
                if (pair.reopen && !r.waiting.empty()) {
                    // A file it was done with went missing: back to work.
                    st.reopen_pair.run("cannot reopen a pair", course, rec.id, r.role,
                                       to_string(Status::InProgress), kAutomatic, r.waiting, now,
                                       r.fingerprint);
                    history(rec.id, r.role, &pair.status, Status::InProgress, r.waiting, r.fingerprint,
                            "file_missing_after_done");
                    change(rec.id, rec.module, r.role, Status::Done, Status::InProgress, r.waiting,
                           "file_missing_after_done");
                    ++out.pairs_reopened;
                    continue;
                }
                if (pair.reopen) {  // its files changed since it was done: review again
                    st.reopen_pair.run("cannot reopen a pair", course, rec.id, r.role,
                                       to_string(Status::InReview), kAutomatic, kChangedNote, now,
                                       r.fingerprint);
                    history(rec.id, r.role, &pair.status, Status::InReview, kChangedNote, r.fingerprint,
                            "content_changed_after_done");
                    change(rec.id, rec.module, r.role, Status::Done, Status::InReview, kChangedNote,
                           "content_changed_after_done");
                    ++out.pairs_reopened;
                    continue;
                }
                if (back || pair.fingerprint_changed)
                    st.update_pair.run("cannot update a pair", course, rec.id, r.role, r.fingerprint);
                if (!back) ++out.pairs_unchanged;  // same status (the fingerprint may be new)
            }

            // A restored piece none of whose pairs came back still says so once.
            if (piece.archived && !pair_restored) {
                history(rec.id, "", nullptr, Status::NotStarted, kBack, "", "restored");
                change(rec.id, rec.module, "", Status::NotStarted, Status::NotStarted, kBack, "restored");
            }
        }

        // Roles a present piece no longer has: the pair is archived, its
        // status kept for when the role comes back.
        const char *kRoleGone = "role no longer applies to the piece";
        for (const LeavingRole &g : roles_gone) {
            const PieceRecord &rec = pieces[g.piece];
            st.archive_pair.run("cannot archive a pair", course, rec.id, g.pair.role);
            history(rec.id, g.pair.role, &g.pair.status, g.pair.status, kRoleGone, g.pair.fingerprint,
                    "archived");
            change(rec.id, rec.module, g.pair.role, g.pair.status, g.pair.status, kRoleGone, "archived");
        }

        // Pieces that left the package: archived, never deleted. Their pairs
        // keep their rows and statuses; the history notes it per pair (once
        // for the piece when it has none).
        const char *kPieceGone = "piece left the package";
        for (const LeavingPiece &g : pieces_gone) {
            st.archive_piece.run("cannot archive a piece", course, g.id);
            ++out.pieces_archived;
            for (const LeavingPair &p : g.pairs) {
                history(g.id, p.role, &p.status, p.status, kPieceGone, p.fingerprint, "archived");
                change(g.id, g.module, p.role, p.status, p.status, kPieceGone, "archived");
            }
            if (g.pairs.empty()) {
                history(g.id, "", nullptr, Status::NotStarted, kPieceGone, "", "archived");
                change(g.id, g.module, "", Status::NotStarted, Status::NotStarted, kPieceGone,
                       "archived");
            }
        }

        finish(tx, op, hook, out.changes);
        return true;
    } catch (const std::exception &e) {
        out = PublishSummary{};
        error = e.what();
        return false;
    }
}

// ---------------------------------------------------------------------------
// Status updates

bool Store::set_status(const std::string &course, const std::vector<StatusUpdate> &updates,
                       std::int64_t now, std::vector<Change> &changes, std::string &error,
                       const WriteHook &hook) {
    changes.clear();
    error.clear();
    const char *op = "set status";
    try {
        Transaction tx(db_, path_, op);

        // One row per update: the piece (archived?) and, when the piece has the
        // role, the pair. No row: unknown piece; NULL status: unknown role.
        Statement lookup(db_, path_,
                         "SELECT pc.module, pc.archived, p.status, p.archived, p.fingerprint, p.since "
                         "FROM pieces pc "
                         "LEFT JOIN pairs p ON p.course = pc.course AND p.piece = pc.piece "
                         "AND p.role = ?3 "
                         "WHERE pc.course = ?1 AND pc.piece = ?2");

        Statement known_course(db_, path_, "SELECT 1 FROM pieces WHERE course = ?1 LIMIT 1");
        struct Planned {
            const StatusUpdate *update;
            std::string module, fingerprint;
            Status from;
            std::int64_t at;  // when, as recorded: see below
        };
        std::vector<Planned> plan;
        plan.reserve(updates.size());
        // A batch may move one pair twice (a CSV import); validate each update
        // against the status the earlier ones leave.
        std::unordered_map<std::string, std::pair<Status, std::int64_t>> pending;  // status, at

        // Validate everything first: an error changes nothing.
        for (std::size_t i = 0; i < updates.size(); ++i) {
            const StatusUpdate &u = updates[i];
            auto bad = [&](const std::string &why) {
                const std::string which =
                    u.line ? "line " + std::to_string(u.line)
                           : "update " + std::to_string(i + 1) + " of " + std::to_string(updates.size());
                return StoreError(which + " (piece \"" + u.piece +
                                  "\", role \"" + u.role + "\"): " + why);
            };
            if (!valid(u.status)) throw bad("not a status");
            if (u.by.empty()) throw bad("who sets the status (by) is missing");

            lookup.query(course, u.piece, u.role);
            if (!lookup.next("cannot look up a pair")) {
                lookup.done();
                known_course.query(course);
                const bool course_known = known_course.next("cannot look up a course");
                known_course.done();
                throw bad(course_known ? "unknown piece" : "unknown course \"" + course + "\"");
            }
            Planned p{&u, lookup.text(0), lookup.text(4), Status::NotStarted, now};
            std::int64_t since = lookup.integer(5);
            const bool piece_archived = lookup.integer(1) != 0;
            const bool has_role = !lookup.is_null(2);
            const bool pair_archived = lookup.integer(3) != 0;
            if (has_role) p.from = read_status(lookup.view(2), path_, "pairs");
            lookup.done();

            if (piece_archived) throw bad("the piece is archived (it is no longer in the package)");
            if (!has_role) throw bad("the piece has no role \"" + u.role + "\"");
            if (pair_archived) throw bad("the role is archived on this piece (it no longer applies)");

            std::string key = u.piece + '\0' + u.role;
            if (auto it = pending.find(key); it != pending.end()) std::tie(p.from, since) = it->second;
            if (p.from == u.status) throw bad(std::string("already ") + to_string(u.status));
            // A cell's changes keep their order in time, to the second the
            // team's documents record: a change made in the same second as
            // the cell's last one is recorded a second later, so every seat
            // (plugin/store/cell_order.hpp: the later change wins) takes it
            // over the one it replaced.
            p.at = std::max(now, since + 1);
            pending[key] = {u.status, p.at};
            plan.push_back(std::move(p));
        }

        Statement update(db_, path_,
                         "UPDATE pairs SET status = ?4, \"by\" = ?5, note = ?6, since = ?7, remote = 0, "
                         // Remember what was done, to notice a later change.
                         "done_fingerprint = CASE WHEN ?4 = 'done' THEN fingerprint "
                         "ELSE done_fingerprint END "
                         "WHERE course = ?1 AND piece = ?2 AND role = ?3");
        Statement history(db_, path_,
                          "INSERT INTO history (course, piece, role, from_status, to_status, "
                          "\"by\", note, at, fingerprint, kind) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'status')");
        for (const Planned &p : plan) {
            const StatusUpdate &u = *p.update;
            const char *to = to_string(u.status);
            update.run("cannot set a status", course, u.piece, u.role, to, u.by, u.note, p.at);
            history.run("cannot record history", course, u.piece, u.role, to_string(p.from), to,
                        u.by, u.note, p.at, p.fingerprint);
            changes.push_back(Change{u.piece, p.module, u.role, p.from, u.status, u.by, u.note,
                                     "status", sqlite3_last_insert_rowid(db_)});
        }
        finish(tx, op, hook, changes);
        return true;
    } catch (const std::exception &e) {
        changes.clear();
        error = e.what();
        return false;
    }
}

// ---------------------------------------------------------------------------
// Reading

bool Store::daily_tallies(const std::string &course, std::vector<DailyTally> &out,
                          std::string &error) const {
    out.clear();
    error.clear();
    try {
        Statement q(db_, path_,
                    "SELECT module, role, day, done_delta, total_delta FROM daily_tallies "
                    "WHERE course = ?1 ORDER BY module, role, day");
        q.query(course);
        while (q.next("cannot read the daily tallies"))
            out.push_back(DailyTally{q.text(0), q.text(1), static_cast<Day>(q.integer(2)),
                                     static_cast<std::int32_t>(q.integer(3)),
                                     static_cast<std::int32_t>(q.integer(4))});
        return true;
    } catch (const std::exception &e) {
        out.clear();
        error = e.what();
        return false;
    }
}

bool Store::pair_days(const std::string &course,
                      const std::vector<std::pair<std::string, std::string>> &pairs,
                      std::vector<PairDay> &out, std::string &error) const {
    out.clear();
    error.clear();
    try {
        // Each pair's history replayed with the rules of the tallies'
        // trigger (migration v8): added and restored make it present,
        // archived gone, any other row keeps presence; done when present and
        // to_status is done. The module is the piece's current one.
        Statement module_of(db_, path_, "SELECT module FROM pieces WHERE course = ?1 AND piece = ?2");
        Statement q(db_, path_,
                    "SELECT kind, to_status, at FROM history "
                    "WHERE course = ?1 AND piece = ?2 AND role = ?3 ORDER BY id");
        for (const auto &[piece, role] : pairs) {
            if (role.empty()) continue;
            module_of.query(course, piece);
            if (!module_of.next("cannot read a piece")) continue;  // unknown piece: no rows
            const std::string module = module_of.text(0);
            module_of.done();
            int present = 0, done = 0;
            const std::size_t first = out.size();
            q.query(course, piece, role);
            while (q.next("cannot read the history")) {
                const std::string_view kind = q.view(0);
                const int now_present = kind == "added" || kind == "restored" ? 1
                                        : kind == "archived"                  ? 0
                                                                              : present;
                const int now_done = now_present && q.view(1) == "done" ? 1 : 0;
                const std::int32_t dd = now_done - done, td = now_present - present;
                present = now_present;
                done = now_done;
                if (dd == 0 && td == 0) continue;
                const Day day = day_of(q.integer(2));
                if (out.size() > first && out.back().day == day) {
                    out.back().done_delta += dd;
                    out.back().total_delta += td;
                } else {
                    out.push_back(PairDay{module, piece, role, day, dd, td});
                }
            }
        }
        return true;
    } catch (const std::exception &e) {
        out.clear();
        error = e.what();
        return false;
    }
}

bool Store::pairs(const std::string &course, std::vector<PairState> &out,
                  std::string &error) const {
    out.clear();
    error.clear();
    try {
        // Two scans in primary-key order merged here, rather than a join: a
        // join looks every pair's piece up again (60,000 lookups on a big
        // course); the scans meet each piece once, in the same order.
        struct PieceInfo {
            std::string id, module, title;
            bool archived;
        };
        std::vector<PieceInfo> info;
        Statement q_pieces(db_, path_,
                           "SELECT piece, module, title, archived FROM pieces "
                           "WHERE course = ?1 ORDER BY piece");
        q_pieces.query(course);
        while (q_pieces.next("cannot read the pieces"))
            info.push_back(PieceInfo{q_pieces.text(0), q_pieces.text(1), q_pieces.text(2),
                                     q_pieces.integer(3) != 0});

        Statement q(db_, path_,
                    "SELECT piece, role, status, \"by\", note, since, fingerprint, archived, remote "
                    "FROM pairs WHERE course = ?1 ORDER BY piece, role");
        q.query(course);
        std::size_t k = 0;
        while (q.next("cannot read the pairs")) {
            // Same order on both sides and every pair has its piece (foreign
            // key), so the piece is at k or a little further.
            const std::string_view piece = q.view(0);
            while (k < info.size() && info[k].id != piece) ++k;
            if (k == info.size())
                throw StoreError("status store " + path_ + ": pair of unknown piece \"" +
                                 std::string(piece) + "\"");
            const PieceInfo &pc = info[k];
            PairState s;
            s.piece = pc.id;
            s.module = pc.module;
            s.title = pc.title;
            s.role = q.text(1);
            s.status = read_status(q.view(2), path_, "pairs");
            s.by = q.text(3);
            s.note = q.text(4);
            s.since = q.integer(5);
            s.fingerprint = q.text(6);
            s.archived = pc.archived || q.integer(7) != 0;  // the piece left, or the role did
            s.remote = q.integer(8) != 0;
            out.push_back(std::move(s));
        }
        return true;
    } catch (const std::exception &e) {
        out.clear();
        error = e.what();
        return false;
    }
}

bool Store::history(const std::string &course, const std::string &piece, const std::string &role,
                    std::vector<HistoryEntry> &out, std::string &error) const {
    out.clear();
    error.clear();
    try {
        // Each filter is used only when given. For one pair (or piece) the
        // index on (course, piece, role) finds the rows, already in id order
        // (index entries end in the rowid). For a whole course, scanning the
        // table in id order beats the index plus a sort ("+course" keeps the
        // planner off the index); a store holds one course workspace.
        std::string sql =
            "SELECT piece, role, from_status, to_status, \"by\", note, at, fingerprint "
            "FROM history WHERE ";
        sql += piece.empty() && role.empty() ? "+course = ?1" : "course = ?1";
        if (!piece.empty()) sql += " AND piece = ?2";
        if (!role.empty()) sql += " AND role = ?3";
        sql += " ORDER BY id";
        Statement q(db_, path_, sql.c_str());
        // Bind exactly the parameters the text uses (?3 alone still counts ?2).
        if (!role.empty())
            q.query(course, piece, role);
        else if (!piece.empty())
            q.query(course, piece);
        else
            q.query(course);
        while (q.next("cannot read the history")) {
            HistoryEntry h;
            h.piece = q.text(0);
            h.role = q.text(1);
            h.to = read_status(q.view(3), path_, "history");
            // No previous status (the pair was added): report the one it got.
            h.from = q.is_null(2) ? h.to : read_status(q.view(2), path_, "history");
            h.by = q.text(4);
            h.note = q.text(5);
            h.at = q.integer(6);
            h.fingerprint = q.text(7);
            out.push_back(std::move(h));
        }
        return true;
    } catch (const std::exception &e) {
        out.clear();
        error = e.what();
        return false;
    }
}

bool Store::note_source(const std::string &course, const std::string &tool, const std::string &notice,
                        std::string &error) {
    error.clear();
    try {
        Statement q(db_, path_, "SELECT tool FROM sources WHERE course = ?1");
        q.query(course);
        const bool known = q.next("cannot read the course's source");
        const std::string before = known ? q.text(0) : std::string();
        q.done();
        if (known && before == tool) return true;
        // A course published before sources were kept, now read through a
        // tool, changed as much as one whose tool changed.
        const bool changed = known ? before != tool : !tool.empty();
        Statement w(db_, path_,
                    "INSERT INTO sources (course, tool, notice) VALUES (?1, ?2, ?3) "
                    "ON CONFLICT (course) DO UPDATE SET tool = ?2, notice = ?3");
        w.run("cannot record the course's source", course, tool, changed ? notice : std::string());
        return true;
    } catch (const std::exception &e) {
        error = e.what();
        return false;
    }
}

bool Store::take_notice(const std::string &course, std::string &notice, std::string &error) {
    notice.clear();
    error.clear();
    try {
        Statement q(db_, path_, "SELECT notice FROM sources WHERE course = ?1");
        q.query(course);
        if (q.next("cannot read the course's notice")) notice = q.text(0);
        q.done();
        if (notice.empty()) return true;
        Statement w(db_, path_, "UPDATE sources SET notice = '' WHERE course = ?1");
        w.run("cannot clear the course's notice", course);
        return true;
    } catch (const std::exception &e) {
        notice.clear();
        error = e.what();
        return false;
    }
}

bool Store::courses(std::vector<std::string> &out, std::string &error) const {
    out.clear();
    error.clear();
    try {
        // Every course a publish ever named (the primary key makes this a scan
        // of the index, already sorted).
        Statement q(db_, path_, "SELECT DISTINCT course FROM pieces ORDER BY course");
        q.query();
        while (q.next("cannot read the courses")) out.push_back(q.text(0));
        return true;
    } catch (const std::exception &e) {
        out.clear();
        error = e.what();
        return false;
    }
}

}  // namespace coursecrew
