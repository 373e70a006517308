// The network adapters without an LRS: Retry-After parsing, the outcome rules
// (http::classify), URL and secret redaction, the webhook's HMAC-SHA256
// signature (RFC 4231 vector), xAPI version choice, and real requests against
// sockets opened here: a refused port (no secret in the error), a listener
// that never answers (cancel returns promptly), and a scripted one-request-
// per-connection HTTP server that checks what the xAPI and webhook targets
// send and how they read the answers.
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/http.hpp"
#include "adapters/lrs/xapi_target.hpp"
#include "adapters/webhook/signature.hpp"
#include "adapters/webhook/webhook_target.hpp"
#include "plugin/store/store.hpp"
#include "plugin/sync/sync.hpp"
#include "plugin/sync/target.hpp"
#include "tests/unit/support.hpp"

using namespace coursecrew;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kPassword = "pw-Sekr3t-basic-0001";
const std::string kToken = "tok-Sekr3t-bearer-0002";
const std::string kHmacKey = "hmac-Sekr3t-0003";

// Outcomes as text, so failed checks print something readable.
std::string name(Outcome o) {
    switch (o) {
    case Outcome::Ok: return "Ok";
    case Outcome::Retry: return "Retry";
    case Outcome::Rejected: return "Rejected";
    case Outcome::Denied: return "Denied";
    case Outcome::Conflict: return "Conflict";
    case Outcome::Missing: return "Missing";
    }
    return "?";
}

bool contains(const std::string &text, const std::string &part) {
    return text.find(part) != std::string::npos;
}

// Requests to 127.0.0.1 must not go through a proxy the environment names.
void keep_loopback_direct() {
    for (const char *v : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
        if (std::getenv(v)) {
            setenv("no_proxy", "127.0.0.1,localhost", 1);
            setenv("NO_PROXY", "127.0.0.1,localhost", 1);
            return;
        }
}

// A TCP socket bound to 127.0.0.1 on a free port; closed on destruction.
class LoopbackSocket {
public:
    LoopbackSocket() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        BOOST_TEST_REQUIRE(fd_ >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        BOOST_TEST_REQUIRE(::bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
        socklen_t len = sizeof addr;
        BOOST_TEST_REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr *>(&addr), &len) == 0);
        port_ = ntohs(addr.sin_port);
    }
    ~LoopbackSocket() { close(); }
    LoopbackSocket(const LoopbackSocket &) = delete;
    LoopbackSocket &operator=(const LoopbackSocket &) = delete;

    void listen() { BOOST_TEST_REQUIRE(::listen(fd_, 16) == 0); }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    int fd() const { return fd_; }
    std::string url(const std::string &path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

private:
    int fd_ = -1;
    int port_ = 0;
};

// One request as the server saw it.
struct Recorded {
    std::string method, target, head, body;
    Clock::time_point at;  // when the connection was accepted

    // A header's value ("" if absent), name case-insensitive.
    std::string header(const std::string &wanted) const {
        std::size_t at = head.find("\r\n");
        while (at != std::string::npos && at + 2 < head.size()) {
            const auto end = head.find("\r\n", at + 2);
            const auto line = head.substr(at + 2, end - at - 2);
            const auto colon = line.find(':');
            if (colon != std::string::npos && colon == wanted.size()) {
                bool same = true;
                for (std::size_t i = 0; i < colon; ++i)
                    same = same && std::tolower(static_cast<unsigned char>(line[i])) ==
                                       std::tolower(static_cast<unsigned char>(wanted[i]));
                if (same) {
                    auto value = line.substr(colon + 1);
                    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
                    return value;
                }
            }
            at = end;
        }
        return {};
    }
    bool has_header(const std::string &wanted) const {
        return contains(head, "\r\n" + wanted + ":");
    }
};

// A complete HTTP/1.1 answer that closes the connection.
std::string answer(int status, const std::string &body = "",
                   const std::vector<std::string> &headers = {}) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " Whatever\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n";
    for (const auto &h : headers) out += h + "\r\n";
    return out + "\r\n" + body;
}

// Serves one scripted answer per connection, in order, recording each
// request; gives up after 5 s without a client. An empty answer closes the
// connection without a word.
class ScriptedServer {
public:
    explicit ScriptedServer(std::vector<std::string> answers) {
        keep_loopback_direct();
        socket_.listen();
        thread_ = std::thread([this, answers = std::move(answers)] { serve(answers); });
    }
    ~ScriptedServer() { join(); }

    std::string url(const std::string &path) const { return socket_.url(path); }
    const std::vector<Recorded> &requests() {
        join();
        return recorded_;
    }

private:
    void join() {
        if (thread_.joinable()) thread_.join();
    }

