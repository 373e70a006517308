// Opening whatever the host names as a package: a folder, a .zip (PIF), or a
// manifest file. Finds the manifest inside and refuses unsafe archives.
#pragma once

#include <memory>
#include <string>

#include "plugin/model/diagnostics.hpp"
#include "plugin/model/package.hpp"

namespace coursecrew {

struct OpenedPackage {
    std::unique_ptr<PackageSource> source;
    std::string manifest_path;  // package-relative path of the manifest to read; "" when it has none
    // False when the host named a manifest file with a non-standard name
    // (e.g. "course-v2.xml"): a bare manifest, not a whole package. Files in
    // its folder that the manifest does not list are then not reported.
    bool in_package = true;
};

// Returns a coursecrew_status (COURSECREW_OK, _E_NOT_FOUND, _E_IO,
// _E_UNSUPPORTED, _E_PACKAGE_INVALID) and adds diagnostics saying why.
int open_package(const std::string &path, const PackageLimits &limits, Diagnostics &diags,
                 OpenedPackage &out);

}  // namespace coursecrew
