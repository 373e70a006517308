// The CLI's side of LMS sync: waiting for delivery with a progress bar
// (after publish and status changes, and `coursecrew sync`), and
// `coursecrew outbox`. Everything goes through the plugin's C ABI 1.2.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <rapidjson/document.h>

#include "plugin_host.hpp"

namespace coursecrew::cli {

constexpr int kExitNotDelivered = 4;  // the work is safe in the outbox, not yet delivered

bool has_abi_1_2(const PluginHost &host);

// Waits up to timeout_s for the outbox to drain, showing progress on a
// terminal (stderr). `options_json` names the config. Returns an exit status.
int wait_for_delivery(PluginHost &host, const std::string &options_json, double timeout_s, bool json_out);

// One team, many seats: before a workspace command with a sync config, the
// team's state is pulled from the LRS (ABI 1.4), within a short time limit.
struct PullArgs {
    bool no_pull = false;
    double timeout = -1;  // seconds; negative: the config's pull.timeout_ms
    void add_to(CLI::App *cmd);
};

bool has_abi_1_4(const PluginHost &host);

// Pulls when there is a config and the plugin can; `pulled_json` receives
// the pull's JSON ("" when no pull ran). Failing to reach the LRS is not an
// error: the command goes on with this seat's state, and says so on stderr
// (unless `quiet`, for JSON output, where the JSON tells).
void pull_first(PluginHost &host, const std::string &config, const std::string &options_json,
                const PullArgs &pull, bool quiet, std::string &pulled_json);

// One target of a pull's JSON, for people: "lms: 3 of 200 modules changed,
// 12 of this seat's pairs updated" (or "lms: nothing new (200 modules)").
std::string pull_summary(const rapidjson::Value &target);

// A result object with "pulled": PULL_JSON added (as it is when no pull ran).
std::string with_pulled(const char *result_json, const std::string &pulled_json);

// `coursecrew pull`: exit 0 when every target was pulled, 4 when not.
int run_pull(PluginHost &host, const std::string &options_json, double timeout_s, bool json_out);

struct OutboxArgs {
    bool json = false, pending = false, retry_all = false, drop_all = false;
    std::vector<std::string> retry, drop;
};
int run_outbox(PluginHost &host, const std::string &options_json, const OutboxArgs &args);

}  // namespace coursecrew::cli
