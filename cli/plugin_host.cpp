#include "plugin_host.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <vector>

// Set by cli/CMakeLists.txt from the install layout.
#ifndef COURSECREW_PLUGIN_SONAME
#define COURSECREW_PLUGIN_SONAME "libcoursecrew.so.1"
#endif
#ifndef COURSECREW_LIBDIR_FROM_BINDIR
#define COURSECREW_LIBDIR_FROM_BINDIR "../lib"
#endif
#ifndef COURSECREW_INSTALLED_PLUGIN
#define COURSECREW_INSTALLED_PLUGIN COURSECREW_PLUGIN_SONAME
#endif

namespace coursecrew::cli {

namespace {

std::string self_dir() {
    std::vector<char> buf(4096);
    ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
    if (n <= 0) return {};
    std::string exe(buf.data(), static_cast<std::size_t>(n));
    auto slash = exe.rfind('/');
    return slash == std::string::npos ? std::string() : exe.substr(0, slash);
}

}  // namespace

PluginHost::~PluginHost() {
    if (entry_ && instance_) entry_->destroy(instance_);
    if (handle_) dlclose(handle_);
}

bool PluginHost::try_open(const std::string &path, std::string &error) {
    // RTLD_LAZY: symbols bind on first use. The library is linked with -z defs
    // (nothing unresolved of its own), and binding the whole dependency tree
    // (libcurl, OpenSSL, libxml2: 15,000 relocations) up front costs every
    // short CLI run several milliseconds.
    void *h = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        error += "\n  " + path + ": " + (why ? why : "cannot load");
        return false;
    }
    auto *entry = static_cast<const coursecrew_entry_t *>(dlsym(h, COURSECREW_ENTRY_SYMBOL));
    if (!entry) {
        error += "\n  " + path + ": no symbol " COURSECREW_ENTRY_SYMBOL " (not a coursecrew plugin)";
        dlclose(h);
        return false;
    }
    // Refuse a plugin of another major version, or one too old to have the
    // functions this host calls.
    const std::size_t needed = offsetof(coursecrew_entry_t, inspect) + sizeof(entry->inspect);
    if (entry->abi_major != COURSECREW_ABI_MAJOR || entry->struct_size < needed) {
        error += "\n  " + path + ": plugin ABI " + std::to_string(entry->abi_major) + "." +
                 std::to_string(entry->abi_minor) + ", this host needs " +
                 std::to_string(COURSECREW_ABI_MAJOR) + "." + std::to_string(COURSECREW_ABI_MINOR);
        dlclose(h);
        return false;
    }
    coursecrew_host_info info{sizeof(coursecrew_host_info), COURSECREW_ABI_MAJOR,
                              COURSECREW_ABI_MINOR, "coursecrew-cli " COURSECREW_VERSION_STRING};
    coursecrew_instance *inst = nullptr;
    int st = entry->create(&info, &inst);
    if (st != COURSECREW_OK) {
        error += "\n  " + path + ": create failed: " + entry->strerror(st);
        dlclose(h);
        return false;
    }
    handle_ = h;
    entry_ = entry;
    instance_ = inst;
    path_ = path;
    return true;
}

bool PluginHost::load(const std::string &explicit_path, std::string &error) {
    error = "cannot load the coursecrew plugin; tried:";
    if (!explicit_path.empty()) return try_open(explicit_path, error);
    if (const char *env = std::getenv("COURSECREW_PLUGIN"); env && *env)
        return try_open(env, error);
    const std::string dir = self_dir();
    if (!dir.empty()) {
        // A build tree: both in build/bin.
        if (try_open(dir + "/libcoursecrew.so", error)) return true;
        // An installed tree wherever it now is (bin/../lib/<triplet>), so an
        // unpacked or moved package finds its own library, not another one.
        if (try_open(dir + "/" COURSECREW_LIBDIR_FROM_BINDIR "/" COURSECREW_PLUGIN_SONAME, error)) return true;
    }
    return try_open(COURSECREW_INSTALLED_PLUGIN, error);
}

}  // namespace coursecrew::cli
