// `coursecrew watch`: publish each course in some folders whenever an
// authoring tool has finished writing it. The glue between InotifyTree (what
// changed), CourseFinder (which course that is), Settler (when it stopped
// changing) and the plugin's publish.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "../plugin_host.hpp"
#include "../workspace_args.hpp"

namespace coursecrew::cli {

struct WatchArgs {
    std::vector<std::string> folders;
    WorkspaceArgs ws;
    int settle_ms = 2000;
    double timeout = 5;  // with --config: seconds the worker gets at stop
    bool json = false, skip_existing = false, verbose = false;
};

// Adds the `watch` subcommand to `app`, filling `args` when it is parsed.
CLI::App *add_watch_command(CLI::App &app, WatchArgs &args);

// Watches until SIGINT or SIGTERM; returns the exit status (0: a clean stop).
int run_watch(PluginHost &host, const WatchArgs &args);

}  // namespace coursecrew::cli
