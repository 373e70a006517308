// The Rise 360 reader (adapters/content/rise): its own small fixtures, and
// the real packages of ../shared/packages/rise in the `packages` suite.
#include <boost/test/unit_test.hpp>

#include "adapters/content/readers.hpp"
#include "content_direct.hpp"
#include "support.hpp"

namespace cc = coursecrew;

namespace {

// Lessons before the first section, two sections, media of each kind Rise
// exports (a crushed image, audio, a stock image under src, a missing
// video) and names Rise does not export (originalImage, originalUrl, url).
const char *kCourse = R"({"course":{"id":"course-1","title":"Fixture <b>course</b>","lessons":[
 {"id":"L0","type":"blocks","title":"Welcome","items":[
   {"id":"b0","type":"text","family":"text","items":[{"id":"t0","paragraph":"<p>Hi</p>"}]}]},
 {"id":"S1","type":"section","title":"Part <em>one</em>"},
 {"id":"L1","type":"blocks","title":"Pictures &amp; sound","items":[
   {"id":"b1","type":"image","family":"image","items":[{"id":"i1","media":{"image":{
      "key":"rise/courses/course-1/x-photo.png","type":"image","crushedKey":"photo%20one.jpg","useCrushedKey":true,
      "originalUrl":"photo one.png","originalImage":{"key":"rise/courses/course-1/orig.png","type":"image",
      "crushedKey":"rise/courses/course-1/o.jpg","useCrushedKey":true}}}}]},
   {"id":"b2","type":"multimedia","family":"multimedia","items":[{"id":"a1","media":{"audio":{
      "key":"talk.mp3","url":"transcoded-talk.mp3","type":"audio","originalUrl":"talk.mp3"}}}]},
   {"id":"b3","type":"multimedia","family":"multimedia","items":[{"id":"v1","media":{"video":{
      "key":"lost.mp4","type":"video","poster":"lost.jpg"}}}]}]},
 {"id":"L2","type":"blocks","title":"Check","items":[
   {"id":"b4","type":"knowledgeCheck","family":"knowledgeCheck","items":[{"id":"k1","type":"MULTIPLE_CHOICE","title":"<p>Q?</p>"}]},
   {"id":"b5","type":"interactive","family":"flashcard","items":[{"id":"f1","front":{"media":{"image":{
      "key":"assets/rise/block-defaults/mountains.jpg","src":"qX/mountains.jpg","type":"image"}}}}]}]},
 {"id":"S2","type":"section","title":"Part two"},
 {"id":"Q1","type":"quiz","title":"Final quiz","items":[{"id":"q1","type":"MULTIPLE_CHOICE","title":"<p>Why?</p>"}]}
]},"labelSet":{},"fonts":[],"media":[]})";

// No sections: one module named after the course.
const char *kFlat = R"({"course":{"id":"flat-1","title":"Flat","lessons":[
 {"id":"A","type":"blocks","title":"One","items":[]},
 {"id":"B","type":"blocks","title":"Two","items":[]}]}})";

// An older Rise player: the base64 data in index.html itself. `literal`
// is what goes between `window.courseData = ` and `;`.
void older_player(const cctest::TempDir &dir, const std::string &literal) {
    cctest::write_scorm12(dir, "scormcontent/index.html");
    cctest::put(dir, "scormcontent/index.html",
                "<!doctype html><html><head><script>\n    window.courseData = " + literal +
                    ";\n    window.labelSet = {};\n</script></head><body></body></html>\n");
    cctest::put(dir, "scormcontent/assets/photo one.jpg", "jpg");
    cctest::put(dir, "scormcontent/assets/talk.mp3", "mp3");
    cctest::put(dir, "scormcontent/assets/qX/mountains.jpg", "jpg");
    cctest::put(dir, "scormcontent/assets/unused-theme.png", "png");
}

// A newer Rise player: index.html loads locales/<default>.js.
void newer_player(const cctest::TempDir &dir, const std::string &json) {
    cctest::write_scorm12(dir, "scormcontent/index.html");
    cctest::put(dir, "scormcontent/index.html",
                "<html><head><script>function __resolveJsonp(id, data) { resolve(data) }</script></head><body>\n"
                "<script>window.i18n = {\"available\":[\"und\",\"en\"],\"default\":\"en\"};</script></body></html>\n");
    cctest::put(dir, "scormcontent/locales/und.js", "__resolveJsonp(\"course:und\",\"" + cctest::base64(kCourse) + "\")");
    cctest::put(dir, "scormcontent/locales/en.js", "__resolveJsonp(\"course:en\",\"" + cctest::base64(json) + "\")");
}

