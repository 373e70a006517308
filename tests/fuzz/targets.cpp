// The fuzz targets (see targets.hpp). Each one hands the bytes to the entry
// the product uses for that input, with the product's default limits, then
// checks what must hold whatever the input (the JSON we print parses, a
// refusal says why, secrets stay out of reasons). Inputs that only exist as
// files are written into one scratch folder per process, created on first
// use and removed at exit.
#include "tests/fuzz/targets.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "adapters/http/http.hpp"
#include "adapters/lrs/xapi_target.hpp"
#include "coursecrew/coursecrew.h"
#include "plugin/engine/registry.hpp"
#include "plugin/engine/workspace.hpp"
#include "plugin/roles/rolemap.hpp"
#include "plugin/sync/events.hpp"
#include "plugin/sync/pull.hpp"
#include "plugin/sync/sync_config.hpp"

namespace fs = std::filesystem;
namespace cc = coursecrew;

namespace ccfuzz {

namespace {

// ---------------------------------------------------------------- plumbing

ViolationHandler g_violation = nullptr;

[[noreturn]] void violated(const std::string &what) {
    if (g_violation) g_violation(what);  // the unit test's handler throws
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what.c_str());
    std::abort();
}

void expect(bool ok, const std::string &what) {
    if (!ok) violated(what);
}

std::string_view as_text(const std::uint8_t *data, std::size_t size) {
    return {reinterpret_cast<const char *>(data), size};
}

// One scratch folder per process (libFuzzer's -jobs and -fork run several),
// removed at exit. Never destroyed itself: the exit handler still needs it.
const std::string &scratch() {
    static const std::string *dir = [] {
        std::string tmpl = (fs::temp_directory_path() / "coursecrew-fuzz-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) violated("cannot create a scratch folder in " + fs::temp_directory_path().string());
        auto *path = new std::string(tmpl);
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(scratch(), ec);
        });
        return path;
    }();
    return *dir;
}

void write_file(const std::string &path, std::string_view content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) violated("cannot write the scratch file " + path);
}

// What a host gets must be JSON it can parse (and valid UTF-8).
void expect_json(const std::string &json, const char *what) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(json.c_str(),
                                                                                      json.size());
    if (doc.HasParseError())
        violated(std::string(what) + " is not valid JSON at byte " + std::to_string(doc.GetErrorOffset()) +
                 ": " + rapidjson::GetParseError_En(doc.GetParseError()));
}

// inspect_package as the ABI calls it, then the JSON the host would get
// (returned, for the targets that check more of it).
std::string inspect_and_print(const std::string &path) {
    cc::InspectOptions options;  // the product's defaults and limits
    options.list_files = true;   // --files: the longer output
    cc::Inspection inspection(options.max_diagnostics_per_code);
    const int status = cc::inspect_package(path, options, inspection);
    expect((status == COURSECREW_OK) == inspection.usable(),
           "inspect_package returned status " + std::to_string(status) + " for a package " +
               (inspection.usable() ? "without" : "with") + " errors");
    std::string json = cc::to_json(inspection, options);
    expect_json(json, "the inspect output");
    return json;
}

// A package folder holding a few small files besides its manifest, so that
// the manifest's references find some files present.
std::string manifest_folder(const char *name) {
    const std::string dir = scratch() + "/" + name;
    fs::create_directories(dir + "/shared");
    fs::create_directories(dir + "/media");
    write_file(dir + "/index.html", "<html><body>index</body></html>\n");
    write_file(dir + "/shared/style.css", "body { margin: 0 }\n");
    write_file(dir + "/media/intro.mp4", std::string(64, '\0'));
    return dir;
}

int manifest_target(const char *folder, const char *file_name, const std::uint8_t *data, std::size_t size) {
    static std::map<std::string, std::string> folders;  // folder name -> its path
    auto it = folders.find(folder);
    if (it == folders.end()) it = folders.emplace(folder, manifest_folder(folder)).first;
    write_file(it->second + "/" + file_name, as_text(data, size));
    inspect_and_print(it->second);
    return 0;
}

// The sample course, read once (the role map and status targets use it).
const cc::Inspection &sample_course() {
    static const cc::Inspection *inspection = [] {
        auto *in = new cc::Inspection(20);
        const int status = cc::inspect_package(std::string(CC_SOURCE_DIR) + "/samples/safety-basics",
                                               cc::InspectOptions{}, *in);
        if (status != COURSECREW_OK) violated("cannot read samples/safety-basics");
        return in;
    }();
    return *inspection;
}

