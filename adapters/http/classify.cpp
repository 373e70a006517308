// From an HTTP answer (or libcurl's failure) to the engine's Outcome and a
// reason people can read; Retry-After parsing; URL and secret redaction.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <limits>

#include "adapters/http/http.hpp"

namespace coursecrew::http {

namespace {

constexpr std::size_t kBodyExcerptBytes = 300;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// The first kBodyExcerptBytes of a body (never cutting a UTF-8 sequence),
// control characters and line breaks folded into single spaces.
std::string body_excerpt(std::string_view body) {
    std::size_t end = std::min(body.size(), kBodyExcerptBytes);
    const bool cut = end < body.size();
    while (end > 0 && end < body.size() && (static_cast<unsigned char>(body[end]) & 0xC0) == 0x80)
        --end;
    std::string out;
    out.reserve(end + 3);
    for (char c : body.substr(0, end)) {
        const auto u = static_cast<unsigned char>(c);
        const bool blank = u < 0x20 || u == 0x7F || c == ' ';
        if (!blank) out += c;
        else if (!out.empty() && out.back() != ' ') out += ' ';
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (cut && !out.empty()) out += "...";
    return out;
}

std::string base64(std::string_view in) {
    static const char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                           (static_cast<unsigned char>(in[i + 1]) << 8) |
                           static_cast<unsigned char>(in[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (i < in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

void replace_all(std::string &text, std::string_view secret) {
    if (secret.empty()) return;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
        text.replace(at, secret.size(), "***");
}

// The userinfo ("user:password") of a URL, or "".
std::string_view url_userinfo(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return {};
    const auto rest = url.substr(scheme_end + 3);
    const auto authority = rest.substr(0, rest.find_first_of("/?#"));
    const auto at = authority.rfind('@');
    return at == std::string_view::npos ? std::string_view{} : authority.substr(0, at);
}

// A short name for a libcurl failure.
std::string transport_phrase(CURLcode code, long os_errno) {
    switch (code) {
    case CURLE_COULDNT_CONNECT:
        if (os_errno == ECONNREFUSED) return "connection refused";
        if (os_errno == EHOSTUNREACH || os_errno == ENETUNREACH) return "host unreachable";
        return "could not connect";
    case CURLE_OPERATION_TIMEDOUT: return "timed out";
    case CURLE_COULDNT_RESOLVE_HOST: return "host not found";
    case CURLE_COULDNT_RESOLVE_PROXY: return "proxy not found";
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR: return os_errno == ECONNRESET ? "connection reset" : "connection lost";
    case CURLE_PARTIAL_FILE: return "response cut short";
    case CURLE_GOT_NOTHING: return "empty reply";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION: return "TLS failure";
    case CURLE_URL_MALFORMAT: return "bad URL";
    case CURLE_UNSUPPORTED_PROTOCOL: return "unsupported URL scheme";
    case CURLE_SSL_CACERT_BADFILE: return "cannot read the CA file";
    case CURLE_WRITE_ERROR: return "could not keep the response";
    default: return "transfer failed";
    }
}

// Failures retrying cannot cure: the target's configuration is wrong.
bool is_configuration_error(CURLcode code) {
    return code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL ||
           code == CURLE_SSL_CACERT_BADFILE;
}

Outcome outcome_for_status(long status) {
    if (status >= 200 && status < 300) return Outcome::Ok;
    if (status == 401 || status == 403) return Outcome::Denied;
    if (status == 408 || status == 429) return Outcome::Retry;
    if (status >= 400 && status < 500) return Outcome::Rejected;
    return Outcome::Retry;  // 5xx; also 1xx and 3xx (redirects are not followed)
}

std::string status_reason(long status, std::string_view body) {
    std::string reason = "HTTP " + std::to_string(status);
    if (status >= 300 && status < 400) reason += " (redirects are not followed; check the endpoint)";
    const auto excerpt = body_excerpt(body);
    if (!excerpt.empty()) reason += ": " + excerpt;
    return reason;
}

}  // namespace

std::string redact_url(std::string_view url) {
    url = url.substr(0, url.find_first_of("?#"));
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::string(url);
    const auto host_start = scheme_end + 3;
    const auto authority_end = std::min(url.size(), url.find('/', host_start));
    const auto at = url.substr(host_start, authority_end - host_start).rfind('@');
    if (at == std::string_view::npos) return std::string(url);
    return std::string(url.substr(0, host_start)) + std::string(url.substr(host_start + at + 1));
}

std::string mask_secrets(std::string text, const HttpRequest &request) {
    const auto &c = request.credentials;
    if (c.kind != Credentials::Kind::None && !c.secret.empty()) {
        if (c.kind == Credentials::Kind::Basic) replace_all(text, base64(c.username + ":" + c.secret));
        replace_all(text, c.secret);
    }
    const auto userinfo = url_userinfo(request.url);
    const auto colon = userinfo.find(':');
    if (colon != std::string_view::npos) {
        replace_all(text, base64(userinfo));
        replace_all(text, userinfo.substr(colon + 1));
    }
    return text;
}

std::int64_t parse_retry_after(std::string_view value, std::time_t now) {
    value = trim_spaces(value);
    if (value.empty()) return -1;
    constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1000;
    if (std::all_of(value.begin(), value.end(), is_digit)) {
        std::int64_t seconds = 0;
        for (char c : value) {
            seconds = seconds * 10 + (c - '0');
            if (seconds > kMaxSeconds / 10) return kMaxSeconds * 1000;
        }
        return seconds * 1000;
    }
    // Every HTTP-date form names a month; this keeps curl_getdate's lenient
    // parser from reading numbers like "-5" or "1.5" as dates.
    if (std::none_of(value.begin(), value.end(), is_alpha)) return -1;
    const std::string text(value);
    const std::time_t when = curl_getdate(text.c_str(), nullptr);
    if (when == -1) return -1;
    if (when <= now) return 0;
    // A date ages ahead ("999999999Oct .01", found by fuzzing) would overflow the milliseconds.
    const auto seconds = static_cast<std::int64_t>(when - now);
    return seconds > kMaxSeconds ? kMaxSeconds * 1000 : seconds * 1000;
}

HttpRequest request_for(const TargetConfig &target, std::string method, std::string url) {
    HttpRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.connect_timeout_ms = target.connect_timeout_ms;
    r.timeout_ms = target.request_timeout_ms;
    r.tls_verify = target.tls_verify;
    r.ca_file = target.ca_file;
    r.credentials = target.auth;
    return r;
}

Reply classify(const HttpRequest &request, const HttpResponse &response) {
    Reply reply;
    reply.http_status = response.status;
    reply.body = response.body;
    reply.etag = response.etag;
    reply.retry_after_ms = parse_retry_after(response.retry_after, std::time(nullptr));

    const std::string where = request.method + " " + redact_url(request.url) + ": ";
    if (response.curl_code == CURLE_ABORTED_BY_CALLBACK) {
        reply.outcome = Outcome::Retry;
        reply.reason = "cancelled";
    } else if (response.curl_code != CURLE_OK) {
        reply.outcome = is_configuration_error(response.curl_code) ? Outcome::Denied : Outcome::Retry;
        reply.reason = where + transport_phrase(response.curl_code, response.os_errno) +
                       " (curl: " + response.error + ")";
    } else if (response.status == 0) {
        reply.outcome = Outcome::Retry;
        reply.reason = where + "no HTTP status in the answer";
    } else {
        reply.outcome = outcome_for_status(response.status);
        if (reply.outcome != Outcome::Ok) reply.reason = where + status_reason(response.status, response.body);
    }
    reply.reason = mask_secrets(std::move(reply.reason), request);
    return reply;
}

}  // namespace coursecrew::http
