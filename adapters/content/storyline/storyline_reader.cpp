// Articulate Storyline (issue 11): the story is html5/data/js/data.js, one
// call window.globalProvideData('data', '<JSON in a JS string>'). Its
// scenes are our modules and their slides our pieces. Each slide's body is
// html5/data/js/<slideId>.js (globalProvideData('slide', '...')); data.js
// also lists the files the HTML5 player loads for each slide (slideMap's
// assetIds into assetLib). Scene titles live in the player's menu,
// html5/data/js/frame.js (globalProvideData('frame', '...')).
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/content/common/content_util.hpp"
#include "adapters/content/readers.hpp"

namespace coursecrew {

namespace {

using content::member;

using rapidjson::Value;

constexpr std::string_view kData = "html5/data/js/data.js";

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// A member's text as a string of its own ("" when absent).
std::string str(const Value &obj, const char *name) { return std::string(content::string_member(obj, name)); }


const Value *array(const Value &obj, const char *name) {
    const Value *v = member(obj, name);
    return v && v->IsArray() ? v : nullptr;
}

// The opening quote of the JSON literal in globalProvideData('<kind>', '...'),
// or npos when the text holds no such call.
std::size_t provided_literal(std::string_view text, std::string_view kind) {
    for (std::size_t at = text.find("globalProvideData("); at != std::string_view::npos;
         at = text.find("globalProvideData(", at + 1)) {
        std::size_t i = at + 18;
        auto blanks = [&] {
            while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
        };
        blanks();
        if (i >= text.size() || (text[i] != '\'' && text[i] != '"')) continue;
        const char q = text[i];
        if (text.substr(i + 1, kind.size()) != kind || i + 1 + kind.size() >= text.size() ||
            text[i + 1 + kind.size()] != q)
            continue;
        i += kind.size() + 2;
        blanks();
        if (i >= text.size() || text[i] != ',') continue;
        ++i;
        blanks();
        if (i < text.size() && (text[i] == '\'' || text[i] == '"')) return i;
    }
    return std::string_view::npos;
}

// Reads `file` and parses the JSON of its globalProvideData('<kind>', ...)
// call. `found` says whether the call was there at all, `line` where its
// string starts.
bool read_provided(const ContentInput &in, const std::string &file, std::string_view kind,
                   rapidjson::Document &doc, bool &found, long &line, ContentProblem &problem) {
    found = false;
    line = 0;
    std::string text;
    if (!content::read_file(in, file, text, problem)) return false;
    const std::size_t quote = provided_literal(text, kind);
    if (quote == std::string::npos) {
        problem = {file, 0, "it holds no globalProvideData('" + std::string(kind) + "', ...) call"};
        return false;
    }
    found = true;
    line = content::line_at(text, quote);
    problem = {file, line, {}};
    std::string json, error;
    std::size_t end = 0;
    if (!content::js_string(text, quote, in.limits.max_blob_bytes, json, end, error)) {
        problem.message = "its " + std::string(kind) + " string cannot be read: " + error;
        return false;
    }
    ContentProblem json_problem;
    if (!content::parse_json(in, json, file, doc, json_problem)) {
        problem.message = "the " + std::string(kind) + " string " + json_problem.message;
        return false;
    }
    problem = {};
    return true;
}

// The player's own scenes: the message scene (MsgScene_<courseId>) and the
// prompt scene (PromptScene) hold the resume, print and error prompts, not
// course content. Storyline marks both isMessageScene; the ids are checked
// too for builds that do not.
bool is_player_scene(const Value &scene) {
    const Value *msg = member(scene, "isMessageScene");
    if (msg && msg->IsBool() && msg->GetBool()) return true;
    const std::string id = str(scene, "id");
    return starts_with(id, "MsgScene_") || id == "PromptScene";
}

// What data.js says about slides beyond the scenes themselves.
struct Story {
    std::set<std::string> quiz_slides;                      // slide ids inside a quiz
    std::map<std::string, std::vector<std::string>> assets;  // "<scene>.<slide>" -> assetLib urls
    std::map<std::string, std::string> scene_titles;         // scene id -> menu text (frame.js)
};

// The part after the last '.' of "_player.<scene>.<slide>".
std::string last_segment(const std::string &ref) {
    const std::size_t dot = ref.rfind('.');
    return dot == std::string::npos ? ref : ref.substr(dot + 1);
}

void read_quizzes(const Value &data, Story &story) {
    const Value *quizzes = array(data, "quizzes");
    if (!quizzes) return;
    for (const Value &quiz : quizzes->GetArray())
        if (const Value *refs = array(quiz, "sliderefs"))
            for (const Value &ref : refs->GetArray()) story.quiz_slides.insert(last_segment(str(ref, "id")));
}

void read_assets(const Value &data, Story &story) {
    const Value *lib = array(data, "assetLib");
    const Value *map = member(data, "slideMap");
    const Value *refs = map ? array(*map, "slideRefs") : nullptr;
    if (!lib || !refs) return;
    std::map<std::int64_t, std::string> urls;  // assetLib id -> url
    for (const Value &asset : lib->GetArray()) {
        const Value *id = member(asset, "id");
        if (id && id->IsInt64()) urls[id->GetInt64()] = str(asset, "url");
    }
    for (const Value &ref : refs->GetArray()) {
        const Value *ids = array(ref, "assetIds");
        if (!ids) continue;
        std::vector<std::string> &out = story.assets[str(ref, "id")];
        for (const Value &id : ids->GetArray()) {
            if (!id.IsInt64()) continue;
            const auto it = urls.find(id.GetInt64());
            if (it != urls.end() && !it->second.empty()) out.push_back(it->second);
        }
    }
}

// Scene titles from the player's menu (frame.js navData outline: a
// slidelink whose slideid is "_player.<sceneId>"). Optional: without it a
// scene is named by its number.
void read_scene_titles(const ContentInput &in, const std::string &root, Story &story) {
    const std::string file = root + "html5/data/js/frame.js";
    if (!in.index.find(file)) return;
    rapidjson::Document frame;
    bool found = false;
    long line = 0;
    ContentProblem ignored;
    if (!read_provided(in, file, "frame", frame, found, line, ignored)) return;
    std::vector<const Value *> stack{&frame};
    while (!stack.empty()) {
        const Value *v = stack.back();
        stack.pop_back();
        if (v->IsArray()) {
            for (const Value &x : v->GetArray()) stack.push_back(&x);
        } else if (v->IsObject()) {
            const std::string id = str(*v, "slideid");
            if (str(*v, "kind") == "slidelink" && starts_with(id, "_player.") &&
                id.find('.', 8) == std::string::npos)
                story.scene_titles.emplace(id.substr(8), str(*v, "displaytext"));
            for (const auto &m : v->GetObject()) stack.push_back(&m.value);
        }
    }
}

// Facts and referenced files from a slide's own data (<slideId>.js): its
// objects carry an accType (image, text, button, checkbox, radio,
// slider...) and media objects a kind (video, audio).
void read_slide_body(const Value &slide, const content::AssetFinder &finder, const EntryIndex &index,
                     ContentPiece &piece) {
    std::vector<std::string> refs;
    finder.from_json(slide, refs);
    // The slide data names desktop paths (story_content/<name>.png) that an
    // HTML5-only publish leaves out in favour of mobile/ copies (assetLib):
    // only the files the package holds are kept from here.
    for (std::string &r : refs)
        if (index.find(r)) piece.files.push_back(std::move(r));
    std::vector<const Value *> stack{&slide};
    while (!stack.empty()) {
        const Value *v = stack.back();
        stack.pop_back();
        if (v->IsArray()) {
            for (const Value &x : v->GetArray()) stack.push_back(&x);
            continue;
        }
        if (!v->IsObject()) continue;
        const std::string kind = str(*v, "kind"), acc = str(*v, "accType");
        if (kind == "video" || kind == "audio" || acc == "image") piece.has_media = true;
        if (acc == "text" && kind != "video") piece.has_text = true;
        if (acc == "button" || acc == "checkbox" || acc == "radio" || acc == "slider" || acc == "dial" ||
            acc == "hotspot" || acc == "textinput" || acc == "dropdown" || kind == "dragdrop")
            piece.has_interactions = true;
        for (const auto &m : v->GetObject()) stack.push_back(&m.value);
    }
}

class StorylineReader : public ContentReader {
public:
    const char *tool() const override { return "storyline"; }
    std::vector<std::string_view> marker_files() const override { return {kData}; }

