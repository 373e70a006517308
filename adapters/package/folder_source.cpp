#include "adapters/package/folder_source.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

#include "coursecrew/coursecrew.h"

namespace coursecrew {

namespace {

struct DirCloser {
    void operator()(DIR *d) const { ::closedir(d); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

std::string errno_text(int err) { return std::strerror(err); }

// Reads a regular file through its descriptor.
class FileStream final : public InputStream {
public:
    explicit FileStream(UniqueFd fd) : fd_(std::move(fd)) {}

    long read(unsigned char *buf, std::size_t len) override {
        // read() may return less than asked; the caller loops, so one call is enough.
        len = std::min<std::size_t>(len, LONG_MAX);
        for (;;) {
            ssize_t n = ::read(fd_.get(), buf, len);
            if (n >= 0) return static_cast<long>(n);
            if (errno == EINTR) continue;
            error_ = "read failed: " + errno_text(errno);
            return -1;
        }
    }
    const std::string &error() const override { return error_; }

private:
    UniqueFd fd_;
    std::string error_;
};

// The absolute, normalised form of `p` for messages ("folder /x/y").
std::string absolute_for_display(const std::string &p) {
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(p, ec);
    if (ec) return p;
    std::string s = abs.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

}  // namespace

int FolderSource::create(const std::string &root, const PackageLimits &limits,
                         Diagnostics &diags, std::unique_ptr<FolderSource> &out) {
    UniqueFd root_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root_fd) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR) {
            diags.error("package.not_found", "no such file or folder: " + root);
            return COURSECREW_E_NOT_FOUND;
        }
        diags.error("package.read_failed", "cannot read the folder " + root + ": " +
                                               errno_text(err) + " (check its permissions)");
        return COURSECREW_E_IO;
    }

    std::unique_ptr<FolderSource> src(
        new FolderSource(absolute_for_display(root), std::move(root_fd)));

