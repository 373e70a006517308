#include "adapters/package/folder_source.hpp"

#include "adapters/package/folder_walk.hpp"

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

    FolderListing listing = list_folder(src->root_fd_.get(), limits.max_entries, listing_threads());
    if (listing.root_error != 0) {
        diags.error("package.read_failed", "cannot list the folder " + src->root_ + ": " +
                                               errno_text(listing.root_error) +
                                               " (check its permissions)");
        return COURSECREW_E_IO;
    }
    if (listing.too_many) {
        diags.error("package.too_many_files",
                    "the folder " + src->root_ + " holds more than " +
                        std::to_string(limits.max_entries) +
                        " files; open the course folder itself, not a folder above it, or "
                        "raise the max_entries limit");
        return COURSECREW_E_PACKAGE_INVALID;
    }
    for (FolderProblem &p : listing.problems)
        diags.warning(p.code, std::move(p.message), std::move(p.path));
    src->paths_ = std::move(listing.paths);
    src->entries_ = std::move(listing.files);
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
