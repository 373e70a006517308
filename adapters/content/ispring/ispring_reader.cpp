// iSpring Suite (issue 11): the presentation model is in the player page
// (res/index.html in a SCORM publish) as var presInfo = "<base64>": base64
// of a zlib stream of JSON with i (the presentation GUID), t (title), ui
// ("issuite_<version>;") and s, the ordered slide list. Each slide has I
// (its GUID), t (title, often empty), x (its text), s (its body,
// data/slideN.js, or data/quizN.js for a quiz slide, marked st:"q") and c
// (its style sheet). The presentation is our one module, its slides our
// pieces.
#include <string>
#include <string_view>
#include <vector>

#include "adapters/content/common/content_util.hpp"
#include "adapters/content/readers.hpp"
#include "plugin/roles/rolemap.hpp"

namespace coursecrew {

namespace {

using content::ends_with;
using content::member;

using rapidjson::Value;


// A member's text as a string of its own ("" when absent).
std::string str(const Value &obj, const char *name) { return std::string(content::string_member(obj, name)); }


bool non_empty_array(const Value *v) { return v && v->IsArray() && !v->Empty(); }

// The base64 literal after `marker` ("var presInfo =", "var quizInfo =");
// `quote` is npos when the marker is not there, `close` when the string
// is not closed.
struct Literal {
    std::size_t quote = std::string::npos, close = std::string::npos;
};

Literal find_literal(std::string_view text, std::string_view marker) {
    Literal lit;
    std::size_t at = text.find(marker);
    if (at == std::string_view::npos) return lit;
    at += marker.size();
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
    if (at >= text.size() || (text[at] != '"' && text[at] != '\'')) return lit;
    lit.quote = at;
    const std::size_t close = text.find(text[at], at + 1);  // base64 holds no quotes or escapes
    lit.close = close == std::string_view::npos ? std::string::npos : close;
    return lit;
}

// A zlib stream starts with CMF (deflate, method 8) and FLG such that
// CMF*256+FLG is a multiple of 31; anything else is taken as raw deflate.
bool has_zlib_header(std::string_view data) {
    if (data.size() < 2) return false;
    const auto cmf = static_cast<unsigned char>(data[0]), flg = static_cast<unsigned char>(data[1]);
    return (cmf & 0x0F) == 8 && (cmf * 256 + flg) % 31 == 0;
}

// The player pages that may be iSpring's: an index.html beside
// data/player.js. A few at most are read.
std::vector<std::string> candidate_pages(const ContentInput &in) {
    std::vector<std::string> pages;
    for (const PackageEntry &e : in.source.entries()) {
        if (!path_ends_with(e.path, "data/player.js")) continue;
        const std::size_t cut = e.path.size() - 14;
        const std::string page = std::string(e.path.substr(0, cut)) + "index.html";
        if (in.index.find(page)) pages.push_back(page);
        if (pages.size() == 4) break;
    }
    return pages;
}

// The tool's version: the page's <!--version X --> comment, else the
// model's ui field ("issuite_10.3.3_9018;" -> "10.3.3.9018").
std::string version_of(std::string_view page, const Value &pres) {
    const std::size_t at = page.find("<!--version ");
    if (at != std::string_view::npos) {
        const std::size_t end = page.find("-->", at);
        if (end != std::string_view::npos && end - at < 80) {
            std::string v(page.substr(at + 12, end - at - 12));
            while (!v.empty() && v.back() == ' ') v.pop_back();
            if (!v.empty()) return v;
        }
    }
    std::string ui = str(pres, "ui");
    const std::size_t us = ui.find('_');
    if (us == std::string::npos) return {};
    ui = ui.substr(us + 1);
    while (!ui.empty() && ui.back() == ';') ui.pop_back();
    for (char &c : ui)
        if (c == '_') c = '.';
    return ui;
}

// References in a slide body: data/slideN.js calls
// loadHandler(<index>, '<html>', '<json>'): the HTML's img/src and the
// JSON's strings (background images) name files relative to the page.
void slide_references(const ContentInput &in, const std::string &file, const content::AssetFinder &finder,
                      std::vector<std::string> &out) {
    std::string text;
    ContentProblem ignored;
    if (!content::read_file(in, file, text, ignored)) return;
    const std::size_t call = text.rfind("loadHandler(");
    if (call == std::string::npos) return;
    for (std::size_t i = call; i < text.size(); ++i) {
        if (text[i] != '\'' && text[i] != '"') continue;
        std::string s, error;
        std::size_t end = 0;
        if (!content::js_string(text, i, in.limits.max_blob_bytes, s, end, error)) return;
        i = end - 1;
        if (!s.empty() && (s.front() == '{' || s.front() == '[')) {
            rapidjson::Document doc;
            if (content::parse_json(in, s, file, doc, ignored)) finder.from_json(doc, out);
        } else {
            finder.from_html(s, out);
        }
    }
}

// The quiz's data: data/quizN.js holds var quizInfo = "<base64 JSON>".
// Its title (d.T) names the quiz slide; of the files it names, only those
// the package holds are kept (it also carries paths on the author's
// machine). Unreadable quiz data only costs the slide its title and files.
void read_quiz(const ContentInput &in, const std::string &file, const std::string &page_folder,
               ContentPiece &piece) {
    std::string text, b64, json, error;
    ContentProblem ignored;
    if (!content::read_file(in, file, text, ignored)) return;
    const Literal lit = find_literal(text, "var quizInfo =");
    if (lit.close == std::string::npos) return;
    if (!content::base64_decode(std::string_view(text).substr(lit.quote + 1, lit.close - lit.quote - 1),
                                in.limits.max_blob_bytes, json, error))
        return;
    rapidjson::Document doc;
    if (!content::parse_json(in, json, file, doc, ignored)) return;
    if (piece.title.empty())
        if (const Value *d = member(doc, "d")) piece.title = content::plain_text(str(*d, "T"));
    // Its paths are relative to the quiz file (quiz1/fonts/fnt0.woff, or with backslashes).
    const content::AssetFinder finder(in.index, {content::folder_of(file), page_folder});
    std::vector<std::string> refs;
    finder.from_json(doc, refs);
    for (std::string &r : refs)
        if (in.index.find(r)) piece.files.push_back(std::move(r));
}

class IspringReader : public ContentReader {
public:
    const char *tool() const override { return "ispring"; }
    std::vector<std::string_view> marker_files() const override { return {"data/player.js"}; }

