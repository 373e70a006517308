// coursecrew: the command-line host. It loads libcoursecrew.so through the C
// ABI, exactly as an authoring tool does, and never links the core.
//
// Exit status: 0 success (for inspect: the package is usable, warnings
// allowed), 1 the input has errors (package, role map, status update,
// config) or cannot be read, 2 usage errors, 3 the plugin cannot be loaded
// or failed, 4 the change is recorded but not (yet) delivered to the LMS:
// it waits in the outbox.
#include <CLI/CLI.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cstddef>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "plugin_host.hpp"
#include "render.hpp"
#include "sync_cmd.hpp"
#include "watch/watch_cmd.hpp"
#include "workspace_args.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInputErrors = 1;
constexpr int kExitUsage = 2;
constexpr int kExitPlugin = 3;

using coursecrew::cli::PluginHost;
using coursecrew::cli::PluginString;
using coursecrew::cli::WorkspaceArgs;
using coursecrew::cli::JsonWriter;
using coursecrew::cli::put;

struct InspectArgs {
    std::string package;
    bool json = false, no_hash = false, files = false;
    int max_per_code = 0;
};

struct ReviewArgs {
    std::string package, module, format = "table", output;
    int overload = 0, stale_days = 0, at_risk_days = -1;
    bool series = false;
    WorkspaceArgs ws;
    coursecrew::cli::PullArgs pull;
};

// How a change reaches the LMS (with --config).
struct DeliveryArgs {
    bool dry_run = false, no_wait = false;
    double timeout = 120;

    void add_to(CLI::App *cmd, bool with_dry_run) {
        if (with_dry_run)
            cmd->add_flag("--dry-run", dry_run,
                          "With --config: print the statements and documents that would be sent; change nothing");
        cmd->add_flag("--no-wait", no_wait,
                      "With --config: return once the change is recorded; the outbox is delivered later "
                      "(`coursecrew sync`)");
        cmd->add_option("--timeout", timeout, "With --config: seconds to wait for delivery (default 120)")
            ->check(CLI::Range(0.0, 86400.0));
    }
};

struct PublishArgs {
    std::string package;
    bool json = false;
    WorkspaceArgs ws;
    DeliveryArgs delivery;
    coursecrew::cli::PullArgs pull;
};

struct StatusSetArgs {
    std::string package, piece, role, status, by, note;
    bool json = false;
    WorkspaceArgs ws;
    DeliveryArgs delivery;
    coursecrew::cli::PullArgs pull;
};

struct SyncArgs {
    WorkspaceArgs ws;
    double timeout = 120;
    bool json = false;
    coursecrew::cli::PullArgs pull;
};

struct PullCmdArgs {
    WorkspaceArgs ws;
    double timeout = -1;
    bool json = false;
};

struct StatusImportArgs {
    std::string file, course, by;
    bool json = false;
    WorkspaceArgs ws;
    DeliveryArgs delivery;
    coursecrew::cli::PullArgs pull;
};

// The options object for a workspace call; false (usage error printed) when
// an argument is malformed.
bool workspace_options(const WorkspaceArgs &ws, const DeliveryArgs *delivery, std::string &out) {
    return ws.options_json(delivery && delivery->dry_run, out);
}

// After a recorded change: with a config, print the dry run or wait for the
// LMS to have it.
int deliver(coursecrew::cli::PluginHost &host, const WorkspaceArgs &ws, const DeliveryArgs &d,
            const char *result_json, bool json_out) {
    if (ws.config.empty()) return kExitOk;
    if (d.dry_run) {
        if (!json_out) std::cout << result_json << "\n";
        return kExitOk;
    }
    if (d.no_wait) {
        if (!json_out) std::cerr << "coursecrew: queued; `coursecrew sync` delivers it\n";
        return kExitOk;
    }
    std::string options;
    if (!workspace_options(ws, nullptr, options)) return kExitUsage;
    return coursecrew::cli::wait_for_delivery(host, options, d.timeout, false);
}

bool has_abi_1_1(const PluginHost &host) {
    const auto &e = host.entry();
    return e.struct_size >= offsetof(coursecrew_entry_t, set_status) + sizeof(e.set_status);
}

