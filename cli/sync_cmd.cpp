// See sync_cmd.hpp.
#include "sync_cmd.hpp"

#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <mutex>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace coursecrew::cli {

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Progress shown on stderr while the worker delivers; fed by the plugin's
// event callback (on the plugin's worker thread).
struct Progress {
    std::mutex mutex;
    long long total = 0, sent = 0;
    bool tty = false;
    std::string last_problem;

    void draw() {
        if (!tty) return;
        const int width = 30;
        const long long shown = sent > total ? total : sent;
        const int filled = total > 0 ? static_cast<int>(width * shown / total) : width;
        std::fprintf(stderr, "\r  [%.*s%.*s] %lld/%lld statements sent", filled,
                     "##############################", width - filled, "..............................",
                     shown, total);
        if (!last_problem.empty()) std::fprintf(stderr, "  (%s)", last_problem.substr(0, 60).c_str());
        std::fprintf(stderr, "\033[K");
        std::fflush(stderr);
    }
};

void on_event(void *user, const char *event_json) {
    auto *p = static_cast<Progress *>(user);
    rapidjson::Document d;
    d.Parse<rapidjson::kParseIterativeFlag>(event_json);
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("event")) return;
    const std::string kind = d["event"].GetString();
    std::lock_guard<std::mutex> lock(p->mutex);
    if (kind == "sent") {
        p->sent += d["count"].GetInt64();
        p->last_problem.clear();
    } else if (kind == "retrying") {
        p->last_problem = "retrying: " + std::string(d["reason"].GetString());
    } else if (kind == "dead_lettered" || kind == "failed") {
        if (!p->tty) std::cerr << "coursecrew: " << kind << ": " << d["reason"].GetString() << "\n";
        p->last_problem = kind + ": " + std::string(d["reason"].GetString());
    }
    p->draw();
}

long long pending_of(const rapidjson::Document &status) {
    long long n = 0;
    for (const auto &t : status["targets"].GetArray()) n += t["pending"].GetInt64();
    return n;
}

}  // namespace

bool has_abi_1_2(const PluginHost &host) {
    const auto &e = host.entry();
    return e.struct_size >= offsetof(coursecrew_entry_t, outbox) + sizeof(e.outbox);
}

int wait_for_delivery(PluginHost &host, const std::string &options_json, double timeout_s, bool json_out) {
    const auto &e = host.entry();
    Progress progress;
    progress.tty = isatty(STDERR_FILENO) && !json_out;
    {
        PluginString first(e);
        if (e.sync(host.instance(), options_json.c_str(), 0, first.out()) != COURSECREW_OK && !first.get()) {
            std::cerr << "coursecrew: " << e.last_error(host.instance()) << "\n";
            return 1;
        }
        rapidjson::Document d;
        d.Parse<rapidjson::kParseIterativeFlag>(first.get());
        progress.total = pending_of(d);
    }
    e.set_event_callback(host.instance(), &on_event, &progress);
    {
        std::lock_guard<std::mutex> lock(progress.mutex);
        progress.draw();
    }
    PluginString status(e);
    const int st = e.sync(host.instance(), options_json.c_str(), static_cast<int64_t>(timeout_s * 1000),
                          status.out());
    const std::string why = e.last_error(host.instance());  // before the next call replaces it
    e.set_event_callback(host.instance(), nullptr, nullptr);
    if (progress.tty) std::fprintf(stderr, "\n");
    if (json_out && status.get()) std::cout << status.get() << "\n";
    if (st == COURSECREW_OK) {
        if (!json_out) std::cerr << "coursecrew: delivered; the outbox is empty\n";
        return 0;
    }
    std::cerr << "coursecrew: " << why
              << "\ncoursecrew: what was not delivered stays in the outbox; run `coursecrew sync` to "
                 "try again, `coursecrew outbox` to see it\n";
    return status.get() ? kExitNotDelivered : 1;
}

int run_outbox(PluginHost &host, const std::string &options_json, const OutboxArgs &a) {
    const auto &e = host.entry();
    rapidjson::StringBuffer req;
    JsonWriter w(req);
    w.StartObject();
    const bool retry = a.retry_all || !a.retry.empty();
    const bool drop = a.drop_all || !a.drop.empty();
    w.Key("action");
    w.String(retry ? "retry" : drop ? "drop" : "list");
    if (retry || drop) {
        const std::vector<std::string> &ids = retry ? a.retry : a.drop;
        if (retry ? a.retry_all : a.drop_all) {
            w.Key("all");
            w.Bool(true);
        }
        w.Key("ids");
        w.StartArray();
        for (const std::string &id : ids) w.String(id.c_str());
        w.EndArray();
    } else {
        w.Key("pending");
        w.Bool(a.pending);
    }
    w.EndObject();
    PluginString out(e);
    const int st = e.outbox(host.instance(), req.GetString(), options_json.c_str(), out.out());
    if (st != COURSECREW_OK) {
        std::cerr << "coursecrew: " << e.last_error(host.instance()) << "\n";
        return st == COURSECREW_E_INVALID_ARGUMENT || st == COURSECREW_E_IO ? 1 : 3;
    }
    if (a.json) {
        std::cout << out.get() << "\n";
        return 0;
    }
    rapidjson::Document d;
    d.Parse<rapidjson::kParseIterativeFlag>(out.get());
    if (d.HasMember("changed")) {
        std::cout << (retry ? "Queued again: " : "Dropped: ") << d["changed"].GetInt64() << "\n";
        return 0;
    }
    const auto &items = d["items"];
    if (items.Empty()) {
        std::cout << (a.pending ? "The outbox is empty.\n" : "No dead letters.\n");
        return 0;
    }
    for (const auto &i : items.GetArray()) {
        std::cout << i["state"].GetString() << "  " << i["target"].GetString() << "  " << i["kind"].GetString()
                  << "  " << (i["id"].GetStringLength() ? i["id"].GetString() : i["module"].GetString());
        if (i["attempts"].GetInt64() > 0) std::cout << "  attempts " << i["attempts"].GetInt64();
        if (i["error"].GetStringLength()) std::cout << "\n      " << i["error"].GetString();
        std::cout << "\n";
    }
    return 0;
}

}  // namespace coursecrew::cli
