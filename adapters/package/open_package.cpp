#include "adapters/package/open_package.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "adapters/package/folder_source.hpp"
#include "adapters/package/unique_fd.hpp"
#include "adapters/package/zip_source.hpp"
#include "coursecrew/coursecrew.h"

namespace coursecrew {

namespace {

// In order of preference: a SCORM package may also carry a cmi5.xml or
// tincan.xml, and then imsmanifest.xml is what an LMS reads first.
constexpr const char *kManifestNames[] = {"imsmanifest.xml", "cmi5.xml", "tincan.xml"};

bool is_manifest_name(const std::string &name) {
    const std::string lower = ascii_lower(name);
    for (const char *m : kManifestNames)
        if (lower == m) return true;
    return false;
}

void warn_name_case(const std::string &path, const std::string &canonical, Diagnostics &diags) {
    diags.warning("package.manifest_name_case",
                  "the manifest is named '" + path + "', not '" + canonical +
                      "'; LMSs on case-sensitive servers may not find it: rename it to '" +
                      canonical + "'",
                  path);
}

// Picks the manifest among the package's files: at the root, by name
// preference; refuses two whose names differ only in case, and explains when
// it is one folder too deep (the usual mistake of zipping the course folder
// rather than its contents). With none at all, `manifest` is left empty.
int find_manifest(const PackageSource &src, bool is_zip, Diagnostics &diags, std::string &manifest) {
    const auto &entries = src.entries();
    for (const char *want : kManifestNames) {
        const PackageEntry *exact = nullptr, *folded = nullptr;
        for (const auto &e : entries) {
            if (e.path.find('/') != std::string::npos) continue;
            if (ascii_lower(e.path) != want) continue;
            // Two manifests whose names differ only in case: a server or an
            // unzipper on a case-insensitive file system keeps one or the
            // other, so the one an LMS reads may not be the one checked.
            const PackageEntry *other = exact ? exact : folded;
            if (other) {
                diags.error("package.manifest_twice",
                            "the package holds two manifests whose names differ only in case, '" +
                                std::string(other->path) + "' and '" + std::string(e.path) +
                                "'; an LMS on a case-insensitive system keeps either one, "
                                "which may not be the one checked: keep one '" + want +
                                "' and remove the other",
                            std::string(e.path));
                return COURSECREW_E_PACKAGE_INVALID;
            }
            (e.path == want ? exact : folded) = &e;
        }
        if (exact) {  // an exact match wins over a differently-cased one
            manifest = exact->path;
            return COURSECREW_OK;
        }
        if (folded) {
            warn_name_case(std::string(folded->path), want, diags);
            manifest = folded->path;
            return COURSECREW_OK;
        }
    }

    for (const char *want : kManifestNames) {
        for (const auto &e : entries) {
            std::size_t slash = e.path.find('/');
            if (slash == std::string::npos || e.path.find('/', slash + 1) != std::string::npos)
                continue;
            if (ascii_lower(e.path.substr(slash + 1)) != want) continue;
            const std::string folder(e.path.substr(0, slash));
            std::string fix = is_zip ? "re-create the zip from inside the folder '" + folder +
                                           "', so that its contents are at the top of the "
                                           "archive"
                                     : "open the folder '" + folder +
                                           "' instead, or move its contents up one level";
            diags.error("package.manifest_not_at_root",
                        "the manifest was found at '" + std::string(e.path) +
                            "', one folder down, but SCORM and cmi5 need the manifest at the "
                            "package root: " + fix,
                        std::string(e.path));
            return COURSECREW_E_PACKAGE_INVALID;
        }
    }

    // No manifest at all: a build without one (an Adapt build without
    // spoor) may still be a course the content readers recognise;
    // inspect_source says which, or that it is no course package.
    manifest.clear();
    return COURSECREW_OK;
}

int read_failed(const std::string &path, int err, Diagnostics &diags) {
    diags.error("package.read_failed",
                "cannot read " + path + ": " + std::strerror(err) + " (check its permissions)");
    return COURSECREW_E_IO;
}

// True when the file starts with a local file header or an (empty archive's)
// end-of-central-directory record. The extension alone proves nothing.
bool has_zip_magic(int fd) {
    unsigned char magic[4] = {};
    std::size_t got = 0;
    while (got < sizeof magic) {
        ssize_t n = ::pread(fd, magic + got, sizeof magic - got, static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    if (got < sizeof magic || magic[0] != 'P' || magic[1] != 'K') return false;
    return (magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6);
}

bool ends_with_zip(const std::string &path) {
    const std::string lower = ascii_lower(path);
    return lower.size() >= 4 && lower.compare(lower.size() - 4, 4, ".zip") == 0;
}

}  // namespace

int open_package(const std::string &path, const PackageLimits &limits, Diagnostics &diags,
                 OpenedPackage &out) {
    out = OpenedPackage{};

    struct stat st {};
    if (path.empty() || ::stat(path.c_str(), &st) != 0) {
        int err = path.empty() ? ENOENT : errno;
        if (err == ENOENT || err == ENOTDIR) {
            diags.error("package.not_found", "no such file or folder: " + path);
            return COURSECREW_E_NOT_FOUND;
        }
        return read_failed(path, err, diags);
    }

    if (S_ISDIR(st.st_mode)) {
        std::unique_ptr<FolderSource> folder;
        int rc = FolderSource::create(path, limits, diags, folder);
        if (rc != COURSECREW_OK) return rc;
        std::string manifest;
        rc = find_manifest(*folder, /*is_zip=*/false, diags, manifest);
        if (rc != COURSECREW_OK) return rc;
        out.source = std::move(folder);
        out.manifest_path = std::move(manifest);
        return COURSECREW_OK;
    }

    if (!S_ISREG(st.st_mode)) {
        diags.error("package.unsupported_type",
                    path + " is neither a folder nor a regular file: name a course folder, "
                           "a .zip or a manifest file");
        return COURSECREW_E_UNSUPPORTED;
    }

    bool is_zip = false;
    {
        // Opening it here also tells a permission problem from a corrupt zip.
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
        if (!fd) return read_failed(path, errno, diags);
        is_zip = has_zip_magic(fd.get());
    }

    if (is_zip) {
        std::unique_ptr<ZipSource> zip;
        int rc = ZipSource::create(path, limits, diags, zip);
        if (rc != COURSECREW_OK) return rc;
        std::string manifest;
        rc = find_manifest(*zip, /*is_zip=*/true, diags, manifest);
        if (rc != COURSECREW_OK) return rc;
        out.source = std::move(zip);
        out.manifest_path = std::move(manifest);
        return COURSECREW_OK;
    }

    if (ends_with_zip(path)) {
        diags.error("zip.corrupt", "cannot read the zip " + path +
                                       ": it does not start with a zip signature, so it is "
                                       "not a zip archive (or is damaged): re-create it or "
                                       "download it again");
        return COURSECREW_E_PACKAGE_INVALID;
    }

    // A manifest file named directly: the package is its folder. When the
    // named file is a link, read the real file in the real folder, since the
    // folder source never follows links.
    std::filesystem::path file(path);
    struct stat lst {};
    if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
        std::error_code ec;
        std::filesystem::path real = std::filesystem::canonical(file, ec);
        if (ec) return read_failed(path, ec.value(), diags);
        file = real;
    }
    // (Not `if (empty) folder_path = "."`: g++ 12 warns -Wrestrict on that
    // assignment in C++20, a known false positive.)
    const std::string folder_path =
        file.has_parent_path() ? file.parent_path().string() : std::string(".");
    const std::string name = file.filename().string();

    std::unique_ptr<FolderSource> folder;
    int rc = FolderSource::create(folder_path, limits, diags, folder);
    if (rc != COURSECREW_OK) return rc;

    out.in_package = is_manifest_name(name);
    if (out.in_package) {
        for (const char *m : kManifestNames)
            if (ascii_lower(name) == m && name != m) warn_name_case(name, m, diags);
    }
    out.source = std::move(folder);
    out.manifest_path = name;
    return COURSECREW_OK;
}

}  // namespace coursecrew
