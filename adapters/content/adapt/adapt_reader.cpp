// The Adapt Framework's own structure (see docs/content-readers/adapt.md).
//
// A published Adapt course keeps its content as JSON beside the framework:
//
//   <root>course/config.json              _defaultLanguage, build
//   <root>course/<lang>/course.json       the course object (_type "course")
//   <root>course/<lang>/contentObjects.json, articles.json, blocks.json,
//                        components.json  arrays of objects with _id, _type, _parentId
//
// (newer builds may split the objects over other files of the language
// folder; every object says what it is with _type, so every .json file
// directly in the language folder is read). The tree is course ->
// content objects (menus, pages) -> articles -> blocks -> components.
//
// Modules are the content objects directly under the course; pieces are the
// components, each placed in the module of its top-level ancestor. Each
// language is read; a component id is one piece whatever the number of
// languages, with the files of every language.
#include "adapters/content/readers.hpp"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "adapters/content/common/content_util.hpp"
#include "plugin/roles/rolemap.hpp"

namespace coursecrew {

namespace {

using content::ends_with;
using content::string_member;

using rapidjson::Value;

constexpr std::string_view kCourseJson = "course.json";

// One data file of a language folder, parsed (the document's strings point
// into `text`).
struct DataFile {
    std::string path;
    std::string text;
    rapidjson::Document doc;
};

// One Adapt object, where it was read, and the members that place it in
// the tree (read once: every object is looked at several times).
struct Object {
    const Value *value;
    std::uint32_t file;  // index into Language::files
    long index;          // place in the file's array; -1 when the file is one object
    std::string_view id, type, parent, component;  // _id, _type, _parentId, _component; "" when absent
    bool is_component = false;                     // has a _component member, even an empty one
};

Object read_object(const Value &v, std::uint32_t file, long index) {
    Object o{&v, file, index, {}, {}, {}, {}, false};
    // A name given twice counts the first time, as FindMember would. The
    // tools write these four first, so the scan mostly stops early.
    enum : unsigned { kId = 1, kType = 2, kParent = 4, kComponent = 8, kAll = 15 };
    unsigned seen = 0;
    for (auto m = v.MemberBegin(); m != v.MemberEnd() && seen != kAll; ++m) {
        const std::string_view name(m->name.GetString(), m->name.GetStringLength());
        if (name.size() < 3 || name[0] != '_') continue;
        const std::string_view text =
            m->value.IsString() ? std::string_view(m->value.GetString(), m->value.GetStringLength()) : std::string_view();
        auto take = [&](unsigned bit, std::string_view &field) {
            if (seen & bit) return;
            seen |= bit;
            field = text;
        };
        if (name == "_id") take(kId, o.id);
        else if (name == "_type") take(kType, o.type);
        else if (name == "_parentId") take(kParent, o.parent);
        else if (name == "_component") take(kComponent, o.component), o.is_component = true;
    }
    return o;
}

struct Language {
    std::string code;    // "en"
    std::string folder;  // "<root>course/en/"
    std::vector<std::string> json_paths;  // the .json files directly in the folder
    std::vector<std::unique_ptr<DataFile>> files;
    std::vector<Object> objects;
};

// Where the Adapt course sits: the folder holding course/, and its languages.
struct Layout {
    std::string root;
    std::vector<Language> languages;  // sorted by code
};



bool has_member(const Value &v, const char *name) { return v.IsObject() && v.HasMember(name); }

// Finds the language folders "<root>course/<lang>/" that hold a course.json,
// and picks the shallowest root (a package may carry a second copy deeper).
bool find_layout(const std::vector<PackageEntry> &entries, Layout &out) {
    std::map<std::string, std::map<std::string, Language>> roots;  // root -> code -> language
    for (const PackageEntry &e : entries) {
        const std::string_view path = e.path;
        if (!ends_with(path, ".json")) continue;
        const std::size_t slash = path.rfind('/');
        if (slash == std::string_view::npos) continue;
        const std::string_view folder = path.substr(0, slash);  // "<root>course/<lang>"
        const std::size_t lang_at = folder.rfind('/');
        if (lang_at == std::string_view::npos) continue;
        const std::string_view parent = folder.substr(0, lang_at);  // "<root>course"
        if (parent != "course" && !ends_with(parent, "/course")) continue;
        const std::string root(parent.substr(0, parent.size() - 6));
        Language &lang = roots[root][std::string(folder.substr(lang_at + 1))];
        lang.json_paths.emplace_back(path);
    }
    const std::string *best = nullptr;
    std::size_t best_depth = 0;
    for (auto &[root, langs] : roots) {
        bool has_course = false;
        for (auto &[code, lang] : langs)
            for (const std::string &p : lang.json_paths) has_course |= ends_with(p, "/course.json");
        if (!has_course) continue;
        const auto depth = static_cast<std::size_t>(std::count(root.begin(), root.end(), '/'));
        if (!best || depth < best_depth) {
            best = &root;
            best_depth = depth;
        }
    }
    if (!best) return false;
    out.root = *best;
    for (auto &[code, lang] : roots[*best]) {
        lang.code = code;
        lang.folder = out.root + "course/" + code + "/";
        if (std::any_of(lang.json_paths.begin(), lang.json_paths.end(),
                        [](const std::string &p) { return ends_with(p, "/course.json"); }))
            out.languages.push_back(std::move(lang));
    }
    return true;
}

// The course object of a course.json (an object, or an array holding it).
const Value *course_object(const Value &doc) {
    if (doc.IsObject()) return string_member(doc, "_type") == "course" ? &doc : nullptr;
    if (!doc.IsArray()) return nullptr;
    for (const Value &v : doc.GetArray())
        if (string_member(v, "_type") == "course") return &v;
    return nullptr;
}

// Reads every data file of a language folder into `lang.objects`.
bool read_language(const ContentInput &in, Language &lang, ContentProblem &problem) {
    for (const std::string &path : lang.json_paths) {
        auto file = std::make_unique<DataFile>();
        file->path = path;
        if (!content::read_json_file(in, path, file->text, file->doc, problem)) return false;
        const auto n = static_cast<std::uint32_t>(lang.files.size());
        const Value &doc = file->doc;
        if (doc.IsArray()) {
            lang.objects.reserve(lang.objects.size() + doc.Size());
            long i = 0;
            for (const Value &v : doc.GetArray()) {
                if (v.IsObject()) lang.objects.push_back(read_object(v, n, i));
                ++i;
            }
        } else if (doc.IsObject()) {
            lang.objects.push_back(read_object(doc, n, -1));
        }
        lang.files.push_back(std::move(file));
    }
    return true;
}

// The framework version, from the build file the framework writes
// ("package":{"name":"adapt_framework","version":"5.40.10"}). The text is
// searched, not parsed: it is minified JavaScript.
std::string framework_version(const ContentInput &in, const std::string &root, const Value &config) {
    const std::string build = root + "adapt/js/build.min.js";
    const PackageEntry *e = in.index.find(build);
    std::string text;
    ContentProblem ignored;
    if (e && e->size <= (1u << 20) && content::read_file(in, build, text, ignored)) {
        const std::size_t at = text.find("\"adapt_framework\"");
        if (at != std::string::npos) {
            const std::string_view near = std::string_view(text).substr(at, 200);
            const std::size_t v = near.find("\"version\"");
            if (v != std::string_view::npos) {
                const std::size_t open = near.find('"', near.find(':', v + 9));
                const std::size_t close = open == std::string_view::npos ? open : near.find('"', open + 1);
                if (close != std::string_view::npos) return std::string(near.substr(open + 1, close - open - 1));
            }
        }
    }
    if (config.IsObject() && config.HasMember("build")) return std::string(string_member(config["build"], "version"));
    return "";
}

// A plain-text title: displayTitle, unless it is empty or a template
// ("Question {{questionNumber}}"), else title.
std::string title_of(const Value &v) {
    std::string shown = content::plain_text(string_member(v, "displayTitle"));
    if (!shown.empty() && shown.find("{{") == std::string::npos) return shown;
    std::string title = content::plain_text(string_member(v, "title"));
    return title.empty() ? shown : title;
}

// Whether an HTML text shows anything: a character outside the tags that is
// not a space (or a lone &nbsp;). Cheaper than parsing every body.
bool shows_text(std::string_view html) {
    bool in_tag = false;
    for (std::size_t i = 0; i < html.size(); ++i) {
        const char c = html[i];
        if (in_tag) {
            in_tag = c != '>';
        } else if (c == '<') {
            in_tag = true;
        } else if (c == '&' && html.compare(i, 6, "&nbsp;") == 0) {
            i += 5;
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            return true;
        }
    }
    return false;
}

bool ascii_iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
    return true;
}

// Whether an HTML text may reference a package file: an attribute that
// AssetFinder looks at (src, href, poster, data, background) whose value is
// not plainly a URL or an anchor. Only a pre-filter, on the safe side (any
// doubt says yes): the HTML parser is the costliest step of a body, and most
// bodies reference nothing or only link out.
bool html_may_reference(std::string_view html) {
    static constexpr std::string_view kAttrs[] = {"src", "href", "poster", "data", "background"};
    static constexpr std::string_view kNotFiles[] = {"http://", "https://", "//", "mailto:", "tel:", "#"};
    for (std::size_t eq = html.find('='); eq != std::string_view::npos; eq = html.find('=', eq + 1)) {
        std::size_t end = eq;  // the attribute name ends before spaces and '='
        while (end > 0 && html[end - 1] == ' ') --end;
        const bool wanted = std::any_of(std::begin(kAttrs), std::end(kAttrs), [&](std::string_view a) {
            return end >= a.size() && ascii_iequal(html.substr(end - a.size(), a.size()), a);
        });
        if (!wanted) continue;
        std::size_t v = eq + 1;
        while (v < html.size() && (html[v] == ' ' || html[v] == '"' || html[v] == '\'' || html[v] == '\\')) ++v;
        const std::string_view value = html.substr(v);
        const bool url = std::any_of(std::begin(kNotFiles), std::end(kNotFiles), [&](std::string_view p) {
            return value.size() >= p.size() && ascii_iequal(value.substr(0, p.size()), p);
        });
        if (!url) return true;
    }
    return false;
}

// Every string inside a JSON value, in document order: a component's text
// and its references. The buffers are kept from one component to the next.
class Strings {
public:
    const std::vector<std::string_view> &of(const Value &value) {
        strings_.clear();
        stack_.assign(1, &value);
        while (!stack_.empty()) {
            const Value *v = stack_.back();
            stack_.pop_back();
            if (v->IsString()) {
                strings_.emplace_back(v->GetString(), v->GetStringLength());
            } else if (v->IsArray()) {
                for (auto it = v->End(); it != v->Begin();) stack_.push_back(&*--it);
            } else if (v->IsObject()) {
                for (auto it = v->MemberEnd(); it != v->MemberBegin();) stack_.push_back(&(--it)->value);
            }
        }
        return strings_;
    }

private:
    std::vector<const Value *> stack_;
    std::vector<std::string_view> strings_;
};

// The files a component's strings reference: AssetFinder on each string,
// HTML through its parser only when it may reference one (see above).
// Also appends every string to `data` (NUL after each): the component's
// text, whose digest goes into the piece's fingerprint.
void find_assets(const std::vector<std::string_view> &strings, const content::AssetFinder &finder,
                 std::vector<std::string> &out, std::string &data) {
    std::size_t bytes = data.size();
    for (std::string_view s : strings) bytes += s.size() + 1;
    data.reserve(bytes);
    for (std::string_view s : strings) {
        data.append(s);
        data.push_back('\0');
        if (s.find('<') == std::string_view::npos) finder.add(s, out);
        else if (html_may_reference(s)) finder.from_html(s, out);
    }
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), s) != set.end();
}

