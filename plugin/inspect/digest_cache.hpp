// File digests kept in the status store between publishes: a publish of a
// 20,000-file course reads only the files that changed since the last one
// (the rest are known by size and stamp, see PackageEntry), where it would
// otherwise read and hash every file again.
//
//   StoredDigests cache(store, package_key(package), now);
//   cache.load(error);                  // what the last read of this package left
//   options.digests = &cache;           // inspect_package() asks it, file by file
//   inspect_package(package, options, inspection);
//   cache.save(error);                  // the new digests; forgets files that went
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "plugin/inspect/inspect.hpp"

typedef struct sqlite3 sqlite3;

namespace coursecrew::sql {
class Statement;
}

namespace coursecrew {

// Digests kept in memory for one read: a read without a store still reads
// each zip entry once (check_every_file(), then the content hashes).
class MemoryDigests : public DigestCache {
public:
    const Sha256Hex *find(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                          std::int64_t changed_ns) override;
    void remember(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                  const Sha256Hex &digest) override;

private:
    struct Known {
        std::uint64_t size = 0, stamp = 0;
        Sha256Hex sha256;
    };
    std::unordered_map<std::string, Known> known_;
};

// Reads every file of a package whose listing can lie (a zip; see
// PackageSource::listing_can_lie()) once, so that an entry whose data
// contradicts its declared size or CRC-32 refuses the package
// ("zip.entry_corrupt", naming the entry), even when no manifest lists it:
// an LMS unpacks every entry. A file `cache` knows at the same size and stamp
// (a zip entry's stamp covers its CRC-32) was read whole before and is not
// read again; the others are hashed as they are read, and remembered, so
// that the content hashes after this reuse the reading. Does nothing for a
// folder. Returns false when an entry was refused.
bool check_every_file(const PackageSource &src, DigestCache &cache, Diagnostics &diags);

// A package's key in the cache: its absolute, normalised location.
std::string package_key(const std::string &package);

// The digests of one package kept in the status store (table file_digests).
//
// The rows are not loaded: they are read one at a time, in path order, as
// find() asks for files, and a reader asks in path order (the order of
// PackageSource::entries()). So a package of 200,000 files costs no memory
// for its rows, and asking costs one step of a query per file. A file asked
// out of order moves the query back to it (one index search), and on from
// there. Rows that no file asked for (the files left the package) are
// forgotten by save().
class StoredDigests : public DigestCache {
public:
    // A digest is trusted only when computed at least this long after the
    // file last changed (the coarsest file-system timestamps: FAT's 2 s).
    static constexpr std::int64_t kSettleNs = 2'000'000'000;

    // `now`: seconds since the epoch, the time digests computed now are
    // recorded at. Nothing else may use `db` between load() and save().
    StoredDigests(sqlite3 *db, std::string store_path, std::string package, std::int64_t now);
    ~StoredDigests();
    StoredDigests(const StoredDigests &) = delete;
    StoredDigests &operator=(const StoredDigests &) = delete;

    // Starts reading the stored rows.
    bool load(std::string &error);
    // Writes the digests computed since load() and forgets the files that
    // were not asked for (gone from the package). Its own transaction. Fails
    // when reading the rows failed (find() then offered nothing).
    bool save(std::string &error);

    // The digest stays valid until the next call of find().
    const Sha256Hex *find(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                          std::int64_t changed_ns) override;
    void remember(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                  const Sha256Hex &digest) override;

    std::size_t reused() const { return reused_; }    // files whose stored digest find() gave out
    std::size_t computed() const { return fresh_.size(); }

private:
    struct Stored {  // a row, as read
        std::uint64_t size = 0, stamp = 0;
        std::int64_t hashed_at = 0;  // seconds
        Sha256Hex sha256;
    };
    struct Fresh {
        std::string path;
        std::uint64_t size = 0, stamp = 0;
        Sha256Hex sha256;
    };
    class SmallPageCache;

    bool stored(std::string_view path, Stored &row, bool &first_ask);
    void start_scan(std::string_view from);
    bool step();
    void pass(std::string_view path);
    void scan_to_end();

    sqlite3 *db_;
    std::string store_path_, package_;
    std::int64_t now_;
    std::string error_;  // reading the rows failed: find() offers nothing

    // The rows, in path order, from `scan_from_` on; `at_row_` while the
    // scan stands on a row (not yet passed).
    std::unique_ptr<SmallPageCache> small_cache_;  // while scanning
    std::unique_ptr<sql::Statement> scan_;
    std::string scan_from_;
    bool at_row_ = false;
    std::string last_;  // the row before the scan's position
    bool has_last_ = false;
    // The furthest the scan ever went (`scanned_all_`: to the end). Each
    // row up to there was asked for, or is in `gone_` (sorted, as passed).
    std::string front_;
    bool front_set_ = false, scanned_all_ = false;
    std::vector<std::string> gone_;
    std::vector<bool> asked_again_;  // parallel to gone_: asked after a move back

    Sha256Hex found_;  // what find() returned last
    std::vector<Fresh> fresh_;
    struct PathHash {  // lookups by string_view, without a copy
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    std::unordered_map<std::string, std::size_t, PathHash, std::equal_to<>> fresh_at_;  // path -> in fresh_
    std::size_t reused_ = 0;
};

}  // namespace coursecrew
