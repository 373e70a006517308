// The Storyline reader (adapters/content/storyline): its own small
// fixtures, and the real packages of ../shared/packages/storyline in the
// `packages` suite.
#include <boost/test/unit_test.hpp>

#include "adapters/content/readers.hpp"
#include "content_direct.hpp"
#include "support.hpp"

namespace cc = coursecrew;

namespace {

// The player's two scenes (one known by its flag, one only by its id), a content
// scene of three slides: one with pictures and a video, one in a quiz,
// one whose slide file is missing.
const char *kData = R"({"version":"3.99.1.0","projectId":"p","scenes":[
 {"kind":"scene","id":"player-messages","isMessageScene":true,"slides":[{"kind":"slide","id":"InvalidPromptSlide","title":"Invalid"}]},
 {"kind":"scene","id":"PromptScene","slides":[{"kind":"slide","id":"ResumePromptSlide","title":"Resume"}]},
 {"kind":"scene","id":"sc1","isMessageScene":false,"sceneNumber":1,"slides":[
   {"kind":"slide","id":"s1","title":"<p dir='ltr'>Intro &amp; <b>welcome</b></p>","html5url":"html5/data/js/s1.js"},
   {"kind":"slide","id":"s2","title":"Question one","html5url":"html5/data/js/s2.js","interactions":[{"kind":"interaction","id":"i1"}]},
   {"kind":"slide","id":"s3","title":"Gone","html5url":"html5/data/js/s3.js"}]}],
 "quizzes":[{"kind":"quiz","id":"qz","sliderefs":[{"kind":"slideref","id":"_player.sc1.s2"}]}],
 "assetLib":[{"kind":"asset","id":0,"url":"mobile/pic.png"},{"kind":"asset","id":1,"url":"story_content/video.mp4"}],
 "slideMap":{"slideRefs":[{"kind":"slideref","id":"sc1.s1","assetIds":[0,1]},{"kind":"slideref","id":"sc1.s2","assetIds":[]}]}})";

const char *kFrame = R"({"navData":{"outline":{"links":[{"kind":"slidelink","slideid":"_player.sc1","displaytext":"Chapter 'one'",
  "links":[{"kind":"slidelink","slideid":"_player.sc1.s1","displaytext":"Intro"}]}]}}})";

// Desktop paths (story_content/pic.png) that the HTML5 publish does not
// hold are not the slide's files; the Flash copy it does hold is.
const char *kSlide1 = R"({"slideLayers":[{"objects":[
  {"kind":"vectorshape","accType":"image","imagelib":[{"kind":"imagedata","assetId":0,"url":"story_content/pic.png"}]},
  {"kind":"vectorshape","accType":"image","imagelib":[{"kind":"imagedata","url":"story_content/pic.swf"}]},
  {"kind":"vectorshape","accType":"text","textLib":[]}]}]})";

const char *kSlide2 = R"({"slideLayers":[{"objects":[{"kind":"vectorshape","accType":"radio"},{"kind":"vectorshape","accType":"text"}]}]})";

// Storyline writes its JSON on one line: a JS string cannot hold a line break.
std::string provide(const std::string &kind, std::string json) {
    json.erase(std::remove(json.begin(), json.end(), '\n'), json.end());
    return "\xEF\xBB\xBFwindow.globalProvideData('" + kind + "', '" + cctest::js_single_quoted(json) + "');";
}

void story(const cctest::TempDir &dir, const std::string &data_js) {
    cctest::write_scorm12(dir, "index_lms.html");
    cctest::put(dir, "index_lms.html", "<html></html>");
    cctest::put(dir, "html5/data/js/data.js", data_js);
    cctest::put(dir, "html5/data/js/frame.js", provide("frame", kFrame));
    cctest::put(dir, "html5/data/js/s1.js", provide("slide", kSlide1));
    cctest::put(dir, "html5/data/js/s2.js", provide("slide", kSlide2));
    cctest::put(dir, "mobile/pic.png", "png");
    cctest::put(dir, "story_content/pic.swf", "swf");
    cctest::put(dir, "story_content/thumbnail.jpg", "jpg");
}

