// libcoursecrew_lms.so: the network adapters as a module the plugin loads
// on demand (see plugin/engine/lms_module.hpp). Its one exported symbol is
// the entry below.
#include "adapters/lrs/xapi_target.hpp"
#include "adapters/webhook/webhook_target.hpp"
#include "plugin/engine/lms_module.hpp"

namespace {

std::unique_ptr<coursecrew::Target> make_target(const coursecrew::TargetConfig &config,
                                                const std::atomic<bool> &cancel) {
    if (config.kind == "xapi") return coursecrew::make_xapi_target(config, cancel);
    if (config.kind == "webhook") return coursecrew::make_webhook_target(config, cancel);
    return nullptr;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) const coursecrew::LmsModule coursecrew_lms_entry{
    coursecrew::kThisBuildLms.version, coursecrew::kThisBuildLms.target_config_size,
    coursecrew::kThisBuildLms.reply_size, coursecrew::kThisBuildLms.batch_size, &make_target};
