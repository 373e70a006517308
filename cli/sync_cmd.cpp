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

void PullArgs::add_to(CLI::App *cmd) {
    cmd->add_flag("--no-pull", no_pull,
                  "With --config: do not read the team's state from the LRS first (this seat's state only)");
    cmd->add_option("--pull-timeout", timeout,
                    "With --config: seconds to wait for the team's state before going on without it "
                    "(default: the config's pull.timeout_ms, 5 s)")
        ->check(CLI::Range(0.0, 600.0));
}

bool has_abi_1_4(const PluginHost &host) {
    const auto &e = host.entry();
    return e.struct_size >= offsetof(coursecrew_entry_t, pull) + sizeof(e.pull);
}

namespace {

std::int64_t timeout_ms_of(double seconds) {
    return seconds < 0 ? -1 : static_cast<std::int64_t>(seconds * 1000);
}

std::string when_of(const rapidjson::Value &t) {
    return t.IsString() ? std::string(t.GetString()) : std::string("never");
}

}  // namespace

std::string pull_summary(const rapidjson::Value &target) {
    const long long checked = target["modules_checked"].GetInt64(), merged = target["modules_merged"].GetInt64(),
                    cells = target["cells_changed"].GetInt64();
    std::string out = std::string(target["name"].GetString()) + ": ";
    if (merged == 0) return out + "nothing new (" + std::to_string(checked) + " modules)";
    return out + std::to_string(merged) + " of " + std::to_string(checked) + " modules changed, " +
           std::to_string(cells) + " of this seat's pairs updated";
}

void pull_first(PluginHost &host, const std::string &config, const std::string &options_json, const PullArgs &pull,
                bool quiet, std::string &pulled_json) {
    pulled_json.clear();
    if (config.empty() || pull.no_pull || !has_abi_1_4(host)) return;
    const auto &e = host.entry();
    PluginString out(e);
    const int st = e.pull(host.instance(), options_json.c_str(), timeout_ms_of(pull.timeout), out.out());
    if (!out.get()) {
        // A config the plugin refuses: the command itself will say why.
        return;
    }
    pulled_json = out.get();
    if (quiet) return;
    rapidjson::Document d;
    d.Parse<rapidjson::kParseIterativeFlag>(out.get());
    if (d.HasParseError() || !d.IsObject()) return;
    if (st != COURSECREW_OK) {
        std::cerr << "coursecrew: " << e.last_error(host.instance())
                  << "\ncoursecrew: going on with this seat's state; team state as of "
                  << when_of(d["pulled_at"]) << "\n";
        return;
    }
    for (const auto &t : d["targets"].GetArray())
        if (std::string(t["state"].GetString()) == "pulled" && t["modules_merged"].GetInt64() > 0)
            std::cerr << "coursecrew: team state pulled from " << pull_summary(t) << "\n";
}

std::string with_pulled(const char *result_json, const std::string &pulled_json) {
    std::string out = result_json;
    const std::size_t open = out.find('{');
    if (pulled_json.empty() || open == std::string::npos) return out;
    const bool empty_object = out.find_first_not_of(" \t\r\n", open + 1) == out.find('}', open + 1);
    out.insert(open + 1, "\"pulled\":" + pulled_json + (empty_object ? "" : ","));
    return out;
}

int run_pull(PluginHost &host, const std::string &options_json, double timeout_s, bool json_out) {
    const auto &e = host.entry();
    if (!has_abi_1_4(host)) {
        std::cerr << "coursecrew: the plugin at " << host.path() << " cannot pull; it needs ABI 1.4\n";
        return 3;
    }
    PluginString out(e);
    const int st = e.pull(host.instance(), options_json.c_str(), timeout_ms_of(timeout_s), out.out());
    const std::string why = e.last_error(host.instance());
    if (!out.get()) {
        std::cerr << "coursecrew: " << why << "\n";
        return st == COURSECREW_E_INVALID_ARGUMENT ? 1 : 3;
    }
    if (json_out) std::cout << out.get() << "\n";
    rapidjson::Document d;
    d.Parse<rapidjson::kParseIterativeFlag>(out.get());
    if (!json_out && !d.HasParseError() && d.IsObject()) {
        for (const auto &t : d["targets"].GetArray()) {
            const std::string state = t["state"].GetString();
            if (state == "pulled") std::cout << "Pulled " << pull_summary(t) << "\n";
            else if (state == "skipped") std::cout << "Skipped " << t["name"].GetString() << " (it keeps no module documents)\n";
        }
        std::cout << "Team state as of " << when_of(d["pulled_at"]) << "\n";
    }
    if (st == COURSECREW_OK) return 0;
    std::cerr << "coursecrew: " << why << "\ncoursecrew: this seat's state is intact; pull again later\n";
    return kExitNotDelivered;
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
