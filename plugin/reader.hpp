// What a manifest reader (adapters/scorm, adapters/cmi5, adapters/tincan) gets
// and must produce. A reader fills the Course with what the manifest says:
// items, resources and file references with their hrefs resolved to package
// paths (see paths.hpp). It does not check file presence, hash files, pick
// modules or count: the core does that afterwards (plugin/inspect.cpp), the
// same way for every format.
#pragma once

#include <string>

#include "course.hpp"
#include "diagnostics.hpp"
#include "package.hpp"

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
};

// Each reader consumes the stream positioned on the root element's Start event.
void read_scorm(xml::Stream &xml, ReadContext &ctx, Course &course);
void read_cmi5(xml::Stream &xml, ReadContext &ctx, Course &course);
void read_tincan(xml::Stream &xml, ReadContext &ctx, Course &course);

}  // namespace coursecrew