    ContentResult read(const ContentInput &in, ContentModel &out, ContentProblem &problem) const override {
        for (const std::string &page : candidate_pages(in)) {
            std::string text;
            if (!content::read_file(in, page, text, problem)) continue;
            const Literal lit = find_literal(text, "var presInfo =");
            if (lit.quote == std::string::npos) continue;  // not iSpring's page
            rapidjson::Document pres;
            if (!decode(in, page, text, lit, pres, problem)) return ContentResult::Failed;
            const Value *slides = member(pres, "s");
            if (!slides || !slides->IsArray()) {
                problem = {page, content::line_at(text, lit.quote), "the presentation data has no slide list (s)"};
                return ContentResult::Failed;
            }
            out.tool = "ispring";
            out.version = version_of(text, pres);
            out.source = page;
            return read_slides(in, page, content::line_at(text, lit.quote), pres, *slides, out, problem);
        }
        problem = {};
        return ContentResult::NotMine;
    }

private:
    // base64 -> zlib -> JSON, each step's output checked against
    // max_blob_bytes before (base64) or while (zlib) it is produced.
    static bool decode(const ContentInput &in, const std::string &page, const std::string &text, const Literal &lit,
                       rapidjson::Document &pres, ContentProblem &problem) {
        problem = {page, content::line_at(text, lit.quote), {}};
        if (lit.close == std::string::npos) {
            problem.message = "the base64 presentation data (presInfo) ends half-way (its string is not closed)";
            return false;
        }
        std::string zipped, json, error;
        if (!content::base64_decode(std::string_view(text).substr(lit.quote + 1, lit.close - lit.quote - 1),
                                    in.limits.max_blob_bytes, zipped, error)) {
            problem.message = "the presentation data (presInfo) cannot be decoded: " + error;
            return false;
        }
        if (!content::inflate(zipped, in.limits.max_blob_bytes, json, error, !has_zlib_header(zipped))) {
            problem.message = "the presentation data (presInfo) cannot be inflated: " + error;
            return false;
        }
        ContentProblem json_problem;
        if (!content::parse_json(in, json, page, pres, json_problem)) {
            problem.message = "the inflated presentation data (presInfo) " + json_problem.message;
            return false;
        }
        problem = {};
        return true;
    }