std::string quoted(const std::string &s) { return "\"" + s + "\""; }

// The manifest's view kept, with a content.unreadable warning naming `file`.
void expect_fallback(const std::string &path, const std::string &file, const std::string &what,
                     const cc::InspectOptions &opt = {}) {
    const cctest::Result r = cctest::inspect(path, opt);
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(r.doc["usable"].GetBool());
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);
    BOOST_TEST(r.doc["modules"][0]["id"].GetString() == std::string("sco"));
    const std::string w = cctest::diagnostics_of(r.doc, "content.unreadable");
    BOOST_TEST(w.find(file + "|") == 0u, w);
    BOOST_TEST(w.find(what) != std::string::npos, w);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(content_rise)

BOOST_AUTO_TEST_CASE(sections_are_modules_and_lessons_are_pieces) {
    cctest::TempDir dir;
    older_player(dir, quoted(cctest::base64(kCourse)));
    const auto reader = cc::make_rise_reader();
    const cctest::Direct d = cctest::read_direct(*reader, dir.path());
    BOOST_REQUIRE(d.result == cc::ContentResult::Read);
    const cc::ContentModel &m = d.model;
    BOOST_TEST(m.tool == "rise");
    BOOST_TEST(m.version == "");
    BOOST_TEST(m.source == "scormcontent/index.html");
    BOOST_REQUIRE(m.modules.size() == 3u);
    // The lesson before the first section sits in a module named after the course.
    BOOST_TEST(m.modules[0].id == "course-1");
    BOOST_TEST(m.modules[0].title == "Fixture course");
    BOOST_TEST(m.modules[0].origin.type == "rise:course");
    BOOST_TEST(m.modules[0].pieces.size() == 1u);
    BOOST_TEST(m.modules[1].id == "S1");
    BOOST_TEST(m.modules[1].title == "Part one");
    BOOST_TEST(m.modules[1].origin.at == "/course/lessons/1");
    BOOST_REQUIRE(m.modules[1].pieces.size() == 2u);
    BOOST_REQUIRE(m.modules[2].pieces.size() == 1u);

    const cc::ContentPiece &welcome = m.modules[0].pieces[0];
    BOOST_TEST(welcome.id == "L0");
    BOOST_TEST(welcome.origin.type == "rise:blocks");
    BOOST_TEST(welcome.has_text);
    BOOST_TEST(!welcome.has_media);
    BOOST_TEST(welcome.files.empty());

    const cc::ContentPiece &media = m.modules[1].pieces[0];
    BOOST_TEST(media.title == "Pictures & sound");
    BOOST_TEST(media.has_media);
    BOOST_TEST(!media.is_question);
    // Exported names only: the crushed image, the audio, the missing video
    // and its poster (the core reports those two); not originalImage,
    // originalUrl or the transcoder's url.
    const std::vector<std::string> want{"scormcontent/assets/lost.jpg", "scormcontent/assets/lost.mp4",
                                        "scormcontent/assets/photo one.jpg", "scormcontent/assets/talk.mp3"};
    BOOST_TEST(media.files == want, boost::test_tools::per_element());

    const cc::ContentPiece &check = m.modules[1].pieces[1];
    BOOST_TEST(check.is_question);
    BOOST_TEST(check.has_interactions);
    BOOST_TEST(check.files == std::vector<std::string>{"scormcontent/assets/qX/mountains.jpg"},
               boost::test_tools::per_element());

    const cc::ContentPiece &quiz = m.modules[2].pieces[0];
    BOOST_TEST(quiz.id == "Q1");
    BOOST_TEST(quiz.origin.type == "rise:quiz");
    BOOST_TEST(quiz.origin.at == "/course/lessons/5");
    BOOST_TEST(quiz.is_question);
}

