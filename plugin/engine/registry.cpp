#include "plugin/engine/registry.hpp"

#include <dlfcn.h>

#include <vector>

#include "adapters/content/readers.hpp"
#include "adapters/package/open_package.hpp"
#include "coursecrew/coursecrew.h"
#include "plugin/engine/lms_module.hpp"

// The network module's folder under the plugin's, once installed (set by
// packaging/install_dirs.cmake).
#ifndef COURSECREW_MODULE_SUBDIR
#define COURSECREW_MODULE_SUBDIR "coursecrew"
#endif

namespace coursecrew {

int inspect_package(const std::string &path, const InspectOptions &options, Inspection &out) {
    out.package = path;
    OpenedPackage pkg;
    const int status = open_package(path, options.limits, out.diags, pkg);
    if (status != COURSECREW_OK || !pkg.source) {
        out.diags.finish();
        return status != COURSECREW_OK ? status : COURSECREW_E_INTERNAL;
    }
    static const ContentReaders content = all_content_readers();
    const Readers readers{&read_scorm, &read_cmi5, &read_tincan, &content};
    inspect_source(*pkg.source, pkg.manifest_path, pkg.in_package, readers, options, out);
    return out.usable() ? COURSECREW_OK : COURSECREW_E_PACKAGE_INVALID;
}

namespace {

// The folder of the file this code was loaded from (libcoursecrew.so, or a
// program that links the engine statically), with a trailing '/'.
std::string own_folder() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void *>(&own_folder), &info) == 0 || !info.dli_fname) return {};
    const std::string self = info.dli_fname;
    const auto slash = self.rfind('/');
    return slash == std::string::npos ? std::string() : self.substr(0, slash + 1);
}

struct LoadedLms {
    const LmsModule *module = nullptr;
    std::string error;  // why it could not be loaded
};

// Beside the plugin first (a build tree), then in the plugin's private
// module folder (an installed tree, wherever it is: lib/<triplet>/coursecrew/,
// since a library folder is for libraries with a soname), then in that
// folder under the libdir it was configured for. The handle is never
// closed: targets made by the module may live as long as the process.
LoadedLms load_lms() {
    const std::string in_subdir = std::string(COURSECREW_MODULE_SUBDIR "/") + kLmsModuleFile;
    std::vector<std::string> places{own_folder() + kLmsModuleFile, own_folder() + in_subdir};
#ifdef COURSECREW_INSTALL_LIBDIR
    places.push_back(std::string(COURSECREW_INSTALL_LIBDIR "/") + in_subdir);
#endif
    LoadedLms out;
    std::string tried;
    for (const std::string &path : places) {
        void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char *why = dlerror();
            tried += (tried.empty() ? "" : "; ") + std::string(why ? why : path);
            continue;
        }
        const auto *m = static_cast<const LmsModule *>(dlsym(handle, kLmsModuleEntry));
        if (!m || m->version != kThisBuildLms.version ||
            m->target_config_size != kThisBuildLms.target_config_size ||
            m->reply_size != kThisBuildLms.reply_size || m->batch_size != kThisBuildLms.batch_size ||
            !m->make_target) {
            tried += (tried.empty() ? "" : "; ") + path + ": from another build of coursecrew";
            continue;
        }
        out.module = m;
        return out;
    }
    out.error = std::string("coursecrew's network module ") + kLmsModuleFile +
                " cannot be loaded (" + tried +
                "); it belongs beside libcoursecrew.so or in its " COURSECREW_MODULE_SUBDIR
                "/ folder: reinstall coursecrew";
    return out;
}

// Loaded once per process, on first use, by whichever thread gets there
// first (a function-local static is initialised exactly once).
const LoadedLms &lms() {
    static const LoadedLms loaded = load_lms();
    return loaded;
}

// Stands in for every target when the module is missing: the sync engine
// stops the target with this reason (Rejected before the first exchange).
class UnavailableTarget final : public Target {
public:
    UnavailableTarget(const TargetConfig &config, std::string reason)
        : config_(config), reason_(std::move(reason)) {}
    const TargetConfig &config() const override { return config_; }
    Reply prepare() override { return refuse(); }
    std::string version() const override { return {}; }
    Reply send(const StatementBatch &) override { return refuse(); }
    Reply get_document(const std::string &, const std::string &) override { return refuse(); }
    Reply put_document(const std::string &, const std::string &, const std::string &,
                       const std::string &) override {
        return refuse();
    }

private:
    Reply refuse() const {
        Reply r;
        r.outcome = Outcome::Rejected;
        r.reason = reason_;
        return r;
    }
    TargetConfig config_;
    std::string reason_;
};

}  // namespace

TargetFactory target_factory() {
    return [](const TargetConfig &config, const std::atomic<bool> &cancel) -> std::unique_ptr<Target> {
        if (config.kind != "xapi" && config.kind != "webhook") return nullptr;
        const LoadedLms &l = lms();
        if (!l.module) return std::make_unique<UnavailableTarget>(config, l.error);
        return l.module->make_target(config, cancel);
    };
}

}  // namespace coursecrew
