// A package stored as a folder on disk.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adapters/package/unique_fd.hpp"
#include "plugin/model/diagnostics.hpp"
#include "plugin/model/package.hpp"

namespace coursecrew {

// Every regular file under a root folder, listed once when created.
//
// Symbolic links inside the folder are never followed, neither when listing
// nor when opening: a link could point anywhere on the machine, and an LMS
// upload would not contain it anyway. The root itself may be a link.
//
// Thread safety: entries() and open() are const and may be called from several
// threads; each returned stream belongs to one thread at a time.
class FolderSource final : public PackageSource {
public:
    // Lists `root`. Returns COURSECREW_OK and sets `out`, or COURSECREW_E_IO
    // (root unreadable) / COURSECREW_E_PACKAGE_INVALID (too many files) with
    // error diagnostics. Warns "package.symlink_ignored" once per link.
    static int create(const std::string &root, const PackageLimits &limits, Diagnostics &diags,
                      std::unique_ptr<FolderSource> &out);

    std::string describe() const override;
    const std::vector<PackageEntry> &entries() const override { return entries_; }
    // `path` is package-relative; absolute paths and ".." segments are refused.
    std::unique_ptr<InputStream> open(const std::string &path, std::string &error) const override;

    const std::string &root() const { return root_; }

private:
    FolderSource(std::string root, UniqueFd root_fd)
        : root_(std::move(root)), root_fd_(std::move(root_fd)) {}

    std::string root_;     // absolute, normalised, for messages
    UniqueFd root_fd_;     // files are opened relative to this, so a renamed
                           // or replaced root path cannot redirect reads
    PathStore paths_;  // holds the entries' paths
    std::vector<PackageEntry> entries_;
};

}  // namespace coursecrew
