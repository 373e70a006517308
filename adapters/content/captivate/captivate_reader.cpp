// Adobe Captivate: the slides of an HTML5 publish.
//
// Captivate keeps its project model in assets/js/CPM.js as a JavaScript
// object literal, `cp.D = cp.model.data = {...}` (unquoted keys,
// single-quoted strings: not JSON). In it, project_main.slides is a
// comma-separated list of slide ids ('Slide7759,Slide7998'),
// project_main.questions lists the question slides, and each slide id is
// a key of cp.D whose object has the slide's label (lb) and its items
// (si: [{n:'Text_Caption_1',t:19},...]); each item is a key of cp.D too,
// with its display object under its mdi key (the image it is drawn from,
// ip:'dr/Text_Caption_1.png', and its accessible text, accstr).
//
// The literal is walked with a small scanner that knows JavaScript strings
// (content::js_string), brackets and commas: members are delimited, never
// guessed, nesting is bounded by max_json_depth and strings by
// max_blob_bytes, and nothing recurses.
//
// project.txt (JSON) gives the generator ("Captivate", which recognises
// the package), the version and the title. When CPM.js cannot be read, its
// contentStructure entries with a "slide" role still give the slide ids;
// when they do not, the reader fails and the course keeps the manifest's
// pieces with a warning.
#include <algorithm>
#include <climits>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "adapters/content/common/content_util.hpp"
#include "adapters/content/readers.hpp"
#include "plugin/roles/rolemap.hpp"

namespace coursecrew {

namespace {

using content::read_head;

namespace ct = content;

constexpr std::string_view kCpm = "assets/js/CPM.js";

// ----------------------------------------------- the object-literal scanner

struct Member {
    std::string key;
    std::size_t begin = 0, end = 0;  // the value's text
};

struct Scan {
    std::string_view text;
    std::size_t max_depth;
    std::uint64_t max_string;
    std::string error;
    std::size_t error_at = 0;

    bool fail(std::size_t at, std::string what) {
        error = std::move(what);
        error_at = at;
        return false;
    }

    void skip_space(std::size_t &i) const {
        while (i < text.size()) {
            const char c = text[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++i;
            } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
                while (i < text.size() && text[i] != '\n') ++i;
            } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
                const std::size_t end = text.find("*/", i + 2);
                i = end == std::string_view::npos ? text.size() : end + 2;
            } else {
                return;
            }
        }
    }

    bool string_at(std::size_t &i, std::string &out) {
        std::string error_text;
        std::size_t end = 0;
        if (!ct::js_string(text, i, max_string, out, end, error_text)) return fail(i, error_text);
        i = end;
        return true;
    }

    // Moves `i` past one value, to the ',' '}' or ']' that ends it.
    bool skip_value(std::size_t &i) {
        std::size_t depth = 0;
        std::string ignored;
        while (i < text.size()) {
            const char c = text[i];
            if (c == '\'' || c == '"' || c == '`') {
                if (!string_at(i, ignored)) return false;
                continue;
            }
            if (c == '{' || c == '[' || c == '(') {
                if (++depth > max_depth) return fail(i, "the data nests deeper than " + std::to_string(max_depth));
            } else if (c == '}' || c == ']' || c == ')') {
                if (depth == 0) return true;
                --depth;
            } else if (c == ',' && depth == 0) {
                return true;
            }
            ++i;
        }
        return fail(i, "the data ends half-way");
    }

