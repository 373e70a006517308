#include "plugin/inspect/digest_cache.hpp"

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

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// The 32 bytes of a 64-digit lowercase hex digest; false for anything else
// (such a row is treated as having no digest: the file is read again).
bool parse_digest(std::string_view hex, unsigned char (&out)[32]) {
    if (hex.size() != 64) return false;
    for (std::size_t i = 0; i < 32; ++i) {
        const int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    return true;
}

// Shrinks the connection's page cache while the digests are scanned, and
// puts it back after. The scan reads every row once (20 MB for 200,000
// files), so caching its pages buys nothing and would only add their size to
// the publish's peak memory; the publish's own writes need the big cache.
class SmallPageCache {
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

}  // namespace

bool StoredDigests::load(std::string &error) {
    try {
        known_.clear();
        paths_.clear();
        index_.reset();
        {
            SmallPageCache small(db_, store_path_);
            Statement q(db_, store_path_,
                        "SELECT path, size, stamp, hashed_at, sha256 FROM file_digests WHERE package = ?1");
            q.query(package_);
            while (q.next("cannot read the file digests")) {
                const std::string_view path = q.view(0);
                if (paths_.size() + path.size() > UINT32_MAX) throw std::length_error("too many file digests");
                Known k;
                k.path_at = static_cast<std::uint32_t>(paths_.size());
                k.path_size = static_cast<std::uint32_t>(path.size());
                paths_.append(path);
                k.size = static_cast<std::uint64_t>(q.integer(1));
                k.stamp = static_cast<std::uint64_t>(q.integer(2));  // stored as its bit pattern
                k.hashed_at = q.integer(3);
                k.has_digest = parse_digest(q.view(4), k.sha256);
                known_.push_back(k);
            }
        }
        // Loaded before the package is read: giving back the growth slack now
        // lowers the publish's peak memory.
        known_.shrink_to_fit();
        paths_.shrink_to_fit();
        if (known_.size() >= TextIndex<PathOf>::kAbsent) throw std::length_error("too many file digests");
        index_.emplace(known_.size(), PathOf{this});
        for (std::uint32_t i = 0; i < known_.size(); ++i) index_->put(i);  // paths are unique (primary key)
        return true;
    } catch (const std::exception &e) {
        error = e.what();
        return false;
    }
}

StoredDigests::Known *StoredDigests::lookup(std::string_view path) {
    if (!index_) return nullptr;
    const std::uint32_t i = index_->find(path);
    return i == TextIndex<PathOf>::kAbsent ? nullptr : &known_[i];
}

const Sha256Hex *StoredDigests::find(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                                     std::int64_t changed_ns) {
    // Computed in this read (a zip entry checked before its content hash).
    if (auto f = fresh_at_.find(path); f != fresh_at_.end()) {
        const Fresh &fresh = fresh_[f->second];
        return fresh.size == size && fresh.stamp == stamp ? &fresh.sha256 : nullptr;
    }
    Known *found = lookup(path);
    if (!found) return nullptr;
    Known &k = *found;
    const bool first_ask = !k.asked;
    k.asked = true;
    if (k.size != size || k.stamp != stamp || !k.has_digest) return nullptr;
    // Hashed too soon after the file's last change: a rewrite within the
    // same timestamp tick would have kept the stamp. Read it again.
    if (changed_ns != 0 && k.hashed_at * 1'000'000'000 < changed_ns + kSettleNs) return nullptr;
    if (first_ask) ++reused_;
    found_ = Sha256Hex::of_bytes(k.sha256, sizeof k.sha256);
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
        sql::Transaction tx(db_, store_path_, "saving file digests");
        Statement put(db_, store_path_,
                      "INSERT INTO file_digests (package, path, size, stamp, hashed_at, sha256) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (package, path) DO UPDATE SET "
                      "size = excluded.size, stamp = excluded.stamp, hashed_at = excluded.hashed_at, "
                      "sha256 = excluded.sha256");
        for (const Fresh &f : fresh_) {
            put.run("cannot save a file digest", package_, f.path, static_cast<std::int64_t>(f.size),
                    static_cast<std::int64_t>(f.stamp), now_, f.sha256.view());
            if (Known *k = lookup(f.path)) k->asked = true;
        }
        Statement forget(db_, store_path_, "DELETE FROM file_digests WHERE package = ?1 AND path = ?2");
        for (const Known &k : known_)
            if (!k.asked) forget.run("cannot forget a file digest", package_, path_of(k));
        tx.commit("saving file digests");
        return true;
    } catch (const std::exception &e) {
        error = e.what();
        return false;
    }
}

}  // namespace coursecrew
