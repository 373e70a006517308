// The Adapt content reader (adapters/content/adapt): small courses written
// here, and the real packages of ../shared/packages/adapt.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "plugin/engine/workspace.hpp"
#include "content_direct.hpp"
#include "support.hpp"

namespace cc = coursecrew;

namespace {

const char *kOneSco = R"(<?xml version="1.0"?>
<manifest identifier="adapt_manifest" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Course</title>
    <item identifier="sco" identifierref="r"><title>The whole course</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="index.html">
    <file href="index.html"/></resource></resources>
</manifest>
)";

// A two-language course: a menu holding a page, and a page of its own, one
// component on each; two components whose _parentId chain never reaches the
// course (a missing block, and two blocks that are each other's parent).
struct AdaptCourse {
    cctest::TempDir dir;
    explicit AdaptCourse(const std::string &default_language = "en") {
        std::filesystem::create_directories(dir / "course/en/images");
        std::filesystem::create_directories(dir / "course/fr/images");
        std::filesystem::create_directories(dir / "adapt/js");
        cctest::write_file(dir / "imsmanifest.xml", kOneSco);
        cctest::write_file(dir / "index.html", "<html></html>");
        cctest::write_file(dir / "adapt/js/build.min.js",
                           R"(define("build",{"package":{"name":"adapt_framework","version":"5.31.2"},"plugins":[]});)");
        cctest::write_file(dir / "course/config.json",
                           R"({"_defaultLanguage":")" + default_language + R"(","build":{"strictMode":true}})");
        cctest::write_file(dir / "course/en/images/intro.jpg", "jpg");
        cctest::write_file(dir / "course/fr/images/intro-fr.jpg", "jpg");
        write_language("en", "Welcome", "Question one", "course/en/images/intro.jpg");
        write_language("fr", "Bienvenue", "Question un", "course/fr/images/intro-fr.jpg");
    }

    void write_language(const std::string &lang, const std::string &welcome, const std::string &question,
                        const std::string &image) {
        const std::string f = "course/" + lang + "/";
        cctest::write_file(dir / (f + "course.json"), R"({"_id":"course","_type":"course","title":"The course"})");
        cctest::write_file(dir / (f + "contentObjects.json"), R"([
  {"_id":"co-menu","_parentId":"course","_type":"menu","title":"Part <b>one</b>"},
  {"_id":"co-p1","_parentId":"co-menu","_type":"page","title":"Inside the menu"},
  {"_id":"co-p2","_parentId":"course","_type":"page","title":"Quiz","displayTitle":""}])");
        cctest::write_file(dir / (f + "articles.json"), R"([
  {"_id":"a-1","_parentId":"co-p1","_type":"article"},
  {"_id":"a-2","_parentId":"co-p2","_type":"article"}])");
        cctest::write_file(dir / (f + "blocks.json"), R"([
  {"_id":"b-1","_parentId":"a-1","_type":"block"},
  {"_id":"b-2","_parentId":"a-2","_type":"block"},
  {"_id":"b-loop-1","_parentId":"b-loop-2","_type":"block"},
  {"_id":"b-loop-2","_parentId":"b-loop-1","_type":"block"}])");
        cctest::write_file(dir / (f + "components.json"), R"([
  {"_id":"c-text","_parentId":"b-1","_type":"component","_component":"graphic","displayTitle":")" + welcome +
                                                              R"(",
   "body":"<p>Hello <img src=\")" + image + R"(\"></p>","_graphic":{"src":"assets/none.png","alt":"x"}},
  {"_id":"c-mcq","_parentId":"b-2","_type":"component","_component":"mcq","title":")" + question +
                                                              R"(",
   "displayTitle":"Question {{questionNumber}}","_attempts":1,"_items":[{"text":"A","_shouldBeSelected":true}],
   "_graphic":{"src":"course/)" + lang + R"(/images/missing.jpg"}},
  {"_id":"c-orphan","_parentId":"b-gone","_type":"component","_component":"text","body":"<p>lost</p>"},
  {"_id":"c-cycle","_parentId":"b-loop-1","_type":"component","_component":"text","body":"<p>loop</p>"}])");
    }
};