BOOST_AUTO_TEST_CASE(through_the_engine_the_lessons_replace_the_sco) {
    cctest::TempDir dir;
    older_player(dir, quoted(cctest::base64(kCourse)));
    const cctest::Result r = cctest::inspect(dir.path());
    BOOST_TEST(r.doc["content_model"]["tool"].GetString() == std::string("rise"));
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 3u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 4u);
    BOOST_TEST(r.doc["modules"][1]["pieces"][0]["missing_files"].GetUint() == 2u);  // lost.mp4, lost.jpg
    BOOST_TEST(cctest::validate_against("inspect.schema.json", r.doc) == "");
}

BOOST_AUTO_TEST_CASE(a_course_without_sections_is_one_module_named_after_it) {
    cctest::TempDir dir;
    newer_player(dir, kFlat);
    const auto reader = cc::make_rise_reader();
    const cctest::Direct d = cctest::read_direct(*reader, dir.path());
    BOOST_REQUIRE(d.result == cc::ContentResult::Read);
    // The default locale's file (en), not the first one (und).
    BOOST_TEST(d.model.source == "scormcontent/locales/en.js");
    BOOST_REQUIRE(d.model.modules.size() == 1u);
    BOOST_TEST(d.model.modules[0].id == "flat-1");
    BOOST_TEST(d.model.modules[0].title == "Flat");
    BOOST_REQUIRE(d.model.modules[0].pieces.size() == 2u);
    BOOST_TEST(d.model.modules[0].pieces[1].id == "B");
}

