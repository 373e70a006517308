// The Target for an xAPI LRS (plugin/sync/target.hpp), over adapters/http:
//   prepare()      GET  {endpoint}about, chooses the xAPI version
//   send()         POST {endpoint}statements, the batch as one JSON array
//   get_document() GET  {endpoint}activities/profile?activityId=..&profileId=..
//   put_document() PUT  the same, guarded by If-Match / If-None-Match: *
// Every request carries X-Experience-API-Version (1.0.3 for /about, then the
// chosen version). Outcomes beyond http::classify:
//   /about: 404 -> assume 1.0.3, Ok; a 2xx that is no About document, or one
//           offering no version we speak -> Rejected;
//   statements: 409 -> Ok (the ids are already stored; the LRS's message is
//           the reason);
//   documents: 404 on get -> Missing; 412 or 409 on put -> Conflict.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/sync/target.hpp"

namespace coursecrew {

// Builds the target (no network until prepare()). nullptr only when out of
// memory.
std::unique_ptr<Target> make_xapi_target(const TargetConfig &config,
                                         const std::atomic<bool> &cancel);

namespace xapi {

// The `version` list of an About document ({"version": ["1.0.3", ...]}; a
// lone string is accepted too). nullopt when `json` is no such document.
std::optional<std::vector<std::string>> parse_about_versions(std::string_view json);

// The version to speak, from what the LRS offers:
//   "2.0.0" when allow_xapi_2 and offered; else `preferred` when it is a
//   1.0.x version and offered; else "1.0.3" when offered; else the highest
//   1.0.x offered; else "" (nothing in common).
std::string choose_version(const std::vector<std::string> &offered, bool allow_xapi_2,
                           const std::string &preferred = "1.0.3");

}  // namespace xapi
}  // namespace coursecrew
