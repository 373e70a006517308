// See watch_cmd.hpp. One thread: the loop waits in poll() on inotify and on
// the stop signals, feeds changes to the Settler, and publishes the courses
// it hands out one after the other (so never two publishes at once on the
// instance). The plugin's sync worker, started by the first publish with
// --config, delivers meanwhile on its own thread.
#include "watch_cmd.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <rapidjson/document.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <mutex>

#include "../sync_cmd.hpp"
#include "courses.hpp"
#include "inotify_tree.hpp"
#include "settle.hpp"

namespace coursecrew::cli {

namespace {

using watch::CourseFinder;
using watch::FsChange;
using watch::InotifyTree;
using watch::Settler;

constexpr int kExitOk = 0;
constexpr int kExitInputErrors = 1;
constexpr int kExitUsage = 2;
constexpr int kMissingRootPollMs = 200;  // how often a deleted watched folder is looked for

const char *const kUsage = R"(DESCRIPTION
  Watches the folders where a desktop authoring tool (Storyline, Rise,
  Captivate, iSpring, Lectora, ...) publishes, and records each course with
  `coursecrew publish` once the tool has finished writing it. For tools that
  have no plugin interface.

  A course is a package folder (a folder holding imsmanifest.xml, cmi5.xml or
  tincan.xml, in any case, at its root; a watched folder may itself be one)
  or a zip file (recognised by its content) outside package folders, at any
  depth under a watched folder. Temporary names (.name, ~name, name~, *.tmp,
  *.part, *.partial, *.crdownload, *.download, *.swp, *.lock) are not zip
  courses: a zip written under such a name and then renamed is published
  once, under its final name.

  A course is published when nothing under it was written for --settle-ms.
  Deleting and rewriting a whole output folder, writing several courses into
  one folder (each settles on its own) and changes during a publish (one
  more publish follows) all lead to one publish per settled change.

  With --config and a plugin of ABI 1.4, each publish first pulls the
  team's state (the other seats' status changes) from the LRS, waiting at
  most the config's pull.timeout_ms (5 s by default). A pull that fails is
  reported on the publish's line (with --json: "pulled" holds the pull's
  report, "complete": false) and the publish goes on with this seat's state.

  At start every course already there is published once (unless
  --skip-existing): an unchanged course changes nothing in the store, so a
  restart catches up with what changed while coursecrew was not watching.

OUTPUT
  One line per publish on standard output: the time, the course, its
  pieces and what changed (with --json: the publish result as one JSON
  object with "package" and "at" added). A package that cannot be published
  is reported on standard error (with --json: a JSON object with "error" on
  standard output) and published again after its next change; watching goes
  on.

STOPPING
  SIGINT (Ctrl-C) or SIGTERM stops after the publish in progress; changes
  that have not settled yet are published at the next start. With --config
  the sync worker delivers to the LMS while watching and gets --timeout
  seconds at stop; what it has not delivered stays in the outbox for
  `coursecrew sync`.

  Keep the status store out of the watched folders (the default
  .coursecrew/ folder is ignored there).

EXIT STATUS
  0 stopped by a signal, 1 a folder cannot be watched or the config cannot
  be used, 2 usage errors, 3 the plugin cannot be loaded.)";

// Output lines come from the loop and from the sync worker's events.
std::mutex g_output;

void say(std::ostream &out, const std::string &line) {
    std::lock_guard<std::mutex> lock(g_output);
    out << line << "\n" << std::flush;
}

std::string iso_now() {
    const std::time_t t = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buf;
}

std::string to_json(const rapidjson::Value &v) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    v.Accept(w);
    return buf.GetString();
}

