// The C ABI: the only way in. Every function here is an exception barrier;
// nothing but C types crosses it.
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "coursecrew/coursecrew.h"
#include "options.hpp"
#include "registry.hpp"

struct coursecrew_instance {
    std::string last_error;
    std::string host_name;
    coursecrew::InspectOptions defaults;
};

namespace {

using namespace coursecrew;

int fail(coursecrew_instance *in, int status, std::string message) {
    if (in) in->last_error = std::move(message);
    return status;
}

// Runs `body` behind the barrier: exceptions become status codes.
template <class Body>
int guarded(coursecrew_instance *in, Body &&body) {
    try {
        if (in) in->last_error.clear();
        return body();
    } catch (const std::bad_alloc &) {
        return fail(in, COURSECREW_E_NO_MEMORY, "out of memory");
    } catch (const std::exception &e) {
        return fail(in, COURSECREW_E_INTERNAL, std::string("internal error: ") + e.what());
    } catch (...) {
        return fail(in, COURSECREW_E_INTERNAL, "internal error");
    }
}

const char *cc_strerror(int status) {
    switch (status) {
    case COURSECREW_OK: return "success";
    case COURSECREW_E_INVALID_ARGUMENT: return "invalid argument";
    case COURSECREW_E_NOT_FOUND: return "package not found";
    case COURSECREW_E_IO: return "read error";
    case COURSECREW_E_UNSUPPORTED: return "unsupported format or option";
    case COURSECREW_E_PACKAGE_INVALID: return "the package has errors";
    case COURSECREW_E_NO_MEMORY: return "out of memory";
    case COURSECREW_E_ABI: return "incompatible ABI version";
    case COURSECREW_E_INTERNAL: return "internal error";
    default: return "unknown status";
    }
}

int cc_create(const coursecrew_host_info *host, coursecrew_instance **out) {
    if (!out) return COURSECREW_E_INVALID_ARGUMENT;
    *out = nullptr;
    try {
        if (host) {
            // Read only the fields the host's struct_size covers.
            if (host->struct_size < offsetof(coursecrew_host_info, abi_minor) + sizeof(uint32_t))
                return COURSECREW_E_INVALID_ARGUMENT;
            if (host->abi_major != COURSECREW_ABI_MAJOR) return COURSECREW_E_ABI;
        }
        auto inst = std::make_unique<coursecrew_instance>();
        if (host && host->struct_size >= offsetof(coursecrew_host_info, host_name) + sizeof(char *) &&
            host->host_name)
            inst->host_name = host->host_name;
        *out = inst.release();
        return COURSECREW_OK;
    } catch (const std::bad_alloc &) {
        return COURSECREW_E_NO_MEMORY;
    } catch (...) {
        return COURSECREW_E_INTERNAL;
    }
}

int cc_configure(coursecrew_instance *in, const char *options_json) {
    if (!in) return COURSECREW_E_INVALID_ARGUMENT;
    return guarded(in, [&]() -> int {
        std::string error;
        if (!apply_options(options_json, in->defaults, error))
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "options: " + error);
        return COURSECREW_OK;
    });
}

void cc_destroy(coursecrew_instance *in) { delete in; }

const char *cc_last_error(coursecrew_instance *in) { return in ? in->last_error.c_str() : ""; }

void cc_free_string(char *text) { std::free(text); }

// The first error diagnostic, "file:line: message", for last_error.
std::string first_error(const Inspection &ins) {
    for (const Diagnostic &d : ins.diags.items()) {
        if (d.severity != Severity::Error) continue;
        // Package-level diagnostics name the package in their message already.
        std::string where = d.file;
        if (!where.empty() && d.line > 0) where += ":" + std::to_string(d.line);
        return (where.empty() ? "" : where + ": ") + d.message + " [" + d.code + "]";
    }
    return {};
}

int cc_inspect(coursecrew_instance *in, const char *package_path, const char *options_json,
               char **out_json) {
    if (out_json) *out_json = nullptr;
    if (!in) return COURSECREW_E_INVALID_ARGUMENT;
    return guarded(in, [&]() -> int {
        if (!package_path || !*package_path || !out_json)
            return fail(in, COURSECREW_E_INVALID_ARGUMENT,
                        "inspect needs a package path and an output pointer");
        InspectOptions options = in->defaults;
        std::string error;
        if (!apply_options(options_json, options, error))
            return fail(in, COURSECREW_E_INVALID_ARGUMENT, "options: " + error);
        std::string message;
        int status = COURSECREW_OK;
        {
            // The model goes as soon as its JSON exists; the JSON is written
            // straight into the buffer the host receives.
            Inspection ins(options.max_diagnostics_per_code);
            status = inspect_package(package_path, options, ins);
            *out_json = to_json_malloc(ins, options, nullptr);
            if (status != COURSECREW_OK) message = first_error(ins);
        }
        if (status != COURSECREW_OK) fail(in, status, message.empty() ? cc_strerror(status) : message);
        return status;
    });
}

}  // namespace

extern "C" {

const coursecrew_entry_t coursecrew_entry = {
    COURSECREW_ABI_MAJOR,
    COURSECREW_ABI_MINOR,
    sizeof(coursecrew_entry_t),
    COURSECREW_VERSION_STRING,
    &cc_strerror,
    &cc_create,
    &cc_configure,
    &cc_destroy,
    &cc_last_error,
    &cc_free_string,
    &cc_inspect,
};

}  // extern "C"
