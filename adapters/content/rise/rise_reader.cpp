// Articulate Rise 360 (issue 11): the course is one base64-encoded JSON
// document inside the published package, either in
//   scormcontent/index.html      window.courseData = "<base64>"          (older player)
//   scormcontent/locales/<l>.js  __resolveJsonp("course:<l>", "<base64>") (newer player)
// Rise itself decodes it with atob + TextDecoder + JSON.parse. Decoded, it
// has course.lessons: "section" lessons are the sidebar's headings (our
// modules); the others ("blocks", "quiz") are the lessons (our pieces).
#include <array>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/content/common/content_util.hpp"
#include "adapters/content/readers.hpp"

namespace coursecrew {

namespace {

using content::ends_with;

using rapidjson::Value;

constexpr std::string_view kIndex = "scormcontent/index.html";


// A member's text as a string of its own ("" when absent).
std::string str(const Value &obj, const char *name) { return std::string(content::string_member(obj, name)); }

// Where the base64 course data is: its file, that file's text and the
// offset of the string literal's opening quote.
struct Blob {
    std::string file, text;
    std::size_t quote = 0;
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The opening quote of the string literal in `marker <separator> "..."`
// (blanks allowed around the separator), at the first place the marker is
// followed so; npos when there is none.
std::size_t literal_after(std::string_view text, std::string_view marker, char separator) {
    for (std::size_t at = text.find(marker); at != std::string_view::npos; at = text.find(marker, at + 1)) {
        std::size_t i = at + marker.size();
        while (i < text.size() && is_blank(text[i])) ++i;
        if (separator == ',') {  // __resolveJsonp("course:<locale>", "<base64>"): skip the first argument
            if (i >= text.size() || (text[i] != '"' && text[i] != '\'')) continue;
            i = text.find(text[i], i + 1);
            if (i == std::string_view::npos) return i;
            ++i;
            while (i < text.size() && is_blank(text[i])) ++i;
        }
        if (i >= text.size() || text[i] != separator) continue;
        ++i;
        while (i < text.size() && is_blank(text[i])) ++i;
        if (i < text.size() && (text[i] == '"' || text[i] == '\'')) return i;
    }
    return std::string_view::npos;
}

// The locale the player loads by default: window.i18n = {"available":[...],"default":"und"}.
std::string default_locale(std::string_view index_html) {
    const std::size_t i18n = index_html.find("window.i18n");
    if (i18n == std::string_view::npos) return {};
    const std::size_t key = index_html.find("\"default\"", i18n);
    const std::size_t open = key == std::string_view::npos ? key : index_html.find('"', key + 9);
    const std::size_t close = open == std::string_view::npos ? open : index_html.find('"', open + 1);
    if (close == std::string_view::npos || close - open > 64) return {};
    return std::string(index_html.substr(open + 1, close - open - 1));
}

// Finds the course data. NotMine when index.html holds neither form.
ContentResult find_blob(const ContentInput &in, const std::string &root, Blob &blob, ContentProblem &problem) {
    std::string index;
    if (!content::read_file(in, root + std::string(kIndex), index, problem)) return ContentResult::NotMine;
    // Older player: the data is in index.html itself.
    if (index.find("window.courseData") != std::string::npos) {
        blob.file = root + std::string(kIndex);
        blob.quote = literal_after(index, "window.courseData", '=');
        blob.text = std::move(index);
        return ContentResult::Read;
    }
    // Newer player: index.html loads locales/<locale>.js, which calls __resolveJsonp.
    if (index.find("__resolveJsonp") == std::string::npos) return ContentResult::NotMine;
    const std::string folder = root + "scormcontent/locales/";
    std::vector<std::string> candidates;
    const std::string wanted = default_locale(index);
    if (!wanted.empty()) candidates.push_back(folder + wanted + ".js");
    for (const PackageEntry &e : in.source.entries())
        if (e.path.compare(0, folder.size(), folder) == 0 && ends_with(e.path, ".js") &&
            e.path.find('/', folder.size()) == std::string::npos)
            candidates.emplace_back(e.path);
    for (const std::string &file : candidates) {
        if (!in.index.find(file)) continue;
        std::string text;
        if (!content::read_file(in, file, text, problem)) return ContentResult::Failed;
        if (text.find("__resolveJsonp(\"course:") == std::string::npos &&
            text.find("__resolveJsonp('course:") == std::string::npos)
            continue;
        blob.file = file;
        blob.quote = literal_after(text, "__resolveJsonp(", ',');
        blob.text = std::move(text);
        return ContentResult::Read;
    }
    problem = {root + std::string(kIndex), 0,
               "the player loads its course from scormcontent/locales/, but no locale file there holds it"};
    return ContentResult::Failed;
}

// Decodes the base64 literal into the course JSON.
bool decode(const ContentInput &in, const Blob &blob, rapidjson::Document &doc, ContentProblem &problem) {
    problem.file = blob.file;
    if (blob.quote == std::string::npos) {
        problem.message = "the course data is not a string literal";
        return false;
    }
    problem.line = content::line_at(blob.text, blob.quote);
    // Base64 holds no quotes or backslashes: the literal ends at the next quote.
    const std::size_t close = blob.text.find(blob.text[blob.quote], blob.quote + 1);
    if (close == std::string::npos) {
        problem.message = "the base64 course data ends half-way (its string is not closed)";
        return false;
    }
    std::string json, error;
    const std::string_view b64(blob.text.data() + blob.quote + 1, close - blob.quote - 1);
    if (!content::base64_decode(b64, in.limits.max_blob_bytes, json, error)) {
        problem.message = "the course data cannot be decoded: " + error;
        return false;
    }
    ContentProblem json_problem;
    if (!content::parse_json(in, json, blob.file, doc, json_problem)) {
        // The line is the literal's; a line inside the decoded text means nothing in the file.
        problem.message = "the decoded course data " + json_problem.message;
        return false;
    }
    problem = {};
    return true;
}

// The file Rise exports for one media object ({type, key, crushedKey, src,
// originalUrl...}): a cropped or compressed image is published under its
// crushedKey, a stock image under src, audio and video under key. The other
// names (originalUrl, the upload's key under rise/courses/...) stay on
// Articulate's servers.
std::string exported_name(const Value &media) {
    const std::string type = str(media, "type");
    if (type == "image") {
        const auto crushed = media.FindMember("useCrushedKey");
        if (crushed != media.MemberEnd() && crushed->value.IsBool() && crushed->value.GetBool()) {
            const std::string name = str(media, "crushedKey");
            if (!name.empty()) return name;
        }
        const std::string src = str(media, "src");
        if (!src.empty()) return src;
    }
    return str(media, "key");
}

bool is_media_object(const Value &v) {
    static constexpr std::array<const char *, 4> kTypes{"image", "audio", "video", "attachment"};
    const std::string type = str(v, "type");
    if (type.empty() || (str(v, "key").empty() && str(v, "src").empty())) return false;
    for (const char *t : kTypes)
        if (type == t) return true;
    return false;
}

// The package files the media objects under `items` name; true when there
// is at least one media object.
bool collect_media(const Value &items, const content::AssetFinder &finder, std::vector<std::string> &files) {
    bool any = false;
    std::vector<const Value *> stack{&items};
    while (!stack.empty()) {
        const Value *v = stack.back();
        stack.pop_back();
        if (v->IsArray()) {
            for (const Value &x : v->GetArray()) stack.push_back(&x);
            continue;
        }
        if (!v->IsObject()) continue;
        if (is_media_object(*v)) {
            any = true;
            finder.add(exported_name(*v), files);
            const std::string poster = str(*v, "poster");  // a video's still
            if (!poster.empty()) finder.add(poster, files);
        }
        for (const auto &m : v->GetObject()) {
            // originalImage: the uncropped upload, not exported; tmp: an
            // editor's scratch copy. Neither is a file of the package.
            const std::string_view name(m.name.GetString(), m.name.GetStringLength());
            if (name == "originalImage" || name == "tmp") continue;
            stack.push_back(&m.value);
        }
    }
    return any;
}

// Facts from a "blocks" lesson's blocks (type/family pairs such as
// text/impact, image/gallery, interactive/flashcard, knowledgeCheck).
void block_facts(const Value &items, ContentPiece &piece) {
    if (!items.IsArray()) return;
    for (const Value &block : items.GetArray()) {
        const std::string type = str(block, "type"), family = str(block, "family");
        if (type == "knowledgeCheck") piece.is_question = true;
        if (type == "interactive" || type == "interactive-fullscreen" || type == "storyline" ||
            family == "flashcard" || family == "buttons" || family == "sorting" || family == "scenario")
            piece.has_interactions = true;
        if (type == "image" || type == "multimedia" || family == "gallery") piece.has_media = true;
        if (type == "text" || type == "quote" || type == "list" || type == "statement" || family == "impact")
            piece.has_text = true;
    }
}

class RiseReader : public ContentReader {
public:
    const char *tool() const override { return "rise"; }
    std::vector<std::string_view> marker_files() const override { return {kIndex}; }