constexpr std::int64_t kNow = 1764000000;  // 2025-11-24: a fixed clock keeps runs repeatable

// A store holding the sample course, published once; the status target
// applies its updates to it in dry runs, which leave it unchanged.
const cc::WorkspaceOptions &sample_store() {
    static const cc::WorkspaceOptions options = [] {
        cc::WorkspaceOptions o;
        o.store_path = scratch() + "/state.db";
        o.now = kNow;
        cc::Inspection inspection(20);
        cc::PublishResult result;
        cc::WorkspaceError error;
        if (!cc::publish_package(std::string(CC_SOURCE_DIR) + "/samples/safety-basics", cc::InspectOptions{}, o,
                                 inspection, result, error))
            violated("cannot publish samples/safety-basics: " + error.message);
        o.dry_run = true;
        return o;
    }();
    return options;
}

// One-answer HTTP server on 127.0.0.1 for lrs_http: every connection gets
// its request read (headers and Content-Length body), then `answer` as is,
// then the connection is closed, so a truncated or lying answer ends the
// transfer at once instead of waiting for a timeout.
class LoopbackServer {
public:
    LoopbackServer() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr *>(&addr), len) != 0 || ::listen(fd_, 16) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr *>(&addr), &len) != 0)
            violated("cannot listen on 127.0.0.1");
        port_ = ntohs(addr.sin_port);
        std::thread([this] { serve(); }).detach();  // lives as long as the process
    }
    int port() const { return port_; }
    void set_answer(std::string_view answer) {
        std::lock_guard<std::mutex> lock(mutex_);
        answer_.assign(answer);
    }

private:
    void serve() {
        for (;;) {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            read_request(c);
            std::string answer;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                answer = answer_;
            }
            for (std::size_t sent = 0; sent < answer.size();) {
                const ssize_t n = ::send(c, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
                if (n <= 0) break;
                sent += static_cast<std::size_t>(n);
            }
            ::shutdown(c, SHUT_WR);
            ::close(c);
        }
    }
    static void read_request(int c) {
        std::string in;
        char buf[4096];
        std::size_t need = std::string::npos;  // bytes of the whole request, once the headers are in
        while (in.size() < need) {
            const ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) return;
            in.append(buf, static_cast<std::size_t>(n));
            const std::size_t end = in.find("\r\n\r\n");
            if (need == std::string::npos && end != std::string::npos) {
                std::size_t body = 0;
                const std::size_t at = in.find("Content-Length: ");
                if (at != std::string::npos && at < end) body = std::strtoul(in.c_str() + at + 16, nullptr, 10);
                need = end + 4 + body;
            }
        }
    }

    int fd_ = -1, port_ = 0;
    std::mutex mutex_;
    std::string answer_;
};

// ------------------------------------------------------- the folder script

bool safe_relative_path(std::string_view path) {
    if (path.empty() || path.size() > 200 || path.front() == '/' || path.back() == '/') return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        const std::string_view segment = path.substr(start, end - start);
        if (segment.empty() || segment == "." || segment == "..") return false;
        start = end + 1;
    }
    return path.find('\0') == std::string_view::npos;
}

}  // namespace

void set_violation_handler(ViolationHandler handler) { g_violation = handler; }

std::vector<FolderFile> parse_folder_script(std::string_view script) {
    constexpr std::size_t kMaxFiles = 64;
    std::vector<FolderFile> files;
    FolderFile *current = nullptr;
    std::size_t pos = 0;
    while (pos < script.size()) {
        std::size_t end = script.find('\n', pos);
        const bool last = end == std::string_view::npos;
        if (last) end = script.size();
        const std::string_view line = script.substr(pos, end - pos);
        pos = last ? end : end + 1;
        const bool file_header = line.substr(0, 4) == "=== ", link_header = line.substr(0, 4) == "=>> ";
        if (file_header || link_header) {
            current = nullptr;
            std::string_view path = line.substr(4), target;
            if (link_header) {
                const std::size_t space = path.find(' ');
                if (space == std::string_view::npos) continue;
                target = path.substr(space + 1);
                path = path.substr(0, space);
                // Links stay inside the scratch folder, so a bug that follows
                // one reads nothing of the machine's.
                if (!safe_relative_path(target)) continue;
            }
            if (!safe_relative_path(path) || files.size() == kMaxFiles) continue;
            files.push_back({std::string(path), {}, std::string(target)});
            if (file_header) current = &files.back();
            continue;
        }
        if (current) {
            current->content.append(line);
            if (!last) current->content += '\n';
        }
    }
    return files;
}