void expect_fallback(const std::string &path, const std::string &what, const cc::InspectOptions &opt = {}) {
    const cctest::Result r = cctest::inspect(path, opt);
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(r.doc["usable"].GetBool());
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);
    BOOST_TEST(r.doc["modules"][0]["id"].GetString() == std::string("sco"));
    const std::string w = cctest::diagnostics_of(r.doc, "content.unreadable");
    BOOST_TEST(w.find("html5/data/js/data.js|1|") == 0u, w);
    BOOST_TEST(w.find(what) != std::string::npos, w);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(content_storyline)

// data.js holds every slide's title and interactions: republishing an
// unchanged story reopens nothing; editing one slide's title, or one
// question's text, reopens that slide alone; renumbering a slide
// (slideNumberInScene, lmsId) is its place, not its content.
BOOST_AUTO_TEST_CASE(editing_one_slides_title_reopens_only_that_slide) {
    cctest::TempDir dir;
    std::string data = kData;
    cctest::replace_once(data, R"("id":"s1",)", R"("id":"s1","slideNumberInScene":1,"lmsId":"Slide1",)");
    cctest::replace_once(data, R"("id":"i1"})", R"("id":"i1","lmstext":"Pick one"})");
    auto write = [&] { cctest::put(dir, "html5/data/js/data.js", provide("data", data)); };
    story(dir, provide("data", data));
    cctest::DonePackage pkg(dir.path(), "storyline");
    BOOST_TEST(pkg.pieces() == (std::vector<std::string>{"s1", "s2", "s3"}), boost::test_tools::per_element());
    const std::vector<std::string> before = pkg.steady_fingerprints();
    BOOST_REQUIRE(before.size() == 3u);

    cctest::replace_once(data, "<b>welcome</b>", "<b>hello</b>");  // s1's title
    write();
    std::vector<std::string> after = cctest::fingerprints(dir.path());
    BOOST_TEST(after[0] != before[0]);
    BOOST_TEST(after[1] == before[1]);
    BOOST_TEST(after[2] == before[2]);
    BOOST_TEST(pkg.republish() == std::vector<std::string>{"s1"}, boost::test_tools::per_element());

    cctest::replace_once(data, "Pick one", "Pick two");  // s2's question, as the LMS sees it
    write();
    const std::vector<std::string> edited = cctest::fingerprints(dir.path());
    BOOST_TEST(edited[0] == after[0]);
    BOOST_TEST(edited[1] != after[1]);
    BOOST_TEST(edited[2] == after[2]);
    BOOST_TEST(pkg.republish() == std::vector<std::string>{"s2"}, boost::test_tools::per_element());

    cctest::replace_once(data, R"("slideNumberInScene":1,"lmsId":"Slide1")", R"("slideNumberInScene":2,"lmsId":"Slide2")");
    write();
    BOOST_TEST(cctest::fingerprints(dir.path()) == edited, boost::test_tools::per_element());
    BOOST_TEST(pkg.republish().empty());
}

BOOST_AUTO_TEST_CASE(content_scenes_are_modules_and_their_slides_pieces) {
    cctest::TempDir dir;
    story(dir, provide("data", kData));
    const auto reader = cc::make_storyline_reader();
    const cctest::Direct d = cctest::read_direct(*reader, dir.path());
    BOOST_REQUIRE(d.result == cc::ContentResult::Read);
    BOOST_TEST(d.model.tool == "storyline");
    BOOST_TEST(d.model.version == "3.99.1.0");
    BOOST_TEST(d.model.source == "html5/data/js/data.js");
    // The message and prompt scenes are the player's.
    BOOST_REQUIRE(d.model.modules.size() == 1u);
    const cc::ContentModule &scene = d.model.modules[0];
    BOOST_TEST(scene.id == "sc1");
    BOOST_TEST(scene.title == "Chapter 'one'");  // from the player's menu (frame.js)
    BOOST_TEST(scene.origin.at == "/scenes/2");
    BOOST_REQUIRE(scene.pieces.size() == 3u);

    const cc::ContentPiece &intro = scene.pieces[0];
    BOOST_TEST(intro.id == "s1");
    BOOST_TEST(intro.title == "Intro & welcome");
    BOOST_TEST(intro.origin.type == "storyline:slide");
    BOOST_TEST(intro.origin.at == "/scenes/2/slides/0");
    BOOST_TEST(intro.has_media);
    BOOST_TEST(intro.has_text);
    BOOST_TEST(!intro.is_question);
    // data.js's files for the slide (the missing video kept: the core
    // reports it), the slide's own file, the Flash copy it names.
    const std::vector<std::string> want{"html5/data/js/s1.js", "mobile/pic.png", "story_content/pic.swf",
                                        "story_content/video.mp4"};
    BOOST_TEST(intro.files == want, boost::test_tools::per_element());

    const cc::ContentPiece &question = scene.pieces[1];
    BOOST_TEST(question.origin.type == "storyline:quiz");
    BOOST_TEST(question.is_question);
    BOOST_TEST(question.has_interactions);

    // Its slide file is missing: still a piece, without files or facts.
    const cc::ContentPiece &gone = scene.pieces[2];
    BOOST_TEST(gone.id == "s3");
    BOOST_TEST(gone.files.empty());
    BOOST_TEST(!gone.has_text);
}