struct Piece {
    std::string module, id, type, title;
};

std::vector<Piece> pieces_of(const rapidjson::Document &doc) {
    std::vector<Piece> out;
    for (const auto &m : doc["modules"].GetArray())
        for (const auto &p : m["pieces"].GetArray())
            out.push_back({m["id"].GetString(), p["id"].GetString(), p["type"].GetString(), p["title"].GetString()});
    return out;
}

const rapidjson::Value *find_piece(const rapidjson::Document &doc, const std::string &id) {
    for (const auto &m : doc["modules"].GetArray())
        for (const auto &p : m["pieces"].GetArray())
            if (id == p["id"].GetString()) return &p;
    return nullptr;
}

// "path:present" for each of a piece's listed files.
std::vector<std::string> files_of(const rapidjson::Value &piece) {
    std::vector<std::string> out;
    for (const auto &f : piece["files"].GetArray())
        out.push_back(std::string(f["path"].GetString()) + (f["present"].GetBool() ? ":present" : ":missing"));
    return out;
}

std::string warning(const rapidjson::Document &doc, const std::string &code) {
    std::string out;
    for (const auto &d : doc["diagnostics"].GetArray())
        if (code == d["code"].GetString())
            out += std::string(d["file"].IsString() ? d["file"].GetString() : "") + "|" + d["message"].GetString();
    return out;
}

