// H5P content's own structure (see docs/content-readers/h5p.md).
//
// H5P content comes in two layouts inside a package:
//
//  - files: <base>h5p.json (title, mainLibrary) and <base>content/content.json
//    (the main library's parameters), as in an .h5p file or the
//    h5p-standalone player's workspace/ folder;
//  - inline: one HTML page whose script sets H5PIntegration = {...}, with
//    H5PIntegration.contents["cid-<id>"].jsonContent holding the parameters
//    as a JSON document inside a JSON string (Lumi's HTML export).
//
// Sub-content is any object of the parameters with both `library`
// ("H5P.MultiChoice 1.16") and `params`; it is the piece. An Interactive
// Book is one module per chapter, a Course Presentation one per slide;
// anything else is one module. A content without sub-content (Dialog Cards)
// is its own one piece.
#include "adapters/content/readers.hpp"

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "adapters/content/common/content_util.hpp"
#include "plugin/roles/rolemap.hpp"

namespace coursecrew {

namespace {

using content::ends_with;
using content::string_member;
using content::member;

using rapidjson::Value;

constexpr std::uint64_t kSniffBytes = 1u << 20;  // how much of a launch page is searched for H5PIntegration




bool is_sub_content(const Value &v) {
    const Value *params = member(v, "params");
    return params && params->IsObject() && !string_member(v, "library").empty();
}

// "H5P.MultiChoice 1.16" -> "H5P.MultiChoice".
std::string machine_name(std::string_view library) {
    return std::string(library.substr(0, library.find(' ')));
}

// RFC 6901: '~' and '/' escaped in a pointer segment.
std::string pointer_segment(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

// At most `max` bytes of `s`, cut at a character boundary, "..." added.
std::string shorten(std::string s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
    return s + "...";
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), s) != set.end();
}

// The content types that are questions, that the learner works with, that
// are media and that are text (H5P's own names, "H5P." dropped).
bool question_type(std::string_view t) {
    return one_of(t, {"MultiChoice", "TrueFalse", "Blanks", "AdvancedBlanks", "DragQuestion", "DragText",
                      "MarkTheWords", "SingleChoiceSet", "Summary", "QuestionSet", "Essay", "ArithmeticQuiz",
                      "Crossword", "SortParagraphs", "Dictation", "ImageMultipleHotspotQuestion",
                      "ImageHotspotQuestion", "ImagePair", "ImageSequencing", "MultiMediaChoice", "FindTheWords",
                      "SpeakTheWords", "SpeakTheWordsSet", "Flashcards"});
}
bool interactive_type(std::string_view t) {
    return one_of(t, {"Accordion", "Dialogcards", "Flashcards", "ImageHotspots", "InteractiveVideo",
                      "ImageSlider", "Timeline", "Agamotto", "ImageJuxtaposition", "MemoryGame", "InteractiveBook",
                      "CoursePresentation", "BranchingScenario", "GuessTheAnswer", "DragQuestion", "DragText",
                      "ImageSequencing", "ImagePair", "Collage", "Questionnaire", "InfoWall"});
}
bool media_type(std::string_view t) {
    return one_of(t, {"Image", "Video", "Audio", "ImageSlider", "Collage", "InteractiveVideo", "ImageHotspots",
                      "Agamotto", "ImageJuxtaposition", "TwitterUserFeed"});
}
bool text_type(std::string_view t) { return one_of(t, {"AdvancedText", "Text", "Table"}); }

bool shows_text(std::string_view html) {
    bool in_tag = false;
    for (char c : html) {
        if (in_tag) in_tag = c != '>';
        else if (c == '<') in_tag = true;
        else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return true;
    }
    return false;
}

void set_facts(std::string_view library, const Value &params, ContentPiece &p) {
    std::string_view t = library.substr(0, library.find(' '));  // no version
    if (t.substr(0, 4) == "H5P.") t.remove_prefix(4);
    p.is_question = question_type(t);
    p.has_interactions = interactive_type(t);
    p.has_media = media_type(t);
    p.has_text = text_type(t) || shows_text(string_member(params, "text")) ||
                 shows_text(string_member(params, "question")) || shows_text(string_member(params, "description"));
    for (const std::string &f : p.files) {
        const FileKind k = file_kind(f);
        p.has_media |= k == FileKind::Image || k == FileKind::Audio || k == FileKind::Video;
    }
}

// One H5P content: its main library's parameters and where they were read.
struct Content {
    std::string id;       // the content's id ("cid-..." inline; h5p.json's title in the files layout)
    std::string title;
    std::string library;  // machine name, "H5P.Accordion"
    const Value *params = nullptr;
    std::string file;     // package path of the parameters
    std::string at;       // JSON pointer of the parameters in that file ("" = the whole file)
    std::vector<std::string> bases;  // folders its file references resolve against
};

// Everything one walk over a content's parameters finds.
struct Walk {
    std::vector<ContentPiece> pieces;  // the sub-content, in document order
    std::vector<const Value *> subs;   // each piece's object (library, params)
    std::vector<std::string> own_files;  // files of the parameters outside any sub-content
    std::string own_data;                // their strings (the whole content's data when it is its own piece)
};

// A piece's title: its metadata title, unless H5P's default ("Untitled
// Text"); else the title beside it in the object holding it (an accordion
// panel's title); else the start of its own title, question, text or
// alt text; else its type.
std::string piece_title(const Value &sub, const Value *holder, const std::string &library) {
    std::string t;
    if (const Value *meta = member(sub, "metadata")) t = content::plain_text(string_member(*meta, "title"));
    if (!t.empty() && t.compare(0, 8, "Untitled") != 0) return t;
    if (holder) {
        std::string beside = content::plain_text(string_member(*holder, "title"));
        if (!beside.empty()) return beside;
    }
    const Value &params = sub["params"];
    for (const char *name : {"title", "question", "text", "alt"}) {
        std::string text = content::plain_text(string_member(params, name));
        if (!text.empty()) return shorten(std::move(text), 80);
    }
    return t.empty() ? library : t;
}

// Collects the sub-content under `root` (not `root` itself), each with the
// files of its own parameters (a nested sub-content's files are its own).
// Depth-first with an explicit stack, in document order.
Walk walk(const Content &c, const Value &root, const std::string &root_at, const content::AssetFinder &finder) {
    struct Frame {
        const Value *v;
        std::string at;
        long owner;             // index into pieces; -1: the root's own
        const Value *holder;    // the object holding v as a member, when it is one
    };
    Walk out;
    std::vector<std::vector<std::string>> files;  // per piece, while walking
    std::vector<std::string> data;                // per piece: its strings (the fingerprint's own data)
    std::vector<Frame> stack{{&root, root_at, -1, nullptr}};
    while (!stack.empty()) {
        Frame f = std::move(stack.back());
        stack.pop_back();
        const Value &v = *f.v;
        if (v.IsString()) {
            const std::string_view s(v.GetString(), v.GetStringLength());
            std::vector<std::string> &into = f.owner < 0 ? out.own_files : files[static_cast<std::size_t>(f.owner)];
            std::string &text = f.owner < 0 ? out.own_data : data[static_cast<std::size_t>(f.owner)];
            text.append(s);
            text.push_back('\0');
            if (s.find('<') != std::string_view::npos) {
                if (s.find("src") != std::string_view::npos) finder.from_html(s, into);
            } else {
                finder.add(s, into);
            }
        } else if (v.IsArray()) {
            for (rapidjson::SizeType i = v.Size(); i-- > 0;)
                stack.push_back(Frame{&v[i], f.at + "/" + std::to_string(i), f.owner, nullptr});
        } else if (v.IsObject()) {
            long owner = f.owner;
            const Value *walk_from = &v;
            std::string at = f.at;
            if (&v != &root && is_sub_content(v)) {
                const std::string library = machine_name(string_member(v, "library"));
                ContentPiece p;
                const std::string_view sub_id = string_member(v, "subContentId");
                // Without a subContentId (older content), the place in the
                // parameters is the only stable name the content gives it.
                p.id = sub_id.empty() ? c.id + f.at.substr(c.at.size()) : std::string(sub_id);
                p.title = piece_title(v, f.holder, library);
                p.origin = ContentOrigin{"h5p:" + library, c.file, f.at};
                owner = static_cast<long>(out.pieces.size());
                out.pieces.push_back(std::move(p));
                out.subs.push_back(&v);
                files.emplace_back();
                data.emplace_back();
                walk_from = &v["params"];  // metadata and ids reference no files
                at += "/params";
            }
            for (auto it = walk_from->MemberEnd(); it != walk_from->MemberBegin();) {
                --it;
                stack.push_back(Frame{&it->value,
                                      at + "/" + pointer_segment({it->name.GetString(), it->name.GetStringLength()}),
                                      owner, walk_from});
            }
        }
    }
    for (std::size_t i = 0; i < out.pieces.size(); ++i) {
        ContentPiece &p = out.pieces[i];
        p.files = std::move(files[i]);
        p.data = std::move(data[i]);  // its text, in content.json beside every other piece's
        content::sort_unique(p.files);
        // Facts once the files are known (they say whether there are media).
        set_facts(string_member(*out.subs[i], "library"), (*out.subs[i])["params"], p);
    }
    return out;
}

class Builder {
public:
    Builder(const ContentInput &in, ContentModel &model) : in_(in), model_(model) {}