    static bool readable(int fd) {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, 5000) == 1;
    }

    static Recorded read_request(int fd) {
        Recorded r;
        std::string data;
        char buf[4096];
        std::size_t head_end = std::string::npos;
        std::size_t wanted = std::string::npos;
        while (wanted == std::string::npos || data.size() < wanted) {
            if (!readable(fd)) break;
            const auto n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            data.append(buf, static_cast<std::size_t>(n));
            if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
                r.head = data.substr(0, head_end);
                const auto length = r.header("Content-Length");
                wanted = head_end + 4 + (length.empty() ? 0 : std::stoul(length));
            }
        }
        if (head_end == std::string::npos) return r;
        r.body = data.substr(head_end + 4);
        const auto first_space = r.head.find(' ');
        r.method = r.head.substr(0, first_space);
        r.target = r.head.substr(first_space + 1, r.head.find(' ', first_space + 1) - first_space - 1);
        return r;
    }

    void serve(const std::vector<std::string> &answers) {
        for (const auto &text : answers) {
            if (!readable(socket_.fd())) return;
            const int client = ::accept(socket_.fd(), nullptr, nullptr);
            if (client < 0) return;
            const auto accepted = Clock::now();
            recorded_.push_back(read_request(client));
            recorded_.back().at = accepted;
            for (std::size_t sent = 0; sent < text.size();) {
                const auto n = ::send(client, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
                if (n <= 0) break;
                sent += static_cast<std::size_t>(n);
            }
            ::shutdown(client, SHUT_WR);
            ::close(client);
        }
    }

    LoopbackSocket socket_;
    std::thread thread_;
    std::vector<Recorded> recorded_;
};

TargetConfig xapi_config(const std::string &endpoint) {
    TargetConfig c;
    c.name = "lms";
    c.kind = "xapi";
    c.endpoint = endpoint;
    c.auth.kind = Credentials::Kind::Basic;
    c.auth.username = "course-bot";
    c.auth.secret = kPassword;
    c.connect_timeout_ms = 3'000;
    c.request_timeout_ms = 10'000;
    return c;
}

TargetConfig webhook_config(const std::string &endpoint) {
    TargetConfig c;
    c.name = "hook";
    c.kind = "webhook";
    c.endpoint = endpoint;
    c.hmac_secret = kHmacKey;
    c.connect_timeout_ms = 3'000;
    c.request_timeout_ms = 10'000;
    return c;
}

http::HttpRequest request_to(const std::string &url, const std::string &method = "POST") {
    http::HttpRequest r;
    r.method = method;
    r.url = url;
    return r;
}

http::HttpResponse status_response(long status, const std::string &body = "") {
    http::HttpResponse r;
    r.status = status;
    r.body = body;
    return r;
}

http::HttpResponse transport_failure(CURLcode code, const std::string &error) {
    http::HttpResponse r;
    r.curl_code = code;
    r.error = error;
    return r;
}

std::time_t date(const char *text) { return curl_getdate(text, nullptr); }

}  // namespace

BOOST_AUTO_TEST_SUITE(http_adapters)