cc::InspectOptions listing() {
    cc::InspectOptions opt;
    opt.list_files = true;
    return opt;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(content_adapt)

// Re-publishing an unchanged course changes nothing; editing one
// component's text (in components.json, which every component shares)
// reopens that piece's done pairs and no other's.
BOOST_AUTO_TEST_CASE(editing_one_components_text_reopens_only_that_piece) {
    AdaptCourse course;
    const std::string pkg = course.dir.path();
    cc::WorkspaceOptions o;
    o.store_path = course.dir / "state.db";
    o.now = 1'800'000'000;
    cc::PublishResult result;
    cc::WorkspaceError error;
    auto publish = [&] {
        cc::Inspection ins(20);
        BOOST_TEST_REQUIRE(cc::publish_package(pkg, {}, o, ins, result, error), error.message);
        BOOST_TEST_REQUIRE(ins.course.content.tool == "adapt");
    };
    publish();
    const auto pairs = cctest::rows(o.store_path, "SELECT piece || '/' || role FROM pairs ORDER BY 1");
    BOOST_TEST(pairs == (std::vector<std::string>{"c-mcq/artist", "c-mcq/designer", "c-text/artist", "c-text/writer"}),
               boost::test_tools::per_element());
    std::vector<cc::StatusUpdate> done;
    for (const std::string &pr : pairs) {
        const auto slash = pr.find('/');
        done.push_back({pr.substr(0, slash), pr.substr(slash + 1), cc::Status::Done, "ana", "", 0});
    }
    std::vector<cc::Change> changes;
    BOOST_TEST_REQUIRE(cc::set_status_for_package(pkg, {}, o, done, changes, error), error.message);

    o.now += 60;
    publish();  // unchanged
    BOOST_TEST(result.summary.pairs_reopened == 0u);
    BOOST_TEST(result.summary.pairs_added == 0u);
    BOOST_TEST(result.summary.changes.empty());

    // The mcq's question text changes in the English components.json.
    const std::string file = course.dir / "course/en/components.json";
    std::string json = cctest::read_file(file);
    const auto at = json.find("\"A\",\"_shouldBeSelected\"");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    json.replace(at, 3, "\"B\"");
    cctest::write_file(file, json);
    o.now += 60;
    publish();
    // Both of the mcq's roles rest on the whole piece (a question; media),
    // so both look again (the artist's back at work: its image is still
    // missing); the other component is untouched.
    BOOST_TEST(result.summary.pairs_reopened == 2u);
    BOOST_TEST(cctest::rows(o.store_path, "SELECT piece || '/' || role || ':' || status FROM pairs ORDER BY 1") ==
                   (std::vector<std::string>{"c-mcq/artist:in_progress", "c-mcq/designer:in_review",
                                             "c-text/artist:done", "c-text/writer:done"}),
               boost::test_tools::per_element());
}

// A course in production, inside the tool's structure: a component's image
// and the course's launch page go missing. Publish and review go on; the
// findings name each file and the role that owes it; the done pair whose
// image went missing is back in progress; inspect still refuses the package.
BOOST_AUTO_TEST_CASE(a_missing_image_and_a_missing_page_are_findings_owed_by_their_roles) {
    cctest::TempDir dir;
    const std::string pkg = dir / "course";
    std::filesystem::create_directories(pkg + "/course/en/images");
    cctest::write_file(pkg + "/imsmanifest.xml", kOneSco);
    cctest::write_file(pkg + "/index.html", "<html></html>");
    cctest::write_file(pkg + "/course/config.json", R"({"_defaultLanguage":"en"})");
    cctest::write_file(pkg + "/course/en/course.json", R"({"_id":"course","_type":"course","title":"Safety"})");
    cctest::write_file(pkg + "/course/en/contentObjects.json",
                       R"([{"_id":"p-hazards","_parentId":"course","_type":"page","title":"Hazards"}])");
    cctest::write_file(pkg + "/course/en/articles.json", R"([{"_id":"a","_parentId":"p-hazards","_type":"article"}])");
    cctest::write_file(pkg + "/course/en/blocks.json", R"([{"_id":"b","_parentId":"a","_type":"block"}])");
    cctest::write_file(pkg + "/course/en/components.json", R"([
  {"_id":"c-photo","_parentId":"b","_type":"component","_component":"graphic","title":"The photo",
   "_graphic":{"large":"course/en/images/hazard.png","alt":"A wet floor"}},
  {"_id":"c-words","_parentId":"b","_type":"component","_component":"text","title":"The words",
   "body":"<p>Mind the floor.</p>"}])");
    cctest::write_file(pkg + "/course/en/images/hazard.png", "png");
    cc::WorkspaceOptions o;
    o.store_path = dir / "state.db";
    o.now = 1'800'000'000;
    cc::PublishResult result;
    cc::WorkspaceError error;
    {
        cc::Inspection ins(20);
        BOOST_TEST_REQUIRE(cc::publish_package(pkg, {}, o, ins, result, error), error.message);
        BOOST_TEST_REQUIRE(ins.course.content.tool == "adapt");
    }
    std::vector<cc::Change> changes;
    BOOST_TEST_REQUIRE(cc::set_status_for_package(pkg, {}, o, {{"c-photo", "artist", cc::Status::Done, "ana", "", 0}},
                                                  changes, error),
                       error.message);

    std::filesystem::remove(pkg + "/course/en/images/hazard.png");
    std::filesystem::remove(pkg + "/index.html");
    o.now += 60;
    {
        cc::Inspection ins(20);
        BOOST_TEST_REQUIRE(cc::publish_package(pkg, {}, o, ins, result, error), error.message);
        BOOST_TEST(ins.diags.count("file.missing") + ins.diags.count("file.launch_missing") >= 2u);
    }
    BOOST_TEST(cctest::rows(o.store_path, "SELECT status || '|' || note FROM pairs WHERE piece = 'c-photo' AND "
                                          "role = 'artist'") ==
                   std::vector<std::string>{"in_progress|waiting for course/en/images/hazard.png"},
               boost::test_tools::per_element());
    BOOST_TEST(cctest::count(o.store_path, "SELECT count(*) FROM history WHERE kind = 'file_missing_after_done'") == 1);

    std::string rendered;
    BOOST_TEST_REQUIRE(cc::review_package(pkg, {}, o, rendered, error), error.message);
    const std::vector<std::string> waiting = cctest::waiting_findings(rendered);
    BOOST_TEST_REQUIRE(waiting.size() == 2u);
    BOOST_TEST(waiting[0].find("c-photo/artist: The photo: waiting for course/en/images/hazard.png (the ") == 0u,
               waiting[0]);
    BOOST_TEST(waiting[1].find("/designer: Course shell: waiting for index.html (the ") == 0u, waiting[1]);
    rapidjson::Document review;
    review.Parse(rendered.c_str(), rendered.size());
    BOOST_TEST(review["shell"]["missing_files"].GetUint() == 1u);

    // The table says it too.
    o.format = cc::ReviewFormat::Table;
    BOOST_TEST_REQUIRE(cc::review_package(pkg, {}, o, rendered, error), error.message);
    BOOST_TEST(rendered.find("Course shell: waiting for index.html") != std::string::npos, rendered);

    cctest::Result checked = cctest::inspect(pkg);
    BOOST_TEST(checked.status == COURSECREW_E_PACKAGE_INVALID);
}