    void add(const Content &c) {
        const content::AssetFinder finder(in_.index, c.bases);
        const Value &params = *c.params;
        if (c.library == "H5P.InteractiveBook" && member(params, "chapters") && params["chapters"].IsArray()) {
            const Value &chapters = params["chapters"];
            for (rapidjson::SizeType i = 0; i < chapters.Size(); ++i) {
                const Value &ch = chapters[i];
                if (!is_sub_content(ch)) continue;
                const std::string at = c.at + "/chapters/" + std::to_string(i);
                const std::string_view sub_id = string_member(ch, "subContentId");
                ContentModule m;
                m.id = sub_id.empty() ? c.id + at : std::string(sub_id);
                std::string title;
                if (const Value *meta = member(ch, "metadata")) title = content::plain_text(string_member(*meta, "title"));
                m.title = title.empty() ? "Chapter " + std::to_string(i + 1) : title;
                m.origin = ContentOrigin{"h5p:chapter", c.file, at};
                finish(c, ch["params"], at + "/params", finder, std::move(m), nullptr);
            }
            return;
        }
        const Value *slides = nullptr;
        if (c.library == "H5P.CoursePresentation")
            if (const Value *pres = member(params, "presentation")) slides = member(*pres, "slides");
        if (slides && slides->IsArray()) {
            for (rapidjson::SizeType i = 0; i < slides->Size(); ++i) {
                const Value &slide = (*slides)[i];
                const std::string at = c.at + "/presentation/slides/" + std::to_string(i);
                ContentModule m;
                // Slides have no id of their own: the slide's place is the
                // only name the content gives it.
                m.id = c.id + "/slides/" + std::to_string(i);
                std::string title;
                if (const Value *kw = member(slide, "keywords"); kw && kw->IsArray() && !kw->Empty())
                    title = content::plain_text(string_member((*kw)[0], "main"));
                m.title = title.empty() ? "Slide " + std::to_string(i + 1) : title;
                m.origin = ContentOrigin{"h5p:slide", c.file, at};
                finish(c, slide, at, finder, std::move(m), nullptr);
            }
            return;
        }
        ContentModule m;
        m.id = c.id;
        m.title = c.title;
        m.origin = ContentOrigin{"h5p:" + c.library, c.file, c.at};
        finish(c, params, c.at, finder, std::move(m), &c);
    }

private:
    // Walks `root` into `m`'s pieces. `whole`: the module is the whole
    // content, which is its own piece when it holds no sub-content.
    void finish(const Content &c, const Value &root, const std::string &at, const content::AssetFinder &finder,
                ContentModule m, const Content *whole) {
        Walk w = walk(c, root, at, finder);
        if (w.pieces.empty() && whole) {
            ContentPiece p;
            p.id = c.id;
            p.title = c.title;
            p.origin = m.origin;
            p.files = std::move(w.own_files);
            p.data = std::move(w.own_data);
            content::sort_unique(p.files);
            set_facts(c.library, root, p);
            w.pieces.push_back(std::move(p));
        }
        m.pieces = std::move(w.pieces);
        model_.modules.push_back(std::move(m));
    }