    ContentResult read(const ContentInput &in, ContentModel &out, ContentProblem &problem) const override {
        std::string root;
        if (!content::find_root(in, kData, root)) return ContentResult::NotMine;
        const std::string file = root + std::string(kData);
        rapidjson::Document data;
        bool found = false;
        long line = 0;
        if (!read_provided(in, file, "data", data, found, line, problem))
            return found ? ContentResult::Failed : ContentResult::NotMine;
        const Value *scenes = array(data, "scenes");
        if (!scenes) {
            problem = {file, line, "the story data has no scenes list"};
            return ContentResult::Failed;
        }
        Story story;
        read_quizzes(data, story);
        read_assets(data, story);
        read_scene_titles(in, root, story);
        out.tool = "storyline";
        out.version = str(data, "version");
        out.source = file;
        return read_scenes(in, root, *scenes, story, file, out, problem);
    }

private:
    static ContentResult read_scenes(const ContentInput &in, const std::string &root, const Value &scenes,
                                     const Story &story, const std::string &file, ContentModel &out,
                                     ContentProblem &problem) {
        const content::AssetFinder finder(in.index, {root});
        std::size_t pieces = 0;
        for (rapidjson::SizeType s = 0; s < scenes.Size(); ++s) {
            const Value &scene = scenes[s];
            if (is_player_scene(scene)) continue;
            const std::string id = str(scene, "id");
            if (id.empty()) {
                problem = {file, 0, "scene " + std::to_string(s + 1) + " has no id"};
                return ContentResult::Failed;
            }
            ContentModule module;
            module.id = id;
            const auto title = story.scene_titles.find(id);
            module.title = title != story.scene_titles.end() ? content::plain_text(title->second) : std::string();
            if (module.title.empty()) module.title = "Scene " + std::to_string(s + 1);
            module.origin = {"storyline:scene", file, "/scenes/" + std::to_string(s)};
            const Value *slides = array(scene, "slides");
            for (rapidjson::SizeType i = 0; slides && i < slides->Size(); ++i) {
                const std::string at = "/scenes/" + std::to_string(s) + "/slides/" + std::to_string(i);
                if (str((*slides)[i], "id").empty()) {
                    problem = {file, 0, "slide " + std::to_string(i + 1) + " of scene " + id + " has no id"};
                    return ContentResult::Failed;
                }
                if (++pieces > in.limits.max_pieces) {
                    problem = {file, 0, "it holds more than " + std::to_string(in.limits.max_pieces) + " slides"};
                    return ContentResult::Failed;
                }
                module.pieces.push_back(read_slide(in, (*slides)[i], id, story, file, at, finder, out.notes));
            }
            out.modules.push_back(std::move(module));
        }
        return ContentResult::Read;
    }

