// A course package as the core sees it: a set of files under one root, however
// they are stored (a folder, a zip). Adapters implement PackageSource.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>  // (kept: files that include this header use it)
#include <vector>

#include "plugin/model/diagnostics.hpp"

namespace coursecrew {

// Where a source keeps its entries' paths: 200,000 paths in a few blocks,
// not 200,000 allocations, read in the order they were listed and given back
// at once. A path never moves once stored; the blocks live as long as the
// store (and whatever adopted them).
class PathStore {
public:
    // Stores the concatenation of `parts` and returns it.
    std::string_view add(std::initializer_list<std::string_view> parts);
    // Takes over `other`'s blocks; their paths stay where they are.
    void adopt(PathStore &&other);

private:
    static constexpr std::size_t kBlock = 256 * 1024;
    std::vector<std::unique_ptr<char[]>> blocks_;
    std::size_t used_ = 0, room_ = 0;  // in blocks_.back()
};

struct PackageEntry {
    // Relative to the package root, '/' separated, as stored. Held by the
    // source's PathStore: valid as long as the source that listed it.
    std::string_view path;
    std::uint64_t size = 0;
    // Changes whenever the file's content may have changed (for a folder:
    // its modification and status-change times and inode; for a zip: the
    // entry's CRC-32 and time); 0 = unknown. Lets a digest computed before
    // be reused (see DigestCache).
    std::uint64_t stamp = 0;
    // When the file last changed (ns since the epoch, the later of its
    // modification and status-change times); 0 when a change always changes
    // the stamp (zips).
    std::int64_t changed_ns = 0;
};

// Limits that keep a hostile or absurd package from exhausting the machine.
struct PackageLimits {
    std::uint64_t max_manifest_bytes = 256ull << 20;     // one manifest file
    std::uint64_t max_expanded_bytes = 8ull << 30;       // a zip's total expanded size
    std::uint64_t max_compression_ratio = 200;           // a zip entry's expanded/compressed
    std::uint64_t max_entries = 1'000'000;               // files in a package
    int max_xml_depth = 256;                             // element nesting in a manifest
};

// A file opened for reading, pulled in chunks.
class InputStream {
public:
    virtual ~InputStream() = default;
    // Reads up to `len` bytes. Returns the count, 0 at the end, -1 on error
    // (then error() says why).
    virtual long read(unsigned char *buf, std::size_t len) = 0;
    virtual const std::string &error() const = 0;
};

class PackageSource {
public:
    virtual ~PackageSource() = default;

    // What the package is, for messages: "folder /x/y" or "zip /x/y.zip".
    virtual std::string describe() const = 0;

    // Every regular file in the package. Stable order (sorted by path).
    virtual const std::vector<PackageEntry> &entries() const = 0;

    // Opens one file. Returns nullptr with `error` set when it cannot be opened.
    virtual std::unique_ptr<InputStream> open(const std::string &path, std::string &error) const = 0;

    // True when entries()' sizes and stamps are claims that a file's content
    // may contradict (a zip's central directory declares each entry's size
    // and CRC-32; its data may say otherwise). Such a package has every file
    // read once (check_every_file() in plugin/inspect/digest_cache.hpp).
    virtual bool listing_can_lie() const { return false; }

    // Reads a whole (small) file into memory, refusing files over `max_bytes`.
    // Reads straight into the room `out` already has: reserve the file's
    // size first to read a big file without a second copy.
    bool read_all(const std::string &path, std::uint64_t max_bytes, std::string &out,
                  std::string &error) const;
};

// Index over a source's entries (sorted by path, as PackageSource::entries()
// gives them): exact and case-insensitive lookup.
//
// Two ways to look up a path:
// - find(): two open-addressing tables of entry numbers (see TextIndex), not
//   hash maps of nodes: a 200,000-file package costs two allocations, not
//   400,000. Each table is built on the first lookup that needs it.
// - find_near(): a search of the sorted entries outwards from the last one
//   found, for paths that mostly come in the listing's order (a manifest's
//   files, resource by resource). Checking every file a 20,000-piece course
//   lists takes 200,000 lookups: this way they read the entries in order,
//   and the tables are never built.
// Thread-safe (the tables are built once, under std::call_once).
class EntryIndex {
public:
    explicit EntryIndex(const std::vector<PackageEntry> &entries);
    // Returns the entry for `path` or nullptr. Sets `case_mismatch` when only a
    // case-insensitive match exists (the entry is still returned).
    const PackageEntry *find(std::string_view path, bool *case_mismatch = nullptr) const;
    // The same answer, searched from the entry number `near` (0 at first;
    // anything is correct, a good guess is quick) and, when found, setting
    // it to the entry after the one found.
    const PackageEntry *find_near(std::string_view path, std::size_t &near, bool *case_mismatch = nullptr) const;
    std::size_t size() const { return entries_.size(); }

private:
    using Slots = std::vector<std::uint32_t>;  // entry numbers; kEmpty where none
    static constexpr std::uint32_t kEmpty = UINT32_MAX;
    void build_exact() const;
    void build_folded() const;
    // Whether any entry's path is `n` bytes long (case folding keeps the
    // length): most lookups of a missing file end here.
    bool has_length(std::size_t n) const;
    const PackageEntry *find_folded(std::string_view path, bool *case_mismatch) const;

    const std::vector<PackageEntry> &entries_;
    mutable std::vector<bool> lengths_;  // see has_length()
    mutable std::once_flag lengths_once_;
    mutable Slots exact_;
    mutable std::once_flag exact_once_;
    mutable Slots folded_;  // ASCII case-folded paths, first entry of each
    mutable std::once_flag folded_once_;
};

std::string ascii_lower(std::string_view s);

// Whether the package path `path` is the file `tail` ("h5p.json",
// "data/player.js") in some folder: `tail` itself, or ending in '/' + `tail`.
bool path_ends_with(std::string_view path, std::string_view tail);

// A PackageEntry::stamp from the facts a source knows about a file: a
// 64-bit mix in which every input bit reaches every output bit; never 0.
std::uint64_t file_stamp(std::initializer_list<std::uint64_t> facts);

// Lowercase hex of a byte string (digests).
std::string to_hex(const unsigned char *data, std::size_t len);

// SHA-256 of bytes in memory, as lowercase hex.
std::string sha256_hex(std::string_view data);

// SHA-256 of one file of the package, as lowercase hex. "" on read error.
std::string sha256_file(const PackageSource &src, std::string_view path, std::string &error);

}  // namespace coursecrew