BOOST_AUTO_TEST_CASE(ids_are_the_same_on_every_read) {
    cctest::TempDir dir;
    older_player(dir, quoted(cctest::base64(kCourse)));
    const auto reader = cc::make_rise_reader();
    std::vector<std::string> first, second;
    for (auto *ids : {&first, &second})
        for (const auto &mod : cctest::read_direct(*reader, dir.path()).model.modules) {
            ids->push_back(mod.id);
            for (const auto &p : mod.pieces) ids->push_back(p.id);
        }
    BOOST_TEST(first == (std::vector<std::string>{"course-1", "L0", "S1", "L1", "L2", "S2", "Q1"}),
               boost::test_tools::per_element());
    BOOST_TEST(first == second, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(truncated_base64_falls_back) {
    cctest::TempDir dir;
    const std::string b64 = cctest::base64(kCourse);
    older_player(dir, "\"" + b64.substr(0, b64.size() / 2));  // the string is never closed
    expect_fallback(dir.path(), "scormcontent/index.html", "ends half-way");
}

BOOST_AUTO_TEST_CASE(base64_of_broken_json_falls_back) {
    cctest::TempDir dir;
    const std::string json = kCourse;
    older_player(dir, quoted(cctest::base64(json.substr(0, json.size() / 2))));
    expect_fallback(dir.path(), "scormcontent/index.html", "JSON is not valid");
}

BOOST_AUTO_TEST_CASE(json_without_lessons_falls_back) {
    cctest::TempDir dir;
    older_player(dir, quoted(cctest::base64(R"({"course":{"id":"x"}})")));
    expect_fallback(dir.path(), "scormcontent/index.html", "no course.lessons");
}

BOOST_AUTO_TEST_CASE(a_blob_past_the_limit_is_not_decoded) {
    cctest::TempDir dir;
    older_player(dir, quoted(cctest::base64(kCourse)));
    cc::InspectOptions opt;
    opt.content_limits.max_blob_bytes = 256;
    expect_fallback(dir.path(), "scormcontent/index.html", "more than the limit of 256", opt);
}

BOOST_AUTO_TEST_CASE(other_packages_are_not_rises) {
    const auto reader = cc::make_rise_reader();
    {  // a plain SCORM package
        cctest::TempDir dir;
        cctest::write_scorm12(dir, "index.html");
        cctest::put(dir, "index.html", "<html><body>Hello</body></html>");
        BOOST_TEST((cctest::read_direct(*reader, dir.path()).result == cc::ContentResult::NotMine));
    }
    {  // a page at Rise's path without Rise's data
        cctest::TempDir dir;
        cctest::write_scorm12(dir, "scormcontent/index.html");
        cctest::put(dir, "scormcontent/index.html", "<html><script>var courseData = 1;</script></html>");
        BOOST_TEST((cctest::read_direct(*reader, dir.path()).result == cc::ContentResult::NotMine));
        const cctest::Result r = cctest::inspect(dir.path());
        BOOST_TEST(r.doc["content_model"].IsNull());
        BOOST_TEST(cctest::diagnostics_of(r.doc, "content.unreadable") == "");
    }
}

BOOST_AUTO_TEST_CASE(the_package_may_sit_in_a_subfolder) {
    cctest::TempDir dir;
    cctest::write_scorm12(dir, "course/scormcontent/index.html");
    cctest::put(dir, "course/scormcontent/index.html",
                "<script>window.courseData = \"" + cctest::base64(kCourse) + "\";</script>");
    cctest::put(dir, "course/scormcontent/assets/talk.mp3", "mp3");
    const auto reader = cc::make_rise_reader();
    const cctest::Direct d = cctest::read_direct(*reader, dir.path());
    BOOST_REQUIRE(d.result == cc::ContentResult::Read);
    BOOST_TEST(d.model.source == "course/scormcontent/index.html");
    BOOST_TEST(cctest::holds(d.model.modules[1].pieces[0].files, "course/scormcontent/assets/talk.mp3"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(packages)
BOOST_AUTO_TEST_SUITE(rise)

BOOST_AUTO_TEST_CASE(rise_scorm12_oasisc) {
    const std::string dir = cctest::packages_dir();
    if (dir.empty()) return;
    const cctest::Result r = cctest::inspect(dir + "/rise/rise-scorm12-oasisc");
    BOOST_TEST(r.doc["content_model"]["tool"].GetString() == std::string("rise"));
    BOOST_TEST(r.doc["content_model"]["source"].GetString() == std::string("scormcontent/locales/und.js"));
    // INDEX.md: lessons 86 (section 13, blocks 62, quiz 11). The first lesson
    // is a section, so the modules are the 13 sections.
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 13u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 73u);
    const auto &intro = r.doc["modules"][0];
    BOOST_TEST(intro["title"].GetString() == std::string("Introduction"));
    BOOST_TEST(intro["type"].GetString() == std::string("rise:section"));
    BOOST_TEST(intro["pieces"][0]["title"].GetString() == std::string("Course Objectives"));
    BOOST_TEST(intro["pieces"][0]["type"].GetString() == std::string("rise:blocks"));

    const auto reader = cc::make_rise_reader();
    const cctest::Direct d = cctest::read_direct(*reader, dir + "/rise/rise-scorm12-oasisc");
    BOOST_REQUIRE(d.result == cc::ContentResult::Read);
    std::size_t quizzes = 0, with_files = 0;
    bool video = false;
    for (const auto &m : d.model.modules)
        for (const auto &p : m.pieces) {
            if (p.origin.type == "rise:quiz") ++quizzes;
            if (!p.files.empty()) ++with_files;
            video = video || cctest::holds(p.files, "scormcontent/assets/CriticalThinking.mp4");
            for (const auto &f : p.files) BOOST_TEST(f.find("rise/courses/") == std::string::npos, f);
        }
    BOOST_TEST(quizzes == 11u);
    BOOST_TEST(with_files > 40u);
    BOOST_TEST(video);
    BOOST_TEST(d.model.modules[0].id == "lSKGR0L9SRrUz9szgEbHerZooVJ_vF2O");
    BOOST_TEST(d.model.modules[0].pieces[0].id == "HEFUKwnrr7CaROzmOfhQmapG2fBU0oNV");
}

BOOST_AUTO_TEST_CASE(rise_cmi5_alagnew) {
    const std::string dir = cctest::packages_dir();
    if (dir.empty()) return;
    const cctest::Result r = cctest::inspect(dir + "/rise/rise-cmi5-alagnew");
    BOOST_TEST(r.doc["content_model"]["tool"].GetString() == std::string("rise"));
    // INDEX.md: lessons 7 (blocks 7), no sections: one module, the course.
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 1u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 7u);
    const auto &m = r.doc["modules"][0];
    BOOST_TEST(m["id"].GetString() == std::string("pukYzTNx55RceB4raFYokL7H49YBr1SA"));
    BOOST_TEST(m["title"].GetString() == std::string("test"));
    BOOST_TEST(m["pieces"][0]["id"].GetString() == std::string("nCY9ft1fpWNa9wgqmys9FS1aEwisMxnu"));
    BOOST_TEST(m["pieces"][0]["title"].GetString() == std::string("quiz 1"));
    BOOST_TEST(m["pieces"][0]["facts"]["question"].GetBool());  // knowledge checks
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
