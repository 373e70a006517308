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

StoredDigests::StoredDigests(sqlite3 *db, std::string store_path, std::string package, std::int64_t now)
    : db_(db), store_path_(std::move(store_path)), package_(std::move(package)), now_(now) {}

bool StoredDigests::load(std::string &error) {
    try {
        Statement q(db_, store_path_,
                    "SELECT path, size, stamp, hashed_at, sha256 FROM file_digests WHERE package = ?1");
        q.query(package_);
        known_.clear();
        while (q.next("cannot read the file digests")) {
            Known k;
            k.path = q.text(0);
            k.size = static_cast<std::uint64_t>(q.integer(1));
            k.stamp = static_cast<std::uint64_t>(q.integer(2));  // stored as its bit pattern
            k.hashed_at = q.integer(3);
            k.sha256 = Sha256Hex(q.view(4));
            known_.push_back(std::move(k));
        }
        if (known_.size() >= TextIndex<PathOf>::kAbsent) throw std::length_error("too many file digests");
        index_.emplace(known_.size(), PathOf{&known_});
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
    Known *found = lookup(path);
    if (!found) return nullptr;
    Known &k = *found;
    k.asked = true;
    if (k.size != size || k.stamp != stamp || k.sha256.empty()) return nullptr;
    // Hashed too soon after the file's last change: a rewrite within the
    // same timestamp tick would have kept the stamp. Read it again.
    if (changed_ns != 0 && k.hashed_at * 1'000'000'000 < changed_ns + kSettleNs) return nullptr;
    ++reused_;
    return &k.sha256;
}

void StoredDigests::remember(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                             const Sha256Hex &digest) {
    fresh_.push_back({std::string(path), size, stamp, digest});
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
            if (!k.asked) forget.run("cannot forget a file digest", package_, k.path);
        tx.commit("saving file digests");
        return true;
    } catch (const std::exception &e) {
        error = e.what();
        return false;
    }
}

}  // namespace coursecrew