BOOST_AUTO_TEST_CASE(modules_are_the_content_objects_under_the_course_and_pieces_the_components) {
    AdaptCourse course;
    const cctest::Result r = cctest::inspect(course.dir.path(), listing());
    const auto &cm = r.doc["content_model"];
    BOOST_REQUIRE(cm.IsObject());
    BOOST_TEST(cm["tool"].GetString() == std::string("adapt"));
    BOOST_TEST(cm["version"].GetString() == std::string("5.31.2"));
    BOOST_TEST(cm["source"].GetString() == std::string("course/en/course.json"));
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 2u);
    // The orphan and the component under the cyclic blocks belong to no
    // module: left out, and said once per language.
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 2u);
    const std::string partial = warning(r.doc, "content.partial");
    BOOST_TEST(partial.find("course/en/components.json|the adapt course data: 2 components are left out") == 0u,
               partial);
    BOOST_TEST(partial.find("'c-orphan'") != std::string::npos, partial);
    BOOST_TEST(partial.find("course/fr/components.json|") != std::string::npos, partial);
    const auto &menu = r.doc["modules"][0];
    BOOST_TEST(menu["id"].GetString() == std::string("co-menu"));
    BOOST_TEST(menu["type"].GetString() == std::string("adapt:menu"));
    BOOST_TEST(menu["title"].GetString() == std::string("Part one"));  // HTML dropped
    BOOST_TEST(menu["source"]["file"].GetString() == std::string("course/en/contentObjects.json"));
    BOOST_TEST(menu["source"]["at"].GetString() == std::string("/0"));
    const std::vector<Piece> ps = pieces_of(r.doc);
    BOOST_REQUIRE(ps.size() == 2u);
    // The page under the menu belongs to the menu's module.
    BOOST_TEST(ps[0].module == "co-menu");
    BOOST_TEST(ps[0].id == "c-text");
    BOOST_TEST(ps[0].type == "adapt:graphic");
    BOOST_TEST(ps[0].title == "Welcome");  // the default language's
    BOOST_TEST(ps[1].module == "co-p2");
    BOOST_TEST(ps[1].id == "c-mcq");
    BOOST_TEST(ps[1].type == "adapt:mcq");
    BOOST_TEST(ps[1].title == "Question one");  // a template displayTitle gives way to title
    const auto &mcq = *find_piece(r.doc, "c-mcq");
    BOOST_TEST(mcq["facts"]["question"].GetBool());
    BOOST_TEST(mcq["source"]["file"].GetString() == std::string("course/en/components.json"));
    BOOST_TEST(mcq["source"]["at"].GetString() == std::string("/1"));
    const auto &graphic = *find_piece(r.doc, "c-text");
    BOOST_TEST(graphic["facts"]["media"].GetBool());
    BOOST_TEST(graphic["facts"]["text"].GetBool());
    BOOST_TEST(!graphic["facts"].HasMember("question"));
}

