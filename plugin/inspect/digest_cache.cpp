#include "plugin/inspect/digest_cache.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "plugin/store/sql.hpp"

namespace coursecrew {

using sql::Statement;

std::string package_key(const std::string &package) {
    std::error_code ec;
    const std::filesystem::path p = std::filesystem::absolute(package, ec);
    return (ec ? std::filesystem::path(package) : p).lexically_normal().generic_string();
}

const Sha256Hex *MemoryDigests::find(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                                     std::int64_t) {
    auto it = known_.find(std::string(path));
    if (it == known_.end() || it->second.size != size || it->second.stamp != stamp) return nullptr;
    return &it->second.sha256;
}

void MemoryDigests::remember(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                             const Sha256Hex &digest) {
    known_[std::string(path)] = Known{size, stamp, digest};
}

bool check_every_file(const PackageSource &src, DigestCache &cache, Diagnostics &diags) {
    if (!src.listing_can_lie()) return true;
    bool all_good = true;
    for (const PackageEntry &e : src.entries()) {
        if (e.stamp != 0 && cache.find(e.path, e.size, e.stamp, e.changed_ns)) continue;
        std::string error;
        const std::string hex = sha256_file(src, e.path, error);
        if (hex.empty()) {
            all_good = false;
            diags.error("zip.entry_corrupt",
                        "the zip entry '" + e.path + "' does not hold what the archive says (" +
                            error + "); an LMS may unpack it differently or not at all, so the "
                            "archive was refused: re-create the zip or download it again",
                        e.path);
            continue;
        }
        if (e.stamp != 0) cache.remember(e.path, e.size, e.stamp, Sha256Hex(hex));
    }
    return all_good;
}

StoredDigests::StoredDigests(sqlite3 *db, std::string store_path, std::string package, std::int64_t now)
    : db_(db), store_path_(std::move(store_path)), package_(std::move(package)), now_(now) {}

namespace {

// A stored digest as 64 lowercase hex digits; anything else is treated as no
// digest (the file is read again).
bool is_digest(std::string_view hex) {
    if (hex.size() != Sha256Hex::kSize) return false;
    for (char c : hex)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

}  // namespace

// Shrinks the connection's page cache while the rows are scanned, and puts it
// back after. The scan reads every row once (20 MB for 200,000 files), so
// caching its pages buys nothing and would only add their size to the
// publish's peak memory; the publish's own writes need the big cache.
class StoredDigests::SmallPageCache {
public:
    SmallPageCache(sqlite3 *db, const std::string &path) : db_(db) {
        Statement q(db, path, "PRAGMA cache_size");
        q.query();
        if (q.next("cannot read the cache size")) before_ = q.integer(0);
        q.done();
        sql::exec(db, path, "PRAGMA cache_size = -1024", "cannot set the cache size");
    }
    ~SmallPageCache() {
        const std::string restore = "PRAGMA cache_size = " + std::to_string(before_);
        sqlite3_exec(db_, restore.c_str(), nullptr, nullptr, nullptr);
    }
    SmallPageCache(const SmallPageCache &) = delete;
    SmallPageCache &operator=(const SmallPageCache &) = delete;

private:
    sqlite3 *db_;
    std::int64_t before_ = -2000;  // SQLite's default
};

StoredDigests::~StoredDigests() {
    scan_.reset();  // the statement before the cache size is put back
}

bool StoredDigests::load(std::string &error) {
    try {
        error_.clear();
        front_.clear();
        front_set_ = scanned_all_ = false;
        gone_.clear();
        asked_again_.clear();
        scan_.reset();
        small_cache_ = std::make_unique<SmallPageCache>(db_, store_path_);
        // The primary key's order (SQLite's BINARY collation: bytes compared
        // unsigned, a prefix first), which is also std::string_view's.
        scan_ = std::make_unique<Statement>(
            db_, store_path_,
            "SELECT path, size, stamp, hashed_at, sha256 FROM file_digests "
            "WHERE package = ?1 AND path >= ?2 ORDER BY path");
        start_scan("");
        return true;
    } catch (const std::exception &e) {
        error = error_ = e.what();
        scan_.reset();
        small_cache_.reset();
        return false;
    }
}

void StoredDigests::start_scan(std::string_view from) {
    scan_from_.assign(from);  // bound without a copy: kept while the scan runs
    has_last_ = false;
    scan_->query(package_, scan_from_);
    step();
}

bool StoredDigests::step() {
    at_row_ = scan_->next("cannot read the file digests");
    // Every row up to the front was seen before this scan started, and this
    // one went on from there to the end.
    if (!at_row_) scanned_all_ = true;
    return at_row_;
}

// A row the scan went past without its file being asked for.
void StoredDigests::pass(std::string_view path) {
    last_.assign(path);
    has_last_ = true;
    if (front_set_ && path <= front_) return;  // seen before: asked, or in gone_ already
    front_.assign(path);
    front_set_ = true;
    gone_.emplace_back(path);
    asked_again_.push_back(false);
}

bool StoredDigests::stored(std::string_view path, Stored &row, bool &first_ask) {
    if (!scan_) return false;
    // Asked for a path the scan is already past: move it back there.
    if (path < scan_from_ || (has_last_ && path <= last_)) start_scan(path);
    while (at_row_ && scan_->view(0) < path) {
        pass(scan_->view(0));
        step();
    }
    if (!at_row_ || scan_->view(0) != path) return false;  // no row for it

    if (!front_set_ || path > front_) {  // the first time the scan reaches it
        front_.assign(path);
        front_set_ = true;
        first_ask = true;
    } else {  // reached before; if it was passed then, it is asked now
        const auto it = std::lower_bound(gone_.begin(), gone_.end(), path);
        first_ask = false;
        if (it != gone_.end() && *it == path) {
            const auto i = static_cast<std::size_t>(it - gone_.begin());
            first_ask = !asked_again_[i];
            asked_again_[i] = true;
        }
    }
    row.size = static_cast<std::uint64_t>(scan_->integer(1));
    row.stamp = static_cast<std::uint64_t>(scan_->integer(2));  // stored as its bit pattern
    row.hashed_at = scan_->integer(3);
    const std::string_view sha = scan_->view(4);
    row.sha256 = is_digest(sha) ? Sha256Hex(sha) : Sha256Hex();
    last_.assign(path);
    has_last_ = true;
    step();
    return true;
}

void StoredDigests::scan_to_end() {
    if (scanned_all_) return;
    start_scan(front_set_ ? std::string_view(front_) : std::string_view());
    while (at_row_) {
        pass(scan_->view(0));
        step();
    }
}

const Sha256Hex *StoredDigests::find(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                                     std::int64_t changed_ns) {
    // Computed in this read (a zip entry checked before its content hash).
    if (auto f = fresh_at_.find(path); f != fresh_at_.end()) {
        const Fresh &fresh = fresh_[f->second];
        return fresh.size == size && fresh.stamp == stamp ? &fresh.sha256 : nullptr;
    }
    Stored row;
    bool first_ask = false;
    try {
        if (!stored(path, row, first_ask)) return nullptr;
    } catch (const std::exception &e) {
        // Offer nothing more (every file is read); save() reports it.
        error_ = e.what();
        scan_.reset();
        small_cache_.reset();
        return nullptr;
    }
    if (row.size != size || row.stamp != stamp || row.sha256.view().empty()) return nullptr;
    // Hashed too soon after the file's last change: a rewrite within the
    // same timestamp tick would have kept the stamp. Read it again.
    if (changed_ns != 0 && row.hashed_at * 1'000'000'000 < changed_ns + kSettleNs) return nullptr;
    if (first_ask) ++reused_;
    found_ = row.sha256;
    return &found_;
}

void StoredDigests::remember(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                             const Sha256Hex &digest) {
    Fresh fresh{std::string(path), size, stamp, digest};
    if (auto at = fresh_at_.find(path); at != fresh_at_.end()) {
        fresh_[at->second] = std::move(fresh);
        return;
    }
    fresh_at_.emplace(fresh.path, fresh_.size());
    fresh_.push_back(std::move(fresh));
}

bool StoredDigests::save(std::string &error) {
    try {
        if (!error_.empty()) throw std::runtime_error(error_);
        const bool forget = scan_ != nullptr;  // load() ran: the rows not asked for are known
        if (scan_) scan_to_end();
        scan_.reset();
        small_cache_.reset();
        sql::Transaction tx(db_, store_path_, "saving file digests");
        Statement put(db_, store_path_,
                      "INSERT INTO file_digests (package, path, size, stamp, hashed_at, sha256) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (package, path) DO UPDATE SET "
                      "size = excluded.size, stamp = excluded.stamp, hashed_at = excluded.hashed_at, "
                      "sha256 = excluded.sha256");
        for (const Fresh &f : fresh_)
            put.run("cannot save a file digest", package_, f.path, static_cast<std::int64_t>(f.size),
                    static_cast<std::int64_t>(f.stamp), now_, f.sha256.view());
        Statement drop(db_, store_path_, "DELETE FROM file_digests WHERE package = ?1 AND path = ?2");
        for (std::size_t i = 0; forget && i < gone_.size(); ++i)
            if (!asked_again_[i] && !fresh_at_.count(gone_[i]))
                drop.run("cannot forget a file digest", package_, gone_[i]);
        tx.commit("saving file digests");
        return true;
    } catch (const std::exception &e) {
        error = e.what();
        return false;
    }
}

}  // namespace coursecrew