BOOST_AUTO_TEST_CASE(through_the_engine_the_slides_replace_the_sco) {
    cctest::TempDir dir;
    story(dir, provide("data", kData));
    const cctest::Result r = cctest::inspect(dir.path());
    BOOST_TEST(r.doc["content_model"]["tool"].GetString() == std::string("storyline"));
    BOOST_TEST(r.doc["content_model"]["version"].GetString() == std::string("3.99.1.0"));
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 1u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 3u);
    BOOST_TEST(r.doc["modules"][0]["pieces"][0]["missing_files"].GetUint() == 1u);  // the video
    // The third slide's data file is missing: said once, naming the slide.
    BOOST_TEST(r.has_code("content.partial"));
    bool named = false;
    for (const auto &d : r.doc["diagnostics"].GetArray())
        named |= std::string(d["code"].GetString()) == "content.partial" &&
                 std::string(d["message"].GetString()).find("slide 's3'") != std::string::npos;
    BOOST_TEST(named);
    BOOST_TEST(cctest::validate_against("inspect.schema.json", r.doc) == "");
}

BOOST_AUTO_TEST_CASE(without_the_menu_a_scene_is_named_by_its_place) {
    cctest::TempDir dir;
    story(dir, provide("data", kData));
    cctest::put(dir, "html5/data/js/frame.js", "broken");
    const auto reader = cc::make_storyline_reader();
    const cctest::Direct d = cctest::read_direct(*reader, dir.path());
    BOOST_REQUIRE(d.result == cc::ContentResult::Read);
    BOOST_TEST(d.model.modules[0].title == "Scene 3");
}

