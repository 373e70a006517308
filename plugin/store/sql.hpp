// Small RAII helpers over the SQLite C API, shared by the status store
// (store.cpp) and the outbox (outbox.cpp), which write in the same
// transactions. Errors are exceptions (sql::Error) so the SQL reads straight;
// the public methods of Store and Outbox catch them and report through their
// `error` out-parameters.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace coursecrew::sql {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// "<what> (<file>): <sqlite message>", so every failure says which operation
// and which store it was.
[[noreturn]] inline void fail(sqlite3 *db, const std::string &path, const std::string &what) {
    throw Error(what + " (" + path + "): " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// ---------------------------------------------------------------------------
// RAII holders

struct DbCloser {
    void operator()(sqlite3 *db) const { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;

struct Null {};  // binds SQL NULL

// A prepared statement; move-only, finalized on destruction. Text is bound
// SQLITE_STATIC (no copy): run() binds and steps in one full expression, and
// query() callers keep their arguments alive while they step.
class Statement {
public:
    Statement(sqlite3 *db, const std::string &path, const char *sql) : db_(db), path_(&path) {
        // PERSISTENT: the statement is reused for every row of a publish.
        if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
            fail(db, path, std::string("cannot prepare \"") + sql + "\"");
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(Statement &&o) noexcept
        : db_(o.db_), path_(o.path_), stmt_(std::exchange(o.stmt_, nullptr)) {}
    Statement &operator=(Statement &&o) noexcept {
        if (this != &o) {
            sqlite3_finalize(stmt_);
            db_ = o.db_;
            path_ = o.path_;
            stmt_ = std::exchange(o.stmt_, nullptr);
        }
        return *this;
    }
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    // Binds the arguments to ?1, ?2, ... and runs a statement that returns no
    // rows; `what` names the operation in the error.
    template <class... A>
    void run(const char *what, const A &...args) {
        start(args...);
        int rc = sqlite3_step(stmt_);
        sqlite3_reset(stmt_);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) fail(db_, *path_, what);
    }

    // Binds the arguments for a query; then call next() until it is false.
    template <class... A>
    void query(const A &...args) { start(args...); }
    bool next(const char *what) {
        int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        sqlite3_reset(stmt_);
        if (rc != SQLITE_DONE) fail(db_, *path_, what);
        return false;
    }
    void done() { sqlite3_reset(stmt_); }  // ends a query early

    std::string text(int col) const {
        auto *p = reinterpret_cast<const char *>(sqlite3_column_text(stmt_, col));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                 : std::string();
    }
    std::string_view view(int col) const {  // valid until the next step
        auto *p = reinterpret_cast<const char *>(sqlite3_column_text(stmt_, col));
        return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                 : std::string_view();
    }
    std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

private:
    template <class... A>
    void start(const A &...args) {
        sqlite3_reset(stmt_);
        int i = 0;
        (bind(++i, args), ...);
    }
    void check(int rc) {
        if (rc != SQLITE_OK) fail(db_, *path_, "cannot bind a parameter");
    }
    void bind(int i, const std::string &v) {
        check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC));
    }
    void bind(int i, std::string_view v) {
        check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC));
    }
    void bind(int i, const char *v) { check(sqlite3_bind_text(stmt_, i, v, -1, SQLITE_STATIC)); }
    void bind(int i, std::int64_t v) { check(sqlite3_bind_int64(stmt_, i, v)); }
    void bind(int i, int v) { check(sqlite3_bind_int(stmt_, i, v)); }
    void bind(int i, Null) { check(sqlite3_bind_null(stmt_, i)); }

    sqlite3 *db_;
    const std::string *path_;
    sqlite3_stmt *stmt_ = nullptr;
};

// Runs SQL without parameters (pragmas, DDL, transaction control).
inline void exec(sqlite3 *db, const std::string &path, const char *sql, const char *what) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, path, what);
}

// A write transaction. BEGIN IMMEDIATE takes the write lock up front, waiting
// for it under the busy timeout. A deferred transaction would take it at its
// first write instead, and in WAL mode that upgrade fails at once with
// SQLITE_BUSY (no waiting) when another connection committed meanwhile.
// Rolled back on destruction unless committed.
class Transaction {
public:
    Transaction(sqlite3 *db, const std::string &path, const char *what) : db_(db), path_(path) {
        // Inside an open transaction (a dry run wraps a publish and a status
        // change in one, then rolls it back) this is a savepoint.
        if (!sqlite3_get_autocommit(db)) {
            nested_ = true;
            if (sqlite3_exec(db, "SAVEPOINT nested_write", nullptr, nullptr, nullptr) != SQLITE_OK)
                fail(db, path, std::string(what) + ": cannot start a savepoint");
            open_ = true;
            return;
        }
        // The busy timeout already waits up to 10 s for the lock; SQLite still
        // returns SQLITE_BUSY at once in a few cases (e.g. while another
        // connection recovers the WAL), so try a few more times.
        for (int attempt = 0;; ++attempt) {
            int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
            if (rc == SQLITE_OK) break;
            if ((rc & 0xff) != SQLITE_BUSY || attempt == 4)
                fail(db, path, std::string(what) + ": cannot start a write transaction");
            std::this_thread::sleep_for(std::chrono::milliseconds(20 * (attempt + 1)));
        }
        open_ = true;
    }
    ~Transaction() {
        if (open_)
            sqlite3_exec(db_, nested_ ? "ROLLBACK TO nested_write; RELEASE nested_write" : "ROLLBACK", nullptr,
                         nullptr, nullptr);
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    sqlite3 *db() const { return db_; }
    void commit(const char *what) {
        if (sqlite3_exec(db_, nested_ ? "RELEASE nested_write" : "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
            fail(db_, path_, std::string(what) + ": cannot commit");
        open_ = false;
    }

private:
    bool nested_ = false;
    sqlite3 *db_;
    const std::string &path_;
    bool open_ = false;
};

}  // namespace coursecrew::sql
