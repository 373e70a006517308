// XapiTarget: the engine's Target on an xAPI LRS (see xapi_target.hpp).
#include "adapters/lrs/xapi_target.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <exception>

#include "adapters/http/http.hpp"
#include "plugin/model/json_in.hpp"

namespace coursecrew {

namespace xapi {

namespace {

// The patch number of a "1.0.x" version, or -1.
long patch_of_1_0(const std::string &version) {
    const std::string prefix = "1.0.";
    if (version.compare(0, prefix.size(), prefix) != 0 || version.size() == prefix.size() ||
        version.size() > prefix.size() + 6)
        return -1;
    long patch = 0;
    for (char c : version.substr(prefix.size())) {
        if (c < '0' || c > '9') return -1;
        patch = patch * 10 + (c - '0');
    }
    return patch;
}

bool offers(const std::vector<std::string> &offered, const std::string &version) {
    return std::find(offered.begin(), offered.end(), version) != offered.end();
}

}  // namespace

std::optional<std::vector<std::string>> parse_about_versions(std::string_view json) {
    rapidjson::Document doc;
    if (!parse_json(json, kRemoteJsonLimits, doc) || !doc.IsObject()) return std::nullopt;
    const auto it = doc.FindMember("version");
    if (it == doc.MemberEnd()) return std::nullopt;
    std::vector<std::string> versions;
    if (it->value.IsString()) {
        versions.emplace_back(it->value.GetString(), it->value.GetStringLength());
    } else if (it->value.IsArray()) {
        for (const auto &v : it->value.GetArray())
            if (v.IsString()) versions.emplace_back(v.GetString(), v.GetStringLength());
    } else {
        return std::nullopt;
    }
    return versions;
}

std::string choose_version(const std::vector<std::string> &offered, bool allow_xapi_2,
                           const std::string &preferred) {
    if (allow_xapi_2 && offers(offered, "2.0.0")) return "2.0.0";
    if (patch_of_1_0(preferred) >= 0 && offers(offered, preferred)) return preferred;
    if (offers(offered, "1.0.3")) return "1.0.3";
    std::string best;
    for (const auto &v : offered)
        if (patch_of_1_0(v) > patch_of_1_0(best)) best = v;
    return best;
}

}  // namespace xapi

namespace {

constexpr const char *kAboutVersion = "1.0.3";
constexpr const char *kVersionHeader = "X-Experience-API-Version: ";

Reply failure(Outcome outcome, std::string reason) {
    Reply r;
    r.outcome = outcome;
    r.reason = std::move(reason);
    return r;
}

std::string join(const std::vector<std::string> &items) {
    std::string out;
    for (const auto &item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

class XapiTarget final : public Target {
public:
    XapiTarget(const TargetConfig &config, const std::atomic<bool> &cancel)
        : config_(config), client_(cancel) {
        if (!config_.endpoint.empty() && config_.endpoint.back() != '/') config_.endpoint += '/';
    }

    const TargetConfig &config() const override { return config_; }
    std::string version() const override { return version_; }

    Reply prepare() override { return guarded([&] { return do_prepare(); }); }
    Reply send(const StatementBatch &batch) override {
        return guarded([&] { return do_send(batch); });
    }
    Reply get_document(const std::string &activity_id, const std::string &profile_id) override {
        return guarded([&] { return do_get_document(activity_id, profile_id); });
    }
    Reply put_document(const std::string &activity_id, const std::string &profile_id,
                       const std::string &json, const std::string &etag) override {
        return guarded([&] { return do_put_document(activity_id, profile_id, json, etag); });
    }

private:
    // No exception leaves the adapter: it becomes a Retry with a reason.
    template <typename F>
    static Reply guarded(F &&f) {
        try {
            return f();
        } catch (const std::exception &e) {
            return failure(Outcome::Retry, std::string("xapi target: ") + e.what());
        }
    }

    http::HttpRequest request(const char *method, std::string url,
                              const std::string &version) const {
        http::HttpRequest r = http::request_for(config_, method, std::move(url));
        r.headers.push_back(kVersionHeader + version);
        return r;
    }

    bool answered(const http::HttpResponse &response, long status) const {
        return response.curl_code == CURLE_OK && response.status == status;
    }

    Reply do_prepare() {
        const auto req = request("GET", config_.endpoint + "about", kAboutVersion);
        const auto resp = client_.perform(req);
        if (answered(resp, 404)) {  // an LRS without /about speaks 1.0.3
            version_ = "1.0.3";
            Reply ok;
            ok.outcome = Outcome::Ok;
            ok.http_status = 404;
            return ok;
        }
        Reply reply = http::classify(req, resp);
        if (reply.outcome != Outcome::Ok) return reply;

        const std::string where = "GET " + http::redact_url(req.url) + ": ";
        const auto offered = xapi::parse_about_versions(resp.body);
        if (!offered)
            return failure(Outcome::Rejected, where + "not an xAPI About document (no version list)");
        const auto chosen = xapi::choose_version(*offered, config_.allow_xapi_2, config_.xapi_version);
        if (chosen.empty())
            return failure(Outcome::Rejected, where + "the LRS offers no xAPI version we speak (offered: " +
                                                  join(*offered) + "; we speak 1.0.x" +
                                                  (config_.allow_xapi_2 ? " and 2.0.0)" : ")"));
        version_ = chosen;
        return reply;
    }

    Reply do_send(const StatementBatch &batch) {
        if (batch.empty()) {
            Reply ok;
            ok.outcome = Outcome::Ok;
            return ok;
        }
        auto req = request("POST", config_.endpoint + "statements", version_);
        req.headers.push_back("Content-Type: application/json");
        req.body = batch.json();  // the batch is already the JSON array: sent as it is
        const auto resp = client_.perform(req);
        Reply reply = http::classify(req, resp);
        // 409: a statement in the batch has an id the LRS holds with other
        // content, and the LRS stored none of the batch (an identical resend
        // is answered 200 or 204). The reason keeps the LRS's message.
        if (answered(resp, 409)) reply.outcome = Outcome::Conflict;
        return reply;
    }

    std::string profile_url(const std::string &activity_id, const std::string &profile_id) {
        return config_.endpoint + "activities/profile?activityId=" + client_.escape(activity_id) +
               "&profileId=" + client_.escape(profile_id);
    }

    Reply do_get_document(const std::string &activity_id, const std::string &profile_id) {
        if (!config_.documents) return failure(Outcome::Rejected, "documents are off for this target");
        const auto req = request("GET", profile_url(activity_id, profile_id), version_);
        const auto resp = client_.perform(req);
        Reply reply = http::classify(req, resp);
        if (answered(resp, 404)) {
            reply.outcome = Outcome::Missing;
            reply.reason.clear();
        }
        return reply;
    }

    Reply do_put_document(const std::string &activity_id, const std::string &profile_id,
                          const std::string &json, const std::string &etag) {
        if (!config_.documents) return failure(Outcome::Rejected, "documents are off for this target");
        if (etag.find_first_of("\r\n") != std::string::npos)
            return failure(Outcome::Rejected, "an ETag must be one line");
        auto req = request("PUT", profile_url(activity_id, profile_id), version_);
        req.headers.push_back("Content-Type: application/json");
        req.headers.push_back(etag.empty() ? "If-None-Match: *" : "If-Match: " + etag);
        req.body = json;
        const auto resp = client_.perform(req);
        Reply reply = http::classify(req, resp);
        if (answered(resp, 412) || answered(resp, 409)) reply.outcome = Outcome::Conflict;
        return reply;
    }

    TargetConfig config_;
    http::HttpClient client_;
    std::string version_ = kAboutVersion;
};

}  // namespace

std::unique_ptr<Target> make_xapi_target(const TargetConfig &config,
                                         const std::atomic<bool> &cancel) {
    try {
        return std::make_unique<XapiTarget>(config, cancel);
    } catch (const std::exception &) {
        return nullptr;
    }
}

}  // namespace coursecrew