BOOST_AUTO_TEST_CASE(ids_are_the_same_on_every_read) {
    cctest::TempDir dir;
    story(dir, provide("data", kData));
    const auto reader = cc::make_storyline_reader();
    std::vector<std::string> first, second;
    for (auto *ids : {&first, &second})
        for (const auto &m : cctest::read_direct(*reader, dir.path()).model.modules) {
            ids->push_back(m.id);
            for (const auto &p : m.pieces) ids->push_back(p.id);
        }
    BOOST_TEST(first == (std::vector<std::string>{"sc1", "s1", "s2", "s3"}), boost::test_tools::per_element());
    BOOST_TEST(first == second, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(truncated_data_falls_back) {
    cctest::TempDir dir;
    const std::string full = provide("data", kData);
    story(dir, full.substr(0, full.size() / 2));
    expect_fallback(dir.path(), "not closed");
}

BOOST_AUTO_TEST_CASE(broken_json_falls_back) {
    cctest::TempDir dir;
    const std::string json = kData;
    story(dir, provide("data", json.substr(0, json.size() - 10)));
    expect_fallback(dir.path(), "JSON is not valid");
}

BOOST_AUTO_TEST_CASE(data_without_scenes_falls_back) {
    cctest::TempDir dir;
    story(dir, provide("data", R"({"version":"3.1"})"));
    expect_fallback(dir.path(), "no scenes");
}

BOOST_AUTO_TEST_CASE(a_string_past_the_limit_is_refused) {
    cctest::TempDir dir;
    story(dir, provide("data", kData));
    cc::InspectOptions opt;
    opt.content_limits.max_blob_bytes = 200;
    expect_fallback(dir.path(), "longer than the limit of 200", opt);
}

BOOST_AUTO_TEST_CASE(other_packages_are_not_storylines) {
    const auto reader = cc::make_storyline_reader();
    {  // a plain SCORM package
        cctest::TempDir dir;
        cctest::write_scorm12(dir, "index.html");
        cctest::put(dir, "index.html", "<html></html>");
        BOOST_TEST((cctest::read_direct(*reader, dir.path()).result == cc::ContentResult::NotMine));
    }
    {  // a file at Storyline's path without its call
        cctest::TempDir dir;
        cctest::write_scorm12(dir, "index.html");
        cctest::put(dir, "index.html", "<html></html>");
        cctest::put(dir, "html5/data/js/data.js", "var data = {scenes: []};");
        BOOST_TEST((cctest::read_direct(*reader, dir.path()).result == cc::ContentResult::NotMine));
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(packages)
BOOST_AUTO_TEST_SUITE(storyline)

BOOST_AUTO_TEST_CASE(storyline_sova) {
    const std::string dir = cctest::packages_dir();
    if (dir.empty()) return;
    const cctest::Result r = cctest::inspect(dir + "/storyline/storyline-sova");
    BOOST_TEST(r.doc["content_model"]["tool"].GetString() == std::string("storyline"));
    BOOST_TEST(r.doc["content_model"]["version"].GetString() == std::string("3.9.21069.0"));
    // INDEX.md: content scenes 1, slides in content scenes 3.
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 1u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 3u);
    const auto &m = r.doc["modules"][0];
    BOOST_TEST(m["id"].GetString() == std::string("5tRKDMT54qd"));
    BOOST_TEST(m["title"].GetString() == std::string("Untitled Scene"));
    BOOST_TEST(m["pieces"][0]["id"].GetString() == std::string("5XrzjcRg1YZ"));
    BOOST_TEST(m["pieces"][0]["type"].GetString() == std::string("storyline:slide"));
    // data.js lists 3 mobile/ images for the first slide; with its file
    // and the 3 Flash copies its data names: 7.
    BOOST_TEST(m["pieces"][0]["file_count"].GetUint() == 7u);
}

BOOST_AUTO_TEST_CASE(storyline_xapi_13a) {
    const std::string dir = cctest::packages_dir();
    if (dir.empty()) return;
    const cctest::Result r = cctest::inspect(dir + "/storyline/storyline-xapi-13a");
    BOOST_TEST(r.doc["content_model"]["tool"].GetString() == std::string("storyline"));
    BOOST_TEST(r.doc["content_model"]["version"].GetString() == std::string("3.64.27845.0"));
    // INDEX.md: content scenes 1, slides in content scenes 8, quizzes 1.
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 1u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 8u);
    const auto &m = r.doc["modules"][0];
    BOOST_TEST(m["title"].GetString() == std::string("As the Loan Closes - Ep. 1"));
    unsigned quiz_slides = 0;
    for (const auto &p : m["pieces"].GetArray())
        if (p["type"].GetString() == std::string("storyline:quiz")) ++quiz_slides;
    BOOST_TEST(quiz_slides == 3u);  // the one quiz's three question slides
    BOOST_TEST(m["pieces"][1]["title"].GetString() == std::string("Red Flags"));
    BOOST_TEST(m["pieces"][1]["facts"]["question"].GetBool());

    const auto reader = cc::make_storyline_reader();
    const cctest::Direct d = cctest::read_direct(*reader, dir + "/storyline/storyline-xapi-13a");
    BOOST_REQUIRE(d.result == cc::ContentResult::Read);
    const auto &part1 = d.model.modules[0].pieces[0];
    BOOST_TEST(cctest::holds(part1.files, "story_content/video_6NTTyguxSME_22_48_720x406.mp4"));
    BOOST_TEST(cctest::holds(part1.files, "mobile/poster_6pGeIVUWyM0_video_6NTTyguxSME_22_48_720x406.jpg"));
    BOOST_TEST(!cctest::holds(part1.files, "story_content/thumbnail.jpg"));
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