    // The members of the object literal whose '{' is at `open`.
    bool members(std::size_t open, std::vector<Member> &out) {
        if (open >= text.size() || text[open] != '{') return fail(open, "an object was expected");
        std::size_t i = open + 1;
        for (;;) {
            skip_space(i);
            if (i >= text.size()) return fail(i, "the data ends half-way");
            if (text[i] == '}') return true;
            Member m;
            if (text[i] == '\'' || text[i] == '"') {
                if (!string_at(i, m.key)) return false;
            } else {
                const std::size_t start = i;
                while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_' ||
                                           text[i] == '$' || text[i] == '.'))
                    ++i;
                if (i == start) return fail(i, std::string("unexpected '") + text[i] + "' where a key was expected");
                m.key.assign(text.substr(start, i - start));
            }
            skip_space(i);
            if (i >= text.size() || text[i] != ':') return fail(i, "no ':' after the key '" + m.key + "'");
            ++i;
            skip_space(i);
            m.begin = i;
            if (!skip_value(i)) return false;
            m.end = i;
            out.push_back(std::move(m));
            if (text[i] == ',') {
                ++i;
                continue;
            }
            if (text[i] == '}') return true;
            return fail(i, std::string("unexpected '") + text[i] + "' in an object");
        }
    }

    // The elements of the array literal whose '[' is at `open`.
    bool elements(std::size_t open, std::vector<Member> &out) {
        if (open >= text.size() || text[open] != '[') return fail(open, "an array was expected");
        std::size_t i = open + 1;
        for (;;) {
            skip_space(i);
            if (i >= text.size()) return fail(i, "the data ends half-way");
            if (text[i] == ']') return true;
            Member m;
            m.begin = i;
            if (!skip_value(i)) return false;
            m.end = i;
            out.push_back(std::move(m));
            if (text[i] == ',') {
                ++i;
                continue;
            }
            if (text[i] == ']') return true;
            return fail(i, std::string("unexpected '") + text[i] + "' in an array");
        }
    }

    // Appends the value of every string literal in text[begin, end) to
    // `out`, each followed by a NUL (a span skip_value() delimited).
    void strings(std::size_t begin, std::size_t end, std::string &out) {
        std::string s;
        for (std::size_t i = begin; i < end && i < text.size();) {
            const char c = text[i];
            if (c != '\'' && c != '"' && c != '`') {
                ++i;
                continue;
            }
            if (!string_at(i, s)) return;
            (out += s) += '\0';
        }
    }

    // A member's value as a string ("" when it is not a string literal).
    std::string string_value(const Member &m) {
        std::string out;
        std::size_t i = m.begin;
        if (i < text.size() && (text[i] == '\'' || text[i] == '"') && string_at(i, out)) return out;
        return {};
    }
};

const Member *find(const std::vector<Member> &members, std::string_view key) {
    for (const Member &m : members)
        if (m.key == key) return &m;
    return nullptr;
}

std::vector<std::string> split_ids(const std::string &list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        std::string id = ct::plain_text(list.substr(start, comma - start));
        if (!id.empty()) out.push_back(std::move(id));
        start = comma + 1;
    }
    return out;
}

// Captivate's item types for a text caption and a smart shape: the
// publisher draws both into images, which are not media a team makes.
constexpr int kTextCaption = 19, kSmartShape = 612;

class CaptivateReader : public ContentReader {
public:
    const char *tool() const override { return "captivate"; }
    std::vector<std::string_view> marker_files() const override { return {"project.txt", kCpm}; }