// The component plug-ins that are questions, and those the learner works
// with (Adapt's contrib plug-ins and the common community ones).
bool question_component(std::string_view c) {
    return one_of(c, {"mcq", "gmcq", "matching", "slider", "textinput", "openTextInput", "confidenceSlider",
                      "dragndrop", "hotspot", "ppq", "textInput", "questionStrip", "multipleChoice"});
}
bool interactive_component(std::string_view c) {
    return one_of(c, {"accordion", "narrative", "hotgraphic", "tabs", "flipcard", "reveal", "hotspotmenu",
                      "carousel", "stacklist", "timeline", "hotgrid", "slidercarousel", "dragndrop",
                      "hotspot", "questionStrip", "flipcards", "gallery", "scenario", "branching"});
}

void set_facts(const Value &v, std::string_view component, ContentPiece &p) {
    p.is_question |= question_component(component) || has_member(v, "_attempts") ||
                     has_member(v, "_questionWeight") || has_member(v, "_feedback");
    p.has_interactions |= interactive_component(component);
    p.has_text |= shows_text(string_member(v, "body"));
    p.has_media |= component == "graphic" || component == "media";
    for (const std::string &f : p.files) {
        const FileKind k = file_kind(f);
        p.has_media |= k == FileKind::Image || k == FileKind::Audio || k == FileKind::Video;
    }
}