// A failed call: last_error says what and where (a broken role map lists
// every problem with its JSON pointer).
int report_failure(const PluginHost &host, int st) {
    const auto &e = host.entry();
    std::cerr << "coursecrew: " << e.last_error(host.instance()) << "\n";
    switch (st) {
    case COURSECREW_E_INVALID_ARGUMENT:
    case COURSECREW_E_PACKAGE_INVALID:
    case COURSECREW_E_NOT_FOUND:
    case COURSECREW_E_IO:
    case COURSECREW_E_UNSUPPORTED:  // e.g. a package path that is a device or a pipe
        return kExitInputErrors;
    default:
        return kExitPlugin;
    }
}

// The exit status of an inspect that printed its result.
int inspect_exit(PluginHost &host, int st, bool json) {
    const coursecrew_entry_t &e = host.entry();
    switch (st) {
    case COURSECREW_OK: return kExitOk;
    case COURSECREW_E_PACKAGE_INVALID:
    case COURSECREW_E_NOT_FOUND:
    case COURSECREW_E_IO:
    case COURSECREW_E_UNSUPPORTED:  // e.g. a package path that is a device or a pipe
        // The summary already lists every error; with --json, say the first on stderr.
        if (json) std::cerr << "coursecrew: " << e.last_error(host.instance()) << "\n";
        return kExitInputErrors;
    default:
        std::cerr << "coursecrew: " << e.strerror(st) << ": " << e.last_error(host.instance()) << "\n";
        return kExitPlugin;
    }
}