    // Walk with one open directory at a time (an explicit stack, not recursion),
    // so a very deep tree can exhaust neither the call stack nor descriptors.
    std::vector<std::string> pending{std::string()};  // relative folders; "" = root
    while (!pending.empty()) {
        std::string dir = std::move(pending.back());
        pending.pop_back();

        // O_NOFOLLOW: a folder could have been swapped for a link since it was listed.
        int dfd = ::openat(src->root_fd_.get(), dir.empty() ? "." : dir.c_str(),
                           O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        DirPtr d(dfd >= 0 ? ::fdopendir(dfd) : nullptr);
        if (!d) {
            int err = errno;
            if (dfd >= 0) ::close(dfd);
            if (dir.empty()) {
                diags.error("package.read_failed", "cannot list the folder " + src->root_ +
                                                       ": " + errno_text(err) +
                                                       " (check its permissions)");
                return COURSECREW_E_IO;
            }
            // One unreadable subfolder should not hide the rest of the package;
            // files the manifest lists from it will be reported missing.
            diags.warning("package.folder_unreadable",
                          "cannot list the folder '" + dir + "': " + errno_text(err) +
                              "; its files were not checked (check its permissions)",
                          dir);
            continue;
        }

        for (;;) {
            errno = 0;
            const dirent *de = ::readdir(d.get());
            if (!de) {
                if (errno != 0) {
                    diags.warning("package.folder_unreadable",
                                  "listing the folder '" + (dir.empty() ? "." : dir) +
                                      "' failed: " + errno_text(errno) +
                                      "; some of its files were not checked",
                                  dir);
                }
                break;
            }
            const char *name = de->d_name;
            if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
            std::string rel = dir.empty() ? std::string(name) : dir + "/" + name;

            struct stat st {};
            if (::fstatat(::dirfd(d.get()), name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
                diags.warning("package.folder_unreadable",
                              "cannot read '" + rel + "': " + errno_text(errno) +
                                  "; it was not checked",
                              rel);
                continue;
            }
            if (S_ISLNK(st.st_mode)) {
                diags.warning("package.symlink_ignored",
                              "'" + rel +
                                  "' is a symbolic link; it was ignored (links are not "
                                  "followed, and an upload to an LMS would not carry it): "
                                  "replace it with the file or folder it points to",
                              rel);
            } else if (S_ISDIR(st.st_mode)) {
                pending.push_back(std::move(rel));
            } else if (S_ISREG(st.st_mode)) {
                if (src->entries_.size() >= limits.max_entries) {
                    diags.error("package.too_many_files",
                                "the folder " + src->root_ + " holds more than " +
                                    std::to_string(limits.max_entries) +
                                    " files; open the course folder itself, not a folder "
                                    "above it, or raise the max_entries limit");
                    return COURSECREW_E_PACKAGE_INVALID;
                }
                const std::int64_t mtime = std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
                const std::int64_t ctime = std::int64_t(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
                // The status-change time moves on every write, even when a
                // tool puts the modification time back (cp -p, rsync, tar).
                src->entries_.push_back(PackageEntry{
                    std::move(rel), static_cast<std::uint64_t>(st.st_size),
                    file_stamp({std::uint64_t(mtime), std::uint64_t(ctime), std::uint64_t(st.st_ino),
                                std::uint64_t(st.st_dev), std::uint64_t(st.st_size)}),
                    std::max(mtime, ctime)});
            }
            // Sockets, FIFOs and devices are not course content: skipped silently.
        }
    }

    std::sort(src->entries_.begin(), src->entries_.end(),
              [](const PackageEntry &a, const PackageEntry &b) { return a.path < b.path; });
    src->entries_.shrink_to_fit();  // kept for the whole read: drop the growth slack
    out = std::move(src);
    return COURSECREW_OK;
}

std::string FolderSource::describe() const { return "folder " + root_; }

std::unique_ptr<InputStream> FolderSource::open(const std::string &path,
                                                std::string &error) const {
    if (path.empty() || path.front() == '/') {
        error = "refusing to open '" + path + "': not a path inside the package";
        return nullptr;
    }
    // Split into segments; "" and "." segments are harmless and dropped.
    std::vector<std::string> segs;
    for (std::size_t start = 0; start <= path.size();) {
        std::size_t slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        std::string seg = path.substr(start, slash - start);
        if (seg == "..") {
            error = "refusing to open '" + path + "': '..' would leave the package folder";
            return nullptr;
        }
        if (!seg.empty() && seg != ".") segs.push_back(std::move(seg));
        start = slash + 1;
    }
    if (segs.empty()) {
        error = "refusing to open '" + path + "': not a file name";
        return nullptr;
    }

    auto fail = [&](int err) -> std::unique_ptr<InputStream> {
        error = "cannot open '" + path + "': " + errno_text(err);
        if (err == ELOOP) error += " (symbolic links inside a package are not followed)";
        return nullptr;
    };

    // Walk one segment at a time with O_NOFOLLOW, so no link (planted before
    // or after listing) can lead outside the package folder.
    UniqueFd dir;
    int cur = root_fd_.get();
    for (std::size_t i = 0; i + 1 < segs.size(); ++i) {
        int fd = ::openat(cur, segs[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return fail(errno);
        dir.reset(fd);
        cur = fd;
    }
    // O_NONBLOCK: opening a FIFO planted in the folder must not hang; it is
    // refused just below as not a regular file.
    UniqueFd file(::openat(cur, segs.back().c_str(),
                           O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!file) return fail(errno);
    struct stat st {};
    if (::fstat(file.get(), &st) != 0) return fail(errno);
    if (!S_ISREG(st.st_mode)) {
        error = "cannot open '" + path + "': not a regular file";
        return nullptr;
    }
    int fl = ::fcntl(file.get(), F_GETFL);
    if (fl >= 0) ::fcntl(file.get(), F_SETFL, fl & ~O_NONBLOCK);
    return std::make_unique<FileStream>(std::move(file));
}

}  // namespace coursecrew