ContentOrigin origin_of(const Language &lang, const Object &o, std::string type) {
    return ContentOrigin{std::move(type), lang.files[o.file]->path, o.index < 0 ? "" : "/" + std::to_string(o.index)};
}

// The objects of one language by _parentId, in the order of the data (the
// order Adapt shows them in). Each parent id's children are a list threaded
// through the objects' indices, so no list is allocated per parent.
class Tree {
public:
    Tree(const std::vector<Object> &objects, const Object *course) : objects_(objects), next_(objects.size(), kEnd) {
        kids_.reserve(objects.size());
        for (std::uint32_t i = 0; i < objects.size(); ++i) {
            const Object &o = objects[i];
            if (o.parent.empty() || &o == course) continue;
            Kids &k = kids_[o.parent];
            if (k.first == kEnd) k.first = i;
            else next_[k.last] = i;
            k.last = i;
        }
    }

    // Pushes the children of `id` onto `stack`, the first child on top,
    // unless they were pushed before: each id's children are pushed once, so
    // a cycle or a repeated id cannot loop.
    void push_children(std::string_view id, std::vector<const Object *> &stack) {
        const auto it = kids_.find(id);
        if (it == kids_.end() || it->second.pushed) return;
        it->second.pushed = true;
        const std::size_t at = stack.size();
        for (std::uint32_t i = it->second.first; i != kEnd; i = next_[i]) stack.push_back(&objects_[i]);
        std::reverse(stack.begin() + static_cast<std::ptrdiff_t>(at), stack.end());
    }

private:
    static constexpr std::uint32_t kEnd = UINT32_MAX;
    struct Kids {
        std::uint32_t first = kEnd, last = kEnd;
        bool pushed = false;
    };
    const std::vector<Object> &objects_;
    std::unordered_map<std::string_view, Kids> kids_;
    std::vector<std::uint32_t> next_;  // the next child of the same parent, by object index
};

