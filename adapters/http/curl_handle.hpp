// RAII ownership of libcurl objects (an easy handle, a header list) and
// libcurl's process-wide initialisation, done exactly once.
#pragma once

#include <curl/curl.h>

#include <string>

namespace coursecrew::http {

// Runs curl_global_init once per process, whichever thread gets there first
// (std::call_once; libcurl >= 7.84 makes the init itself thread-safe too).
// Never undone: the plugin stays loaded (-z nodelete) and the host may use
// libcurl itself. Returns false when libcurl could not initialise.
bool ensure_curl_global_init();

// One easy handle: move-only, cleaned up on destruction. A handle keeps its
// connections between requests (keep-alive); it belongs to one thread.
class CurlHandle {
public:
    CurlHandle();  // get() is null when libcurl failed to initialise
    ~CurlHandle();
    CurlHandle(CurlHandle &&other) noexcept;
    CurlHandle &operator=(CurlHandle &&other) noexcept;
    CurlHandle(const CurlHandle &) = delete;
    CurlHandle &operator=(const CurlHandle &) = delete;

    CURL *get() const { return handle_; }
    explicit operator bool() const { return handle_ != nullptr; }

private:
    CURL *handle_ = nullptr;
};

// A curl_slist of request headers, freed on destruction.
class CurlHeaderList {
public:
    CurlHeaderList() = default;
    ~CurlHeaderList();
    CurlHeaderList(const CurlHeaderList &) = delete;
    CurlHeaderList &operator=(const CurlHeaderList &) = delete;

    bool append(const std::string &line);  // false when out of memory
    curl_slist *get() const { return list_; }

private:
    curl_slist *list_ = nullptr;
};

}  // namespace coursecrew::http