// ------------------------------------------------------------- the targets

int scorm_manifest(const std::uint8_t *data, std::size_t size) {
    return manifest_target("scorm", "imsmanifest.xml", data, size);
}
int cmi5_manifest(const std::uint8_t *data, std::size_t size) {
    return manifest_target("cmi5", "cmi5.xml", data, size);
}
int tincan_manifest(const std::uint8_t *data, std::size_t size) {
    return manifest_target("tincan", "tincan.xml", data, size);
}

int zip_package(const std::uint8_t *data, std::size_t size) {
    const std::string path = scratch() + "/package.zip";
    write_file(path, as_text(data, size));
    inspect_and_print(path);
    return 0;
}

int folder_package(const std::uint8_t *data, std::size_t size) {
    const std::string root = scratch() + "/folder";
    std::error_code ec;
    fs::remove_all(root, ec);
    fs::create_directories(root);
    for (const FolderFile &f : parse_folder_script(as_text(data, size))) {
        const fs::path path = fs::path(root) / f.path;
        fs::create_directories(path.parent_path(), ec);
        if (ec) continue;  // a file already holds that folder's name
        if (!f.link_target.empty()) {
            fs::create_symlink(f.link_target, path, ec);
        } else if (!fs::is_directory(path, ec)) {
            write_file(path.string(), f.content);
        }
    }
    inspect_and_print(root);
    return 0;
}

int role_map(const std::uint8_t *data, std::size_t size) {
    cc::RoleMap map;
    std::vector<cc::MapError> errors;
    if (!cc::load_role_map(as_text(data, size), "fuzz-roles.json", map, errors)) {
        expect(!errors.empty(), "load_role_map refused a map without saying why");
        for (const cc::MapError &e : errors)
            expect(e.file == "fuzz-roles.json" && !e.message.empty(),
                   "a role map error without its file or message: " + e.pointer);
        return 0;
    }
    const cc::Course &course = sample_course().course;
    std::vector<cc::MapError> course_errors;
    cc::check_against_course(map, course, course_errors);
    static const std::size_t pieces = cc::plan_roles(course, cc::default_role_map(), 1).pieces.size();
    const cc::Plan plan = cc::plan_roles(course, cc::effective_role_map(&map, true), 1);
    expect(plan.pieces.size() == pieces, "the plan does not hold every piece of the course");
    return 0;
}

int sync_config(const std::uint8_t *data, std::size_t size) {
    const std::string file = scratch() + "/coursecrew.json";
    cc::SyncConfig config;
    std::string error;
    if (!cc::parse_sync_config(std::string(as_text(data, size)), file, config, error))
        expect(error.rfind(file + ": ", 0) == 0, "a sync config error that does not name the file: " + error);
    return 0;
}

int status_csv(const std::uint8_t *data, std::size_t size) {
    std::vector<cc::StatusUpdate> updates;
    std::string course, error;
    if (!cc::parse_status_csv(as_text(data, size), "fuzz", updates, course, error)) {
        expect(error.rfind("line ", 0) == 0 || error.rfind("the file is empty", 0) == 0,
               "a status CSV error that does not name the line: " + error);
        return 0;
    }
    if (updates.empty()) return 0;
    std::vector<cc::Change> changes;
    std::string resolved;
    cc::WorkspaceError werror;
    if (!cc::set_status_in_store(course, sample_store(), updates, changes, resolved, werror))
        expect(!werror.message.empty(), "set_status_in_store refused the updates without saying why");
    return 0;
}

int lrs_about(const std::uint8_t *data, std::size_t size) {
    const auto offered = cc::xapi::parse_about_versions(as_text(data, size));
    if (!offered) return 0;
    for (bool allow_2 : {false, true}) {
        const std::string chosen = cc::xapi::choose_version(*offered, allow_2);
        expect(chosen.empty() || std::find(offered->begin(), offered->end(), chosen) != offered->end(),
               "choose_version chose '" + chosen + "', which the LRS does not offer");
        expect(allow_2 || chosen != "2.0.0", "choose_version chose 2.0.0 though it is not allowed");
    }
    return 0;
}