    const ContentInput &in_;
    ContentModel &model_;
};

// The content's title: its metadata title, else the title inside its
// parameters, else the library.
std::string content_title(std::string_view meta_title, const Value &params, const std::string &library) {
    std::string t = content::plain_text(meta_title);
    if (t.empty()) t = content::plain_text(string_member(params, "title"));
    return t.empty() ? library : t;
}

// ---- The files layout: h5p.json + content/content.json ----------------

struct Files {
    std::string h5p_json, content_json, base;
};

bool find_files(const ContentInput &in, Files &out) {
    std::size_t best_depth = 0;
    bool found = false;
    for (const PackageEntry &e : in.source.entries()) {
        if (!path_ends_with(e.path, "h5p.json")) continue;
        const std::string base = content::folder_of(e.path);
        if (!in.index.find(base + "content/content.json")) continue;
        const auto depth = static_cast<std::size_t>(std::count(base.begin(), base.end(), '/'));
        if (!found || depth < best_depth) {
            out = Files{std::string(e.path), base + "content/content.json", base};
            best_depth = depth;
            found = true;
        }
    }
    return found;
}

ContentResult read_files(const ContentInput &in, const Files &f, ContentModel &out, ContentProblem &problem) {
    std::string text;
    if (!content::read_file(in, f.h5p_json, text, problem)) return ContentResult::Failed;
    if (text.find("\"mainLibrary\"") == std::string::npos) return ContentResult::NotMine;
    rapidjson::Document h5p;
    if (!content::parse_json(in, text, f.h5p_json, h5p, problem)) return ContentResult::Failed;
    const std::string library(string_member(h5p, "mainLibrary"));
    if (library.empty()) return ContentResult::NotMine;
    rapidjson::Document params;
    if (!content::read_file(in, f.content_json, text, problem) ||
        !content::parse_json(in, text, f.content_json, params, problem))
        return ContentResult::Failed;
    if (!params.IsObject()) {
        problem.file = f.content_json;
        problem.message = "it holds no object of parameters for " + library;
        return ContentResult::Failed;
    }
    Content c;
    c.library = library;
    c.params = &params;
    c.title = content_title(string_member(h5p, "title"), params, library);
    // The files layout names the content nowhere but in its title: the
    // title is its id (stable across re-publishing under the same title).
    c.id = c.title;
    c.file = f.content_json;
    c.bases = {f.base + "content/", f.base};
    out.tool = "h5p";
    out.source = f.content_json;
    Builder(in, out).add(c);
    return ContentResult::Read;
}

// ---- The inline layout: H5PIntegration in an HTML page ----------------

// The start of the object assigned to H5PIntegration ("H5PIntegration = {",
// "window.H5PIntegration={"), or npos.
std::size_t integration_start(std::string_view html) {
    for (std::size_t at = html.find("H5PIntegration"); at != std::string_view::npos;
         at = html.find("H5PIntegration", at + 1)) {
        std::size_t i = at + 14;
        while (i < html.size() && (html[i] == ' ' || html[i] == '\t' || html[i] == '\n' || html[i] == '\r')) ++i;
        if (i >= html.size() || html[i] != '=' || (i + 1 < html.size() && html[i + 1] == '=')) continue;
        ++i;
        while (i < html.size() && (html[i] == ' ' || html[i] == '\t' || html[i] == '\n' || html[i] == '\r')) ++i;
        if (i < html.size() && html[i] == '{') return i;
    }
    return std::string_view::npos;
}

// The length of the JSON value starting at `text[0]`: RapidJSON reads one
// value and stops (kParseStopWhenDoneFlag), without building anything and
// without recursion. 0 when the value is cut off or bad; `error` says why
// and `error_at` where (an offset into `text`).
std::size_t json_extent(std::string_view text, std::string &error, std::size_t &error_at) {
    rapidjson::MemoryStream ms(text.data(), text.size());
    rapidjson::Reader reader;
    rapidjson::BaseReaderHandler<> ignore;
    const rapidjson::ParseResult r =
        reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag>(ms, ignore);
    if (r.IsError()) {
        error_at = r.Offset();
        error = r.Offset() >= text.size() ? "the H5PIntegration object ends half-way (at the end of the file)"
                                          : std::string("the H5PIntegration object is not valid JSON: ") +
                                                rapidjson::GetParseError_En(r.Code());
        return 0;
    }
    return ms.Tell();
}

// The pages that may hold H5PIntegration: the manifest's first launch pages
// (a package that is one H5P content has one SCO; a course of 20,000 SCOs
// is not read page by page), and an index.html at or next to the package
// root. A page that is not in the package is not read.
std::vector<std::string> candidate_pages(const ContentInput &in) {
    constexpr std::size_t kLaunchPages = 4;
    std::vector<std::string> pages;
    for (const Resource &r : in.course.resources) {
        if (pages.size() == kLaunchPages) break;
        if (!r.launch_is_url && (ends_with(r.launch_path, ".html") || ends_with(r.launch_path, ".htm")))
            pages.emplace_back(r.launch_path);
    }
    for (const PackageEntry &e : in.source.entries())
        if (e.path == "index.html" || (ends_with(e.path, "/index.html") &&
                                       std::count(e.path.begin(), e.path.end(), '/') == 1))
            pages.emplace_back(e.path);
    std::vector<std::string> unique;
    for (std::string &p : pages)
        if (std::find(unique.begin(), unique.end(), p) == unique.end()) unique.push_back(std::move(p));
    return unique;
}

ContentResult read_inline(const ContentInput &in, const std::string &page, ContentModel &out,
                          ContentProblem &problem) {
    if (content::read_head(in, page, kSniffBytes).find("H5PIntegration") == std::string::npos) return ContentResult::NotMine;
    std::string html;
    if (!content::read_file(in, page, html, problem)) return ContentResult::Failed;
    const std::size_t start = integration_start(html);
    if (start == std::string::npos) return ContentResult::NotMine;
    const long line = content::line_at(html, start);
    std::string error;
    std::size_t error_at = 0;
    const std::size_t length = json_extent(std::string_view(html).substr(start), error, error_at);
    if (length == 0) {
        problem = ContentProblem{page, content::line_at(html, start + error_at), error};
        return ContentResult::Failed;
    }
    // The object is part of the page (a file, under max_file_bytes); the
    // blob limit is for the parameters inside it.
    ContentLimits page_limits = in.limits;
    page_limits.max_blob_bytes = in.limits.max_file_bytes;
    const ContentInput page_in{in.source, in.index, in.course, page_limits};
    rapidjson::Document integration;
    if (!content::parse_json(page_in, std::string_view(html).substr(start, length), page, integration, problem)) {
        problem.line += line - 1;
        return ContentResult::Failed;
    }
    const Value *contents = member(integration, "contents");
    if (!contents || !contents->IsObject() || contents->ObjectEmpty()) return ContentResult::NotMine;

    std::vector<std::unique_ptr<rapidjson::Document>> docs;  // each content's parameters
    std::vector<Content> found;
    const std::string folder = content::folder_of(page);
    for (const auto &entry : contents->GetObject()) {
        const std::string cid(entry.name.GetString(), entry.name.GetStringLength());
        const Value &v = entry.value;
        const std::string_view json = string_member(v, "jsonContent");
        const std::string library = machine_name(string_member(v, "library"));
        if (library.empty() || !member(v, "jsonContent")) continue;
        auto fail = [&](const std::string &what) {
            problem = ContentProblem{page, line, "the parameters (jsonContent) of content '" + cid + "' " + what};
            return ContentResult::Failed;
        };
        if (json.size() > in.limits.max_blob_bytes)
            return fail("are " + std::to_string(json.size()) + " bytes, more than the limit of " +
                        std::to_string(in.limits.max_blob_bytes));
        auto doc = std::make_unique<rapidjson::Document>();
        ContentProblem inner;
        if (!content::parse_json(in, json, page, *doc, inner)) {
            std::string what = inner.message;
            if (what.compare(0, 6, "its JS") == 0) what = what.substr(4);  // "JSON is not valid: ..."
            return fail("are not valid: " + what);
        }
        if (!doc->IsObject()) return fail("are not a JSON object");
        Content c;
        c.id = cid;
        c.library = library;
        c.params = doc.get();
        const Value *meta = member(v, "metadata");
        c.title = content_title(meta ? string_member(*meta, "title") : std::string_view(), *doc, library);
        c.file = page;
        c.at = "/contents/" + pointer_segment(cid) + "/jsonContent";
        c.bases = {folder + "content/", folder};
        docs.push_back(std::move(doc));
        found.push_back(std::move(c));
    }
    if (found.empty()) return ContentResult::NotMine;
    out.tool = "h5p";
    out.source = page;
    Builder builder(in, out);
    for (const Content &c : found) builder.add(c);
    return ContentResult::Read;
}

class H5pReader : public ContentReader {
public:
    const char *tool() const override { return "h5p"; }

    ContentResult read(const ContentInput &in, ContentModel &out, ContentProblem &problem) const override {
        Files files;
        if (find_files(in, files)) {
            const ContentResult r = read_files(in, files, out, problem);
            if (r != ContentResult::NotMine) return r;
        }
        for (const std::string &page : candidate_pages(in)) {
            const ContentResult r = read_inline(in, page, out, problem);
            if (r != ContentResult::NotMine) return r;
        }
        return ContentResult::NotMine;
    }
};

}  // namespace

std::unique_ptr<ContentReader> make_h5p_reader() { return std::make_unique<H5pReader>(); }

}  // namespace coursecrew
