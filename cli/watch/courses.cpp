// See courses.hpp.
#include "courses.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

namespace coursecrew::cli::watch {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// True when `path` is `dir` or lies below it.
bool is_under(const std::string &path, const std::string &dir) {
    if (dir == "/") return !path.empty() && path[0] == '/';
    return path.compare(0, dir.size(), dir) == 0 && (path.size() == dir.size() || path[dir.size()] == '/');
}

std::string parent_of(const std::string &path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string join(const std::string &dir, const std::string &name) {
    return dir == "/" ? "/" + name : dir + "/" + name;
}

struct DirCloser {
    void operator()(DIR *d) const { ::closedir(d); }
};
using DirHandle = std::unique_ptr<DIR, DirCloser>;

// The names in a folder, in order; nothing when it cannot be read.
std::vector<std::string> list(const std::string &dir) {
    std::vector<std::string> names;
    DirHandle d(::opendir(dir.c_str()));
    if (!d) return names;
    while (const dirent *e = ::readdir(d.get())) {
        const std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

bool is_manifest_name(std::string_view name) {
    const std::string l = lower(name);
    return l == "imsmanifest.xml" || l == "cmi5.xml" || l == "tincan.xml";
}

bool is_temporary_name(std::string_view name) {
    if (name.empty() || name[0] == '.' || name[0] == '~' || name.back() == '~') return true;
    const std::string l = lower(name);
    static constexpr std::array<std::string_view, 8> kTails = {
        ".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", ".lock"};
    for (std::string_view tail : kTails)
        if (ends_with(l, tail)) return true;
    return false;
}

bool has_zip_magic(const std::string &path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return false;
    unsigned char magic[4] = {};
    const ssize_t n = ::pread(fd, magic, sizeof magic, 0);
    ::close(fd);
    // A local file header, or an empty archive's end-of-central-directory.
    return n == 4 && magic[0] == 'P' && magic[1] == 'K' &&
           ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
}

std::string_view base_name(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

const std::string *CourseFinder::root_of(const std::string &path) const {
    for (const std::string &root : roots_)
        if (is_under(path, root)) return &root;
    return nullptr;
}

bool CourseFinder::is_package_dir(const std::string &dir) {
    if (auto it = package_dirs_.find(dir); it != package_dirs_.end()) return it->second;
    bool found = false;
    for (const std::string &name : list(dir)) {
        struct stat st {};
        if (is_manifest_name(name) && ::lstat(join(dir, name).c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
            found = true;
            break;
        }
    }
    package_dirs_[dir] = found;
    return found;
}

std::optional<std::string> CourseFinder::course_of(const std::string &path, bool is_dir) {
    const std::string *root = root_of(path);
    if (!root) return std::nullopt;
    // The folders from the root down to the one holding `path` (or `path`
    // itself, a folder): the first package folder met is the course.
    const std::string last = is_dir ? path : parent_of(path);
    if (!is_under(last, *root)) return std::nullopt;
    std::string dir = *root;
    for (;;) {
        if (is_package_dir(dir)) return dir;
        if (dir.size() >= last.size()) break;
        const auto next = last.find('/', dir == "/" ? 1 : dir.size() + 1);
        dir = last.substr(0, next);
    }
    if (is_dir || is_temporary_name(base_name(path))) return std::nullopt;
    return path;
}

bool CourseFinder::is_course(const std::string &course) {
    struct stat st {};
    if (::lstat(course.c_str(), &st) != 0) return false;
    if (S_ISDIR(st.st_mode)) return course_of(course, true) == course;
    return S_ISREG(st.st_mode) && course_of(course, false) == course && has_zip_magic(course);
}

std::vector<std::string> CourseFinder::scan(const std::string &root) {
    std::vector<std::string> out;
    scan_into(root, out);
    return out;
}

void CourseFinder::scan_into(const std::string &dir, std::vector<std::string> &out) {
    if (is_package_dir(dir)) {
        out.push_back(dir);
        return;
    }
    for (const std::string &name : list(dir)) {
        const std::string path = join(dir, name);
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) continue;  // gone meanwhile
        if (S_ISDIR(st.st_mode))
            scan_into(path, out);
        else if (S_ISREG(st.st_mode) && !is_temporary_name(name) && has_zip_magic(path))
            out.push_back(path);
    }
}

void CourseFinder::changed(const std::string &path, bool is_dir) {
    if (!is_dir) {
        if (is_manifest_name(base_name(path))) package_dirs_.erase(parent_of(path));
        return;
    }
    // The folder and everything below it ("/" sorts just before "0").
    package_dirs_.erase(path);
    package_dirs_.erase(package_dirs_.lower_bound(path + "/"), package_dirs_.lower_bound(path + "0"));
}

}  // namespace coursecrew::cli::watch
