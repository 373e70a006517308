// HttpClient: one libcurl easy transfer per call, on a reused handle, with
// timeouts, TLS settings, credentials, a cancel flag and the few response
// headers the targets need (see http.hpp).
#include "adapters/http/http.hpp"

#include <algorithm>
#include <cctype>
#include <exception>

#include "coursecrew/coursecrew.h"

namespace coursecrew::http {

namespace {

// What the callbacks of one transfer write into.
struct Transfer {
    HttpResponse *response = nullptr;
    std::size_t max_body = 0;
    bool body_too_large = false;
};

std::string_view trim(std::string_view s) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::size_t on_body(char *data, std::size_t size, std::size_t count, void *user) {
    auto *t = static_cast<Transfer *>(user);
    const std::size_t n = size * count;
    if (t->response->body.size() + n > t->max_body) {
        t->body_too_large = true;
        return 0;  // fails the transfer with CURLE_WRITE_ERROR
    }
    try {
        t->response->body.append(data, n);
    } catch (const std::exception &) {
        return 0;
    }
    return n;
}

// Called once per header line; a status line starts a new response (after
// a 100 Continue, say), so what an earlier one said is forgotten.
std::size_t on_header(char *data, std::size_t size, std::size_t count, void *user) {
    auto *t = static_cast<Transfer *>(user);
    const std::size_t n = size * count;
    const std::string_view line(data, n);
    try {
        if (line.substr(0, 5) == "HTTP/") {
            t->response->etag.clear();
            t->response->retry_after.clear();
            return n;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) return n;
        const auto name = trim(line.substr(0, colon));
        const auto value = trim(line.substr(colon + 1));
        if (iequals(name, "ETag")) t->response->etag.assign(value);
        else if (iequals(name, "Retry-After")) t->response->retry_after.assign(value);
    } catch (const std::exception &) {
        return 0;
    }
    return n;
}

int on_progress(void *cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const std::atomic<bool> *>(cancel)->load() ? 1 : 0;
}

// Sets options, remembering the first failure.
class Options {
public:
    explicit Options(CURL *h) : h_(h) {}
    template <typename T>
    void set(CURLoption option, T value) {
        const CURLcode rc = curl_easy_setopt(h_, option, value);
        if (first_error_ == CURLE_OK) first_error_ = rc;
    }
    CURLcode first_error() const { return first_error_; }

private:
    CURL *h_;
    CURLcode first_error_ = CURLE_OK;
};

void set_method_and_body(Options &o, const HttpRequest &r) {
    if (r.method == "GET") {
        o.set(CURLOPT_HTTPGET, 1L);
        return;
    }
    if (r.method != "POST") o.set(CURLOPT_CUSTOMREQUEST, r.method.c_str());
    o.set(CURLOPT_POST, 1L);
    o.set(CURLOPT_POSTFIELDS, r.body.data());  // not copied: the body outlives the transfer
    o.set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    // A statement batch is about 600 KB: sent through a 512 KB upload buffer
    // it takes 2 writes to the socket instead of 10 (and a tenth of the
    // polls); the buffer is allocated once per handle.
    if (r.body.size() > 64 * 1024) o.set(CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024);
}

void set_tls(Options &o, const HttpRequest &r) {
    o.set(CURLOPT_SSL_VERIFYPEER, r.tls_verify ? 1L : 0L);
    o.set(CURLOPT_SSL_VERIFYHOST, r.tls_verify ? 2L : 0L);
    if (!r.ca_file.empty()) o.set(CURLOPT_CAINFO, r.ca_file.c_str());
}

// libcurl builds the Authorization header itself; the secret stays in its
// memory and ours, never in a message.
void set_credentials(Options &o, const Credentials &c) {
    switch (c.kind) {
    case Credentials::Kind::Basic:
        o.set(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        o.set(CURLOPT_USERNAME, c.username.c_str());
        o.set(CURLOPT_PASSWORD, c.secret.c_str());
        break;
    case Credentials::Kind::Bearer:
        o.set(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BEARER));
        o.set(CURLOPT_XOAUTH2_BEARER, c.secret.c_str());
        break;
    case Credentials::Kind::None:
        break;
    }
}

void set_protocols(Options &o) {
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
    o.set(CURLOPT_PROTOCOLS_STR, "http,https");
#else
    o.set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
}

HttpResponse failed(CURLcode code, std::string error) {
    HttpResponse r;
    r.curl_code = code;
    r.error = std::move(error);
    return r;
}

CURLcode build_headers(const HttpRequest &r, CurlHeaderList &headers) {
    for (const auto &line : r.headers)
        if (!headers.append(line)) return CURLE_OUT_OF_MEMORY;
    // No "Expect: 100-continue" pause before large bodies.
    return headers.append("Expect:") ? CURLE_OK : CURLE_OUT_OF_MEMORY;
}

void set_options(Options &o, const HttpRequest &r, const CurlHeaderList &headers,
                 Transfer &transfer, const std::atomic<bool> &cancel) {
    o.set(CURLOPT_URL, r.url.c_str());
    set_protocols(o);
    o.set(CURLOPT_NOSIGNAL, 1L);
    o.set(CURLOPT_CONNECTTIMEOUT_MS, r.connect_timeout_ms);
    o.set(CURLOPT_TIMEOUT_MS, r.timeout_ms);
    o.set(CURLOPT_TCP_KEEPALIVE, 1L);
    o.set(CURLOPT_USERAGENT, "coursecrew/" COURSECREW_VERSION_STRING);
    o.set(CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
    set_method_and_body(o, r);
    set_tls(o, r);
    set_credentials(o, r.credentials);
    o.set(CURLOPT_HTTPHEADER, headers.get());
    o.set(CURLOPT_WRITEFUNCTION, on_body);
    o.set(CURLOPT_WRITEDATA, static_cast<void *>(&transfer));
    o.set(CURLOPT_HEADERFUNCTION, on_header);
    o.set(CURLOPT_HEADERDATA, static_cast<void *>(&transfer));
    o.set(CURLOPT_NOPROGRESS, 0L);
    o.set(CURLOPT_XFERINFOFUNCTION, on_progress);
    o.set(CURLOPT_XFERINFODATA, const_cast<void *>(static_cast<const void *>(&cancel)));
}

// Status, system error and a secret-free error text into the response.
void finish(CURL *h, CURLcode code, const Transfer &transfer, std::string_view error_buffer,
            const HttpRequest &r) {
    HttpResponse &response = *transfer.response;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    if (code != CURLE_OK) curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &response.os_errno);
    response.curl_code = code;
    if (code == CURLE_ABORTED_BY_CALLBACK)
        response.error = "cancelled";
    else if (transfer.body_too_large)
        response.error = "response longer than " + std::to_string(r.max_response_bytes) + " bytes";
    else if (code != CURLE_OK)
        response.error = error_buffer.empty() ? curl_easy_strerror(code) : std::string(trim(error_buffer));
    response.error = mask_secrets(std::move(response.error), r);
}

}  // namespace

HttpClient::HttpClient(const std::atomic<bool> &cancel) : cancel_(cancel) {}

std::string HttpClient::escape(std::string_view text) {
    if (!handle_) return {};
    char *escaped = curl_easy_escape(handle_.get(), text.data(), static_cast<int>(text.size()));
    if (!escaped) return {};
    std::string result(escaped);
    curl_free(escaped);
    return result;
}

HttpResponse HttpClient::perform(const HttpRequest &request) {
    if (!handle_) return failed(CURLE_FAILED_INIT, "libcurl could not be initialised");
    if (cancel_.load()) return failed(CURLE_ABORTED_BY_CALLBACK, "cancelled");
    CURL *h = handle_.get();
    try {
        curl_easy_reset(h);  // options only: connections stay open for reuse
        error_buffer_[0] = '\0';
        HttpResponse response;
        Transfer transfer{&response, request.max_response_bytes, false};
        CurlHeaderList headers;
        CURLcode code = build_headers(request, headers);
        if (code == CURLE_OK) {
            Options o(h);
            o.set(CURLOPT_ERRORBUFFER, error_buffer_.data());
            set_options(o, request, headers, transfer, cancel_);
            code = o.first_error();
        }
        if (code == CURLE_OK) code = curl_easy_perform(h);
        finish(h, code, transfer, std::string_view(error_buffer_.data()), request);
        curl_easy_reset(h);  // forget the options, and the secrets in them
        return response;
    } catch (const std::exception &) {
        curl_easy_reset(h);
        return failed(CURLE_OUT_OF_MEMORY, "out of memory");
    }
}

}  // namespace coursecrew::http