int run_inspect(PluginHost &host, const InspectArgs &a) {
    const coursecrew_entry_t &e = host.entry();
    rapidjson::StringBuffer opts;
    JsonWriter w(opts);
    w.StartObject();
    if (a.no_hash) { w.Key("hash_files"); w.Bool(false); }
    if (a.files) { w.Key("list_files"); w.Bool(true); }
    if (a.max_per_code > 0) { w.Key("max_diagnostics_per_code"); w.Int(a.max_per_code); }
    w.EndObject();

    if (a.json && host.has(&coursecrew_entry_t::inspect_write)) {
        // Straight to stdout as the plugin writes it: a big course's JSON
        // never sits in memory whole.
        struct Sink {
            bool wrote = false;
        } sink;
        auto to_stdout = [](void *user_data, const char *data, std::size_t size) -> int {
            static_cast<Sink *>(user_data)->wrote = true;
            std::cout.write(data, static_cast<std::streamsize>(size));
            return std::cout.good() ? 0 : 1;
        };
        const int st = e.inspect_write(host.instance(), a.package.c_str(), opts.GetString(),
                                       to_stdout, &sink);
        if (sink.wrote) std::cout << "\n" << std::flush;
        if (!sink.wrote || !std::cout.good()) {
            std::cerr << "coursecrew: " << e.strerror(st) << ": " << e.last_error(host.instance()) << "\n";
            return st == COURSECREW_E_INVALID_ARGUMENT ? kExitUsage : kExitPlugin;
        }
        return inspect_exit(host, st, a.json);
    }
    PluginString json(e);
    const int st = e.inspect(host.instance(), a.package.c_str(), opts.GetString(), json.out());
    if (!json.get()) {
        std::cerr << "coursecrew: " << e.strerror(st) << ": " << e.last_error(host.instance()) << "\n";
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
    return inspect_exit(host, st, a.json);
}

int run_review(PluginHost &host, const ReviewArgs &a) {
    rapidjson::StringBuffer opts;
    JsonWriter w(opts);
    w.StartObject();
    std::string error;
    if (!a.ws.write(w, error)) {
        std::cerr << "coursecrew: " << error << "\n";
        return kExitUsage;
    }
    put(w, "format", a.format);
    if (!a.module.empty()) put(w, "module", a.module);
    if (a.series) {
        if (a.format != "csv") {
            std::cerr << "coursecrew: --series needs --format csv\n";
            return kExitUsage;
        }
        w.Key("series");
        w.Bool(true);
    }
    if (a.overload > 0) { w.Key("overload_threshold"); w.Int(a.overload); }
    if (a.stale_days > 0) { w.Key("stale_days"); w.Int(a.stale_days); }
    if (a.at_risk_days >= 0) { w.Key("at_risk_days"); w.Int(a.at_risk_days); }
    w.EndObject();

    std::string pulled;
    coursecrew::cli::pull_first(host, a.ws.config, opts.GetString(), a.pull, false, pulled);
    const auto &e = host.entry();
    PluginString text(e);
    const int st = e.review(host.instance(), a.package.c_str(), opts.GetString(), text.out());
    if (st != COURSECREW_OK) return report_failure(host, st);
    if (a.output.empty()) {
        std::cout << text.get();
        if (a.format != "csv" && a.format != "html") std::cout << "\n";
        return kExitOk;
    }
    std::ofstream out(a.output, std::ios::binary);
    out << text.get();
    if (!out) {
        std::cerr << "coursecrew: cannot write " << a.output << "\n";
        return kExitInputErrors;
    }
    std::cerr << "coursecrew: review written to " << a.output << "\n";
    return kExitOk;
}

// Prints what a publish or status change did, one line per change.
void print_changes(const rapidjson::Value &changes) {
    if (!changes.IsArray()) return;
    for (const auto &c : changes.GetArray()) {
        const std::string kind = c["kind"].GetString();
        std::cout << "  " << c["piece"].GetString() << " / " << c["role"].GetString() << ": ";
        if (kind == "added") std::cout << "new pair (" << c["to"].GetString() << ")";
        else if (kind == "archived") std::cout << "archived (no longer in the package)";
        else if (kind == "restored") std::cout << "restored (" << c["to"].GetString() << ")";
        else std::cout << c["from"].GetString() << " -> " << c["to"].GetString();
        if (c.HasMember("note") && c["note"].GetStringLength()) std::cout << "  \"" << c["note"].GetString() << "\"";
        if (c.HasMember("by") && c["by"].GetStringLength()) std::cout << "  by " << c["by"].GetString();
        std::cout << "\n";
    }
}

int run_publish(PluginHost &host, const PublishArgs &a) {
    std::string opts;
    if (!workspace_options(a.ws, &a.delivery, opts)) return kExitUsage;
    std::string pulled;
    if (!a.delivery.dry_run) coursecrew::cli::pull_first(host, a.ws.config, opts, a.pull, a.json, pulled);
    const auto &e = host.entry();
    PluginString json(e);
    const int st = e.publish(host.instance(), a.package.c_str(), opts.c_str(), json.out());
    if (st != COURSECREW_OK) return report_failure(host, st);
    if (a.json) {
        std::cout << coursecrew::cli::with_pulled(json.get(), pulled) << "\n";
        return deliver(host, a.ws, a.delivery, json.get(), true);
    }
    if (a.delivery.dry_run) return deliver(host, a.ws, a.delivery, json.get(), false);
    rapidjson::Document d;
    d.Parse<rapidjson::kParseIterativeFlag>(json.get());
    std::cout << "Recorded " << d["course"].GetString() << " in " << d["store"].GetString() << ": "
              << d["pieces"].GetUint64() << " pieces, " << d["pairs"].GetUint64() << " (piece, role) pairs; "
              << d["added"].GetUint64() << " new, " << d["reopened"].GetUint64()
              << " reopened (content changed after done), " << d["archived"].GetUint64() << " archived, "
              << d["restored"].GetUint64() << " restored\n";
    print_changes(d["changes"]);
    return deliver(host, a.ws, a.delivery, json.get(), false);
}

int run_set_status(PluginHost &host, const std::string &request, const WorkspaceArgs &ws,
                   const DeliveryArgs &delivery, const coursecrew::cli::PullArgs &pull, bool json_out) {
    std::string opts;
    if (!workspace_options(ws, &delivery, opts)) return kExitUsage;
    std::string pulled;
    if (!delivery.dry_run) coursecrew::cli::pull_first(host, ws.config, opts, pull, json_out, pulled);
    const auto &e = host.entry();
    PluginString json(e);
    const int st = e.set_status(host.instance(), request.c_str(), opts.c_str(), json.out());
    if (st != COURSECREW_OK) return report_failure(host, st);
    if (json_out) {
        std::cout << coursecrew::cli::with_pulled(json.get(), pulled) << "\n";
        return deliver(host, ws, delivery, json.get(), true);
    }
    if (delivery.dry_run) return deliver(host, ws, delivery, json.get(), false);
    rapidjson::Document d;
    d.Parse<rapidjson::kParseIterativeFlag>(json.get());
    std::cout << "Updated " << d["changes"].Size() << " status(es)" << (d["changes"].Size() > 50 ? "" : ":") << "\n";
    if (d["changes"].Size() <= 50) print_changes(d["changes"]);
    return deliver(host, ws, delivery, json.get(), false);
}

std::string status_set_request(const StatusSetArgs &a) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    put(w, "package", a.package);
    w.Key("updates");
    w.StartArray();
    w.StartObject();
    put(w, "piece", a.piece);
    put(w, "role", a.role);
    put(w, "status", a.status);
    put(w, "by", a.by);
    if (!a.note.empty()) put(w, "note", a.note);
    w.EndObject();
    w.EndArray();
    w.EndObject();
    return buf.GetString();
}