// Builds the modules and pieces, one language after the other (the default
// first). A component already read in an earlier language gains this
// language's files; one new in this language is added where this language
// places it.
class Builder {
public:
    Builder(const ContentInput &in, ContentModel &model) : in_(in), model_(model) {}

    bool add_language(const Language &lang, ContentProblem &problem) {
        const Object *course = nullptr;
        for (const Object &o : lang.objects)
            if (o.type == "course") {
                course = &o;
                break;
            }
        if (!course) {
            problem.file = lang.folder + std::string(kCourseJson);
            problem.message = "it holds no object of _type \"course\"";
            return false;
        }
        const std::string_view course_id = course->id;
        if (languages_read_ > 0 && pieces_.empty()) index_pieces();
        if (course_id.empty()) {
            problem.file = lang.files[course->file]->path;
            problem.message = "the course object has no _id, so no page can name it as its parent";
            return false;
        }
        Tree tree(lang.objects, course);
        const content::AssetFinder finder(in_.index, {root_, lang.folder});
        std::vector<bool> reached(lang.objects.size());  // the components met under a module
        struct NoteLeftOut {  // on every way out: the components no module holds
            const Language &lang;
            const std::vector<bool> &reached;
            ContentModel &model;
            ~NoteLeftOut() {
                std::size_t left = 0;
                const Object *first = nullptr;
                for (const Object &o : lang.objects) {
                    if (!o.is_component || reached[static_cast<std::size_t>(&o - lang.objects.data())]) continue;
                    if (!first) first = &o;
                    ++left;
                }
                if (left == 0) return;
                model.notes.push_back(
                    {lang.files[first->file]->path, 0,
                     std::to_string(left) + (left == 1 ? " component is" : " components are") +
                         " left out: no _parentId chain leads from them to the course (the first: '" +
                         std::string(first->id) + "')"});
            }
        } note_left_out{lang, reached, model_};
        std::vector<const Object *> top, stack, components;
        tree.push_children(course_id, top);  // the course's own children are never pushed again
        if (top.empty()) return true;
        std::unordered_set<std::string_view> module_ids{course_id};  // each module once per language
        for (auto module_object = top.rbegin(); module_object != top.rend(); ++module_object) {
            const std::string_view module_id = (*module_object)->id;
            if (module_id.empty() || (*module_object)->is_component || !module_ids.insert(module_id).second) continue;
            const std::size_t module = module_index(lang, **module_object, module_id);
            tree.push_children(module_id, stack);
            // Depth-first, in order, with an explicit stack. Components whose
            // _parentId chain does not reach the course (a missing or cyclic
            // parent) are never met here: they belong to no module and are
            // left out.
            components.clear();
            while (!stack.empty()) {
                const Object *o = stack.back();
                stack.pop_back();
                if (o->is_component) {
                    reached[static_cast<std::size_t>(o - lang.objects.data())] = true;
                    components.push_back(o);
                } else if (!o->id.empty()) {
                    tree.push_children(o->id, stack);
                }
            }
            model_.modules[module].pieces.reserve(model_.modules[module].pieces.size() + components.size());
            for (const Object *o : components) add_component(lang, *o, module, finder);
        }
        ++languages_read_;
        return true;
    }

