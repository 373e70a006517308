// Loading libcoursecrew.so the way an authoring tool does: dlopen, one
// symbol, version checks both ways. The CLI uses nothing else of the library.
#pragma once

#include <string>

#include "coursecrew/coursecrew.h"

namespace coursecrew::cli {

class PluginHost {
public:
    PluginHost() = default;
    ~PluginHost();
    PluginHost(const PluginHost &) = delete;
    PluginHost &operator=(const PluginHost &) = delete;

    // Loads the plugin from `explicit_path` when given, else $COURSECREW_PLUGIN,
    // else next to this executable (a build tree), else in the library
    // directory relative to it (an installed tree, wherever it is), else in
    // the library directory it was configured to be installed to.
    // Returns false with `error` saying which paths were tried and why.
    bool load(const std::string &explicit_path, std::string &error);

    const coursecrew_entry_t &entry() const { return *entry_; }
    coursecrew_instance *instance() const { return instance_; }
    const std::string &path() const { return path_; }
    // True when the loaded plugin's entry struct holds `member` (a function
    // appended in a later ABI minor version).
    template <class M>
    bool has(M coursecrew_entry_t::*member) const {
        const auto *base = reinterpret_cast<const char *>(entry_);
        const auto *field = reinterpret_cast<const char *>(&(entry_->*member));
        return static_cast<std::size_t>(field - base) + sizeof(M) <= entry_->struct_size &&
               entry_->*member != nullptr;
    }

private:
    bool try_open(const std::string &path, std::string &error);

    void *handle_ = nullptr;
    const coursecrew_entry_t *entry_ = nullptr;
    coursecrew_instance *instance_ = nullptr;
    std::string path_;
};

// A string the plugin allocated, freed through the entry struct.
class PluginString {
public:
    explicit PluginString(const coursecrew_entry_t &e) : entry_(e) {}
    ~PluginString() { entry_.free_string(ptr_); }
    PluginString(const PluginString &) = delete;
    PluginString &operator=(const PluginString &) = delete;
    char **out() { return &ptr_; }
    const char *get() const { return ptr_; }

private:
    const coursecrew_entry_t &entry_;
    char *ptr_ = nullptr;
};

}  // namespace coursecrew::cli