int lrs_statements(const std::uint8_t *data, std::size_t size) {
    // "STATUS\nRetry-After\nETag\nbody": the parts of an answer the adapter reads.
    std::string_view text = as_text(data, size);
    auto next_line = [&text] {
        const std::size_t end = std::min(text.find('\n'), text.size());
        const std::string_view line = text.substr(0, end);
        text.remove_prefix(std::min(end + 1, text.size()));
        return line;
    };
    cc::http::HttpResponse response;
    for (char c : next_line().substr(0, 4))
        if (c >= '0' && c <= '9') response.status = response.status * 10 + (c - '0');
    response.retry_after = next_line();
    response.etag = next_line();
    response.body = text;

    static const std::string kSecret = "Zq9-fuzz-Secret-Xk", kUrlPassword = "Url-Pass-7Q";
    cc::TargetConfig target;
    target.auth.kind = cc::Credentials::Kind::Basic;
    target.auth.username = "fuzz-user";
    target.auth.secret = kSecret;
    const auto request = cc::http::request_for(
        target, "POST", "https://fuzz-user:" + kUrlPassword + "@lrs.example.org/xAPI/statements?x=" + kSecret);
    const cc::Reply reply = cc::http::classify(request, response);
    expect(reply.reason.find(kSecret) == std::string::npos && reply.reason.find(kUrlPassword) == std::string::npos,
           "a secret reached the reason: " + reply.reason);
    expect(reply.retry_after_ms >= -1, "a negative Retry-After delay");
    expect((reply.outcome == cc::Outcome::Ok) == (response.status >= 200 && response.status < 300),
           "HTTP " + std::to_string(response.status) + " classified as " + cc::to_string(reply.outcome));
    return 0;
}

int lrs_document(const std::uint8_t *data, std::size_t size) {
    // Ours: a module document as the outbox holds it.
    static const std::string ours = [] {
        cc::EventContext c;
        c.course_iri = "https://example.org/courses/safety";
        c.profile_base = "https://w3id.org/xapi/coursecrew";
        const std::string ana = R"({"objectType":"Agent","mbox":"mailto:ana@example.org"})";
        return cc::module_document(c, "MOD-HAZARDS", "Hazards", {{"writer", {ana}, kNow - 10}},
                                   {{"SCO-FIRE", "Fire", "writer", "done", "ana@example.org", "", kNow - 5},
                                    {"SCO-FIRE", "Fire", "expert", "in_review", "dora", "check it", kNow - 3},
                                    {"SCO-SLIPS", "Slips", "writer", "not_started", "coursecrew", "", kNow - 20}},
                                   kNow);
    }();
    const std::string theirs(as_text(data, size));
    const std::string merged = cc::merge_documents(ours, theirs);
    // The pull's reader of the same answer (whatever it is, it gives cells
    // of the module asked for), and merging the merge again changes nothing.
    for (const cc::TeamCell &c : cc::document_cells("MOD-HAZARDS", theirs))
        expect(c.module == "MOD-HAZARDS", "a cell of another module");
    expect(cc::same_document(merged, cc::merge_documents(merged, theirs)), "merging again changed the document");
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(merged.c_str(), merged.size());
    expect(!doc.HasParseError() && doc.IsObject(), "the merged document is not a JSON object");
    // Nothing of ours is lost: every piece and role cell is still there.
    expect(doc.HasMember("pieces") && doc["pieces"].IsObject(), "the merged document lost its pieces");
    const auto &pieces = doc["pieces"];
    for (const char *piece : {"SCO-FIRE", "SCO-SLIPS"}) {
        expect(pieces.HasMember(piece) && pieces[piece].IsObject(), std::string("the merge lost piece ") + piece);
        expect(pieces[piece].HasMember("roles") && pieces[piece]["roles"].IsObject() &&
                   pieces[piece]["roles"].HasMember("writer") && pieces[piece]["roles"]["writer"].IsObject(),
               std::string("the merge lost the writer cell of ") + piece);
    }
    return 0;
}

