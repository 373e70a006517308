#include "adapters/package/folder_walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

#include "adapters/package/unique_fd.hpp"

namespace coursecrew {

namespace {

std::string shown(const std::string &dir) { return dir.empty() ? "." : dir; }

// What one thread found besides the files: the paths it stored, the
// problems it met.
struct Found {
    PathStore paths;
    std::vector<FolderProblem> problems;
};

// One folder of the package: what its listing found. The folder that lists
// a folder creates its node (so the tree holds every folder, listed or not)
// and one thread fills it; nobody reads a node until every thread has ended.
struct Folder {
    std::string path;                 // relative to the root; "" = the root
    std::vector<PackageEntry> files;  // sorted by path
    std::vector<Folder> subfolders;   // sorted by path; never resized once listed (the
                                      // walk holds pointers to them from then on)
};

// The order of paths (std::string's, byte by byte) from the order of names:
// everything under a folder `d` sorts as `d/` would against its siblings, so
// a walk that takes each folder's files and subfolders in that order yields
// every path in order, without sorting 200,000 paths at the end. `a` and `b`
// are siblings' paths; `*_folder` says which are folders.
bool comes_before(std::string_view a, bool a_folder, std::string_view b, bool b_folder) {
    const std::size_t n = std::min(a.size(), b.size());
    if (const int c = a.substr(0, n).compare(b.substr(0, n)); c != 0) return c < 0;
    // One is a prefix of the other: what follows it, a folder's '/' or nothing.
    auto next = [n](std::string_view s, bool folder) {
        return n < s.size() ? static_cast<unsigned char>(s[n]) : folder ? int{'/'} : -1;
    };
    return next(a, a_folder) < next(b, b_folder);
}

void append_in_order(Folder &folder, std::vector<PackageEntry> &out) {
    auto file = folder.files.begin();
    for (Folder &sub : folder.subfolders) {
        while (file != folder.files.end() && comes_before(file->path, false, sub.path, true))
            out.push_back(std::move(*file++));
        append_in_order(sub, out);
    }
    std::move(file, folder.files.end(), std::back_inserter(out));
    std::vector<PackageEntry>().swap(folder.files);  // given back as the walk goes
}

// The folders waiting to be listed, shared by the listing threads.
class Walk {
public:
    Walk(int root_fd, std::uint64_t max_entries) : root_fd_(root_fd), max_entries_(max_entries) {}

    // Lists `folder` (its path set): its files (their paths into `found`'s
    // store) and its subfolders, each sorted. Returns errno when the folder
    // cannot be opened, else 0.
    int list(Folder &folder, Found &found);

    void add(Folder &folder) {
        for (Folder &sub : folder.subfolders) pending_.push_back(&sub);
    }
    // Takes folders and lists them until none is left or the walk stopped.
    void work(Found &found);

    bool too_many() const { return too_many_.load(); }
    std::uint64_t files() const { return files_.load(); }

private:
    bool take(Folder *&folder);
    void done_with(Folder &listed);
    void stop();