    ContentResult read(const ContentInput &in, ContentModel &out, ContentProblem &problem) const override {
        std::string root, cpm, project;
        if (!locate(in, root, cpm, project)) return ContentResult::NotMine;

        // project.txt: the version and title, and the slide ids to fall
        // back on. A damaged project.txt only loses those.
        rapidjson::Document meta;
        std::string project_text;
        ContentProblem ignored;
        const bool have_meta = !project.empty() && ct::read_file(in, project, project_text, ignored) &&
                               ct::parse_json(in, project_text, project, meta, ignored) && meta.IsObject();
        std::string title;
        if (have_meta && meta.HasMember("metadata") && meta["metadata"].IsObject()) {
            const auto &md = meta["metadata"];
            if (md.HasMember("generatorVersion") && md["generatorVersion"].IsString())
                out.version = md["generatorVersion"].GetString();
            if (md.HasMember("title") && md["title"].IsString()) title = ct::plain_text(md["title"].GetString());
        }
        if (title.empty()) title = in.course.title.primary();
        if (title.empty()) title = "Captivate project";

        ContentModule module;
        module.id = "project_main";
        module.title = title;
        out.tool = "captivate";
        std::string why;
        if (!cpm.empty() && read_cpm(in, root, cpm, module, problem)) {
            out.source = cpm;
        } else if (have_meta && from_project(meta, project, module)) {
            out.source = project;  // CPM.js was unreadable; project.txt named the slides
            out.notes.push_back({cpm.empty() ? project : cpm, problem.line,
                                 "the slides come from project.txt: " +
                                     (cpm.empty() ? "the package has no " + std::string(kCpm)
                                                  : cpm + " cannot be read (" + problem.message + ")")});
        } else {
            if (cpm.empty()) problem = {project, 0, "the package has no " + std::string(kCpm)};
            problem.message = "Captivate's slide list could not be read from " +
                              (cpm.empty() ? std::string(kCpm) : cpm) + " (" + problem.message + ")" +
                              (project.empty() ? "" : " and project.txt names no slides");
            return ContentResult::Failed;
        }
        module.origin = {"captivate:project", out.source, ""};
        out.modules.push_back(std::move(module));
        return ContentResult::Read;
    }

private:
    // Finds the publish: project.txt saying generator "Captivate", or a
    // CPM.js that defines Captivate's model (cp.model.data). `root` is the
    // publish folder, `cpm` and `project` the files found ("" if absent).
    static bool locate(const ContentInput &in, std::string &root, std::string &cpm, std::string &project) {
        for (const PackageEntry &e : in.source.entries()) {
            const std::string_view p = e.path;
            if (!path_ends_with(p, "project.txt")) continue;
            const std::string head = read_head(in, std::string(p), 4096);
            if (head.find("\"generator\"") == std::string::npos || head.find("\"Captivate\"") == std::string::npos)
                continue;
            if (project.empty() || p.size() < project.size()) project = p;
        }
        if (!project.empty()) {
            root = ct::folder_of(project);
            cpm = in.index.find(root + std::string(kCpm)) ? root + std::string(kCpm) : std::string();
            return true;
        }
        for (const PackageEntry &e : in.source.entries()) {
            const std::string_view p = e.path;
            if (!path_ends_with(p, kCpm)) continue;
            if (read_head(in, std::string(p), 4096).find("cp.model.data") == std::string::npos) continue;
            cpm = p;
            root = p.substr(0, p.size() - kCpm.size());
            return true;
        }
        return false;
    }


