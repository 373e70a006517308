// What a manifest reader (adapters/scorm, adapters/cmi5, adapters/tincan) gets
// and must produce. A reader fills the Course with what the manifest says:
// items, resources and file references with their hrefs resolved to package
// paths (see paths.hpp). It does not check file presence, hash files, pick
// modules or count: the core does that afterwards (plugin/inspect.cpp), the
// same way for every format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "plugin/model/course.hpp"
#include "plugin/model/diagnostics.hpp"
#include "plugin/model/package.hpp"

namespace coursecrew::xml {
class Stream;
}

namespace coursecrew {

struct ReadContext {
    const PackageSource &source;
    const EntryIndex &index;       // the package's files, for adlcp:location and the like
    Diagnostics &diags;
    const PackageLimits &limits;
    std::string manifest_path;     // package-relative path of the manifest
    // Folder of the manifest inside the package ("" at the root, else "dir/").
    std::string manifest_dir;
    // Whether hrefs resolve inside a real package (false when a bare manifest
    // file outside any package was given; cmi5 then expects absolute URLs).
    bool in_package = true;
    // The manifest's size as the package states it (0: unknown).
    std::uint64_t manifest_bytes = 0;
};

// Creates the launch Resource of a cmi5 AU or tincan activity whose launch
// reference is `href` (trimmed): an absolute URL is launched as is; a relative
// one names a package file, which becomes the resource's one File so the core
// checks it like any other. Returns the resource's index.
std::uint32_t add_launch_resource(Course &course, ReadContext &ctx, const std::string &id,
                                  const std::string &href, long item_line, long href_line);

// The root Organization item of a cmi5 or tincan course (those formats have
// no organizations): added first, it is the course's one and default
// organization. name_course_root gives it the course's id, title and
// description once the reader knows them.
std::uint32_t add_course_root(Course &course, long line);
void name_course_root(Course &course, std::uint32_t root);

// Quotes a value for a message, shortened so one absurd id cannot flood the output.
std::string quoted_clipped(std::string_view s);

// cmi5 and xAPI ids must be absolute IRIs: a scheme, no whitespace, and no
// template placeholders such as "[HOST]" left over from a sample.
bool is_absolute_iri(std::string_view id);

// Each reader consumes the stream positioned on the root element's Start event.
void read_scorm(xml::Stream &xml, ReadContext &ctx, Course &course);
void read_cmi5(xml::Stream &xml, ReadContext &ctx, Course &course);
void read_tincan(xml::Stream &xml, ReadContext &ctx, Course &course);

}  // namespace coursecrew
