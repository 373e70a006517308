// A small synchronous HTTP client over libcurl for the network targets, and
// the rules that turn an answer into the engine's Outcome:
//   2xx -> Ok; 408, 429, 5xx and transport failures -> Retry;
//   401, 403 -> Denied; other 4xx -> Rejected.
// Secrets (passwords, tokens, a URL's userinfo) never appear in the error
// texts produced here; URLs in texts lose their userinfo and query.
#pragma once

#include <curl/curl.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/curl_handle.hpp"
#include "plugin/sync/target.hpp"

namespace coursecrew::http {

struct HttpRequest {
    std::string method = "GET";        // GET, POST, PUT, ...
    std::string url;
    std::vector<std::string> headers;  // complete lines: "Name: value"
    std::string_view body;             // sent for every method but GET; not copied: the
                                       // text must outlive perform()
    long connect_timeout_ms = 10'000;
    long timeout_ms = 60'000;          // the whole request; 0 = none
    bool tls_verify = true;            // off: no peer or host name check
    std::string ca_file;               // a CA bundle to use ("" = the system's)
    Credentials credentials;           // Basic or Bearer; kept out of every text
    std::size_t max_response_bytes = 16u << 20;  // a longer answer fails the request
};

struct HttpResponse {
    long status = 0;            // 0 when no HTTP answer arrived
    std::string body;
    std::string etag;           // the ETag header, quotes kept ("" if none)
    std::string retry_after;    // the Retry-After header, raw ("" if none)
    CURLcode curl_code = CURLE_OK;
    long os_errno = 0;          // the system error behind a failed connect (ECONNREFUSED, ...)
    std::string error;          // libcurl's message when curl_code != CURLE_OK; no secrets
};

// Sends requests on one reused easy handle (keep-alive). Belongs to one
// thread. A request in flight stops within about a second once `cancel`
// becomes true (curl_code CURLE_ABORTED_BY_CALLBACK, error "cancelled").
// Proxies follow libcurl's usual environment (http_proxy, https_proxy,
// no_proxy); redirects are not followed; only http and https are allowed.
class HttpClient {
public:
    explicit HttpClient(const std::atomic<bool> &cancel);
    HttpClient(const HttpClient &) = delete;
    HttpClient &operator=(const HttpClient &) = delete;

    HttpResponse perform(const HttpRequest &request);
    // Percent-encodes `text` for a query parameter (curl_easy_escape).
    std::string escape(std::string_view text);

private:
    CurlHandle handle_;
    const std::atomic<bool> &cancel_;
    std::array<char, CURL_ERROR_SIZE> error_buffer_{};
};

// The outcome of a request, with a reason for people:
//   "<METHOD> <url>: HTTP 500: <start of the body, on one line>"
//   "<METHOD> <url>: connection refused (curl: <libcurl's message>)"
// or just "cancelled". The URL loses userinfo, query and fragment; the
// configured secrets are masked. Body, ETag and Retry-After are passed on.
// Beyond the rules above: other statuses (1xx, 3xx) -> Retry; a malformed
// URL, an unsupported scheme or an unreadable CA file -> Denied (the target's
// configuration is wrong, retrying cannot help).
Reply classify(const HttpRequest &request, const HttpResponse &response);

// A request to a target: `method` and `url`, with the target's timeouts,
// TLS settings and credentials.
HttpRequest request_for(const TargetConfig &target, std::string method, std::string url);

// Retry-After as milliseconds from `now`: delta-seconds ("120") or an
// HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"; a past date gives 0).
// -1 when empty or unreadable.
std::int64_t parse_retry_after(std::string_view value, std::time_t now);

// The URL without userinfo, query and fragment, for messages.
std::string redact_url(std::string_view url);

// `text` with every secret of the request (password or token, the Basic
// "user:password" in base64, a URL's userinfo) replaced by "***".
std::string mask_secrets(std::string text, const HttpRequest &request);

}  // namespace coursecrew::http
