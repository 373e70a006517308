// The private interface between libcoursecrew.so and its network module,
// libcoursecrew_lms.so (adapters/lms_module): the LMS targets (xAPI LRS,
// webhook) and everything they link (libcurl, its TLS and 25-odd libraries)
// live in the module, which the plugin loads the first time a sync target
// is created. A command that never syncs (inspect, review, publish) never
// loads any of it.
//
// Both files come from one build: the entry states the interface version
// and the sizes of the types that cross, and the plugin refuses a module
// that differs.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "plugin/sync/target.hpp"

namespace coursecrew {

inline constexpr const char *kLmsModuleFile = "libcoursecrew_lms.so";
inline constexpr const char *kLmsModuleEntry = "coursecrew_lms_entry";
inline constexpr std::uint32_t kLmsModuleVersion = 1;

struct LmsModule {
    std::uint32_t version;             // kLmsModuleVersion
    std::uint32_t target_config_size;  // sizeof(TargetConfig)
    std::uint32_t reply_size;          // sizeof(Reply)
    std::uint32_t batch_size;          // sizeof(StatementBatch)
    // The target for `config` ("xapi" or "webhook"), nullptr for another kind.
    std::unique_ptr<Target> (*make_target)(const TargetConfig &config, const std::atomic<bool> &cancel);
};

inline constexpr LmsModule kThisBuildLms{kLmsModuleVersion, sizeof(TargetConfig), sizeof(Reply),
                                         sizeof(StatementBatch), nullptr};

}  // namespace coursecrew
