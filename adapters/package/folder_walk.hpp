// Listing every file of a package folder: what FolderSource::create() does
// first, and the largest part of an unchanged publish (a 20,000-piece course
// holds 200,000 files in 20,000 folders, and each needs a system call).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <vector>

#include "plugin/model/package.hpp"

namespace coursecrew {

// Something that kept part of the folder from being listed: a warning, the
// rest of the folder was listed.
struct FolderProblem {
    std::string path;  // relative to the root
    std::string code;  // "package.folder_unreadable", "package.symlink_ignored"
    std::string message;
};

struct FolderListing {
    std::vector<PackageEntry> files;      // every regular file, sorted by path
    PathStore paths;                      // holds the files' paths
    std::vector<FolderProblem> problems;  // sorted by path
    int root_error = 0;                   // errno when the root itself cannot be listed
    bool too_many = false;                // more than max_entries files: listing stopped
};

// Lists every regular file under the open folder `root_fd`, on up to
// `threads` threads (the calling one included): folders waiting to be listed
// are shared, each thread keeps the files it found, and the lists are merged
// at the end, so the result does not depend on which thread listed what.
// Links are reported and not followed; sockets, FIFOs and devices are skipped.
FolderListing list_folder(int root_fd, std::uint64_t max_entries, unsigned threads);

// The type (DT_REG, DT_DIR, DT_LNK...) of the entry `name` of the folder
// `dir_fd`, which the listing gave as `listed_type`: fstatat()'s when the
// listing does not say (DT_UNKNOWN, some file systems) or when it is a file
// (`st` then holds its size and times), else the listing's own. -1 with errno
// when fstatat() fails.
int entry_type(int dir_fd, const char *name, unsigned char listed_type, struct stat &st);

// How many threads list a folder: the machine's cores, at most 8 (listing
// waits on the file system's metadata, which stops scaling before that).
unsigned listing_threads();

}  // namespace coursecrew