int lrs_http(const std::uint8_t *data, std::size_t size) {
    static LoopbackServer *server = [] {
        // Requests to 127.0.0.1 never go through a proxy the environment names.
        setenv("no_proxy", "127.0.0.1", 1);
        setenv("NO_PROXY", "127.0.0.1", 1);
        return new LoopbackServer;
    }();
    static const std::string kSecret = "Zq9-fuzz-Secret-Xk";
    server->set_answer(as_text(data, size));
    cc::TargetConfig config;
    config.name = "lrs";
    config.kind = "xapi";
    config.endpoint = "http://127.0.0.1:" + std::to_string(server->port()) + "/xAPI";
    config.auth.kind = cc::Credentials::Kind::Basic;
    config.auth.username = "fuzz-user";
    config.auth.secret = kSecret;
    config.allow_xapi_2 = true;
    config.connect_timeout_ms = 2000;
    config.request_timeout_ms = 4000;  // the server always closes: never reached
    const std::atomic<bool> cancel{false};
    auto target = cc::make_xapi_target(config, cancel);
    expect(target != nullptr, "make_xapi_target failed");
    auto check = [&](const cc::Reply &r, const char *what) {
        expect(r.reason.find(kSecret) == std::string::npos, std::string(what) + ": the secret reached the reason");
        expect(r.outcome != cc::Outcome::Ok || r.reason.empty() || r.http_status == 409,
               std::string(what) + ": Ok with a failure reason: " + r.reason);
    };
    const cc::Reply about = target->prepare();
    check(about, "prepare");
    if (about.outcome == cc::Outcome::Ok) {
        const std::string v = target->version();
        expect(v == "2.0.0" || v.rfind("1.0.", 0) == 0, "prepare chose the version '" + v + "'");
    }
    check(target->send(cc::StatementBatch{R"({"id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"})"}), "send");
    const cc::Reply got = target->get_document("https://example.org/courses/safety/MOD-HAZARDS",
                                               "https://w3id.org/xapi/coursecrew/documents/module-status");
    check(got, "get_document");
    if (got.outcome == cc::Outcome::Ok)
        lrs_document(reinterpret_cast<const std::uint8_t *>(got.body.data()), got.body.size());
    check(target->put_document("https://example.org/courses/safety/MOD-HAZARDS",
                               "https://w3id.org/xapi/coursecrew/documents/module-status", "{}", got.etag),
          "put_document");
    return 0;
}

// ------------------------------------------------------- the content data

namespace {

// The one-SCO SCORM 1.2 manifest every content case sits under (an
// authoring tool's publish is one SCO; its own data holds the structure).
constexpr const char *kOneScoManifest = R"(<?xml version="1.0"?>
<manifest identifier="m" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Course</title>
    <item identifier="sco" identifierref="r"><title>The whole course</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="index.html">
    <file href="index.html"/></resource></resources>
</manifest>
)";

constexpr const char *kPlainIndex = "<html><body>index</body></html>\n";
constexpr const char *kLectoraMark = "<!-- GENERATED BY:  Lectora Inspire v.16.2.2(10710) (http://www.trivantis.com) -->\n";

// The Adapt course around the fuzzed file: config, course, one page with
// one article and one block.
const std::vector<std::pair<std::string, std::string>> &adapt_files() {
    static const std::vector<std::pair<std::string, std::string>> files = {
        {"course/config.json", R"({"_defaultLanguage":"en","build":{"version":"5.0.0"}})"},
        {"course/en/course.json", R"({"_id":"course","_type":"course","title":"Course"})"},
        {"course/en/articles.json", R"([{"_id":"a-05","_parentId":"co-05","_type":"article"}])"},
        {"course/en/blocks.json", R"([{"_id":"b-05","_parentId":"a-05","_type":"block"}])"},
        {"course/en/images/a.jpg", "jpg"},
        {"adapt/js/build.min.js", R"(var p={"name":"adapt_framework","version":"5.40.10"};)"},
    };
    return files;
}

const std::string &storyline_frame() {
    static const std::string frame =
        R"(window.globalProvideData('frame', '{"navData":{"outline":{"links":[{"kind":"slidelink","slideid":"_player.sc1","displaytext":"Scene <b>one</b>"}]}}}');)";
    return frame;
}

// One case of the content_data target: where the fuzzed bytes go, and the
// other files the tool's reader needs to recognise its tool (read from each
// reader's recognition code).
struct ContentCase {
    const char *name;  // the scratch sub-folder
    const char *tool;  // the tool content_model must name when it is not null
    // Another tool that may rightly claim the package: the fuzzed page is
    // an index.html one folder down, which H5P's inline layout also reads
    // (H5PIntegration = {...} in it is H5P's data, whichever folder it is in).
    const char *also;
    const char *path;  // the fuzzed file
    std::vector<std::pair<std::string, std::string>> files;  // besides the manifest
};

