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
#include <string>
#include <string_view>
#include <optional>
#include <unordered_map>
#include <vector>

#include "plugin/inspect/inspect.hpp"
#include "plugin/model/text_index.hpp"

typedef struct sqlite3 sqlite3;

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

class StoredDigests : public DigestCache {
public:
    // A digest is trusted only when computed at least this long after the
    // file last changed (the coarsest file-system timestamps: FAT's 2 s).
    static constexpr std::int64_t kSettleNs = 2'000'000'000;

    // `now`: seconds since the epoch, the time digests computed now are
    // recorded at.
    StoredDigests(sqlite3 *db, std::string store_path, std::string package, std::int64_t now);
    StoredDigests(const StoredDigests &) = delete;  // its index points into its own rows
    StoredDigests &operator=(const StoredDigests &) = delete;

    bool load(std::string &error);
    // Writes the digests computed since load() and forgets the files that
    // were not asked for (gone from the package). Its own transaction.
    bool save(std::string &error);

    // The digest stays valid until the next call of find().
    const Sha256Hex *find(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                          std::int64_t changed_ns) override;
    void remember(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                  const Sha256Hex &digest) override;

    std::size_t reused() const { return reused_; }    // files whose stored digest find() gave out
    std::size_t computed() const { return fresh_.size(); }

private:
    // A row of the store. A package holds up to hundreds of thousands of
    // files and a publish loads all their rows, so a row is kept small: its
    // path in one shared buffer, its digest as 32 bytes, not 64 hex digits.
    struct Known {
        std::uint64_t size = 0, stamp = 0;
        std::int64_t hashed_at = 0;  // seconds
        std::uint32_t path_at = 0, path_size = 0;  // in paths_
        unsigned char sha256[32] = {};
        bool has_digest = false;
        bool asked = false;  // the package still has the file
    };
    struct PathOf {
        const StoredDigests *self;
        std::string_view operator()(std::uint32_t i) const { return self->path_of(self->known_[i]); }
    };
    struct Fresh {
        std::string path;
        std::uint64_t size = 0, stamp = 0;
        Sha256Hex sha256;
    };
    std::string_view path_of(const Known &k) const { return {paths_.data() + k.path_at, k.path_size}; }
    Known *lookup(std::string_view path);

    sqlite3 *db_;
    std::string store_path_, package_;
    std::int64_t now_;
    std::vector<Known> known_;
    std::string paths_;  // every known path, one after the other
    std::optional<TextIndex<PathOf>> index_;  // over known_, made by load()
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
