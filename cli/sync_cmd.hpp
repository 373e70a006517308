// The CLI's side of LMS sync: waiting for delivery with a progress bar
// (after publish and status changes, and `coursecrew sync`), and
// `coursecrew outbox`. Everything goes through the plugin's C ABI 1.2.
#pragma once

#include <string>
#include <vector>

#include "plugin_host.hpp"

namespace coursecrew::cli {

constexpr int kExitNotDelivered = 4;  // the work is safe in the outbox, not yet delivered

bool has_abi_1_2(const PluginHost &host);

// Waits up to timeout_s for the outbox to drain, showing progress on a
// terminal (stderr). `options_json` names the config. Returns an exit status.
int wait_for_delivery(PluginHost &host, const std::string &options_json, double timeout_s, bool json_out);

struct OutboxArgs {
    bool json = false, pending = false, retry_all = false, drop_all = false;
    std::vector<std::string> retry, drop;
};
int run_outbox(PluginHost &host, const std::string &options_json, const OutboxArgs &args);

}  // namespace coursecrew::cli