std::string str_member(const rapidjson::Value &obj, const char *key) {
    if (!obj.IsObject()) return {};
    const auto it = obj.FindMember(key);
    return it != obj.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

unsigned long long count_member(const rapidjson::Value &obj, const char *key) {
    if (!obj.IsObject()) return 0;
    const auto it = obj.FindMember(key);
    return it != obj.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}

// "pulled": the report of the pull before the publish, when one ran (as
// `coursecrew publish --json` adds it).
void add_pulled(rapidjson::Document &d, const std::string &pulled_json) {
    if (pulled_json.empty()) return;
    rapidjson::Document report;
    if (report.Parse(pulled_json.c_str()).HasParseError()) return;
    auto &a = d.GetAllocator();
    d.AddMember("pulled", rapidjson::Value(static_cast<rapidjson::Value &>(report), a), a);
}

// The sync worker's troubles, on standard error (called on its thread).
void on_sync_event(void *, const char *event_json) {
    rapidjson::Document d;
    d.Parse(event_json);
    const std::string kind = str_member(d, "event");
    if (kind != "failed" && kind != "dead_lettered") return;
    say(std::cerr, "coursecrew: sync to " + str_member(d, "target") + ": " + kind + ": " + str_member(d, "reason"));
}

// SIGINT and SIGTERM, read from a descriptor the loop polls (signalfd): no
// signal handler runs. Blocked before any thread starts, so the plugin's
// worker thread inherits the mask and never takes them either. They stay
// blocked after: the program ends soon after the loop does.
class StopSignals {
public:
    ~StopSignals() {
        if (fd_ >= 0) ::close(fd_);
    }
    bool open(std::string &error) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0 ||
            (fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
            error = std::string("cannot take signals: ") + std::strerror(errno);
            return false;
        }
        return true;
    }
    int fd() const { return fd_; }
    // True once a stop signal has arrived.
    bool requested() {
        signalfd_siginfo info{};
        while (!stop_ && ::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) stop_ = true;
        return stop_;
    }

private:
    int fd_ = -1;
    bool stop_ = false;
};

class Watcher {
public:
    Watcher(PluginHost &host, const WatchArgs &args, std::string options, std::vector<std::string> roots)
        : host_(host), args_(args), options_(std::move(options)), roots_(std::move(roots)), finder_(roots_),
          settler_(std::chrono::milliseconds(args.settle_ms)) {
        if (!args.ws.store.empty()) learn_store(args.ws.store);
    }

    int run();

private:
    bool start();
    void take(const std::vector<FsChange> &changes, Settler::Time now);
    void rescan(Settler::Time now);
    void watch_again_missing_roots(Settler::Time now);
    int poll_timeout(Settler::Time now) const;
    // What the pull before a publish gave: nothing when none ran.
    struct Pulled {
        bool ran = false, ok = false;
        std::string json;   // the pull's report
        std::string error;  // why it failed
    };
    Pulled pull();
    std::string pull_words(const Pulled &pulled) const;
    void publish(const std::string &course);
    void report_published(const std::string &course, const std::string &at, const char *json, const Pulled &pulled);
    void report_failed(const std::string &course, const std::string &at, int status, const char *json,
                       const Pulled &pulled);
    void stop();
    bool ignored(const std::string &path) const;
    void learn_store(const std::string &store);
    void note(const std::string &line) const {
        if (args_.verbose) say(std::cerr, "coursecrew: " + line);
    }

    PluginHost &host_;
    const WatchArgs &args_;
    const std::string options_;
    const std::vector<std::string> roots_;
    CourseFinder finder_;
    Settler settler_;
    InotifyTree tree_;
    StopSignals signals_;
    std::string store_;  // the store's absolute path: its writes are not changes
};

int Watcher::run() {
    if (!start()) return kExitInputErrors;
    int status = kExitOk;
    while (!signals_.requested()) {
        pollfd fds[2] = {{signals_.fd(), POLLIN, 0}, {tree_.fd(), POLLIN, 0}};
        if (::poll(fds, 2, poll_timeout(Settler::Clock::now())) < 0 && errno != EINTR) {
            say(std::cerr, std::string("coursecrew: cannot wait for changes: ") + std::strerror(errno));
            status = kExitInputErrors;
            break;
        }
        if (signals_.requested()) break;
        std::vector<FsChange> changes;
        std::string error;
        const bool complete = tree_.read(changes, error);
        if (!error.empty()) say(std::cerr, "coursecrew: " + error);
        const Settler::Time now = Settler::Clock::now();
        take(changes, now);
        if (!complete) rescan(now);
        watch_again_missing_roots(now);
        for (const std::string &course : settler_.take_due(Settler::Clock::now())) {
            // A stop asked for during a publish: no other starts; the rest
            // go back to waiting, and stop() counts them.
            if (signals_.requested())
                settler_.changed(course, now);
            else
                publish(course);
            settler_.done(course);
        }
    }
    stop();
    return status;
}

