// The composition root: the one place that names the adapters.
#pragma once

#include <string>

#include "plugin/inspect/inspect.hpp"
#include "plugin/sync/target.hpp"

namespace coursecrew {

// Opens the package at `path` (folder, zip or manifest file), reads it and
// fills `out`. Returns a coursecrew_status.
int inspect_package(const std::string &path, const InspectOptions &options, Inspection &out);

// Builds the adapter for an LMS target by its kind ("xapi", "webhook");
// nullptr for an unknown kind. The adapters live in libcoursecrew_lms.so,
// loaded on the first call (plugin/engine/lms_module.hpp).
TargetFactory target_factory();

}  // namespace coursecrew