    void set_root(std::string root) { root_ = std::move(root); }

private:
    std::size_t module_index(const Language &lang, const Object &o, std::string_view id) {
        const auto [it, added] = modules_.try_emplace(std::string(id), model_.modules.size());
        if (added) {
            ContentModule m;
            m.id = std::string(id);
            m.title = title_of(*o.value);
            m.origin = origin_of(lang, o, "adapt:" + std::string(o.type.empty() ? "contentobject" : o.type));
            model_.modules.push_back(std::move(m));
        }
        return it->second;
    }

    void add_component(const Language &lang, const Object &o, std::size_t module,
                       const content::AssetFinder &finder) {
        const Value &v = *o.value;
        const std::string_view id = o.id, component = o.component;
        if (id.empty()) return;  // nothing to track it by
        // Same id in a later language: the same piece. Same id twice in one
        // language: two pieces (the core tells them apart and warns).
        ContentPiece *piece = nullptr;
        const auto found = languages_read_ > 0 ? pieces_.find(std::string(id)) : pieces_.end();
        if (found != pieces_.end() && found->second.language != languages_read_) {
            piece = &model_.modules[found->second.module].pieces[found->second.piece];
        } else {
            ContentModule &m = model_.modules[module];
            if (languages_read_ > 0) pieces_[std::string(id)] = Place{module, m.pieces.size(), languages_read_};
            m.pieces.emplace_back();
            piece = &m.pieces.back();
            piece->id = std::string(id);
            piece->title = title_of(v);
            piece->origin = origin_of(lang, o, "adapt:" + std::string(component.empty() ? "component" : component));
        }
        // Its text lives in components.json beside every other component's:
        // its own strings (each language's) go into its fingerprint.
        find_assets(strings_.of(v), finder, piece->files, piece->data);
        content::sort_unique(piece->files);
        set_facts(v, component, *piece);
    }