bool Watcher::start() {
    std::string error;
    if (!signals_.open(error) || !tree_.open(error)) {
        say(std::cerr, "coursecrew: " + error);
        return false;
    }
    // Watches first, then the courses already there: nothing written in
    // between is missed.
    std::vector<FsChange> found;
    for (const std::string &root : roots_) {
        if (!tree_.add_tree(root, found, error)) {
            say(std::cerr, "coursecrew: " + (error.empty() ? "cannot watch " + root : error));
            return false;
        }
    }
    if (!error.empty()) say(std::cerr, "coursecrew: " + error);
    const auto &e = host_.entry();
    if (!args_.ws.config.empty()) {
        // Starts the worker, which delivers what an earlier run left in the
        // outbox, and checks the config now rather than at the first publish.
        e.set_event_callback(host_.instance(), &on_sync_event, nullptr);
        PluginString status(e);
        e.sync(host_.instance(), options_.c_str(), 0, status.out());
        if (!status.get()) {
            say(std::cerr, std::string("coursecrew: ") + e.last_error(host_.instance()));
            e.set_event_callback(host_.instance(), nullptr, nullptr);
            return false;
        }
    }
    std::size_t courses = 0;
    const Settler::Time now = Settler::Clock::now();
    for (const std::string &root : roots_) {
        for (const std::string &course : finder_.scan(root)) {
            ++courses;
            // Published once it has been quiet for a settle time: a tool may
            // be writing it right now.
            if (!args_.skip_existing) settler_.changed(course, now);
        }
    }
    say(std::cerr, "coursecrew: watching " + std::to_string(roots_.size()) +
                       (roots_.size() == 1 ? " folder" : " folders") + ", " + std::to_string(courses) +
                       (courses == 1 ? " course" : " courses") + " there" +
                       (args_.skip_existing || courses == 0 ? "" : " (publishing each once)") +
                       "; SIGINT or SIGTERM stops");
    return true;
}

bool Watcher::ignored(const std::string &path) const {
    // The store and SQLite's files beside it (-journal, -wal, -shm), and the
    // default store folder: the plugin writes them while publishing.
    if (!store_.empty() && path.compare(0, store_.size(), store_) == 0 &&
        (path.size() == store_.size() || path[store_.size()] == '-'))
        return true;
    const std::string folder = "/.coursecrew";
    const auto at = path.find(folder);
    return at != std::string::npos && (at + folder.size() == path.size() || path[at + folder.size()] == '/');
}

void Watcher::learn_store(const std::string &store) {
    std::error_code ec;
    const auto abs = std::filesystem::absolute(store, ec);
    if (!ec) store_ = abs.lexically_normal().string();
}

void Watcher::take(const std::vector<FsChange> &changes, Settler::Time now) {
    // First forget what the changes may alter (which folders are packages),
    // then ask which course each change falls under.
    for (const FsChange &c : changes)
        if (!ignored(c.path)) finder_.changed(c.path, c.is_dir);
    for (const FsChange &c : changes) {
        if (ignored(c.path)) continue;
        const auto course = finder_.course_of(c.path, c.is_dir);
        // (A file outside packages is its own candidate; most are not zips:
        // not worth a note.)
        if (course && settler_.changed(*course, now) && *course != c.path) note("changes under " + *course);
    }
}

void Watcher::rescan(Settler::Time now) {
    say(std::cerr, "coursecrew: too many changes at once (inotify queue overflow); looking at every course again");
    finder_.forget_all();
    std::string error;
    for (const std::string &root : roots_) {
        std::vector<FsChange> found;
        if (!tree_.add_tree(root, found, error)) continue;  // deleted: watched again when back
        for (const std::string &course : finder_.scan(root)) settler_.changed(course, now);
    }
    if (!error.empty()) say(std::cerr, "coursecrew: " + error);
}

void Watcher::watch_again_missing_roots(Settler::Time now) {
    // A tool may delete the very folder being watched and write it again:
    // look for it until it is back, then take everything in it as changed.
    for (const std::string &root : roots_) {
        if (tree_.watching(root)) continue;
        std::vector<FsChange> found;
        std::string error;
        if (!tree_.add_tree(root, found, error)) {
            if (!error.empty()) say(std::cerr, "coursecrew: " + error);
            continue;
        }
        note(root + " is back; watching it again");
        found.push_back({root, true});
        take(found, now);
    }
}

