// What the sync engine needs from an LMS target (an xAPI LRS, a webhook):
// send one batch of statements, and read and write one document. The
// adapters (adapters/lrs, adapters/webhook) implement it on libcurl; the
// engine (sync.cpp) owns the policy: batching, retries, backoff, splitting
// rejected batches, dead letters, merging documents.
//
// A Target belongs to the one worker thread that created it and is never
// shared between threads. Every call blocks on the network, bounded by the
// configured timeouts, and returns early (Outcome::Retry, "cancelled") once
// the cancel flag given to the factory becomes true.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace coursecrew {

// How a target is reached. Secrets live here only in memory: they never go to
// logs, error messages, the store or the outbox.
struct Credentials {
    enum class Kind { None, Basic, Bearer };
    Kind kind = Kind::None;
    std::string username;  // Basic
    std::string secret;    // Basic password or bearer token
};

struct TargetConfig {
    std::string name;      // unique within the config, e.g. "lms"
    std::string kind;      // "xapi" or "webhook"
    std::string endpoint;  // xapi: the LRS base ("https://lrs.example.org/xAPI/", with a
                           // trailing slash); webhook: the URL events are POSTed to
    Credentials auth;
    std::string xapi_version = "1.0.3";  // preferred; 2.0.0 only when allow_xapi_2 and /about offers it
    bool allow_xapi_2 = false;
    bool tls_verify = true;   // off only when the user turns it off
    std::string ca_file;      // extra CA bundle ("" = the system's)
    long connect_timeout_ms = 10'000;
    long request_timeout_ms = 60'000;
    std::size_t batch_max_statements = 500;
    std::size_t batch_max_bytes = 4'000'000;  // under the 5 MB body limit of common LRSs
    std::int64_t backoff_base_ms = 500;
    std::int64_t backoff_cap_ms = 300'000;
    bool documents = true;    // xapi: keep the per-module status documents
    std::string hmac_secret;  // webhook: the HMAC-SHA256 key (a secret)
    std::string signature_header = "X-Coursecrew-Signature";  // webhook
};

// What became of one request, classified by the adapter; what to do about it
// is the engine's decision.
enum class Outcome {
    Ok,        // 2xx
    Retry,     // 408, 429, 5xx, timeouts, refused or cut connections: try later
    Rejected,  // 400, 413 and other 4xx: this content will never be accepted
    Denied,    // 401, 403: the credentials are wrong; stop the target
    Conflict,  // documents: 412 or 409 (someone else wrote it first); statements: 409
               // (the LRS holds a different statement under an id in the batch,
               // and stored none of the batch)
    Missing,   // documents: 404 (no document yet)
};
const char *to_string(Outcome o);

struct Reply {
    Outcome outcome = Outcome::Retry;
    long http_status = 0;            // 0 when no HTTP answer arrived
    std::string reason;              // what went wrong, for people: the LRS's message or
                                     // libcurl's; never a secret
    std::int64_t retry_after_ms = -1;  // from Retry-After (seconds or HTTP date), -1 if none
    std::string body;                // the answer body (documents)
    std::string etag;                // the ETag header (documents), quotes kept
};

// One batch of statements as the JSON array an LRS takes ("[s1,s2,...]"),
// built once, straight from the outbox rows: the adapter sends json() as it
// is (the webhook wraps it), with no second copy of 500 statements. Each
// statement's place is kept, so a refused batch can be split.
class StatementBatch {
public:
    StatementBatch() { clear(); }
    StatementBatch(std::initializer_list<std::string_view> statements) : StatementBatch() {
        for (std::string_view s : statements) add(0, s);
    }

    void clear() {
        json_.assign("[]");
        items_.clear();
    }
    void reserve(std::size_t statements, std::size_t bytes) {
        items_.reserve(statements);
        json_.reserve(bytes + statements + 2);
    }
    // Appends one complete JSON object; `event` is its outbox event id.
    void add(std::int64_t event, std::string_view statement) {
        json_.pop_back();  // the closing ']'
        if (!items_.empty()) json_ += ',';
        items_.push_back({event, json_.size(), statement.size()});
        json_.append(statement);
        json_ += ']';
    }
    // Statements [begin, end) of this batch, as a batch of their own.
    StatementBatch slice(std::size_t begin, std::size_t end) const {
        StatementBatch out;
        for (std::size_t i = begin; i < end && i < items_.size(); ++i) out.add(items_[i].event, statement(i));
        return out;
    }

    std::string_view json() const { return json_; }
    std::size_t size() const { return items_.size(); }
    bool empty() const { return items_.empty(); }
    std::int64_t event(std::size_t i) const { return items_[i].event; }
    std::string_view statement(std::size_t i) const {
        return std::string_view(json_).substr(items_[i].offset, items_[i].length);
    }

private:
    struct Item {
        std::int64_t event;
        std::size_t offset, length;
    };
    std::string json_;
    std::vector<Item> items_;
};

class Target {
public:
    virtual ~Target() = default;
    virtual const TargetConfig &config() const = 0;

    // Once before the first send: the xAPI target reads /about and chooses the
    // version; the webhook does nothing.
    virtual Reply prepare() = 0;
    // The xAPI version in use ("" for a webhook).
    virtual std::string version() const = 0;

    // POSTs one batch: its JSON array as the body (webhook: {"events": [...]},
    // signed).
    virtual Reply send(const StatementBatch &batch) = 0;

    // Activity Profile API (xapi targets with documents on; the webhook
    // returns Rejected). get: Ok with body and etag, or Missing.
    // put: etag "" sends If-None-Match: *, else If-Match: etag.
    virtual Reply get_document(const std::string &activity_id, const std::string &profile_id) = 0;
    virtual Reply put_document(const std::string &activity_id, const std::string &profile_id,
                               const std::string &json, const std::string &etag) = 0;
};

// Builds the target for a config entry; `cancel` aborts requests in flight.
using TargetFactory = std::function<std::unique_ptr<Target>(const TargetConfig &,
                                                            const std::atomic<bool> &cancel)>;

}  // namespace coursecrew
