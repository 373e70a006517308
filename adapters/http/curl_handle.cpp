// libcurl's global init and the RAII holders (see curl_handle.hpp).
#include "adapters/http/curl_handle.hpp"

#include <mutex>
#include <utility>

namespace coursecrew::http {

bool ensure_curl_global_init() {
    static std::once_flag once;
    static CURLcode result = CURLE_FAILED_INIT;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    return result == CURLE_OK;
}

CurlHandle::CurlHandle() {
    if (ensure_curl_global_init()) handle_ = curl_easy_init();
}

CurlHandle::~CurlHandle() {
    if (handle_) curl_easy_cleanup(handle_);
}

CurlHandle::CurlHandle(CurlHandle &&other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

CurlHandle &CurlHandle::operator=(CurlHandle &&other) noexcept {
    if (this != &other) {
        if (handle_) curl_easy_cleanup(handle_);
        handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
}

CurlHeaderList::~CurlHeaderList() {
    if (list_) curl_slist_free_all(list_);
}

bool CurlHeaderList::append(const std::string &line) {
    curl_slist *grown = curl_slist_append(list_, line.c_str());
    if (!grown) return false;
    list_ = grown;
    return true;
}

}  // namespace coursecrew::http
