#include "plugin/inspect/digest_cache.hpp"

#include <array>
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

void MemoryDigests::listed(const std::vector<PackageEntry> &) { known_.clear(); }

const Sha256Hex *MemoryDigests::find(std::uint32_t entry) {
    const auto it = known_.find(entry);
    return it == known_.end() ? nullptr : &it->second;
}

void MemoryDigests::remember(std::uint32_t entry, const Sha256Hex &digest) { known_[entry] = digest; }

bool check_every_file(const PackageSource &src, DigestCache &cache, Diagnostics &diags) {
    if (!src.listing_can_lie()) return true;
    bool all_good = true;
    const std::vector<PackageEntry> &entries = src.entries();
    for (std::uint32_t i = 0; i < entries.size(); ++i) {
        const PackageEntry &e = entries[i];
        if (e.stamp != 0 && cache.find(i)) continue;
        std::string error;
        const std::string hex = sha256_file(src, e.path, error);
        if (hex.empty()) {
            all_good = false;
            diags.error("zip.entry_corrupt",
                        "the zip entry '" + std::string(e.path) + "' does not hold what the archive says (" +
                            error + "); an LMS may unpack it differently or not at all, so the "
                            "archive was refused: re-create the zip or download it again",
                        std::string(e.path));
            continue;
        }
        if (e.stamp != 0) cache.remember(i, Sha256Hex(hex));
    }
    return all_good;
}

StoredDigests::StoredDigests(sqlite3 *db, std::string store_path, std::string package, std::int64_t now)
    : db_(db), store_path_(std::move(store_path)), package_(std::move(package)), now_(now) {}

StoredDigests::~StoredDigests() { wait(); }

namespace {

// Lowercase hex digits' values; -1 for every other byte.
constexpr std::array<signed char, 256> kHexValue = [] {
    std::array<signed char, 256> t{};
    for (auto &v : t) v = -1;
    for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<signed char>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] = static_cast<signed char>(c - 'a' + 10);
    return t;
}();

// The 32 bytes of a 64-digit lowercase hex digest; false for anything else
// (such a row is treated as having no digest: the file is read again).
// Without a branch per digit: it runs for every row of every publish.
bool parse_digest(std::string_view hex, std::array<unsigned char, 32> &out) {
    if (hex.size() != 64) return false;
    int bad = 0;
    for (std::size_t i = 0; i < 32; ++i) {
        const int hi = kHexValue[static_cast<unsigned char>(hex[2 * i])];
        const int lo = kHexValue[static_cast<unsigned char>(hex[2 * i + 1])];
        bad |= hi | lo;  // negative when either is not a digit
        out[i] = static_cast<unsigned char>(((hi & 15) << 4) | (lo & 15));
    }
    return bad >= 0;
}

// Shrinks the connection's page cache while the rows are scanned, and puts it
// back after. The scan reads every row once (20 MB for 200,000 files), so
// caching its pages buys nothing and would only add their size to the
// publish's peak memory; the publish's own writes need the big cache.
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

constexpr const char *kRows =
    "SELECT path, size, stamp, hashed_at, sha256 FROM file_digests WHERE package = ?1 ORDER BY path";

}  // namespace

bool StoredDigests::load(std::string &error) {
    try {
        Statement check(db_, store_path_, kRows);  // the table and its columns are there
        loaded_ = true;
        return true;
    } catch (const std::exception &e) {
        error = error_ = e.what();
        return false;
    }
}

void StoredDigests::listed(const std::vector<PackageEntry> &entries) {
    wait();
    entries_ = &entries;
    stored_at_.assign(entries.size(), UINT32_MAX);
    reused_entry_.assign(entries.size(), false);
    digests_.clear();
    gone_.clear();
    if (!loaded_ || !error_.empty()) return;
    // While the reader parses the manifest.
    matcher_ = std::thread([this, &entries] { match(entries); });
}

void StoredDigests::unlisted() {
    wait();
    entries_ = nullptr;
}

void StoredDigests::wait() {
    if (matcher_.joinable()) matcher_.join();
}

// One pass over the rows (sorted by path: the primary key's order, SQLite's
// BINARY collation, which is also std::string's) and the listing (sorted by
// path) side by side.
void StoredDigests::match(const std::vector<PackageEntry> &entries) {
    try {
        SmallPageCache small(db_, store_path_);
        Statement q(db_, store_path_, kRows);
        q.query(package_);
        digests_.reserve(entries.size());  // at most one per file
        std::size_t e = 0;
        while (q.next("cannot read the file digests")) {
            const std::string_view path = q.view(0);
            while (e < entries.size() && std::string_view(entries[e].path) < path) ++e;
            if (e == entries.size() || std::string_view(entries[e].path) != path) {
                gone_.emplace_back(path);  // the package no longer holds it
                continue;
            }
            const PackageEntry &entry = entries[e++];
            if (entry.stamp == 0 || static_cast<std::uint64_t>(q.integer(1)) != entry.size ||
                static_cast<std::uint64_t>(q.integer(2)) != entry.stamp)  // stored as its bit pattern
                continue;  // changed since: read again
            // Hashed too soon after the file's last change: a rewrite within
            // the same timestamp tick would have kept the stamp. Read it again.
            if (entry.changed_ns != 0 && q.integer(3) * 1'000'000'000 < entry.changed_ns + kSettleNs)
                continue;
            Bytes digest;
            if (!parse_digest(q.view(4), digest)) continue;
            stored_at_[e - 1] = static_cast<std::uint32_t>(digests_.size());
            digests_.push_back(digest);
        }
    } catch (const std::exception &ex) {
        error_ = ex.what();
        std::fill(stored_at_.begin(), stored_at_.end(), UINT32_MAX);  // offer nothing
        big::vector<Bytes>().swap(digests_);
        gone_.clear();
    }
}

const Sha256Hex *StoredDigests::find(std::uint32_t entry) {
    wait();
    if (auto f = fresh_at_.find(entry); f != fresh_at_.end()) return &fresh_[f->second].sha256;
    if (entry >= stored_at_.size() || stored_at_[entry] == UINT32_MAX) return nullptr;
    if (!reused_entry_[entry]) {
        reused_entry_[entry] = true;
        ++reused_;
    }
    const Bytes &d = digests_[stored_at_[entry]];
    found_ = Sha256Hex::of_bytes(d.data(), d.size());
    return &found_;
}

void StoredDigests::remember(std::uint32_t entry, const Sha256Hex &digest) {
    if (!entries_ || entry >= entries_->size()) return;
    const PackageEntry &e = (*entries_)[entry];
    Fresh fresh{std::string(e.path), e.size, e.stamp, digest};
    if (auto at = fresh_at_.find(entry); at != fresh_at_.end()) {
        fresh_[at->second] = std::move(fresh);
        return;
    }
    fresh_at_.emplace(entry, fresh_.size());
    fresh_.push_back(std::move(fresh));
}

bool StoredDigests::save(std::string &error) {
    wait();
    try {
        if (!error_.empty()) throw std::runtime_error(error_);
        if (fresh_.empty() && gone_.empty()) return true;  // nothing changed: no transaction
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
        for (const std::string &path : gone_) drop.run("cannot forget a file digest", package_, path);
        tx.commit("saving file digests");
        return true;
    } catch (const std::exception &e) {
        error = e.what();
        return false;
    }
}

}  // namespace coursecrew
