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
#include <string>
#include <string_view>
#include <optional>
#include <vector>

#include "plugin/inspect/inspect.hpp"
#include "plugin/model/text_index.hpp"

typedef struct sqlite3 sqlite3;

namespace coursecrew {

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

    const Sha256Hex *find(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                          std::int64_t changed_ns) override;
    void remember(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                  const Sha256Hex &digest) override;

    std::size_t reused() const { return reused_; }    // digests find() gave out
    std::size_t computed() const { return fresh_.size(); }

private:
    struct Known {  // a row of the store
        std::string path;
        std::uint64_t size = 0, stamp = 0;
        std::int64_t hashed_at = 0;  // seconds
        Sha256Hex sha256;
        bool asked = false;  // the package still has the file
    };
    struct PathOf {
        const std::vector<Known> *known;
        std::string_view operator()(std::uint32_t i) const { return (*known)[i].path; }
    };
    struct Fresh {
        std::string path;
        std::uint64_t size = 0, stamp = 0;
        Sha256Hex sha256;
    };
    Known *lookup(std::string_view path);

    sqlite3 *db_;
    std::string store_path_, package_;
    std::int64_t now_;
    std::vector<Known> known_;
    std::optional<TextIndex<PathOf>> index_;  // over known_, made by load()
    std::vector<Fresh> fresh_;
    std::size_t reused_ = 0;
};

}  // namespace coursecrew