int Watcher::poll_timeout(Settler::Time now) const {
    int ms = -1;  // nothing due: wait for a change or a signal
    if (const auto due = settler_.next_due()) {
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(*due - now).count();
        ms = static_cast<int>(std::clamp<long long>(wait, 0, 24 * 3600 * 1000));
    }
    for (const std::string &root : roots_)
        if (!tree_.watching(root)) ms = ms < 0 ? kMissingRootPollMs : std::min(ms, kMissingRootPollMs);
    return ms;
}

Watcher::Pulled Watcher::pull() {
    Pulled pulled;
    if (args_.ws.config.empty() || !has_abi_1_4(host_)) return pulled;
    const auto &e = host_.entry();
    PluginString out(e);
    // -1: the config's pull.timeout_ms. The worker is running (start()).
    const int st = e.pull(host_.instance(), options_.c_str(), -1, out.out());
    pulled.ran = true;
    pulled.ok = st == COURSECREW_OK;
    if (!pulled.ok) pulled.error = e.last_error(host_.instance());
    if (out.get()) pulled.json = out.get();
    return pulled;
}

// For the human line: "; pulled lms: 1 of 3 modules changed, ..." when the
// pull brought something, "; pull failed: WHY (...)" when it failed.
std::string Watcher::pull_words(const Pulled &pulled) const {
    if (!pulled.ran) return {};
    if (!pulled.ok) return "; pull failed: " + pulled.error + " (published with this seat's state)";
    rapidjson::Document d;
    d.Parse(pulled.json.c_str());
    std::string words;
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("targets") || !d["targets"].IsArray()) return words;
    for (const auto &t : d["targets"].GetArray())
        if (str_member(t, "state") == "pulled" && count_member(t, "modules_merged") > 0)
            words += "; pulled " + pull_summary(t);
    return words;
}

void Watcher::publish(const std::string &course) {
    // Gone meanwhile, or a file that is not a zip, or no longer a package.
    if (!finder_.is_course(course)) return;
    // The team's state first, so the publish's changes are measured against
    // it; a failed pull does not stop the publish.
    const Pulled pulled = pull();
    if (pulled.ran && !pulled.ok) note("pull failed: " + pulled.error);
    note("publishing " + course);
    const auto &e = host_.entry();
    PluginString out(e);
    const int st = e.publish(host_.instance(), course.c_str(), options_.c_str(), out.out());
    const std::string at = iso_now();
    if (st == COURSECREW_OK)
        report_published(course, at, out.get(), pulled);
    else
        report_failed(course, at, st, out.get(), pulled);
}

void Watcher::report_published(const std::string &course, const std::string &at, const char *json,
                               const Pulled &pulled) {
    rapidjson::Document d;
    d.Parse(json);
    if (d.HasParseError() || !d.IsObject()) {
        say(std::cerr, "coursecrew: " + course + ": the plugin's publish result is not JSON");
        return;
    }
    learn_store(str_member(d, "store"));
    if (args_.json) {
        auto &a = d.GetAllocator();
        d.AddMember("package", rapidjson::Value(course.c_str(), a), a);
        d.AddMember("at", rapidjson::Value(at.c_str(), a), a);
        add_pulled(d, pulled.json);
        say(std::cout, to_json(d));
        return;
    }
    std::string line = at + "  " + str_member(d, "course") + " (" + course + "): " +
                       std::to_string(count_member(d, "pieces")) + " pieces; " +
                       std::to_string(count_member(d, "added")) + " new, " +
                       std::to_string(count_member(d, "reopened")) + " reopened, " +
                       std::to_string(count_member(d, "archived")) + " archived, " +
                       std::to_string(count_member(d, "restored")) + " restored";
    if (d.HasMember("queued"))
        line += "; queued " + std::to_string(count_member(d["queued"], "statements")) + " statements, " +
                std::to_string(count_member(d["queued"], "documents")) + " documents";
    say(std::cout, line + pull_words(pulled));
}