bool status_import_request(const StatusImportArgs &a, std::string &request, std::string &error) {
    std::ifstream in(a.file, std::ios::binary);
    if (!in) {
        error = "cannot read " + a.file;
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    // The request is JSON, which holds UTF-8 only: say here which line is
    // not, as the plugin names the line of every other CSV problem.
    const std::string csv = text.str();
    rapidjson::StringStream bytes(csv.c_str());
    long line = 1;
    while (static_cast<std::size_t>(bytes.Tell()) < csv.size()) {
        if (bytes.Peek() == '\n') ++line;
        unsigned code_point = 0;
        if (!rapidjson::UTF8<>::Decode(bytes, &code_point)) {
            error = a.file + " line " + std::to_string(line) +
                    ": not UTF-8 text; save the file as UTF-8 (CSV UTF-8 in a spreadsheet)";
            return false;
        }
    }
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    if (!a.course.empty()) put(w, "course", a.course);
    if (!a.by.empty()) put(w, "by", a.by);
    put(w, "csv", csv);
    put(w, "csv_name", a.file);
    w.EndObject();
    request = buf.GetString();
    return true;
}

}  // namespace

int main(int argc, char **argv) {
    CLI::App app{"coursecrew: who owns which piece of a course, and how far it is"};
    app.set_version_flag("--version", std::string(COURSECREW_VERSION_STRING));
    app.require_subcommand(1);
    std::string plugin_path;
    app.add_option("--plugin", plugin_path,
                   "Path to libcoursecrew.so (default: $COURSECREW_PLUGIN, then beside this "
                   "program, then the library installed with it)");

    InspectArgs inspect;
    CLI::App *inspect_cmd = app.add_subcommand("inspect", "Read a course package and summarise it");
    inspect_cmd->add_option("PACKAGE", inspect.package,
                            "A package folder, a .zip, or a manifest file (imsmanifest.xml, "
                            "cmi5.xml, tincan.xml)")
        ->required();
    inspect_cmd->add_flag("--json", inspect.json, "Print one JSON object (schemas/inspect.schema.json)");
    inspect_cmd->add_flag("--no-hash", inspect.no_hash, "Skip SHA-256 content fingerprints");
    inspect_cmd->add_flag("--files", inspect.files, "List each piece's files in the JSON");
    inspect_cmd->add_option("--max-diagnostics", inspect.max_per_code,
                            "Diagnostics of one code listed individually before a summary (default 20)")
        ->check(CLI::Range(1, 1000000));

    ReviewArgs review;
    CLI::App *review_cmd = app.add_subcommand(
        "review", "Per module: pieces, roles, people, status, progress and findings");
    review_cmd->add_option("PACKAGE", review.package, "The package (folder, .zip or manifest)")->required();
    review.ws.add_to(review_cmd);
    review.pull.add_to(review_cmd);
    review_cmd->add_option("--module", review.module, "Only this module (its identifier)");
    review_cmd->add_option("--format", review.format, "table (default), json, csv or html")
        ->check(CLI::IsMember({"table", "json", "csv", "html"}));
    review_cmd->add_flag("--series", review.series,
                         "With --format csv: the burn-up series and forecasts by day (module, role, person) "
                         "instead of one row per (piece, role)");
    review_cmd->add_option("-o,--output", review.output, "Write to this file instead of standard output");
    review_cmd->add_option("--overload", review.overload, "Open pairs per person before 'overload' (default 10)")
        ->check(CLI::Range(1, 1000000));
    review_cmd->add_option("--stale-days", review.stale_days, "Days in progress/in review before 'stale' (default 14)")
        ->check(CLI::Range(1, 3650));
    review_cmd->add_option("--at-risk-days", review.at_risk_days,
                           "Days before the due date a not-started pair is 'at risk' (default 5)")
        ->check(CLI::Range(0, 3650));

    PublishArgs publish;
    CLI::App *publish_cmd = app.add_subcommand(
        "publish", "Record this version of the package: roles, new pairs, content changed after done");
    publish_cmd->add_option("PACKAGE", publish.package, "The package (folder, .zip or manifest)")->required();
    publish.ws.add_to(publish_cmd);
    publish.delivery.add_to(publish_cmd, true);
    publish.pull.add_to(publish_cmd);
    publish_cmd->add_flag("--json", publish.json, "Print the result as JSON");

    CLI::App *status_cmd = app.add_subcommand("status", "Change production statuses");
    status_cmd->require_subcommand(1);
    StatusSetArgs set;
    CLI::App *set_cmd = status_cmd->add_subcommand("set", "Set one (piece, role) status");
    set_cmd->add_option("PACKAGE", set.package, "The package")->required();
    set_cmd->add_option("PIECE", set.piece, "The piece's identifier")->required();
    set_cmd->add_option("ROLE", set.role, "The role (writer, designer, artist, expert, reviewer, ...)")->required();
    set_cmd->add_option("STATUS", set.status, "not_started, in_progress, in_review, done or blocked")->required();
    set_cmd->add_option("--by", set.by, "Who makes the change (name or mailto:)")->required();
    set_cmd->add_option("--note", set.note, "Why");
    set_cmd->add_flag("--json", set.json, "Print the result as JSON");
    set.ws.add_to(set_cmd);
    set.delivery.add_to(set_cmd, true);
    set.pull.add_to(set_cmd);
    StatusImportArgs import;
    CLI::App *import_cmd = status_cmd->add_subcommand(
        "import", "Set many statuses from CSV (piece,role,status[,by,note,course]), all or nothing");
    import_cmd->add_option("FILE", import.file, "The CSV file")->required()->check(CLI::ExistingFile);
    import_cmd->add_option("--course", import.course, "The course, when the store holds several");
    import_cmd->add_option("--by", import.by, "Who, for rows without a 'by' value");
    import_cmd->add_flag("--json", import.json, "Print the result as JSON");
    import.ws.add_to(import_cmd);
    import.delivery.add_to(import_cmd, true);
    import.pull.add_to(import_cmd);

    SyncArgs sync;
    CLI::App *sync_cmd = app.add_subcommand(
        "sync", "Deliver the outbox to the LMS targets of a config, with progress; waits up to --timeout");
    sync.ws.add_to(sync_cmd);
    sync_cmd->get_option("--config")->required();
    sync_cmd->add_option("--timeout", sync.timeout, "Seconds to wait for delivery (default 120)")
        ->check(CLI::Range(0.0, 86400.0));
    sync_cmd->add_flag("--json", sync.json, "Print the final sync status as JSON");
    sync.pull.add_to(sync_cmd);

    PullCmdArgs pull;
    CLI::App *pull_cmd = app.add_subcommand(
        "pull", "Read the team's state (other seats' changes) from the LRS of a config into this seat's store");
    pull.ws.add_to(pull_cmd);
    pull_cmd->get_option("--config")->required();
    pull_cmd->add_option("--timeout", pull.timeout,
                         "Seconds to wait for the pull (default: the config's pull.timeout_ms, 5 s)")
        ->check(CLI::Range(0.0, 86400.0));
    pull_cmd->add_flag("--json", pull.json, "Print what was pulled as JSON");

    coursecrew::cli::OutboxArgs outbox;
    WorkspaceArgs outbox_ws;
    CLI::App *outbox_cmd = app.add_subcommand(
        "outbox", "List dead letters (and with --pending what waits), retry or drop them");
    outbox_ws.add_to(outbox_cmd);
    outbox_cmd->add_flag("--pending", outbox.pending, "Also list what waits to be delivered");
    outbox_cmd->add_flag("--json", outbox.json, "Print JSON");
    auto *retry_opt = outbox_cmd->add_option("--retry", outbox.retry, "Queue these dead letters (statement ids) again");
    auto *retry_all = outbox_cmd->add_flag("--retry-all", outbox.retry_all, "Queue every dead letter again");
    auto *drop_opt = outbox_cmd->add_option("--drop", outbox.drop, "Remove these dead letters (statement ids)");
    auto *drop_all = outbox_cmd->add_flag("--drop-all", outbox.drop_all, "Remove every dead letter");
    retry_opt->excludes(drop_opt)->excludes(drop_all);
    retry_all->excludes(drop_opt)->excludes(drop_all);

    coursecrew::cli::WatchArgs watch;
    CLI::App *watch_cmd = coursecrew::cli::add_watch_command(app, watch);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &err) {
        const int code = app.exit(err);
        return code == 0 ? 0 : kExitUsage;
    }

    PluginHost host;
    std::string error;
    if (!host.load(plugin_path, error)) {
        std::cerr << "coursecrew: " << error << "\n";
        return kExitPlugin;
    }
    if (inspect_cmd->parsed()) return run_inspect(host, inspect);
    if (!has_abi_1_1(host)) {
        std::cerr << "coursecrew: the plugin at " << host.path() << " (ABI " << host.entry().abi_major << "."
                  << host.entry().abi_minor << ") has no roles and status functions; it needs ABI 1.1\n";
        return kExitPlugin;
    }
    if (review_cmd->parsed()) return run_review(host, review);
    if (watch_cmd->parsed()) {
        if (!watch.ws.config.empty() && !coursecrew::cli::has_abi_1_2(host)) {
            std::cerr << "coursecrew: the plugin at " << host.path() << " has no sync functions; it needs ABI 1.2\n";
            return kExitPlugin;
        }
        return coursecrew::cli::run_watch(host, watch);
    }
    if (publish_cmd->parsed()) return run_publish(host, publish);
    if (set_cmd->parsed()) return run_set_status(host, status_set_request(set), set.ws, set.delivery, set.pull, set.json);
    if (pull_cmd->parsed()) {
        std::string options;
        if (!workspace_options(pull.ws, nullptr, options)) return kExitUsage;
        return coursecrew::cli::run_pull(host, options, pull.timeout, pull.json);
    }
    if (sync_cmd->parsed() || outbox_cmd->parsed()) {
        if (!coursecrew::cli::has_abi_1_2(host)) {
            std::cerr << "coursecrew: the plugin at " << host.path() << " has no sync functions; it needs ABI 1.2\n";
            return kExitPlugin;
        }
        std::string options;
        if (!workspace_options(sync_cmd->parsed() ? sync.ws : outbox_ws, nullptr, options)) return kExitUsage;
        if (sync_cmd->parsed()) {
            std::string pulled;
            coursecrew::cli::pull_first(host, sync.ws.config, options, sync.pull, sync.json, pulled);
            return coursecrew::cli::wait_for_delivery(host, options, sync.timeout, sync.json);
        }
        return coursecrew::cli::run_outbox(host, options, outbox);
    }
    if (import_cmd->parsed()) {
        std::string request;
        if (!status_import_request(import, request, error)) {
            std::cerr << "coursecrew: " << error << "\n";
            return kExitInputErrors;
        }
        return run_set_status(host, request, import.ws, import.delivery, import.pull, import.json);
    }
    return kExitUsage;
}