    static ContentResult read_slides(const ContentInput &in, const std::string &page, long line, const Value &pres,
                                     const Value &slides, ContentModel &out, ContentProblem &problem) {
        const std::string base = content::folder_of(page);
        const content::AssetFinder finder(in.index, {base});
        ContentModule module;
        module.id = str(pres, "i");
        module.title = content::plain_text(str(pres, "t"));
        module.origin = {"ispring:presentation", page, "line " + std::to_string(line)};
        if (slides.Size() > in.limits.max_pieces) {
            problem = {page, 0, "it holds more than " + std::to_string(in.limits.max_pieces) + " slides"};
            return ContentResult::Failed;
        }
        for (rapidjson::SizeType i = 0; i < slides.Size(); ++i)
            module.pieces.push_back(read_slide(in, page, slides[i], i, finder));
        if (module.id.empty()) module.id = page;  // an old build without i: the page stands for it
        out.modules.push_back(std::move(module));
        return ContentResult::Read;
    }

    static ContentPiece read_slide(const ContentInput &in, const std::string &page, const Value &slide,
                                   rapidjson::SizeType i, const content::AssetFinder &finder) {
        ContentPiece piece;
        const std::string number = std::to_string(i + 1);
        // I is the slide's GUID and survives re-publishing; a build without
        // it leaves the slide's position as the only key there is.
        piece.id = str(slide, "I");
        if (piece.id.empty()) piece.id = "slide-" + number;
        piece.title = content::plain_text(str(slide, "t"));
        const bool quiz = str(slide, "st") == "q";
        // at: a pointer into the decoded presInfo JSON.
        piece.origin = {quiz ? "ispring:quiz" : "ispring:slide", page, "/s/" + std::to_string(i)};
        piece.is_question = quiz;
        piece.has_interactions = quiz;
        const Value *interactive = member(slide, "si");  // shapes with triggers
        if (interactive && non_empty_array(member(*interactive, "shapes"))) piece.has_interactions = true;
        piece.has_text = !content::plain_text(str(slide, "x")).empty();
        // S and V: the slide's sounds and videos.
        piece.has_media = non_empty_array(member(slide, "S")) || non_empty_array(member(slide, "V"));
        // The slide body and style sheet (the thumbnail T is the player's, not the author's).
        const std::string body = str(slide, "s"), style = str(slide, "c");
        std::vector<std::string> own;
        if (!style.empty()) finder.add(style, own);
        if (!body.empty() && finder.add(body, own)) {
            if (quiz) read_quiz(in, own.back(), content::folder_of(page), piece);
            else slide_references(in, own.back(), finder, piece.files);
        }
        for (std::string &f : own)
            if (in.index.find(f)) piece.files.push_back(std::move(f));
        for (const std::string &f : piece.files) {
            const FileKind kind = file_kind(f);
            if (kind == FileKind::Audio || kind == FileKind::Video) piece.has_media = true;
        }
        if (piece.title.empty()) piece.title = (quiz ? "Quiz (slide " : "Slide ") + number + (quiz ? ")" : "");
        // The slide's object in presInfo, the page's one blob for every
        // slide: its title t, text x, notes n and N, animations, sounds and
        // videos. Its body and style sheet (data/slideN.js, .css) are its
        // own files, in `files`; the blob holds what they do not (notes,
        // the text as the player's outline and search see it). Left out:
        // s, c and T, the names of its body, style sheet and thumbnail,
        // numbered by the slide's position (s and c are in `files`).
        content::append_json_except(slide, {"s", "c", "T"}, piece.data);
        content::sort_unique(piece.files);
        return piece;
    }
};

}  // namespace

std::unique_ptr<ContentReader> make_ispring_reader() { return std::make_unique<IspringReader>(); }

}  // namespace coursecrew