    // The slides from CPM.js; false with `problem` when they cannot be
    // read safely.
    static bool read_cpm(const ContentInput &in, const std::string &root, const std::string &cpm,
                         ContentModule &module, ContentProblem &problem) {
        std::string text;
        if (!ct::read_file(in, cpm, text, problem)) return false;
        Scan scan{text, in.limits.max_json_depth, in.limits.max_blob_bytes, {}, 0};
        auto failed = [&](std::string message, std::size_t at) {
            problem = {cpm, at ? ct::line_at(text, at) : 0, std::move(message)};
            return false;
        };
        // The assignment `cp.model.data = {` (the name also appears in
        // tests such as `if (cp.model.data) return`).
        std::size_t open = std::string::npos;
        for (std::size_t at = text.find("cp.model.data"); at != std::string::npos && open == std::string::npos;
             at = text.find("cp.model.data", at + 1)) {
            std::size_t i = at + 13;
            scan.skip_space(i);
            if (i + 1 < text.size() && text[i] == '=' && text[i + 1] != '=') {
                const std::size_t v = text.find_first_not_of(" \t\r\n", i + 1);
                if (v != std::string::npos && text[v] == '{') open = v;
            }
        }
        if (open == std::string::npos)
            return failed("it does not assign the project model (cp.model.data = {...})", 0);
        std::vector<Member> model;
        if (!scan.members(open, model)) return failed(scan.error, scan.error_at);
        std::unordered_map<std::string_view, const Member *> by_key;
        for (const Member &m : model) by_key.emplace(m.key, &m);

        const Member *main = find(model, "project_main");
        std::vector<Member> main_members;
        if (!main) return failed("the model has no project_main", 0);
        if (!scan.members(main->begin, main_members)) return failed(scan.error, scan.error_at);
        const Member *slides = find(main_members, "slides");
        if (!slides || (text[slides->begin] != '\'' && text[slides->begin] != '"'))
            return failed("project_main has no slides list", main->begin);
        const std::vector<std::string> ids = split_ids(scan.string_value(*slides));
        std::unordered_set<std::string> questions;
        if (const Member *q = find(main_members, "questions"))
            for (std::string &id : split_ids(scan.string_value(*q))) questions.insert(std::move(id));
        if (ids.size() > in.limits.max_pieces)
            return failed("it lists more than " + std::to_string(in.limits.max_pieces) + " slides", slides->begin);

        const ct::AssetFinder finder(in.index, {root});
        const std::unordered_set<std::string> packed = packed_images(in, root);
        for (const std::string &id : ids) {
            ContentPiece p;
            p.id = id;
            p.is_question = questions.count(id) > 0;
            auto it = by_key.find(id);
            p.origin = {p.is_question ? "captivate:question" : "captivate:slide", cpm,
                        it == by_key.end() ? "" : "line " + std::to_string(ct::line_at(text, it->second->begin))};
            if (it != by_key.end()) describe_slide(scan, by_key, *it->second, finder, p);
            if (p.title.empty()) p.title = id;  // Captivate leaves most labels empty
            p.files.erase(std::remove_if(p.files.begin(), p.files.end(),
                                         [&](const std::string &f) { return packed.count(f) > 0; }),
                          p.files.end());
            ct::sort_unique(p.files);
            module.pieces.push_back(std::move(p));
        }
        return true;
    }

    // The images Captivate packed into dr/img*.json (base64, listed in
    // dr/imgmd.json as cp.imageToJSONPathMap = {"dr/x.png": "img1.json"}):
    // the slides name them, but they are not files of the package, and the
    // pack is shared by every slide. Unreadable: nothing is packed.
    static std::unordered_set<std::string> packed_images(const ContentInput &in, const std::string &root) {
        std::unordered_set<std::string> out;
        const std::string map = root + "dr/imgmd.json";
        std::string text;
        ContentProblem ignored;
        if (!in.index.find(map) || !ct::read_file(in, map, text, ignored)) return out;
        const std::size_t at = text.find("cp.imageToJSONPathMap");
        const std::size_t open = at == std::string::npos ? at : text.find('{', at);
        Scan scan{text, in.limits.max_json_depth, in.limits.max_blob_bytes, {}, 0};
        std::vector<Member> entries;
        if (open == std::string::npos || !scan.members(open, entries)) return out;
        for (const Member &e : entries)
            if (!in.index.find(root + e.key)) out.insert(root + e.key);
        return out;
    }

