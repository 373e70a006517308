// A package stored as a zip archive (a SCORM "PIF"), read in place.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "plugin/model/diagnostics.hpp"
#include "plugin/model/package.hpp"

namespace coursecrew {

// The files of a zip archive, read straight from the archive: nothing is ever
// extracted to disk.
//
// create() checks the whole central directory first and refuses the archive
// when any entry is unsafe (absolute path, ".." climbing above the root,
// control characters, a symbolic link), encrypted, stored twice under one
// path, when it is too big or too compressed to be honest (a zip bomb), or
// when it holds too many entries. Streams from
// open() also stop an entry that inflates beyond what it declared, since the
// declared sizes checked by create() can lie.
//
// Thread safety: libzip archives are not thread-safe. A ZipSource and every
// stream opened from it share one archive handle and one expansion counter, so
// use a source and its streams from one thread at a time. Streams keep the
// archive alive, so they may outlive the source.
class ZipSource final : public PackageSource {
public:
    // Returns COURSECREW_OK and sets `out`, or an error status with error
    // diagnostics: COURSECREW_E_PACKAGE_INVALID for "zip.corrupt",
    // "zip.unsafe_path", "zip.link", "zip.encrypted", "zip.duplicate_entry",
    // "zip.bomb", "package.too_many_files";
    // COURSECREW_E_NOT_FOUND / COURSECREW_E_IO when the file cannot be opened.
    static int create(const std::string &zip_path, const PackageLimits &limits,
                      Diagnostics &diags, std::unique_ptr<ZipSource> &out);

    std::string describe() const override;
    // File entries only (no folders), with normalised paths: '/' separators,
    // no "./", "" or resolvable ".." segments.
    const std::vector<PackageEntry> &entries() const override { return entries_; }
    std::unique_ptr<InputStream> open(const std::string &path, std::string &error) const override;
    // The central directory's sizes and CRC-32s are claims: only reading an
    // entry shows whether its data agrees (see check_every_file()).
    bool listing_can_lie() const override { return true; }

    struct Archive;  // the libzip handle and expansion accounting, shared with streams

private:
    struct Slot {
        std::uint64_t zip_index = 0;  // libzip's index of the entry
        std::size_t entry = 0;        // position in entries_
    };

    ZipSource() = default;

    std::string path_;  // absolute, for messages
    std::shared_ptr<Archive> archive_;
    PathStore paths_;  // holds the entries' paths
    std::vector<PackageEntry> entries_;
    std::unordered_map<std::string, Slot> by_path_;
};

}  // namespace coursecrew
