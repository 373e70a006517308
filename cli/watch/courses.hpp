// Which course a file belongs to, under the folders being watched.
//
// A course is a package folder (a folder with imsmanifest.xml, cmi5.xml or
// tincan.xml, any case, at its root) or a zip file (found by its content, not
// its name) that is not inside a package folder. Everything under a package
// folder belongs to the outermost one; a watched folder may itself be one.
//
// CourseFinder remembers which folders are package folders, and forgets when
// told of a change that may alter the answer (see changed()).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coursecrew::cli::watch {

// imsmanifest.xml, cmi5.xml or tincan.xml, in any case.
bool is_manifest_name(std::string_view name);

// Names tools give a file while writing it, before renaming it: hidden
// (.name), backup or lock (~name, name~), .tmp, .temp, .part, .partial,
// .crdownload, .download, .swp. Never taken for a zip course.
bool is_temporary_name(std::string_view name);

// True when the file starts like a zip archive (as `coursecrew inspect` checks).
bool has_zip_magic(const std::string &path);

// The last component of a path.
std::string_view base_name(std::string_view path);

class CourseFinder {
public:
    // `roots`: the watched folders, absolute, none inside another.
    explicit CourseFinder(std::vector<std::string> roots) : roots_(std::move(roots)) {}

    // The course a change at `path` (a file, or a folder when is_dir) falls
    // under: the outermost package folder holding it, else the file itself
    // when it may be a zip course (checked by content when it settles).
    // Nothing for a folder outside every package, or outside the roots.
    std::optional<std::string> course_of(const std::string &path, bool is_dir);

    // Whether `course` (a key course_of gave) is a course now: a package
    // folder inside no other, or a zip file inside no package folder.
    bool is_course(const std::string &course);

    // Every course under `root`, in name order (package folders are not
    // looked into).
    std::vector<std::string> scan(const std::string &root);

    // Something at `path` was created, written, moved or deleted: forget what
    // it may change (a manifest's folder; a folder and all below it).
    void changed(const std::string &path, bool is_dir);
    // After lost events: forget everything.
    void forget_all() { package_dirs_.clear(); }

private:
    bool is_package_dir(const std::string &dir);
    const std::string *root_of(const std::string &path) const;
    void scan_into(const std::string &dir, std::vector<std::string> &out);

    std::vector<std::string> roots_;
    std::map<std::string, bool> package_dirs_;  // folder -> holds a manifest (cache)
};

}  // namespace coursecrew::cli::watch
