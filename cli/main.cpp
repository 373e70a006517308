// coursecrew: the command-line host. It loads libcoursecrew.so through the C
// ABI, exactly as an authoring tool does, and never links the core.
//
// Exit status: 0 the package is usable (warnings allowed), 1 it has errors or
// cannot be read, 2 usage errors, 3 the plugin cannot be loaded or failed.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "plugin_host.hpp"
#include "render.hpp"

namespace {

constexpr int kExitUsable = 0;
constexpr int kExitPackageErrors = 1;
constexpr int kExitUsage = 2;
constexpr int kExitPlugin = 3;

struct InspectArgs {
    std::string package;
    bool json = false;
    bool no_hash = false;
    bool files = false;
    int max_per_code = 0;
};

int run_inspect(coursecrew::cli::PluginHost &host, const InspectArgs &a) {
    const coursecrew_entry_t &e = host.entry();
    std::string options = "{";
    auto add = [&](const std::string &kv) { options += (options.size() > 1 ? "," : "") + kv; };
    if (a.no_hash) add("\"hash_files\":false");
    if (a.files) add("\"list_files\":true");
    if (a.max_per_code > 0) add("\"max_diagnostics_per_code\":" + std::to_string(a.max_per_code));
    options += "}";

    coursecrew::cli::PluginString json(e);
    const int st = e.inspect(host.instance(), a.package.c_str(), options.c_str(), json.out());
    if (!json.get()) {
        std::cerr << "coursecrew: " << e.strerror(st) << ": " << e.last_error(host.instance())
                  << "\n";
        return st == COURSECREW_E_INVALID_ARGUMENT ? kExitUsage : kExitPlugin;
    }
    if (a.json) {
        std::cout << json.get() << "\n";
    } else {
        std::string error;
        if (!coursecrew::cli::render_inspect(json.get(), std::cout, error)) {
            std::cerr << "coursecrew: " << error << "\n";
            return kExitPlugin;
        }
    }
    switch (st) {
    case COURSECREW_OK: return kExitUsable;
    case COURSECREW_E_PACKAGE_INVALID:
    case COURSECREW_E_NOT_FOUND:
    case COURSECREW_E_IO:
        // The summary already lists every error; with --json, say the first on stderr.
        if (a.json) std::cerr << "coursecrew: " << e.last_error(host.instance()) << "\n";
        return kExitPackageErrors;
    default:
        std::cerr << "coursecrew: " << e.strerror(st) << ": " << e.last_error(host.instance())
                  << "\n";
        return kExitPlugin;
    }
}

}  // namespace

int main(int argc, char **argv) {
    CLI::App app{"coursecrew: who owns which piece of a course, and how far it is"};
    app.set_version_flag("--version", std::string(COURSECREW_VERSION_STRING));
    app.require_subcommand(1);
    std::string plugin_path;
    app.add_option("--plugin", plugin_path,
                   "Path to libcoursecrew.so (default: $COURSECREW_PLUGIN, then beside this "
                   "program, then the installed library)");

    InspectArgs inspect;
    CLI::App *cmd = app.add_subcommand("inspect", "Read a course package and summarise it");
    cmd->add_option("PACKAGE", inspect.package,
                    "A package folder, a .zip, or a manifest file (imsmanifest.xml, cmi5.xml, "
                    "tincan.xml)")
        ->required();
    cmd->add_flag("--json", inspect.json, "Print one JSON object (schemas/inspect.schema.json)");
    cmd->add_flag("--no-hash", inspect.no_hash, "Skip SHA-256 content fingerprints");
    cmd->add_flag("--files", inspect.files, "List each piece's files in the JSON");
    cmd->add_option("--max-diagnostics", inspect.max_per_code,
                    "Diagnostics of one code listed individually before a summary (default 20)")
        ->check(CLI::Range(1, 1000000));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &err) {
        const int code = app.exit(err);
        return code == 0 ? 0 : kExitUsage;
    }

    coursecrew::cli::PluginHost host;
    std::string error;
    if (!host.load(plugin_path, error)) {
        std::cerr << "coursecrew: " << error << "\n";
        return kExitPlugin;
    }
    if (cmd->parsed()) return run_inspect(host, inspect);
    return kExitUsage;
}