const std::vector<ContentCase> &content_cases() {
    static const std::vector<ContentCase> cases = [] {
        auto with = [](std::vector<std::pair<std::string, std::string>> base,
                       std::vector<std::pair<std::string, std::string>> more) {
            base.insert(base.end(), more.begin(), more.end());
            return base;
        };
        const std::pair<std::string, std::string> index{"index.html", kPlainIndex};
        std::vector<ContentCase> c;
        c.push_back({"adapt-components", "adapt", nullptr, "course/en/components.json",
                     with(adapt_files(),
                          {index,
                           {"course/en/contentObjects.json",
                            R"([{"_id":"co-05","_parentId":"course","_type":"page","title":"Page"}])"}})});
        c.push_back({"adapt-content-objects", "adapt", nullptr, "course/en/contentObjects.json",
                     with(adapt_files(),
                          {index,
                           {"course/en/components.json",
                            R"([{"_id":"c-05","_parentId":"b-05","_type":"component","_component":"mcq","title":"Q",)"
                            R"("body":"<p><img src=\"course/en/images/a.jpg\"></p>"}])"}})});
        c.push_back({"rise-index", "rise", "h5p", "scormcontent/index.html",
                     {index, {"scormcontent/assets/pic.jpg", "jpg"}}});
        c.push_back({"rise-locale", "rise", nullptr, "scormcontent/locales/und.js",
                     {index,
                      {"scormcontent/index.html",
                       "<html><script>window.i18n = {\"available\":[\"und\"],\"default\":\"und\"};</script>"
                       "<script>window.__resolveJsonp = function (k, v) {};</script></html>\n"},
                      {"scormcontent/assets/pic.jpg", "jpg"}}});
        c.push_back({"storyline-data", "storyline", nullptr, "html5/data/js/data.js",
                     {index,
                      {"html5/data/js/frame.js", storyline_frame()},
                      {"html5/data/js/s1.js",
                       R"(window.globalProvideData('slide', '{"slideLayers":[{"objects":[{"kind":"vectorshape","accType":"text"}]}]}');)"},
                      {"mobile/pic.png", "png"}}});
        c.push_back({"storyline-slide", "storyline", nullptr, "html5/data/js/s1.js",
                     {index,
                      {"html5/data/js/frame.js", storyline_frame()},
                      {"html5/data/js/data.js",
                       R"(window.globalProvideData('data', '{"version":"3.99","scenes":[{"kind":"scene","id":"sc1",)"
                       R"("slides":[{"kind":"slide","id":"s1","title":"Slide","html5url":"html5/data/js/s1.js"}]}],)"
                       R"("assetLib":[{"kind":"asset","id":0,"url":"mobile/pic.png"}],)"
                       R"("slideMap":{"slideRefs":[{"kind":"slideref","id":"sc1.s1","assetIds":[0]}]}}');)"},
                      {"mobile/pic.png", "png"},
                      {"story_content/pic.jpg", "jpg"}}});
        // The files layout, under the three main libraries the reader
        // builds differently (one module; chapters; slides).
        for (const char *library : {"H5P.Accordion", "H5P.InteractiveBook", "H5P.CoursePresentation"}) {
            const std::string lib(library);
            c.push_back({lib == "H5P.Accordion" ? "h5p-files" : lib == "H5P.InteractiveBook" ? "h5p-book" : "h5p-slides",
                         "h5p", nullptr, "content/content.json",
                         {index,
                          {"h5p.json", R"({"title":"Content","mainLibrary":")" + lib + R"("})"},
                          {"content/images/pic.png", "png"}}});
        }
        c.push_back({"h5p-inline", "h5p", nullptr, "index.html", {{"content/images/pic.png", "png"}}});
        c.push_back({"exe3", "exe", nullptr, "content.xml",
                     {{"index.html", R"(<html><head><meta name="generator" content="eXeLearning v3.0.0"></head></html>)"},
                      {"content/resources/idv1/pic.png", "png"}}});
        c.push_back({"exe2", "exe", nullptr, "contentv3.xml",
                     {{"index.html",
                       R"(<html><head><meta name="generator" content="eXeLearning 2.9 - exelearning.net"></head></html>)"},
                      {"pic.png", "png"}}});
        c.push_back({"ispring", "ispring", "h5p", "res/index.html",
                     {index,
                      {"res/data/player.js", "// player"},
                      {"res/data/slide1.js", R"(loadHandler(0, '<img src="data/img1.png">', '{"bg":"data/img2.png"}');)"},
                      {"res/data/quiz1.js", R"(var quizInfo = "eyJkIjp7IlQiOiJRdWl6IG9uZSIsImkiOiJkYXRhL2ltZzEucG5nIn19";)"},
                      {"res/data/img1.png", "png"}}});
        c.push_back({"lectora", "lectora", nullptr, "a001_page_1.html",
                     {index,
                      {"trivantis.js", "// trivantis"},
                      {"a001titlemgr.html", std::string(kLectoraMark) +
                                                "<html><script>var redirPage = null;\nredirPage = 'a001_page_1.html';</script></html>\n"},
                      {"a001index.html", std::string(kLectoraMark) +
                                             "<html><head><title>Lectora course</title>"
                                             "<script>var bIsTitleManagerIndexFile = true;</script></head></html>\n"},
                      {"a001_page_2.html", std::string(kLectoraMark) +
                                               "<html><head><title>Page two</title><script>function trivNextPage() "
                                               "{ trivExitPage('a001_page_1.html', true); }</script></head><body></body></html>\n"},
                      {"device_desktop/a001_page_1.js", "var img = new ObjImage('images/pic.png');\n"},
                      {"images/pic.png", "png"}}});
        c.push_back({"captivate", "captivate", nullptr, "assets/js/CPM.js",
                     {index,
                      {"project.txt",
                       R"({"metadata":{"generator":"Captivate","generatorVersion":"11.8.2","title":"Project"},)"
                       R"("contentStructure":[{"id":"Slide1","title":"One","roles":{"slide":{}}}]})"},
                      {"dr/imgmd.json", R"(cp.imageToJSONPathMap = {"dr/packed.png":"img1.json"};)"},
                      {"dr/pic.png", "png"}}});
        return c;
    }();
    return cases;
}

}  // namespace

const char *content_case_tool(std::uint8_t first_byte) {
    return content_cases()[first_byte % content_cases().size()].tool;
}

std::string read_content_case(const std::uint8_t *data, std::size_t size) {
    if (size == 0) return "";
    const std::vector<ContentCase> &cases = content_cases();
    const ContentCase &c = cases[data[0] % cases.size()];
    static std::map<std::string, std::string> folders;  // case name -> its package folder
    auto it = folders.find(c.name);
    if (it == folders.end()) {
        const std::string dir = scratch() + "/content-" + c.name;
        fs::create_directories(dir);
        write_file(dir + "/imsmanifest.xml", kOneScoManifest);
        for (const auto &[path, content] : c.files) {
            fs::create_directories((fs::path(dir) / path).parent_path());
            write_file(dir + "/" + path, content);
        }
        fs::create_directories((fs::path(dir) / c.path).parent_path());
        it = folders.emplace(c.name, dir).first;
    }
    write_file(it->second + "/" + c.path, as_text(data + 1, size - 1));
    const std::string json = inspect_and_print(it->second);

    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(json.c_str(), json.size());
    expect(doc.IsObject() && doc.HasMember("content_model"), "the inspect output has no content_model");
    const rapidjson::Value &model = doc["content_model"];
    if (!model.IsNull()) {
        expect(model.IsObject() && model.HasMember("tool") && model["tool"].IsString(),
               "content_model is neither null nor an object with a tool");
        const std::string tool = model["tool"].GetString();
        expect(tool == c.tool || (c.also && tool == c.also),
               std::string("case ") + c.name + " (" + c.path + ", the " + c.tool + " data) was read as " + tool);
        return tool;
    }
    return "";
}

int content_data(const std::uint8_t *data, std::size_t size) {
    read_content_case(data, size);
    return 0;
}

const std::vector<Target> &all_targets() {
    static const std::vector<Target> targets = {
        {"scorm_manifest", &scorm_manifest}, {"cmi5_manifest", &cmi5_manifest},
        {"tincan_manifest", &tincan_manifest}, {"zip_package", &zip_package},
        {"folder_package", &folder_package}, {"role_map", &role_map},
        {"sync_config", &sync_config},       {"status_csv", &status_csv},
        {"lrs_about", &lrs_about},           {"lrs_statements", &lrs_statements},
        {"lrs_document", &lrs_document},     {"lrs_http", &lrs_http},
        {"content_data", &content_data},
    };
    return targets;
}

}  // namespace ccfuzz