    // A slide's label, files and facts. A slide whose object cannot be
    // delimited keeps its id as its title and no files.
    static void describe_slide(Scan &scan, const std::unordered_map<std::string_view, const Member *> &by_key,
                               const Member &slide, const ct::AssetFinder &finder, ContentPiece &p) {
        std::vector<Member> fields;
        if (!scan.members(slide.begin, fields)) return;
        if (const Member *lb = find(fields, "lb")) p.title = ct::plain_text(scan.string_value(*lb));
        // CPM.js holds every slide: the slide's own data is the strings of
        // its object, of its items and of their display objects (label,
        // accessible texts, actions, image names), in that order. Numbers
        // are left out: from, to and pa are frames on the whole project's
        // timeline, which move when an earlier slide gets longer.
        scan.strings(slide.begin, slide.end, p.data);
        ct::media_in_quotes(scan.text.substr(slide.begin, slide.end - slide.begin), finder, p.files);
        std::vector<Member> items;
        const Member *si = find(fields, "si");
        if (!si || !scan.elements(si->begin, items)) return;
        for (const Member &item : items) {
            std::vector<Member> ref;
            if (!scan.members(item.begin, ref)) continue;
            const Member *n = find(ref, "n");
            auto obj = n ? by_key.find(scan.string_value(*n)) : by_key.end();
            if (obj == by_key.end()) continue;
            describe_item(scan, by_key, *obj->second, finder, p);
        }
        for (const std::string &f : p.files) {
            const FileKind k = file_kind(f);
            if (k == FileKind::Audio || k == FileKind::Video) p.has_media = true;
        }
    }

    static void describe_item(Scan &scan, const std::unordered_map<std::string_view, const Member *> &by_key,
                              const Member &item, const ct::AssetFinder &finder, ContentPiece &p) {
        std::vector<Member> fields;
        if (!scan.members(item.begin, fields)) return;
        const std::string_view text = scan.text;
        scan.strings(item.begin, item.end, p.data);
        ct::media_in_quotes(text.substr(item.begin, item.end - item.begin), finder, p.files);
        if (find(fields, "oca")) p.has_interactions = true;  // an on-click action
        int type = -1;
        if (const Member *t = find(fields, "type")) {
            const std::string_view v = text.substr(t->begin, t->end - t->begin);
            if (!v.empty() && v.size() < 9 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
                type = std::stoi(std::string(v));
        }
        const Member *mdi = find(fields, "mdi");
        auto display = mdi ? by_key.find(scan.string_value(*mdi)) : by_key.end();
        if (display == by_key.end()) return;
        const Member &d = *display->second;
        scan.strings(d.begin, d.end, p.data);
        std::vector<std::string> drawn;
        ct::media_in_quotes(text.substr(d.begin, d.end - d.begin), finder, drawn);
        if (!drawn.empty() && type != kTextCaption && type != kSmartShape) p.has_media = true;
        p.files.insert(p.files.end(), drawn.begin(), drawn.end());
        std::vector<Member> dfields;
        if (!scan.members(d.begin, dfields)) return;
        if (const Member *acc = find(dfields, "accstr"))
            if (!ct::plain_text(scan.string_value(*acc)).empty()) p.has_text = true;
    }

    // The slides project.txt's contentStructure names (entries with a
    // "slide" role), in its order.
    static bool from_project(const rapidjson::Document &meta, const std::string &project, ContentModule &module) {
        if (!meta.HasMember("contentStructure") || !meta["contentStructure"].IsArray()) return false;
        const auto &list = meta["contentStructure"];
        for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
            const auto &e = list[i];
            if (!e.IsObject() || !e.HasMember("id") || !e["id"].IsString()) continue;
            if (!e.HasMember("roles") || !e["roles"].IsObject() || !e["roles"].HasMember("slide")) continue;
            ContentPiece p;
            p.id = e["id"].GetString();
            if (p.id.empty()) continue;
            if (e.HasMember("title") && e["title"].IsString()) p.title = ct::plain_text(e["title"].GetString());
            if (p.title.empty()) p.title = p.id;
            p.origin = {"captivate:slide", project, "/contentStructure/" + std::to_string(i)};
            // Its entry in project.txt (its class and its length in frames):
            // all project.txt says of the slide alone; its items' texts are
            // entries of their own that it does not link to.
            ct::append_json(e, p.data);
            module.pieces.push_back(std::move(p));
        }
        return !module.pieces.empty();
    }
};

}  // namespace

std::unique_ptr<ContentReader> make_captivate_reader() { return std::make_unique<CaptivateReader>(); }

}  // namespace coursecrew
