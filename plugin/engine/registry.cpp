#include "plugin/engine/registry.hpp"

#include "adapters/lrs/xapi_target.hpp"
#include "adapters/package/open_package.hpp"
#include "adapters/webhook/webhook_target.hpp"
#include "coursecrew/coursecrew.h"

namespace coursecrew {

int inspect_package(const std::string &path, const InspectOptions &options, Inspection &out) {
    out.package = path;
    OpenedPackage pkg;
    const int status = open_package(path, options.limits, out.diags, pkg);
    if (status != COURSECREW_OK || !pkg.source) {
        out.diags.finish();
        return status != COURSECREW_OK ? status : COURSECREW_E_INTERNAL;
    }
    const Readers readers{&read_scorm, &read_cmi5, &read_tincan};
    inspect_source(*pkg.source, pkg.manifest_path, pkg.in_package, readers, options, out);
    return out.usable() ? COURSECREW_OK : COURSECREW_E_PACKAGE_INVALID;
}

TargetFactory target_factory() {
    return [](const TargetConfig &config, const std::atomic<bool> &cancel) -> std::unique_ptr<Target> {
        if (config.kind == "xapi") return make_xapi_target(config, cancel);
        if (config.kind == "webhook") return make_webhook_target(config, cancel);
        return nullptr;
    };
}

}  // namespace coursecrew