// The reader takes an object's _id, _type, _parentId and _component from
// wherever they are among its members, the first one when a name is given
// twice (as RapidJSON's FindMember does), and stops looking once it has all
// four.
BOOST_AUTO_TEST_CASE(the_first_of_a_repeated_member_counts_wherever_it_is) {
    AdaptCourse course;
    for (const char *lang : {"en", "fr"})
        cctest::write_file(course.dir / (std::string("course/") + lang + "/components.json"), R"([
  {"title":"Late","body":"<p>x</p>","_classes":"","_parentId":"b-1","_id":"c-late","_type":"component",
   "_component":"text","_id":"c-second","_component":"mcq"},
  {"_id":"c-first","_id":"c-again","_parentId":"b-2","_parentId":"b-1","_type":"component","_component":"graphic"}])");
    const cctest::Result r = cctest::inspect(course.dir.path(), listing());
    const std::vector<Piece> ps = pieces_of(r.doc);
    BOOST_REQUIRE(ps.size() == 2u);
    BOOST_TEST(ps[0].id == "c-late");
    BOOST_TEST(ps[0].type == "adapt:text");
    BOOST_TEST(ps[0].module == "co-menu");
    BOOST_TEST(ps[1].id == "c-first");
    BOOST_TEST(ps[1].type == "adapt:graphic");
    BOOST_TEST(ps[1].module == "co-p2");  // b-2's page, not b-1's
}

// An Adapt build without spoor has no manifest: the course is read from its
// JSON alone, named as spoor's manifest would name it, and every file in the
// build that no component uses is the course shell. Its statuses are kept
// like any course's.
BOOST_AUTO_TEST_CASE(a_build_without_a_manifest_is_read_from_its_json_alone) {
    AdaptCourse course;
    std::filesystem::remove(course.dir / "imsmanifest.xml");
    const cctest::Result r = cctest::inspect(course.dir.path(), listing());
    // Its only errors are the images the components name that are not there,
    // as with a manifest.
    BOOST_TEST(r.status == COURSECREW_E_PACKAGE_INVALID);
    BOOST_TEST(r.doc["summary"]["errors"].GetUint() == 3u);
    BOOST_TEST(warning(r.doc, "file.missing").find("course/en/images/missing.jpg") != std::string::npos);
    BOOST_TEST(r.doc["format"].IsNull());
    BOOST_TEST(r.doc["manifest"].IsNull());
    BOOST_TEST(r.doc["identifier"].GetString() == std::string("adapt_manifest"));
    BOOST_TEST(r.doc["title"].GetString() == std::string("The course"));
    const std::string warned = warning(r.doc, "package.no_manifest_content_only");
    BOOST_TEST(warned.find("course/en/course.json|no imsmanifest.xml, cmi5.xml or tincan.xml in ") == 0u, warned);
    BOOST_TEST(warned.find("read from the adapt course data alone") != std::string::npos, warned);
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 2u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 2u);
    BOOST_TEST(files_of(*find_piece(r.doc, "c-text")) ==
                   (std::vector<std::string>{"assets/none.png:missing", "course/en/images/intro.jpg:present",
                                             "course/fr/images/intro-fr.jpg:present"}),
               boost::test_tools::per_element());
    // Every other file of the build is the shell: index.html, the framework's
    // script and the 11 JSON files (the two body images are c-text's).
    BOOST_TEST(r.doc["counts"]["package_files"].GetUint() == 15u);
    BOOST_TEST(r.doc["course_shell"]["file_count"].GetUint() == 13u);
    BOOST_TEST(r.doc["course_shell"]["missing_files"].GetUint() == 0u);

    // spoor's identifier setting names the course, as it names the manifest.
    cctest::write_file(course.dir / "course/config.json",
                       R"({"_defaultLanguage":"en","_spoor":{"_advancedSettings":{"_manifestIdentifier":"safety-101"}}})");
    BOOST_TEST(cctest::inspect(course.dir.path(), listing()).doc["identifier"].GetString() == std::string("safety-101"));

    // Without the content readers it is no package at all.
    cc::InspectOptions off = listing();
    off.content.mode = "off";
    const cctest::Result refused = cctest::inspect(course.dir.path(), off);
    BOOST_TEST(refused.status == COURSECREW_E_PACKAGE_INVALID);
    BOOST_TEST(warning(refused.doc, "package.no_manifest").find("|no imsmanifest.xml, cmi5.xml or tincan.xml in ") == 0u);
    BOOST_TEST(warning(refused.doc, "package.no_manifest_content_only").empty());

    // Published, its pairs are kept under that identifier.
    cc::WorkspaceOptions o;
    o.store_path = course.dir / "state.db";
    o.now = 1'800'000'000;
    cc::PublishResult result;
    cc::WorkspaceError error;
    cc::Inspection ins(20);
    BOOST_TEST_REQUIRE(cc::publish_package(course.dir.path(), {}, o, ins, result, error), error.message);
    BOOST_TEST(result.course == "safety-101");
    BOOST_TEST(result.pieces == 2u);
}