    static ContentPiece read_slide(const ContentInput &in, const Value &slide,
                                   const std::string &scene_id, const Story &story, const std::string &file,
                                   const std::string &at, const content::AssetFinder &finder,
                                   std::vector<ContentProblem> &notes) {
        ContentPiece piece;
        piece.id = str(slide, "id");
        piece.title = content::plain_text(str(slide, "title"));
        const bool in_quiz = story.quiz_slides.count(piece.id) > 0;
        const std::string kind = str(slide, "kind");
        piece.origin = {in_quiz ? "storyline:quiz" : "storyline:" + (kind.empty() ? std::string("slide") : kind), file, at};
        const Value *interactions = array(slide, "interactions");
        piece.is_question = in_quiz || (interactions && !interactions->Empty());
        // The files the HTML5 player loads for this slide, as data.js lists
        // them (a missing one is kept: the core reports it).
        const auto assets = story.assets.find(scene_id + "." + piece.id);
        if (assets != story.assets.end())
            for (const std::string &url : assets->second) finder.add(url, piece.files);
        // The slide's own data file. One that is missing or unreadable only
        // costs the slide its facts and references (a content.partial
        // warning; the slide is still a piece).
        const std::string body = str(slide, "html5url");
        std::vector<std::string> body_file;
        if (!body.empty()) {
            // A script that is not there is not kept as a reference, so
            // add() failing means it is missing too.
            if (!finder.add(body, body_file) || !in.index.find(body_file[0])) {
                notes.push_back({file, 0, "the data file " + body + " of slide '" + piece.id +
                                              "' is missing: its media and interactions are not known"});
            } else {
                piece.files.push_back(body_file[0]);
                rapidjson::Document doc;
                bool found = false;
                long line = 0;
                ContentProblem why;
                if (read_provided(in, body_file[0], "slide", doc, found, line, why))
                    read_slide_body(doc, finder, in.index, piece);
                else
                    notes.push_back({body_file[0], why.line, "slide '" + piece.id + "' cannot be read (" +
                                                                 why.message + "): its media and interactions are not known"});
            }
        }
        // The slide's entry in data.js, a file every slide shares: its
        // title, its interactions (the question and choice texts sent to
        // the LMS), its layers and settings. Its body (objects, texts,
        // media) is its own file, html5url, already in `files`, so an edit
        // there changes its fingerprint without this; the entry adds what
        // only data.js holds. Left out: slideNumberInScene, lmsId
        // ("Slide3") and navIndex, which follow the slide's place in its
        // scene, not its content.
        content::append_json_except(slide, {"slideNumberInScene", "lmsId", "navIndex"}, piece.data);
        content::sort_unique(piece.files);
        return piece;
    }
};

}  // namespace

std::unique_ptr<ContentReader> make_storyline_reader() { return std::make_unique<StorylineReader>(); }

}  // namespace coursecrew