    const int root_fd_;
    const std::uint64_t max_entries_;
    std::atomic<std::uint64_t> files_{0};
    std::atomic<bool> too_many_{false};

    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Folder *> pending_;  // guarded by mutex_
    unsigned busy_ = 0;              // threads listing a folder; guarded by mutex_
    bool stopped_ = false;           // guarded by mutex_
};

int Walk::list(Folder &folder, Found &found) {
    const std::string &dir = folder.path;
    // O_NOFOLLOW: a folder could have been swapped for a link since it was listed.
    UniqueFd fd(::openat(root_fd_, shown(dir).c_str(),
                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return errno;
    auto problem = [&](std::string path, const char *code, std::string message) {
        found.problems.push_back(FolderProblem{std::move(path), code, std::move(message)});
    };
    // getdents64 straight on the folder: readdir() through fdopendir() would
    // add an fstat and two fcntl per folder (60,000 calls for 20,000 folders).
    alignas(dirent64) char buf[32 * 1024];
    for (;;) {
        const ssize_t got = ::getdents64(fd.get(), buf, sizeof buf);
        if (got == 0) break;
        if (got < 0) {
            if (errno == EINTR) continue;
            problem(dir, "package.folder_unreadable",
                    "listing the folder '" + shown(dir) + "' failed: " + std::strerror(errno) +
                        "; some of its files were not checked");
            break;
        }
        for (ssize_t at = 0; at < got;) {
            const auto *de = reinterpret_cast<const dirent64 *>(buf + at);
            at += de->d_reclen;
            const char *name = de->d_name;
            if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
            struct stat st {};
            const int type = entry_type(fd.get(), name, de->d_type, st);
            const int err = type < 0 ? errno : 0;
            if (type == DT_REG) {
                if (files_.fetch_add(1) >= max_entries_) {
                    too_many_ = true;
                    stop();
                    return 0;
                }
                const std::int64_t mtime = std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
                const std::int64_t ctime = std::int64_t(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
                // The status-change time moves on every write, even when a
                // tool puts the modification time back (cp -p, rsync, tar).
                folder.files.push_back(PackageEntry{
                    dir.empty() ? found.paths.add({name}) : found.paths.add({dir, "/", name}),
                    static_cast<std::uint64_t>(st.st_size),
                    file_stamp({std::uint64_t(mtime), std::uint64_t(ctime), std::uint64_t(st.st_ino),
                                std::uint64_t(st.st_dev), std::uint64_t(st.st_size)}),
                    std::max(mtime, ctime)});
                continue;
            }
            std::string rel = dir.empty() ? std::string(name) : dir + "/" + name;
            if (type < 0) {
                std::string message = "cannot read '" + rel + "': " + std::strerror(err) +
                                      "; it was not checked";
                problem(std::move(rel), "package.folder_unreadable", std::move(message));
                continue;
            }
            if (type == DT_LNK) {
                std::string message = "'" + rel +
                                      "' is a symbolic link; it was ignored (links are not "
                                      "followed, and an upload to an LMS would not carry it): "
                                      "replace it with the file or folder it points to";
                problem(std::move(rel), "package.symlink_ignored", std::move(message));
            } else if (type == DT_DIR) {
                folder.subfolders.push_back(Folder{std::move(rel), {}, {}});
            }
            // Sockets, FIFOs and devices are not course content: skipped silently.
        }
    }
    std::sort(folder.files.begin(), folder.files.end(),
              [](const PackageEntry &a, const PackageEntry &b) { return a.path < b.path; });
    std::sort(folder.subfolders.begin(), folder.subfolders.end(),
              [](const Folder &a, const Folder &b) { return comes_before(a.path, true, b.path, true); });
    return 0;
}

bool Walk::take(Folder *&folder) {
    std::unique_lock<std::mutex> lock(mutex_);
    // Nothing waits and nobody lists: no folder can come any more.
    changed_.wait(lock, [&] { return stopped_ || !pending_.empty() || busy_ == 0; });
    if (stopped_ || pending_.empty()) return false;
    folder = pending_.back();
    pending_.pop_back();
    ++busy_;
    return true;
}

void Walk::done_with(Folder &listed) {
    std::lock_guard<std::mutex> lock(mutex_);
    add(listed);
    --busy_;
    if (!listed.subfolders.empty() || busy_ == 0) changed_.notify_all();
}

void Walk::stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
    changed_.notify_all();
}

void Walk::work(Found &found) {
    Folder *folder = nullptr;
    while (take(folder)) {
        int err = 0;
        try {
            err = list(*folder, found);
        } catch (...) {  // out of memory: end every thread's walk, then report it
            folder->subfolders.clear();
            done_with(*folder);
            stop();
            throw;
        }
        if (err != 0)
            // One unreadable subfolder should not hide the rest of the package;
            // files the manifest lists from it will be reported missing.
            found.problems.push_back(FolderProblem{
                folder->path, "package.folder_unreadable",
                "cannot list the folder '" + folder->path + "': " + std::strerror(err) +
                    "; its files were not checked (check its permissions)"});
        done_with(*folder);
    }
}

}  // namespace

int entry_type(int dir_fd, const char *name, unsigned char listed_type, struct stat &st) {
    // The folder's listing gives each entry's type on most file systems: a
    // subfolder or a link needs no stat of its own. A file needs one (its
    // size and times), and so does an entry of unknown type.
    if (listed_type != DT_REG && listed_type != DT_UNKNOWN) return listed_type;
    if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return -1;
    return IFTODT(st.st_mode);  // it may have been replaced since it was listed
}

unsigned listing_threads() {
    return std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
}

FolderListing list_folder(int root_fd, std::uint64_t max_entries, unsigned threads) {
    FolderListing result;
    Walk walk(root_fd, max_entries);
    // The root on this thread: a folder without subfolders starts no thread.
    Folder root;
    std::vector<Found> found(1);
    result.root_error = walk.list(root, found[0]);
    if (result.root_error != 0) return result;

    if (!root.subfolders.empty() && !walk.too_many()) {
        walk.add(root);
        threads = std::clamp(threads, 1u, 64u);
        found.resize(threads);  // before any thread starts: no reallocation under them
        std::vector<std::thread> helpers;
        std::vector<std::exception_ptr> failed(threads);
        auto run = [&](unsigned i) {
            try {
                walk.work(found[i]);
            } catch (...) {
                failed[i] = std::current_exception();
            }
        };
        for (unsigned i = 1; i < threads; ++i) {
            try {
                helpers.emplace_back(run, i);
            } catch (const std::system_error &) {
                break;  // no more threads to be had: the others share the work
            }
        }
        run(0);
        for (std::thread &t : helpers) t.join();
        for (const std::exception_ptr &e : failed)
            if (e) std::rethrow_exception(e);
    }
    result.too_many = walk.too_many();
    if (result.too_many) return result;

    result.files.reserve(static_cast<std::size_t>(walk.files()));
    append_in_order(root, result.files);
    for (Found &f : found) {
        result.paths.adopt(std::move(f.paths));
        std::move(f.problems.begin(), f.problems.end(), std::back_inserter(result.problems));
    }
    std::stable_sort(result.problems.begin(), result.problems.end(),
                     [](const FolderProblem &a, const FolderProblem &b) { return a.path < b.path; });
    return result;
}

}  // namespace coursecrew