    // Where each piece is, by id: made when a second language starts (a
    // course in one language needs no lookup).
    void index_pieces() {
        for (std::size_t m = 0; m < model_.modules.size(); ++m)
            for (std::size_t p = 0; p < model_.modules[m].pieces.size(); ++p)
                pieces_[model_.modules[m].pieces[p].id] = Place{m, p, 0};  // a repeated id: the last one
    }

    struct Place {
        std::size_t module, piece;
        int language;  // the language it was first read in
    };
    const ContentInput &in_;
    ContentModel &model_;
    std::string root_;
    int languages_read_ = 0;
    std::unordered_map<std::string, std::size_t> modules_;
    std::unordered_map<std::string, Place> pieces_;
    Strings strings_;
};

// The identifier adapt-contrib-spoor gives the manifest it writes.
std::string manifest_identifier(const rapidjson::Value &config) {
    const rapidjson::Value *spoor = content::member(config, "_spoor");
    const rapidjson::Value *advanced = spoor ? content::member(*spoor, "_advancedSettings") : nullptr;
    const std::string_view id = advanced ? string_member(*advanced, "_manifestIdentifier") : std::string_view{};
    return id.empty() ? std::string("adapt_manifest") : std::string(id);
}

class AdaptReader : public ContentReader {
public:
    const char *tool() const override { return "adapt"; }
    // course/<lang>/course.json
    std::vector<std::string_view> marker_files() const override { return {kCourseJson}; }

    ContentResult read(const ContentInput &in, ContentModel &out, ContentProblem &problem) const override {
        Layout layout;
        if (!find_layout(in.source.entries(), layout) || layout.languages.empty()) return ContentResult::NotMine;
        const std::string config_path = layout.root + "course/config.json";
        if (!in.index.find(config_path)) return ContentResult::NotMine;

        // Recognised by content: a course.json that names an object of _type
        // "course". A file that says "_type" but does not parse is Adapt's,
        // damaged.
        Language &first = layout.languages.front();
        const std::string course_path = first.folder + std::string(kCourseJson);
        // One that cannot be read at all (over the size limit) is taken as
        // Adapt's on its layout alone (course/config.json beside
        // course/<lang>/course.json), so that the limit is reported.
        std::string text;
        if (!content::read_file(in, course_path, text, problem)) return ContentResult::Failed;
        if (text.find("\"_type\"") == std::string::npos) return ContentResult::NotMine;
        rapidjson::Document course;
        if (!content::parse_json(in, text, course_path, course, problem)) return ContentResult::Failed;
        const rapidjson::Value *course_value = course_object(course);
        if (!course_value) return ContentResult::NotMine;

        std::string config_text;
        rapidjson::Document config;
        if (!content::read_json_file(in, config_path, config_text, config, problem)) return ContentResult::Failed;
        const std::string_view wanted = string_member(config, "_defaultLanguage");
        std::stable_partition(layout.languages.begin(), layout.languages.end(),
                              [&](const Language &l) { return l.code == wanted; });

        out.tool = "adapt";
        out.version = framework_version(in, layout.root, config);
        out.source = layout.languages.front().folder + std::string(kCourseJson);
        // Without spoor there is no manifest: name the course as spoor's
        // manifest would (its identifier setting, else "adapt_manifest"), so
        // that its statuses stay the same course when spoor is turned on.
        out.course_id = manifest_identifier(config);
        out.course_title = title_of(*course_value);
        Builder builder(in, out);
        builder.set_root(layout.root);
        for (Language &lang : layout.languages) {
            if (!read_language(in, lang, problem) || !builder.add_language(lang, problem)) return ContentResult::Failed;
            // The parsed text is no longer needed once its pieces are built.
            lang.files.clear();
            lang.objects.clear();
        }
        return ContentResult::Read;
    }
};

}  // namespace

std::unique_ptr<ContentReader> make_adapt_reader() { return std::make_unique<AdaptReader>(); }

}  // namespace coursecrew
