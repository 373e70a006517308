// WebhookTarget: the engine's Target on a signed webhook (see
// webhook_target.hpp and README.md).
#include "adapters/webhook/webhook_target.hpp"

#include <cctype>
#include <ctime>
#include <exception>
#include <string>

#include "adapters/http/http.hpp"
#include "adapters/webhook/signature.hpp"

namespace coursecrew {

namespace {

constexpr const char *kTimestampHeader = "X-Coursecrew-Timestamp";

Reply reply_of(Outcome outcome, std::string reason = {}) {
    Reply r;
    r.outcome = outcome;
    r.reason = std::move(reason);
    return r;
}

// An HTTP header name (an RFC 9110 token).
bool is_header_name(const std::string &name) {
    if (name.empty()) return false;
    for (char c : name) {
        if (std::isalnum(static_cast<unsigned char>(c))) continue;
        if (std::string("!#$%&'*+-.^_`|~").find(c) == std::string::npos) return false;
    }
    return true;
}

class WebhookTarget final : public Target {
public:
    WebhookTarget(const TargetConfig &config, const std::atomic<bool> &cancel)
        : config_(config), client_(cancel) {}

    const TargetConfig &config() const override { return config_; }
    std::string version() const override { return ""; }

    Reply prepare() override {
        const auto problem = configuration_problem();
        return problem.empty() ? reply_of(Outcome::Ok) : reply_of(Outcome::Denied, problem);
    }

    Reply send(const StatementBatch &batch) override {
        try {
            return do_send(batch);
        } catch (const std::exception &e) {
            return reply_of(Outcome::Retry, std::string("webhook target: ") + e.what());
        }
    }

    Reply get_document(const std::string &, const std::string &) override { return no_documents(); }
    Reply put_document(const std::string &, const std::string &, const std::string &,
                       const std::string &) override {
        return no_documents();
    }

private:
    static Reply no_documents() {
        return reply_of(Outcome::Rejected, "webhook targets keep no documents");
    }

    std::string configuration_problem() const {
        if (config_.hmac_secret.empty())
            return "webhook target \"" + config_.name + "\" has no hmac_secret; events are never sent unsigned";
        if (!is_header_name(config_.signature_header))
            return "webhook target \"" + config_.name + "\": signature_header is not a valid header name";
        return {};
    }

    Reply do_send(const StatementBatch &batch) {
        const auto problem = configuration_problem();
        if (!problem.empty()) return reply_of(Outcome::Denied, problem);
        if (batch.empty()) return reply_of(Outcome::Ok);

        http::HttpRequest req = http::request_for(config_, "POST", config_.endpoint);
        const std::string body = webhook::events_body(batch.json());
        req.body = body;
        const auto signature = webhook::signature_value(config_.hmac_secret, body);
        if (signature.empty()) return reply_of(Outcome::Retry, "webhook target: HMAC-SHA256 failed");
        req.headers.push_back("Content-Type: application/json");
        req.headers.push_back(config_.signature_header + ": " + signature);
        req.headers.push_back(std::string(kTimestampHeader) + ": " +
                              std::to_string(static_cast<long long>(std::time(nullptr))));
        return http::classify(req, client_.perform(req));
    }

    TargetConfig config_;
    http::HttpClient client_;
};

}  // namespace

std::unique_ptr<Target> make_webhook_target(const TargetConfig &config,
                                            const std::atomic<bool> &cancel) {
    try {
        return std::make_unique<WebhookTarget>(config, cancel);
    } catch (const std::exception &) {
        return nullptr;
    }
}

}  // namespace coursecrew
