// The Target for a webhook (plugin/sync/target.hpp): each batch of statements is
// one POST to config.endpoint, body {"events":[...]}, signed with
// HMAC-SHA256 under config.hmac_secret in config.signature_header, with the
// send time in X-Coursecrew-Timestamp (see README.md for receivers).
// prepare() needs no network; documents are not kept (Rejected); version()
// is "". Outcomes follow http::classify. A target without an hmac_secret, or
// with a signature_header that is no valid header name, is Denied: it never
// sends unsigned events.
#pragma once

#include <atomic>
#include <memory>

#include "plugin/sync/target.hpp"

namespace coursecrew {

// Builds the target. nullptr only when out of memory.
std::unique_ptr<Target> make_webhook_target(const TargetConfig &config,
                                            const std::atomic<bool> &cancel);

}  // namespace coursecrew