BOOST_AUTO_TEST_CASE(each_language_adds_its_files_to_the_one_piece_of_a_component) {
    AdaptCourse course;
    const cctest::Result r = cctest::inspect(course.dir.path(), listing());
    BOOST_REQUIRE(r.doc["content_model"].IsObject());
    const std::vector<std::string> text = files_of(*find_piece(r.doc, "c-text"));
    // Body images of both languages; "assets/none.png" is missing but an image.
    const std::vector<std::string> want_text{"assets/none.png:missing", "course/en/images/intro.jpg:present",
                                             "course/fr/images/intro-fr.jpg:present"};
    BOOST_TEST(text == want_text, boost::test_tools::per_element());
    // A missing image is listed, not present, and reported.
    const std::vector<std::string> mcq = files_of(*find_piece(r.doc, "c-mcq"));
    const std::vector<std::string> want_mcq{"course/en/images/missing.jpg:missing",
                                            "course/fr/images/missing.jpg:missing"};
    BOOST_TEST(mcq == want_mcq, boost::test_tools::per_element());
    BOOST_TEST(warning(r.doc, "file.missing").find("course/en/images/missing.jpg") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(titles_come_from_the_configured_default_language) {
    AdaptCourse course("fr");
    const cctest::Result r = cctest::inspect(course.dir.path());
    BOOST_REQUIRE(r.doc["content_model"].IsObject());
    BOOST_TEST(r.doc["content_model"]["source"].GetString() == std::string("course/fr/course.json"));
    BOOST_TEST(find_piece(r.doc, "c-text")->operator[]("title").GetString() == std::string("Bienvenue"));
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 2u);
}

BOOST_AUTO_TEST_CASE(ids_are_stable_across_readings) {
    AdaptCourse course;
    const std::vector<Piece> a = pieces_of(cctest::inspect(course.dir.path()).doc);
    const std::vector<Piece> b = pieces_of(cctest::inspect(course.dir.path()).doc);
    BOOST_REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) BOOST_TEST(a[i].id == b[i].id);
}

BOOST_AUTO_TEST_CASE(a_truncated_components_file_falls_back_to_the_manifest) {
    AdaptCourse course;
    const std::string full = cctest::read_file(course.dir / "course/en/components.json");
    cctest::write_file(course.dir / "course/en/components.json", full.substr(0, full.size() / 2));
    const cctest::Result r = cctest::inspect(course.dir.path());
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(r.doc["usable"].GetBool());
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);
    BOOST_TEST(r.doc["modules"][0]["id"].GetString() == std::string("sco"));
    const std::string w = warning(r.doc, "content.unreadable");
    BOOST_TEST(w.find("course/en/components.json|") == 0u, w);
    BOOST_TEST(w.find("adapt") != std::string::npos, w);
}

BOOST_AUTO_TEST_CASE(malformed_course_data_falls_back_to_the_manifest) {
    AdaptCourse course;
    cctest::write_file(course.dir / "course/fr/blocks.json", R"([{"_id":"b-1",, }])");
    const cctest::Result r = cctest::inspect(course.dir.path());
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(warning(r.doc, "content.unreadable").find("course/fr/blocks.json|") == 0u);
}

BOOST_AUTO_TEST_CASE(a_data_file_past_the_size_limit_falls_back) {
    AdaptCourse course;
    cc::InspectOptions opt;
    opt.content_limits.max_file_bytes = 600;  // course.json fits, components.json does not
    const cctest::Result r = cctest::inspect(course.dir.path(), opt);
    BOOST_TEST(r.doc["content_model"].IsNull());
    const std::string w = warning(r.doc, "content.unreadable");
    BOOST_TEST(w.find("course/en/components.json|") == 0u, w);
    BOOST_TEST(w.find("larger than 600 bytes") != std::string::npos, w);
}

