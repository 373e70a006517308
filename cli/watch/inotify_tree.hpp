// Linux inotify over whole folder trees.
//
// inotify watches one folder, not what is below it: InotifyTree adds a watch
// for every folder under a root, and for each folder created or moved in
// later. A folder's files written before its watch existed are reported as
// changes when the watch is added, so nothing written in a new folder is
// missed. Reports paths only: what changed is the caller's business.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

namespace coursecrew::cli::watch {

struct FsChange {
    std::string path;    // absolute
    bool is_dir = false; // a folder created, moved or deleted (or a root itself)
};

class InotifyTree {
public:
    InotifyTree() = default;
    ~InotifyTree();
    InotifyTree(const InotifyTree &) = delete;
    InotifyTree &operator=(const InotifyTree &) = delete;

    // Opens the inotify instance (non-blocking). False with `error` when the
    // system refuses (too many instances).
    bool open(std::string &error);
    // For poll(): readable when changes wait.
    int fd() const { return fd_; }

    // Watches `dir` and every folder below it, and appends every file and
    // folder found to `found`. False when `dir` itself cannot be watched;
    // `error` then says why (and names the limit when it is the watch limit).
    // Subfolders that cannot be watched are skipped with a note in `error`.
    bool add_tree(const std::string &dir, std::vector<FsChange> &found, std::string &error);

    // True while `dir` has a watch (a root deleted or moved away loses it).
    bool watching(const std::string &dir) const;

    // Reads the changes waiting, without blocking, into `out`. Returns false
    // when the kernel's queue overflowed and events were lost: the caller
    // must rescan. `error` collects subfolders that could not be watched.
    bool read(std::vector<FsChange> &out, std::string &error);

private:
    void forget_tree(const std::string &dir);

    int fd_ = -1;
    std::unordered_map<int, std::string> dirs_;  // watch descriptor -> folder
};

}  // namespace coursecrew::cli::watch
