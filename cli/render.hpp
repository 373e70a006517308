// Turning the plugin's inspect JSON into a summary a person reads in a terminal.
#pragma once

#include <ostream>
#include <string>

namespace coursecrew::cli {

// Returns false when `json` is not the document the plugin promises.
bool render_inspect(const std::string &json, std::ostream &out, std::string &error);

}  // namespace coursecrew::cli
