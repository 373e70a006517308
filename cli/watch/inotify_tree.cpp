// See inotify_tree.hpp.
#include "inotify_tree.hpp"

#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>

namespace coursecrew::cli::watch {

namespace {

// Every kind of write, creation, removal and rename; not reads or attribute
// changes. IN_MODIFY keeps a slow copy of a big file "changing" until it ends.
constexpr std::uint32_t kMask = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM |
                                IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR |
                                IN_DONT_FOLLOW | IN_EXCL_UNLINK;

std::string join(const std::string &dir, const char *name) {
    return dir == "/" ? "/" + std::string(name) : dir + "/" + name;
}

bool is_under(const std::string &path, const std::string &dir) {
    return path.compare(0, dir.size(), dir) == 0 && (path.size() == dir.size() || path[dir.size()] == '/');
}

std::string cannot_watch(const std::string &dir, int err) {
    std::string why = "cannot watch " + dir + ": " + std::strerror(err);
    if (err == ENOSPC)
        why += " (the limit of inotify watches is reached: raise it, e.g. "
               "`sysctl fs.inotify.max_user_watches=524288`)";
    return why;
}

struct DirCloser {
    void operator()(DIR *d) const { ::closedir(d); }
};

}  // namespace

InotifyTree::~InotifyTree() {
    if (fd_ >= 0) ::close(fd_);
}

bool InotifyTree::open(std::string &error) {
    fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ >= 0) return true;
    error = std::string("cannot start inotify: ") + std::strerror(errno);
    if (errno == EMFILE) error += " (the limit fs.inotify.max_user_instances is reached)";
    return false;
}

bool InotifyTree::add_tree(const std::string &dir, std::vector<FsChange> &found, std::string &error) {
    // The watch first, then the listing: a file created in between is seen
    // twice (listed and as an event), never missed.
    const int wd = ::inotify_add_watch(fd_, dir.c_str(), kMask);
    if (wd < 0) {
        // A folder already gone again is no problem: its parent reported that.
        if (errno != ENOENT && errno != ENOTDIR) error += (error.empty() ? "" : "\n") + cannot_watch(dir, errno);
        return false;
    }
    dirs_[wd] = dir;  // the same folder watched again keeps its descriptor
    std::unique_ptr<DIR, DirCloser> d(::opendir(dir.c_str()));
    if (!d) return true;
    std::vector<std::string> subdirs;
    while (const dirent *e = ::readdir(d.get())) {
        if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
        const std::string path = join(dir, e->d_name);
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) continue;  // gone meanwhile
        const bool is_dir = S_ISDIR(st.st_mode);
        found.push_back({path, is_dir});
        if (is_dir) subdirs.push_back(path);
    }
    d.reset();
    for (const std::string &sub : subdirs) add_tree(sub, found, error);
    return true;
}

bool InotifyTree::watching(const std::string &dir) const {
    for (const auto &[wd, path] : dirs_)
        if (path == dir) return true;
    return false;
}

void InotifyTree::forget_tree(const std::string &dir) {
    for (auto it = dirs_.begin(); it != dirs_.end();) {
        if (is_under(it->second, dir)) {
            ::inotify_rm_watch(fd_, it->first);
            it = dirs_.erase(it);
        } else {
            ++it;
        }
    }
}

bool InotifyTree::read(std::vector<FsChange> &out, std::string &error) {
    bool complete = true;
    alignas(inotify_event) char buf[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // EAGAIN: all read
        for (const char *p = buf; p < buf + n;) {
            const auto *ev = reinterpret_cast<const inotify_event *>(p);
            p += sizeof(inotify_event) + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                complete = false;
                continue;
            }
            const auto it = dirs_.find(ev->wd);
            if (it == dirs_.end()) continue;  // a watch already forgotten
            if (ev->mask & IN_IGNORED) {      // the kernel dropped it (folder deleted)
                dirs_.erase(it);
                continue;
            }
            const std::string dir = it->second;
            if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
                // A watched folder itself deleted or moved. A moved folder
                // keeps its watches under a path no longer true: drop them
                // (a folder moved within the tree is watched again through
                // its new parent's IN_MOVED_TO).
                if (ev->mask & IN_MOVE_SELF) forget_tree(dir);
                out.push_back({dir, true});
                continue;
            }
            const bool is_dir = (ev->mask & IN_ISDIR) != 0;
            const std::string path = join(dir, ev->name);
            if (is_dir && (ev->mask & IN_MOVED_FROM)) forget_tree(path);
            out.push_back({path, is_dir});
            if (is_dir && (ev->mask & (IN_CREATE | IN_MOVED_TO))) add_tree(path, out, error);
        }
    }
    return complete;
}

}  // namespace coursecrew::cli::watch
