// See sync_session.hpp.
#include "plugin/sync/sync_session.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "plugin/engine/registry.hpp"
#include "plugin/sync/events.hpp"

namespace coursecrew {

SyncSession::~SyncSession() {
    if (worker_) worker_->stop();
}

void SyncSession::set_callback(SyncCallback callback) {
    std::lock_guard<std::mutex> lock(callback_mutex_);
    callback_ = std::move(callback);
}

void SyncSession::ensure(const SyncConfig &config, const std::string &store_path) {
    const std::string key = config.file + '\n' + store_path;
    if (!worker_ || key != key_) {
        if (worker_) worker_->stop();
        // The worker calls the host through this session, so a callback set
        // later (or changed) is honoured.
        auto forward = [this](const std::string &event) {
            std::lock_guard<std::mutex> lock(callback_mutex_);
            if (callback_) callback_(event);
        };
        worker_ = std::make_unique<SyncWorker>(store_path, config.profile_iri, config.course_iri, config.targets,
                                               target_factory(), forward);
        key_ = key;
        worker_->start();
    }
    worker_->wake();
}

PullReport SyncSession::pull(const SyncConfig &config, const std::string &store_path, std::int64_t timeout_ms) {
    ensure(config, store_path);
    return worker_->pull(timeout_ms);
}

SyncStatus SyncSession::wait(std::int64_t timeout_ms) {
    if (!worker_) return SyncStatus{{}, true, false};
    return worker_->wait_idle(timeout_ms);
}

std::string sync_status_json(const SyncStatus &status) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    auto put = [&](const char *k, const std::string &v) {
        w.Key(k);
        w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
    };
    auto num = [&](const char *k, std::int64_t v) {
        w.Key(k);
        w.Int64(v);
    };
    w.StartObject();
    w.Key("idle");
    w.Bool(status.idle);
    w.Key("stopped");
    w.Bool(status.stopped);
    w.Key("targets");
    w.StartArray();
    for (const TargetStatus &t : status.targets) {
        w.StartObject();
        put("name", t.name);
        put("kind", t.kind);
        put("state", t.state);
        put("error", t.error);
        num("pending", t.pending);
        num("dead", t.dead);
        num("documents_pending", t.documents_pending);
        num("documents_dead", t.documents_dead);
        num("delivered", t.delivered);
        num("retry_in_ms", t.retry_in_ms);
        put("version", t.version);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return buf.GetString();
}

}  // namespace coursecrew

namespace coursecrew {

std::string pull_report_json(const PullReport &report, const LastPull &last) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    auto put = [&](const char *k, const std::string &v) {
        w.Key(k);
        w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
    };
    auto num = [&](const char *k, std::int64_t v) {
        w.Key(k);
        w.Int64(v);
    };
    auto time = [&](const char *k, std::int64_t t) {
        w.Key(k);
        if (t > 0) {
            const std::string iso = iso_time(t);
            w.String(iso.c_str(), static_cast<rapidjson::SizeType>(iso.size()));
        } else {
            w.Null();
        }
    };
    w.StartObject();
    w.Key("complete");
    w.Bool(report.complete);
    w.Key("finished");
    w.Bool(report.finished);
    time("pulled_at", last.pulled_at);
    time("attempted_at", last.attempted_at);
    w.Key("targets");
    w.StartArray();
    for (const TargetPull &t : report.targets) {
        w.StartObject();
        put("name", t.name);
        put("kind", t.kind);
        put("state", t.state);
        put("error", t.error);
        num("modules_checked", t.counts.modules_checked);
        num("modules_fetched", t.counts.modules_fetched);
        num("modules_merged", t.counts.modules_merged);
        num("cells_changed", t.counts.cells_changed);
        num("team_cells", t.counts.team_cells);
        num("unreadable", t.counts.unreadable);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return buf.GetString();
}

}  // namespace coursecrew
