// Instance and per-call options: declared once in a table (name, type,
// default, description) that drives parsing, validation messages, the JSON
// Schema test and the documentation.
#pragma once

#include <string>
#include <vector>

#include "plugin/inspect/inspect.hpp"
#include "plugin/engine/workspace.hpp"

namespace coursecrew {

// Everything an instance can be told.
struct Settings {
    InspectOptions inspect;
    WorkspaceOptions workspace;
};

struct OptionSpec {
    const char *name;
    const char *type;         // "integer" | "boolean" | "string"
    const char *default_text;
    const char *description;
};

const std::vector<OptionSpec> &option_specs();

// Applies a JSON object of options onto `inout`. Returns false with `error`
// naming the JSON pointer and what is wrong; `inout` is untouched then.
bool apply_options(const char *json, Settings &inout, std::string &error);

}  // namespace coursecrew