BOOST_AUTO_TEST_CASE(a_plain_scorm_package_is_not_adapt) {
    cctest::TempDir dir;
    cctest::write_file(dir / "imsmanifest.xml", kOneSco);
    cctest::write_file(dir / "index.html", "<html></html>");
    // A folder named course/ with JSON that is not Adapt's.
    std::filesystem::create_directories(dir / "course/en");
    cctest::write_file(dir / "course/config.json", R"({"lang":"en"})");
    cctest::write_file(dir / "course/en/course.json", R"({"name":"not adapt"})");
    const cctest::Result r = cctest::inspect(dir.path());
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(warning(r.doc, "content.unreadable").empty());
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(packages)
BOOST_AUTO_TEST_SUITE(adapt)

BOOST_AUTO_TEST_CASE(cooking_up_a_xapi) {
    const std::string dir = cctest::packages_dir();
    if (dir.empty()) return;
    const cctest::Result r = cctest::inspect(dir + "/adapt/adapt-cooking-xapi");
    BOOST_REQUIRE(r.doc["content_model"].IsObject());
    BOOST_TEST(r.doc["content_model"]["tool"].GetString() == std::string("adapt"));
    BOOST_TEST(r.doc["content_model"]["version"].GetString() == std::string("4.0.1"));
    // Under the course: the pre-assessment page and the menu of 12 pages.
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 2u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 16u);  // components 16
    BOOST_TEST(r.doc["modules"][0]["id"].GetString() == std::string("pre-assessment"));
    BOOST_TEST(r.doc["modules"][1]["id"].GetString() == std::string("co-00"));
    BOOST_TEST(r.doc["modules"][1]["type"].GetString() == std::string("adapt:menu"));
    BOOST_TEST(r.doc["modules"][0]["pieces"].Size() == 4u);
    BOOST_TEST(r.doc["modules"][1]["pieces"].Size() == 12u);
    const auto &q = *find_piece(r.doc, "c-00-1");
    BOOST_TEST(q["type"].GetString() == std::string("adapt:mcq"));
    BOOST_TEST(q["title"].GetString() == std::string("Question 1"));
    BOOST_TEST(q["facts"]["question"].GetBool());
    BOOST_TEST(find_piece(r.doc, "c-3-4")->operator[]("type").GetString() == std::string("adapt:xapiObjectComplete"));
}

BOOST_AUTO_TEST_CASE(kevapps) {
    const std::string dir = cctest::packages_dir();
    if (dir.empty()) return;
    const cctest::Result r = cctest::inspect(dir + "/adapt/adapt-kevapps", listing());
    BOOST_REQUIRE(r.doc["content_model"].IsObject());
    BOOST_TEST(r.doc["content_model"]["version"].GetString() == std::string("5.40.10"));
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 4u);   // contentObjects: page 4, all under the course
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 68u);   // components 68
    BOOST_TEST(r.doc["modules"][0]["title"].GetString() == std::string("Introduction"));  // <strong> dropped
    const auto &graphic = *find_piece(r.doc, "6916ef971c17f4e4c989eaa1");
    BOOST_TEST(graphic["type"].GetString() == std::string("adapt:graphic"));
    BOOST_TEST(graphic["title"].GetString() == std::string("What does the LQF do?"));
    BOOST_TEST(graphic["facts"]["media"].GetBool());
    const std::vector<std::string> files = files_of(graphic);
    const std::vector<std::string> want{"course/en/assets/68e69345c5b41d324bb2b5b5.png:present",
                                        "course/en/assets/68e6935770665d2d4bac8e69.png:present"};
    BOOST_TEST(files == want, boost::test_tools::per_element());
    std::size_t types = 0, with_files = 0;
    for (const auto &m : r.doc["modules"].GetArray())
        for (const auto &p : m["pieces"].GetArray()) {
            types += std::string(p["type"].GetString()) == "adapt:accordion";
            with_files += p["files"].Size() > 0;
        }
    BOOST_TEST(types == 9u);  // accordion 9
    BOOST_TEST(with_files > 10u);
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