BOOST_AUTO_TEST_CASE(retry_after_delta_seconds) {
    BOOST_TEST(http::parse_retry_after("120", 0) == 120'000);
    BOOST_TEST(http::parse_retry_after(" 7 ", 0) == 7'000);
    BOOST_TEST(http::parse_retry_after("0", 0) == 0);
    // Absurdly large values saturate instead of overflowing.
    BOOST_TEST(http::parse_retry_after("99999999999999999999999", 0) > 0);
}

BOOST_AUTO_TEST_CASE(retry_after_http_date) {
    const std::time_t now = date("Wed, 21 Oct 2015 07:28:00 GMT");
    BOOST_TEST_REQUIRE(now > 0);
    BOOST_TEST(http::parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now) == 30'000);
    BOOST_TEST(http::parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now) == 60'000);  // RFC 850
    BOOST_TEST(http::parse_retry_after("Wed Oct 21 07:28:05 2015", now) == 5'000);           // asctime
    BOOST_TEST(http::parse_retry_after("Tue, 20 Oct 2015 07:28:00 GMT", now) == 0);  // past: now
}

BOOST_AUTO_TEST_CASE(retry_after_garbage) {
    for (const char *bad : {"", "   ", "soon", "-5", "1.5", "12abc", "later, please", "Wed, 99 Foo"})
        BOOST_TEST(http::parse_retry_after(bad, 1'000'000'000) == -1, '"' << bad << '"');
}

BOOST_AUTO_TEST_CASE(classify_status_families) {
    const auto req = request_to("https://lrs.example.org/xAPI/statements");
    const std::vector<std::pair<long, std::string>> expected = {
        {200, "Ok"},       {204, "Ok"},       {299, "Ok"},       {408, "Retry"},
        {429, "Retry"},    {500, "Retry"},    {502, "Retry"},    {503, "Retry"},
        {599, "Retry"},    {401, "Denied"},   {403, "Denied"},   {400, "Rejected"},
        {404, "Rejected"}, {409, "Rejected"}, {413, "Rejected"}, {422, "Rejected"},
        {301, "Retry"},    {100, "Retry"}};
    for (const auto &[status, outcome] : expected) {
        const Reply r = http::classify(req, status_response(status, "body"));
        BOOST_TEST(name(r.outcome) == outcome, "HTTP " << status);
        BOOST_TEST(r.http_status == status);
        BOOST_TEST(r.reason.empty() == (outcome == "Ok"), "HTTP " << status << ": " << r.reason);
    }
}

BOOST_AUTO_TEST_CASE(classify_transport_failures) {
    const auto req = request_to("https://lrs.example.org/xAPI/statements");
    struct Case {
        CURLcode code;
        long os_errno;
        std::string phrase;
    };
    const std::vector<Case> retry = {
        {CURLE_COULDNT_CONNECT, ECONNREFUSED, "connection refused"},
        {CURLE_COULDNT_CONNECT, EHOSTUNREACH, "host unreachable"},
        {CURLE_COULDNT_CONNECT, 0, "could not connect"},
        {CURLE_OPERATION_TIMEDOUT, 0, "timed out"},
        {CURLE_RECV_ERROR, ECONNRESET, "connection reset"},
        {CURLE_SEND_ERROR, ECONNRESET, "connection reset"},
        {CURLE_RECV_ERROR, 0, "connection lost"},
        {CURLE_PARTIAL_FILE, 0, "response cut short"},
        {CURLE_GOT_NOTHING, 0, "empty reply"},
        {CURLE_COULDNT_RESOLVE_HOST, 0, "host not found"},
        {CURLE_PEER_FAILED_VERIFICATION, 0, "TLS failure"}};
    for (const auto &c : retry) {
        auto resp = transport_failure(c.code, "Failed to connect to lrs.example.org port 443 after 3 ms");
        resp.os_errno = c.os_errno;
        const Reply r = http::classify(req, resp);
        BOOST_TEST(name(r.outcome) == "Retry", c.phrase);
        BOOST_TEST(r.http_status == 0);
        BOOST_TEST(r.reason == "POST https://lrs.example.org/xAPI/statements: " + c.phrase +
                                   " (curl: Failed to connect to lrs.example.org port 443 after 3 ms)");
    }
    // Configuration errors: retrying cannot help.
    for (CURLcode code : {CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_SSL_CACERT_BADFILE})
        BOOST_TEST(name(http::classify(req, transport_failure(code, "x")).outcome) == "Denied");
    // A body that arrived only in part is a transport failure, whatever the status.
    auto cut = transport_failure(CURLE_PARTIAL_FILE, "transfer closed with 10 bytes remaining");
    cut.status = 200;
    BOOST_TEST(name(http::classify(req, cut).outcome) == "Retry");
    // Cancelled.
    const Reply c = http::classify(req, transport_failure(CURLE_ABORTED_BY_CALLBACK, "cancelled"));
    BOOST_TEST(name(c.outcome) == "Retry");
    BOOST_TEST(c.reason == "cancelled");
}

BOOST_AUTO_TEST_CASE(classify_reason_text) {
    auto req = request_to("https://course-bot:" + kPassword + "@lrs.example.org/xAPI/statements?token=" + kToken);
    req.credentials.kind = Credentials::Kind::Bearer;
    req.credentials.secret = kToken;

    std::string body = "{\"error\": true,\r\n\t\"message\": \"boom\"}\n";
    Reply r = http::classify(req, status_response(500, body));
    BOOST_TEST(r.reason == "POST https://lrs.example.org/xAPI/statements: HTTP 500: {\"error\": true, \"message\": \"boom\"}");

    // Long bodies are cut to 300 bytes, never inside a UTF-8 sequence.
    body = std::string(299, 'a') + "\xC3\xA9" + std::string(100, 'b');
    r = http::classify(req, status_response(400, body));
    BOOST_TEST(r.reason == "POST https://lrs.example.org/xAPI/statements: HTTP 400: " + std::string(299, 'a') + "...");

    // A server echoing the credentials does not get them into the reason.
    r = http::classify(req, status_response(400, "you sent Authorization: Bearer " + kToken + " and " + kPassword));
    BOOST_TEST(!contains(r.reason, kToken), r.reason);
    BOOST_TEST(!contains(r.reason, kPassword), r.reason);

    // Retry-After, ETag and body travel with the reply.
    auto resp = status_response(503, "later");
    resp.retry_after = "42";
    resp.etag = "\"v1\"";
    r = http::classify(req, resp);
    BOOST_TEST(r.retry_after_ms == 42'000);
    BOOST_TEST(r.etag == "\"v1\"");
    BOOST_TEST(r.body == "later");
    BOOST_TEST(http::classify(req, status_response(200)).retry_after_ms == -1);
}

BOOST_AUTO_TEST_CASE(redact_url_drops_userinfo_and_query) {
    BOOST_TEST(http::redact_url("https://u:p@lrs.example.org:8443/xAPI/?a=b#f") == "https://lrs.example.org:8443/xAPI/");
    BOOST_TEST(http::redact_url("https://lrs.example.org/xAPI/about") == "https://lrs.example.org/xAPI/about");
    BOOST_TEST(http::redact_url("http://a@b@host/p@q") == "http://host/p@q");
    BOOST_TEST(http::redact_url("http://host?x=1") == "http://host");
}

BOOST_AUTO_TEST_CASE(hmac_sha256_rfc4231_case_2) {
    BOOST_TEST(webhook::hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    BOOST_TEST(webhook::signature_value("Jefe", "what do ya want for nothing?") ==
               "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

BOOST_AUTO_TEST_CASE(webhook_events_body) {
    BOOST_TEST(webhook::events_body(StatementBatch{}.json()) == "{\"events\":[]}");
    BOOST_TEST(webhook::events_body(StatementBatch{"{\"id\":1}", "{\"id\":2}"}.json()) ==
               "{\"events\":[{\"id\":1},{\"id\":2}]}");
}

BOOST_AUTO_TEST_CASE(xapi_version_choice) {
    using xapi::choose_version;
    BOOST_TEST(choose_version({"1.0.3", "2.0.0"}, false) == "1.0.3");
    BOOST_TEST(choose_version({"1.0.3", "2.0.0"}, true) == "2.0.0");
    BOOST_TEST(choose_version({"1.0.3"}, true) == "1.0.3");
    BOOST_TEST(choose_version({"1.0.0", "1.0.2", "1.0.1"}, false) == "1.0.2");
    BOOST_TEST(choose_version({"1.0.0", "1.0.10", "1.0.9"}, false) == "1.0.10");
    BOOST_TEST(choose_version({"1.0.1", "1.0.3"}, false, "1.0.1") == "1.0.1");
    BOOST_TEST(choose_version({"2.0.0"}, false) == "");
    BOOST_TEST(choose_version({"0.95", "1.0", "1.0.x"}, true) == "");

    const auto v = xapi::parse_about_versions(R"({"version":["1.0.3","2.0.0"],"extensions":{}})");
    BOOST_TEST_REQUIRE(v.has_value());
    BOOST_TEST(v->size() == 2u);
    BOOST_TEST(xapi::parse_about_versions(R"({"version":"1.0.3"})").value().at(0) == "1.0.3");
    for (const char *bad : {"", "<html>", "[]", "{}", R"({"version":3})"})
        BOOST_TEST(!xapi::parse_about_versions(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(refused_port_is_retry_without_secrets) {
    keep_loopback_direct();
    std::string url;
    {
        LoopbackSocket closed;  // bound, then closed: nothing listens there
        url = closed.url("/xAPI/");
    }
    std::atomic<bool> cancel{false};

    // The client itself, Basic credentials and a password in the URL.
    http::HttpClient client(cancel);
    auto req = request_to("http://course-bot:" + kToken + "@" + url.substr(7) + "statements", "POST");
    req.credentials.kind = Credentials::Kind::Basic;
    req.credentials.username = "course-bot";
    req.credentials.secret = kPassword;
    const auto resp = client.perform(req);
    BOOST_TEST(resp.curl_code == CURLE_COULDNT_CONNECT);
    const Reply direct = http::classify(req, resp);
    BOOST_TEST(name(direct.outcome) == "Retry");
    BOOST_TEST(contains(direct.reason, "connection refused (curl: "), direct.reason);
    for (const auto &text : {resp.error, direct.reason}) {
        BOOST_TEST(!contains(text, kPassword), text);
        BOOST_TEST(!contains(text, kToken), text);
    }

    // The xAPI target with a bearer token.
    auto config = xapi_config(url);
    config.auth.kind = Credentials::Kind::Bearer;
    config.auth.secret = kToken;
    auto lrs = make_xapi_target(config, cancel);
    const Reply about = lrs->prepare();
    BOOST_TEST(name(about.outcome) == "Retry");
    BOOST_TEST(about.http_status == 0);
    BOOST_TEST(contains(about.reason, "GET " + url + "about: connection refused"), about.reason);
    BOOST_TEST(!contains(about.reason, kToken), about.reason);

    // The webhook with Basic credentials.
    auto hook_config = webhook_config(url + "hook");
    hook_config.auth = config.auth;
    hook_config.auth.kind = Credentials::Kind::Basic;
    hook_config.auth.username = "course-bot";
    hook_config.auth.secret = kPassword;
    auto hook = make_webhook_target(hook_config, cancel);
    const Reply sent = hook->send({"{\"id\":\"a\"}"});
    BOOST_TEST(name(sent.outcome) == "Retry");
    for (const auto &secret : {kPassword, kToken, kHmacKey}) BOOST_TEST(!contains(sent.reason, secret), sent.reason);
}

BOOST_AUTO_TEST_CASE(cancel_stops_a_request_that_never_gets_an_answer) {
    keep_loopback_direct();
    LoopbackSocket silent;
    silent.listen();  // the kernel accepts the connection; nobody ever reads or answers
    std::atomic<bool> cancel{false};
    auto config = xapi_config(silent.url("/xAPI/"));
    config.request_timeout_ms = 60'000;
    auto lrs = make_xapi_target(config, cancel);

    Clock::time_point cancelled_at;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancelled_at = Clock::now();
        cancel = true;
    });
    const auto started = Clock::now();
    const Reply r = lrs->send({"{\"id\":\"a\"}"});
    const auto returned = Clock::now();
    canceller.join();

    BOOST_TEST(name(r.outcome) == "Retry");
    BOOST_TEST(r.reason == "cancelled");
    const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
    BOOST_TEST(seconds(returned - started) >= 0.25);  // it did wait for an answer
    BOOST_TEST(seconds(returned - cancelled_at) < 2.0);

    // Once cancelled, further calls return at once.
    const auto again = Clock::now();
    BOOST_TEST(name(lrs->get_document("a", "p").outcome) == "Retry");
    BOOST_TEST(seconds(Clock::now() - again) < 0.5);
}

BOOST_AUTO_TEST_CASE(xapi_about_chooses_the_version) {
    std::atomic<bool> cancel{false};
    {
        ScriptedServer server({answer(200, R"({"version":["1.0.0","1.0.3","2.0.0"]})"),
                               answer(200, "")});
        auto lrs = make_xapi_target(xapi_config(server.url("/xAPI/")), cancel);
        BOOST_TEST(lrs->version() == "1.0.3");
        const Reply r = lrs->prepare();
        BOOST_TEST(name(r.outcome) == "Ok", r.reason);
        BOOST_TEST(lrs->version() == "1.0.3");
        BOOST_TEST(name(lrs->send({"{}"}).outcome) == "Ok");
        const auto &seen = server.requests();
        BOOST_TEST_REQUIRE(seen.size() == 2u);
        BOOST_TEST(seen[0].method == "GET");
        BOOST_TEST(seen[0].target == "/xAPI/about");
        BOOST_TEST(seen[0].header("X-Experience-API-Version") == "1.0.3");
        BOOST_TEST(seen[1].header("X-Experience-API-Version") == "1.0.3");
    }
    {
        ScriptedServer server({answer(200, R"({"version":["1.0.3","2.0.0"]})"), answer(204)});
        auto config = xapi_config(server.url("/xAPI"));  // no trailing slash: added
        config.allow_xapi_2 = true;
        auto lrs = make_xapi_target(config, cancel);
        BOOST_TEST(name(lrs->prepare().outcome) == "Ok");
        BOOST_TEST(lrs->version() == "2.0.0");
        BOOST_TEST(name(lrs->send({"{}"}).outcome) == "Ok");
        const auto &seen = server.requests();
        BOOST_TEST_REQUIRE(seen.size() == 2u);
        BOOST_TEST(seen[0].target == "/xAPI/about");
        BOOST_TEST(seen[0].header("X-Experience-API-Version") == "1.0.3");
        BOOST_TEST(seen[1].header("X-Experience-API-Version") == "2.0.0");
    }
    {
        ScriptedServer server({answer(200, R"({"version":["1.0.1","1.0.2"]})")});
        auto lrs = make_xapi_target(xapi_config(server.url("/xAPI/")), cancel);
        BOOST_TEST(name(lrs->prepare().outcome) == "Ok");
        BOOST_TEST(lrs->version() == "1.0.2");
    }
    {
        ScriptedServer server({answer(404, "no such thing")});
        auto lrs = make_xapi_target(xapi_config(server.url("/xAPI/")), cancel);
        BOOST_TEST(name(lrs->prepare().outcome) == "Ok");
        BOOST_TEST(lrs->version() == "1.0.3");
    }
    {
        ScriptedServer server({answer(503, "busy", {"Retry-After: 7"})});
        auto lrs = make_xapi_target(xapi_config(server.url("/xAPI/")), cancel);
        const Reply r = lrs->prepare();
        BOOST_TEST(name(r.outcome) == "Retry");
        BOOST_TEST(r.http_status == 503);
        BOOST_TEST(r.retry_after_ms == 7'000);
    }
    {
        ScriptedServer server({answer(200, R"({"version":["0.95"]})"), answer(200, "<html>login</html>")});
        auto lrs = make_xapi_target(xapi_config(server.url("/xAPI/")), cancel);
        Reply r = lrs->prepare();
        BOOST_TEST(name(r.outcome) == "Rejected");
        BOOST_TEST(contains(r.reason, "offered: 0.95"), r.reason);
        r = lrs->prepare();
        BOOST_TEST(name(r.outcome) == "Rejected");
        BOOST_TEST(contains(r.reason, "not an xAPI About document"), r.reason);
    }
}

BOOST_AUTO_TEST_CASE(xapi_statements) {
    std::atomic<bool> cancel{false};
    ScriptedServer server({answer(200, R"(["a","b"])"),
                           answer(409, R"({"message":"Statement a already exists"})"),
                           answer(400, R"({"message":"bad verb"})"), answer(401, "who are you"),
                           answer(500, "oops"), answer(429, "", {"Retry-After: 3"}),
                           "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", ""});
    auto lrs = make_xapi_target(xapi_config(server.url("/xAPI/")), cancel);
    const StatementBatch batch = {R"({"id":"a"})", R"({"id":"b"})"};

    BOOST_TEST(name(lrs->send(batch).outcome) == "Ok");
    // 409: an id the LRS holds with other content; it stored none of the
    // batch, so this is no delivery.
    Reply r = lrs->send(batch);
    BOOST_TEST(name(r.outcome) == "Conflict");
    BOOST_TEST(r.http_status == 409);
    BOOST_TEST(contains(r.reason, "Statement a already exists"), r.reason);
    BOOST_TEST(name(lrs->send(batch).outcome) == "Rejected");
    BOOST_TEST(name(lrs->send(batch).outcome) == "Denied");
    r = lrs->send(batch);
    BOOST_TEST(name(r.outcome) == "Retry");
    BOOST_TEST(r.reason == "POST " + server.url("/xAPI/statements") + ": HTTP 500: oops");
    r = lrs->send(batch);
    BOOST_TEST(name(r.outcome) == "Retry");
    BOOST_TEST(r.retry_after_ms == 3'000);
    r = lrs->send(batch);
    BOOST_TEST(name(r.outcome) == "Retry");
    BOOST_TEST(contains(r.reason, "response cut short"), r.reason);
    r = lrs->send(batch);
    BOOST_TEST(name(r.outcome) == "Retry");
    BOOST_TEST(contains(r.reason, "empty reply"), r.reason);

    BOOST_TEST(name(lrs->send({}).outcome) == "Ok");  // nothing to send: no request

    const auto &seen = server.requests();
    BOOST_TEST_REQUIRE(seen.size() == 8u);
    BOOST_TEST(seen[0].method == "POST");
    BOOST_TEST(seen[0].target == "/xAPI/statements");
    BOOST_TEST(seen[0].body == R"([{"id":"a"},{"id":"b"}])");
    BOOST_TEST(seen[0].header("Content-Type") == "application/json");
    BOOST_TEST(seen[0].header("X-Experience-API-Version") == "1.0.3");
    // Basic course-bot:<password>, built by libcurl.
    BOOST_TEST(seen[0].header("Authorization").rfind("Basic ", 0) == 0u);
    BOOST_TEST(!seen[0].has_header("Expect"));
}

BOOST_AUTO_TEST_CASE(xapi_documents) {
    std::atomic<bool> cancel{false};
    ScriptedServer server({answer(200, R"({"done":1})", {"ETag: \"e1\""}), answer(404, "none"),
                           answer(204), answer(412, "changed"), answer(409, "exists"),
                           answer(204, "", {"ETag: \"e2\""})});
    auto lrs = make_xapi_target(xapi_config(server.url("/xAPI/")), cancel);
    const std::string activity = "https://courses.example.org/c1/m 2?x=1&y";
    const std::string profile = "https://coursecrew.example/status";

    Reply r = lrs->get_document(activity, profile);
    BOOST_TEST(name(r.outcome) == "Ok");
    BOOST_TEST(r.body == R"({"done":1})");
    BOOST_TEST(r.etag == "\"e1\"");
    r = lrs->get_document(activity, profile);
    BOOST_TEST(name(r.outcome) == "Missing");
    BOOST_TEST(name(lrs->put_document(activity, profile, R"({"a":1})", "").outcome) == "Ok");
    BOOST_TEST(name(lrs->put_document(activity, profile, R"({"a":2})", "\"e1\"").outcome) == "Conflict");
    BOOST_TEST(name(lrs->put_document(activity, profile, R"({"a":3})", "").outcome) == "Conflict");
    r = lrs->put_document(activity, profile, R"({"a":4})", "\"e1\"");
    BOOST_TEST(name(r.outcome) == "Ok");
    BOOST_TEST(r.etag == "\"e2\"");
    BOOST_TEST(name(lrs->put_document(activity, profile, "{}", "\"e1\"\r\nX-Evil: 1").outcome) == "Rejected");

    const auto &seen = server.requests();
    BOOST_TEST_REQUIRE(seen.size() == 6u);
    const std::string query = "/xAPI/activities/profile?activityId=https%3A%2F%2Fcourses.example.org%2Fc1%2Fm%202%3Fx%3D1%26y"
                              "&profileId=https%3A%2F%2Fcoursecrew.example%2Fstatus";
    BOOST_TEST(seen[0].method == "GET");
    BOOST_TEST(seen[0].target == query);
    BOOST_TEST(seen[2].method == "PUT");
    BOOST_TEST(seen[2].target == query);
    BOOST_TEST(seen[2].body == R"({"a":1})");
    BOOST_TEST(seen[2].header("Content-Type") == "application/json");
    BOOST_TEST(seen[2].header("If-None-Match") == "*");
    BOOST_TEST(!seen[2].has_header("If-Match"));
    BOOST_TEST(seen[3].header("If-Match") == "\"e1\"");
    BOOST_TEST(!seen[3].has_header("If-None-Match"));
    BOOST_TEST(seen[3].header("X-Experience-API-Version") == "1.0.3");
}

BOOST_AUTO_TEST_CASE(webhook_sends_signed_events) {
    std::atomic<bool> cancel{false};
    ScriptedServer server({answer(202), answer(400, "bad"), answer(401, "bad signature")});
    auto config = webhook_config(server.url("/hooks/coursecrew"));
    config.signature_header = "X-Hub-Signature-256";
    auto hook = make_webhook_target(config, cancel);
    BOOST_TEST(hook->version() == "");
    BOOST_TEST(name(hook->prepare().outcome) == "Ok");

    const auto before = std::time(nullptr);
    BOOST_TEST(name(hook->send({R"({"id":"a"})", R"({"id":"b"})"}).outcome) == "Ok");
    BOOST_TEST(name(hook->send({R"({"id":"a"})"}).outcome) == "Rejected");
    BOOST_TEST(name(hook->send({R"({"id":"a"})"}).outcome) == "Denied");

    Reply doc = hook->get_document("a", "p");
    BOOST_TEST(name(doc.outcome) == "Rejected");
    BOOST_TEST(doc.reason == "webhook targets keep no documents");
    doc = hook->put_document("a", "p", "{}", "");
    BOOST_TEST(name(doc.outcome) == "Rejected");
    BOOST_TEST(doc.reason == "webhook targets keep no documents");

    const auto &seen = server.requests();
    BOOST_TEST_REQUIRE(seen.size() == 3u);
    BOOST_TEST(seen[0].method == "POST");
    BOOST_TEST(seen[0].target == "/hooks/coursecrew");
    BOOST_TEST(seen[0].body == R"({"events":[{"id":"a"},{"id":"b"}]})");
    BOOST_TEST(seen[0].header("Content-Type") == "application/json");
    // The receiver's check: HMAC-SHA256 over the raw body bytes it received.
    BOOST_TEST(seen[0].header("X-Hub-Signature-256") == "sha256=" + webhook::hmac_sha256_hex(kHmacKey, seen[0].body));
    const auto stamp = std::stoll(seen[0].header("X-Coursecrew-Timestamp"));
    BOOST_TEST(stamp >= static_cast<long long>(before));
    BOOST_TEST(stamp <= static_cast<long long>(std::time(nullptr)));
    BOOST_TEST(!contains(seen[0].head, kHmacKey));
}

BOOST_AUTO_TEST_CASE(webhook_refuses_to_send_unsigned) {
    std::atomic<bool> cancel{false};
    auto config = webhook_config("http://127.0.0.1:9/never");
    config.hmac_secret.clear();
    auto hook = make_webhook_target(config, cancel);
    BOOST_TEST(name(hook->prepare().outcome) == "Denied");
    BOOST_TEST(name(hook->send({"{}"}).outcome) == "Denied");

    config = webhook_config("http://127.0.0.1:9/never");
    config.signature_header = "X-Sig: injected";
    BOOST_TEST(name(make_webhook_target(config, cancel)->prepare().outcome) == "Denied");
}

BOOST_AUTO_TEST_SUITE_END()

// ===========================================================================
// Retry-After through the whole worker: a real xAPI target against the
// scripted server, a store with one statement queued. The backoff is 0, so
// only the header can make the worker wait; the cap bounds what it asks.

namespace {

// The milliseconds between the first POST (answered `busy`) and the second.
std::int64_t retry_gap_ms(const std::string &busy, std::int64_t cap_ms) {
    cctest::TempDir dir;
    const std::string path = dir / "state.db";
    std::string error;
    auto store = Store::open(path, error);
    BOOST_TEST_REQUIRE(static_cast<bool>(store), error);
    cctest::exec(path, "INSERT INTO events (id, uuid, course, kind, at, body) "
                       "VALUES (1, 'u1', 'c', 'status', 0, '{\"id\":\"u1\"}');"
                       "INSERT INTO outbox (target, event) VALUES ('lms', 1);");
    ScriptedServer server({answer(200, R"({"version":["1.0.3"]})"), busy, answer(200, R"(["u1"])")});
    TargetSpec spec;
    spec.config = xapi_config(server.url("/xAPI/"));
    spec.config.documents = false;
    spec.config.backoff_base_ms = 0;
    spec.config.backoff_cap_ms = cap_ms;
    std::int64_t reported = -1;
    {
        SyncWorker worker(path, "https://example.org/profile/", "https://example.org/course", {spec},
                          [](const TargetConfig &c, const std::atomic<bool> &cancel) {
                              return make_xapi_target(c, cancel);
                          },
                          nullptr);
        worker.start();
        // While it waits, the status says for how long.
        for (int i = 0; i < 100 && reported < 0; ++i) {
            for (const auto &t : worker.status().targets)
                if (t.state == "retrying") reported = t.retry_in_ms;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        const SyncStatus st = worker.wait_idle(8'000);
        BOOST_TEST(st.idle);
    }
    const auto &seen = server.requests();
    BOOST_TEST_REQUIRE(seen.size() == 3u);
    BOOST_TEST(seen[1].method == "POST");
    BOOST_TEST(seen[2].method == "POST");
    BOOST_TEST(seen[2].body == R"([{"id":"u1"}])");
    BOOST_TEST(reported >= 0);
    BOOST_TEST(reported <= cap_ms);
    return std::chrono::duration_cast<std::chrono::milliseconds>(seen[2].at - seen[1].at).count();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_retry_after)

BOOST_AUTO_TEST_CASE(the_worker_waits_the_seconds_it_is_told) {
    const auto gap = retry_gap_ms(answer(503, "busy", {"Retry-After: 1"}), 60'000);
    BOOST_TEST(gap >= 950);
    BOOST_TEST(gap < 3'000);
}

BOOST_AUTO_TEST_CASE(the_worker_waits_until_the_date_it_is_told) {
    // Two seconds ahead; the date has whole seconds, so 1 to 2 s from now.
    const std::time_t when = std::time(nullptr) + 2;
    std::tm tm{};
    gmtime_r(&when, &tm);
    char date[64];
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    const auto gap = retry_gap_ms(answer(429, "", {std::string("Retry-After: ") + date}), 60'000);
    BOOST_TEST(gap >= 900);
    BOOST_TEST(gap < 3'500);
}

BOOST_AUTO_TEST_CASE(a_retry_after_beyond_the_cap_waits_the_cap) {
    // An hour asked; the target's backoff cap (1.2 s) bounds it.
    const auto gap = retry_gap_ms(answer(503, "busy", {"Retry-After: 3600"}), 1'200);
    BOOST_TEST(gap >= 1'150);
    BOOST_TEST(gap < 3'000);
}

BOOST_AUTO_TEST_SUITE_END()
