// File digests kept in the status store between publishes: a publish of a
// 20,000-file course reads only the files that changed since the last one
// (the rest are known by size and stamp, see PackageEntry), where it would
// otherwise read and hash every file again.
//
//   StoredDigests cache(store, package_key(package), now);
//   cache.load(error);                  // checks the store can be read
//   options.digests = &cache;           // inspect_package() lists the package,
//   inspect_package(package, options, inspection);  // then asks file by file
//   cache.save(error);                  // the new digests; forgets files that went
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "plugin/inspect/inspect.hpp"
#include "plugin/model/big_alloc.hpp"

typedef struct sqlite3 sqlite3;

namespace coursecrew {

// Digests kept in memory for one read: a read without a store still reads
// each zip entry once (check_every_file(), then the content hashes).
class MemoryDigests : public DigestCache {
public:
    void listed(const std::vector<PackageEntry> &entries) override;
    const Sha256Hex *find(std::uint32_t entry) override;
    void remember(std::uint32_t entry, const Sha256Hex &digest) override;

private:
    std::unordered_map<std::uint32_t, Sha256Hex> known_;
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
// When the package is listed, its rows are read on a thread of their own, in
// path order, alongside the listing (sorted by path too), while the reader
// parses the manifest: one pass, no row kept but the digests of the files
// still there. Rows of files the package no longer holds are forgotten by
// save().
class StoredDigests : public DigestCache {
public:
    // A digest is trusted only when computed at least this long after the
    // file last changed (the coarsest file-system timestamps: FAT's 2 s).
    static constexpr std::int64_t kSettleNs = 2'000'000'000;

    // `now`: seconds since the epoch, the time digests computed now are
    // recorded at. Nothing else may use `db` between load() and save().
    StoredDigests(sqlite3 *db, std::string store_path, std::string package, std::int64_t now);
    ~StoredDigests() override;
    StoredDigests(const StoredDigests &) = delete;
    StoredDigests &operator=(const StoredDigests &) = delete;

    // Checks that the rows can be read (before the package is).
    bool load(std::string &error);
    // Writes the digests computed since load() and forgets the files the
    // package no longer holds. Its own transaction. Fails when reading the
    // rows failed (find() then offered nothing).
    bool save(std::string &error);

    void listed(const std::vector<PackageEntry> &entries) override;
    void unlisted() override;
    const Sha256Hex *find(std::uint32_t entry) override;
    void remember(std::uint32_t entry, const Sha256Hex &digest) override;

    std::size_t reused() const { return reused_; }    // files whose stored digest find() gave out
    std::size_t computed() const { return fresh_.size(); }

private:
    using Bytes = std::array<unsigned char, 32>;
    struct Fresh {
        std::string path;
        std::uint64_t size = 0, stamp = 0;
        Sha256Hex sha256;
    };
    void match(const std::vector<PackageEntry> &entries);  // on matcher_
    void wait();

    sqlite3 *db_;
    std::string store_path_, package_;
    std::int64_t now_;
    bool loaded_ = false;

    const std::vector<PackageEntry> *entries_ = nullptr;  // between listed() and unlisted()
    std::thread matcher_;
    std::string error_;  // reading the rows failed: find() offers nothing
    // What match() found: per entry, its stored digest's place in digests_.
    std::vector<std::uint32_t> stored_at_;
    big::vector<Bytes> digests_;  // 6 MB for 200,000 files: huge pages, sized once
    std::vector<bool> reused_entry_;
    std::vector<std::string> gone_;  // rows whose file the package no longer holds

    Sha256Hex found_;  // what find() returned last
    std::vector<Fresh> fresh_;
    std::unordered_map<std::uint32_t, std::size_t> fresh_at_;  // entry -> in fresh_
    std::size_t reused_ = 0;
};

}  // namespace coursecrew
