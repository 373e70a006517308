// The composition root: the one place that names the adapters.
#pragma once

#include <string>

#include "inspect.hpp"

namespace coursecrew {

// Opens the package at `path` (folder, zip or manifest file), reads it and
// fills `out`. Returns a coursecrew_status.
int inspect_package(const std::string &path, const InspectOptions &options, Inspection &out);

}  // namespace coursecrew