void Watcher::report_failed(const std::string &course, const std::string &at, int status, const char *json,
                            const Pulled &pulled) {
    const auto &e = host_.entry();
    const std::string why = e.last_error(host_.instance());
    if (!args_.json) {
        say(std::cerr, "coursecrew: " + at + "  " + course + " not published (published again after its next change): " +
                           why + pull_words(pulled));
        return;
    }
    rapidjson::Document d;
    d.SetObject();
    auto &a = d.GetAllocator();
    d.AddMember("package", rapidjson::Value(course.c_str(), a), a);
    d.AddMember("at", rapidjson::Value(at.c_str(), a), a);
    d.AddMember("error", rapidjson::Value(why.c_str(), a), a);
    d.AddMember("status", rapidjson::Value(e.strerror(status), a), a);
    rapidjson::Document result;  // the plugin's {"errors": [...]} when it gave one
    if (json && !result.Parse(json).HasParseError() && result.IsObject() && result.HasMember("errors"))
        d.AddMember("errors", rapidjson::Value(result["errors"], a), a);
    add_pulled(d, pulled.json);
    say(std::cout, to_json(d));
}

void Watcher::stop() {
    std::size_t unsettled = 0;
    for (const std::string &course : settler_.names()) unsettled += finder_.is_course(course) ? 1 : 0;
    if (unsettled > 0)
        say(std::cerr, "coursecrew: stopping; " + std::to_string(unsettled) +
                           (unsettled == 1 ? " course has" : " courses have") +
                           " changes not published yet (the next start publishes them)");
    if (args_.ws.config.empty()) return;
    // The worker's short chance to deliver what waits; the rest stays in the
    // outbox (the store), safe for `coursecrew sync`.
    const auto &e = host_.entry();
    PluginString status(e);
    const int st = e.sync(host_.instance(), options_.c_str(), static_cast<int64_t>(args_.timeout * 1000),
                          status.out());
    if (st != COURSECREW_OK)
        say(std::cerr, std::string("coursecrew: not everything was delivered (") + e.last_error(host_.instance()) +
                           "); it stays in the outbox: `coursecrew sync` delivers it");
    e.set_event_callback(host_.instance(), nullptr, nullptr);
}

// The watched folders, absolute and real, none inside another; false (with
// the message printed) when one is not a folder.
bool resolve_roots(const std::vector<std::string> &folders, std::vector<std::string> &roots) {
    std::vector<std::string> all;
    for (const std::string &f : folders) {
        std::error_code ec;
        const auto real = std::filesystem::canonical(f, ec);
        if (ec || !std::filesystem::is_directory(real, ec)) {
            std::cerr << "coursecrew: cannot watch " << f << ": "
                      << (ec ? ec.message() : std::string("not a folder")) << "\n";
            return false;
        }
        all.push_back(real.string());
    }
    std::sort(all.begin(), all.end());
    for (const std::string &r : all) {
        // Sorted, a folder's subfolders follow it.
        const bool inside = !roots.empty() && r.compare(0, roots.back().size(), roots.back()) == 0 &&
                            (r.size() == roots.back().size() || r[roots.back().size()] == '/' ||
                             roots.back() == "/");
        if (!inside) roots.push_back(r);
    }
    return true;
}

}  // namespace

CLI::App *add_watch_command(CLI::App &app, WatchArgs &args) {
    CLI::App *cmd = app.add_subcommand(
        "watch", "Publish each course in these folders whenever an authoring tool has written it");
    cmd->add_option("FOLDER", args.folders, "Folders to watch, with everything below them")
        ->required()
        ->check(CLI::ExistingDirectory);
    args.ws.add_to(cmd);
    cmd->add_option("--settle-ms", args.settle_ms,
                    "Publish a course once nothing under it was written for this long (default 2000)")
        ->check(CLI::Range(10, 3600 * 1000));
    cmd->add_flag("--skip-existing", args.skip_existing,
                  "Do not publish the courses already there at start; only later changes");
    cmd->add_option("--timeout", args.timeout,
                    "With --config: seconds the sync worker gets at stop to deliver (default 5)")
        ->check(CLI::Range(0.0, 3600.0));
    cmd->add_flag("--json", args.json, "One JSON object per line per publish (or failed publish)");
    cmd->add_flag("-v,--verbose", args.verbose, "Also say on standard error what changed and what is published");
    cmd->footer(kUsage);
    return cmd;
}

int run_watch(PluginHost &host, const WatchArgs &args) {
    std::string options;
    if (!args.ws.options_json(/*dry_run=*/false, options)) return kExitUsage;
    std::vector<std::string> roots;
    if (!resolve_roots(args.folders, roots)) return kExitInputErrors;
    Watcher watcher(host, args, options, std::move(roots));
    return watcher.run();
}

}  // namespace coursecrew::cli