    ContentResult read(const ContentInput &in, ContentModel &out, ContentProblem &problem) const override {
        std::string root;
        if (!content::find_root(in, kIndex, root)) return ContentResult::NotMine;
        Blob blob;
        const ContentResult found = find_blob(in, root, blob, problem);
        if (found != ContentResult::Read) return found;
        rapidjson::Document doc;
        if (!decode(in, blob, doc, problem)) return ContentResult::Failed;
        const Value *course = doc.IsObject() && doc.HasMember("course") ? &doc["course"] : nullptr;
        if (!course || !course->IsObject() || !course->HasMember("lessons") || !(*course)["lessons"].IsArray()) {
            problem = {blob.file, 0, "the decoded course data has no course.lessons list"};
            return ContentResult::Failed;
        }
        out.tool = "rise";
        out.version = "";  // Rise's data names no version of the tool
        out.source = blob.file;
        return read_lessons(in, root, *course, blob.file, out, problem);
    }

private:
    static ContentResult read_lessons(const ContentInput &in, const std::string &root, const Value &course,
                                      const std::string &file, ContentModel &out, ContentProblem &problem) {
        const content::AssetFinder finder(in.index, {root + "scormcontent/assets/", root + "scormcontent/"});
        const Value &lessons = course["lessons"];
        std::size_t pieces = 0;
        for (rapidjson::SizeType i = 0; i < lessons.Size(); ++i) {
            const Value &lesson = lessons[i];
            const std::string at = "/course/lessons/" + std::to_string(i);
            const std::string id = str(lesson, "id"), type = str(lesson, "type");
            if (id.empty() || type.empty()) {
                problem = {file, 0, "lesson " + std::to_string(i + 1) + " has no id or no type"};
                return ContentResult::Failed;
            }
            const auto deleted = lesson.FindMember("deleted");
            if (deleted != lesson.MemberEnd() && deleted->value.IsBool() && deleted->value.GetBool()) continue;
            if (type == "section") {
                out.modules.push_back({id, content::plain_text(str(lesson, "title")), {"rise:section", file, at}, {}});
                continue;
            }
            // Lessons before the first section sit directly under the course.
            if (out.modules.empty())
                out.modules.push_back(
                    {str(course, "id"), content::plain_text(str(course, "title")), {"rise:course", file, "/course"}, {}});
            if (++pieces > in.limits.max_pieces) {
                problem = {file, 0, "it holds more than " + std::to_string(in.limits.max_pieces) + " lessons"};
                return ContentResult::Failed;
            }
            out.modules.back().pieces.push_back(read_lesson(lesson, id, type, file, at, finder));
        }
        return ContentResult::Read;
    }

    static ContentPiece read_lesson(const Value &lesson, const std::string &id, const std::string &type,
                                    const std::string &file, const std::string &at,
                                    const content::AssetFinder &finder) {
        ContentPiece piece;
        piece.id = id;
        piece.title = content::plain_text(str(lesson, "title"));
        // The whole course is one blob: the lesson's own JSON goes into its fingerprint.
        content::append_json(lesson, piece.data);
        piece.origin = {"rise:" + type, file, at};
        const auto items = lesson.FindMember("items");
        if (items != lesson.MemberEnd()) {
            if (type == "quiz") piece.is_question = true;  // its items are the quiz's questions
            else block_facts(items->value, piece);
            if (collect_media(items->value, finder, piece.files)) piece.has_media = true;
        }
        content::sort_unique(piece.files);
        return piece;
    }
};

}  // namespace

std::unique_ptr<ContentReader> make_rise_reader() { return std::make_unique<RiseReader>(); }

}  // namespace coursecrew
