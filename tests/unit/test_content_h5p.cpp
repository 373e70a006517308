// The H5P content reader (adapters/content/h5p): small contents written
// here in both layouts (h5p.json + content/content.json, and H5PIntegration
// inline in an HTML page), and the real packages of ../shared/packages/h5p.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "support.hpp"

namespace cc = coursecrew;

namespace {

const char *kOneSco = R"(<?xml version="1.0"?>
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

// A Column: a multiple choice, an image (its file present) and a text
// without a subContentId.
const char *kColumn = R"({"content":[
  {"content":{"library":"H5P.MultiChoice 1.16","subContentId":"mc-1",
    "params":{"question":"<p>Which one?</p>","answers":[{"text":"A","correct":true}]},
    "metadata":{"title":"Pick one"}}},
  {"content":{"library":"H5P.Image 1.1","subContentId":"img-1",
    "params":{"file":{"path":"images/cat.png","mime":"image/png"},"alt":"A cat"},
    "metadata":{"title":"Untitled Image"}}},
  {"content":{"library":"H5P.AdvancedText 1.1","params":{"text":"<p>Some words to read</p>"}}}]})";

struct FilesLayout {
    cctest::TempDir dir;
    explicit FilesLayout(const std::string &main = "H5P.Column", const std::string &params = kColumn) {
        std::filesystem::create_directories(dir / "workspace/content/images");
        cctest::write_file(dir / "imsmanifest.xml", kOneSco);
        cctest::write_file(dir / "index.html", "<html><script src=\"main.bundle.js\"></script></html>");
        cctest::write_file(dir / "workspace/h5p.json",
                           R"({"title":"My content","mainLibrary":")" + main +
                               R"(","preloadedDependencies":[{"machineName":")" + main +
                               R"(","majorVersion":"1","minorVersion":"0"}]})");
        cctest::write_file(dir / "workspace/content/content.json", params);
        cctest::write_file(dir / "workspace/content/images/cat.png", "png");
    }
};

// Lumi's export: everything in index.html, the parameters a JSON string
// inside the H5PIntegration object.
std::string integration_page(const std::string &json_content) {
    return "<!doctype html>\n<html><head>\n<script>H5PIntegration = {\"ajaxPath\":\"https://x/\",\n"
           "\"contents\":{\"cid-42\":{\"library\":\"H5P.Dialogcards 1.9\",\"jsonContent\":" +
           json_content +
           ",\"metadata\":{\"title\":\"Flash cards\"}}},\"l10n\":{}};\n"
           "var after = {\"not\": \"this\"};</script></head><body></body></html>\n";
}
const char *kCards =
    R"("{\"dialogs\":[{\"text\":\"<p>Front</p>\",\"answer\":\"<p>Back</p>\",\"image\":{\"path\":\"images/card.jpg\"}}],\"title\":\"<p>Cards</p>\"}")";

struct InlineLayout {
    cctest::TempDir dir;
    explicit InlineLayout(const std::string &json_content = kCards) {
        cctest::write_file(dir / "imsmanifest.xml", kOneSco);
        cctest::write_file(dir / "index.html", integration_page(json_content));
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
            out += std::string(d["file"].IsString() ? d["file"].GetString() : "") + "|" +
                   (d["line"].IsInt() ? std::to_string(d["line"].GetInt()) : "") + "|" + d["message"].GetString();
    return out;
}

cc::InspectOptions listing() {
    cc::InspectOptions opt;
    opt.list_files = true;
    return opt;
}

void expect_fallback(const cctest::Result &r, const std::string &file, const std::string &words) {
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(r.doc["usable"].GetBool());
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);
    BOOST_TEST(r.doc["modules"][0]["id"].GetString() == std::string("sco"));
    const std::string w = warning(r.doc, "content.unreadable");
    BOOST_TEST(w.find(file + "|") == 0u, w);
    BOOST_TEST(w.find(words) != std::string::npos, w);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(content_h5p)

// Every piece's text is in one content.json: an edit to one piece's words
// changes that piece's fingerprint and no other's.
BOOST_AUTO_TEST_CASE(an_edit_to_one_pieces_text_changes_only_its_fingerprint) {
    FilesLayout pkg;
    auto fingerprints = [&] {
        std::vector<std::string> out;
        const cctest::Result r = cctest::inspect(pkg.dir.path());
        for (const auto &p : r.doc["modules"][0]["pieces"].GetArray())
            out.push_back(p["fingerprint"].IsString() ? p["fingerprint"].GetString() : "null");
        return out;
    };
    const std::vector<std::string> before = fingerprints();
    BOOST_REQUIRE(before.size() == 3u);
    const std::string file = pkg.dir / "workspace/content/content.json";
    std::string json = cctest::read_file(file);
    const auto at = json.find("Some words to read");
    BOOST_REQUIRE(at != std::string::npos);
    json.replace(at, 4, "Many");
    cctest::write_file(file, json);
    const std::vector<std::string> after = fingerprints();
    BOOST_REQUIRE(after.size() == 3u);
    BOOST_TEST(after[0] == before[0]);
    BOOST_TEST(after[1] == before[1]);
    BOOST_TEST(after[2] != before[2]);
    BOOST_TEST(after[2] != "null");
}

BOOST_AUTO_TEST_CASE(sub_content_of_the_files_layout_are_the_pieces) {
    FilesLayout pkg;
    const cctest::Result r = cctest::inspect(pkg.dir.path(), listing());
    BOOST_REQUIRE(r.doc["content_model"].IsObject());
    BOOST_TEST(r.doc["content_model"]["tool"].GetString() == std::string("h5p"));
    BOOST_TEST(r.doc["content_model"]["source"].GetString() == std::string("workspace/content/content.json"));
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 1u);
    BOOST_TEST(r.doc["modules"][0]["id"].GetString() == std::string("My content"));
    BOOST_TEST(r.doc["modules"][0]["type"].GetString() == std::string("h5p:H5P.Column"));
    const std::vector<Piece> ps = pieces_of(r.doc);
    BOOST_REQUIRE(ps.size() == 3u);
    BOOST_TEST(ps[0].id == "mc-1");
    BOOST_TEST(ps[0].type == "h5p:H5P.MultiChoice");
    BOOST_TEST(ps[0].title == "Pick one");
    BOOST_TEST(ps[1].id == "img-1");
    BOOST_TEST(ps[1].title == "A cat");  // "Untitled Image" is H5P's default, not a title
    // No subContentId: the content's id and the place in its parameters.
    BOOST_TEST(ps[2].id == "My content/content/2/content");
    BOOST_TEST(ps[2].type == "h5p:H5P.AdvancedText");
    BOOST_TEST(ps[2].title == "Some words to read");
    const auto &mc = r.doc["modules"][0]["pieces"][0];
    BOOST_TEST(mc["facts"]["question"].GetBool());
    BOOST_TEST(mc["source"]["at"].GetString() == std::string("/content/0/content"));
    const auto &img = r.doc["modules"][0]["pieces"][1];
    BOOST_TEST(img["facts"]["media"].GetBool());
    const std::vector<std::string> want{"workspace/content/images/cat.png:present"};
    BOOST_TEST(files_of(img) == want, boost::test_tools::per_element());
    BOOST_TEST(r.doc["modules"][0]["pieces"][2]["facts"]["text"].GetBool());
    BOOST_TEST(r.doc["modules"][0]["pieces"][2]["files"].Size() == 0u);
}

BOOST_AUTO_TEST_CASE(an_interactive_book_is_one_module_per_chapter) {
    FilesLayout pkg("H5P.InteractiveBook", R"({"chapters":[
  {"library":"H5P.Column 1.15","subContentId":"ch-1","metadata":{"title":"First chapter"},
   "params":{"content":[{"content":{"library":"H5P.AdvancedText 1.1","subContentId":"t-1","params":{"text":"<p>a</p>"}}},
                        {"content":{"library":"H5P.TrueFalse 1.8","subContentId":"tf-1","params":{"question":"<p>b?</p>"}}}]}},
  {"library":"H5P.Column 1.15","subContentId":"ch-2","metadata":{"title":"Second chapter"},
   "params":{"content":[{"content":{"library":"H5P.Video 1.6","subContentId":"v-1",
                                    "params":{"sources":[{"path":"videos/clip.mp4","mime":"video/mp4"}]}}}]}}],
  "bookCover":{"coverDescription":"<p>Cover</p>"}})");
    const cctest::Result r = cctest::inspect(pkg.dir.path(), listing());
    BOOST_REQUIRE(r.doc["content_model"].IsObject());
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 2u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 3u);
    const auto &ch1 = r.doc["modules"][0];
    BOOST_TEST(ch1["id"].GetString() == std::string("ch-1"));
    BOOST_TEST(ch1["title"].GetString() == std::string("First chapter"));
    BOOST_TEST(ch1["type"].GetString() == std::string("h5p:chapter"));
    BOOST_TEST(ch1["pieces"].Size() == 2u);
    BOOST_TEST(ch1["pieces"][1]["id"].GetString() == std::string("tf-1"));
    BOOST_TEST(ch1["pieces"][1]["facts"]["question"].GetBool());
    const auto &video = r.doc["modules"][1]["pieces"][0];
    BOOST_TEST(video["type"].GetString() == std::string("h5p:H5P.Video"));
    const std::vector<std::string> want{"workspace/content/videos/clip.mp4:missing"};
    BOOST_TEST(files_of(video) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_course_presentation_is_one_module_per_slide) {
    FilesLayout pkg("H5P.CoursePresentation", R"({"presentation":{"slides":[
  {"elements":[{"action":{"library":"H5P.AdvancedText 1.1","subContentId":"s1-t","params":{"text":"<p>Hi</p>"}}}],
   "keywords":[{"main":"Opening"}]},
  {"elements":[{"action":{"library":"H5P.Blanks 1.14","subContentId":"s2-q","params":{"questions":["<p>*x*</p>"]}}},
               {"action":{"library":"H5P.Image 1.1","subContentId":"s2-i","params":{"file":{"path":"images/cat.png"}}}}]}]}})");
    const cctest::Result r = cctest::inspect(pkg.dir.path());
    BOOST_REQUIRE(r.doc["content_model"].IsObject());
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 2u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 3u);
    BOOST_TEST(r.doc["modules"][0]["title"].GetString() == std::string("Opening"));
    BOOST_TEST(r.doc["modules"][1]["title"].GetString() == std::string("Slide 2"));
    BOOST_TEST(r.doc["modules"][1]["id"].GetString() == std::string("My content/slides/1"));
    BOOST_TEST(r.doc["modules"][1]["pieces"][0]["facts"]["question"].GetBool());
}

// The launch page of the SCO holds the content, whatever its name.
BOOST_AUTO_TEST_CASE(an_inline_content_in_a_launch_page_of_another_name_is_read) {
    cctest::TempDir dir;
    std::string manifest = kOneSco;
    for (std::size_t at; (at = manifest.find("\"index.html\"")) != std::string::npos;)
        manifest.replace(at, 12, "\"player/cards.html\"");
    cctest::write_file(dir / "imsmanifest.xml", manifest);
    std::filesystem::create_directories(dir / "player");
    cctest::write_file(dir / "player/cards.html", integration_page(kCards));
    const cctest::Result r = cctest::inspect(dir.path(), listing());
    BOOST_REQUIRE(r.doc["content_model"].IsObject());
    BOOST_TEST(r.doc["content_model"]["source"].GetString() == std::string("player/cards.html"));
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);
}

BOOST_AUTO_TEST_CASE(an_inline_content_without_sub_content_is_its_own_piece) {
    InlineLayout pkg;
    const cctest::Result r = cctest::inspect(pkg.dir.path(), listing());
    BOOST_REQUIRE(r.doc["content_model"].IsObject());
    BOOST_TEST(r.doc["content_model"]["source"].GetString() == std::string("index.html"));
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 1u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);
    const auto &m = r.doc["modules"][0];
    BOOST_TEST(m["id"].GetString() == std::string("cid-42"));
    BOOST_TEST(m["title"].GetString() == std::string("Flash cards"));
    const auto &p = m["pieces"][0];
    BOOST_TEST(p["id"].GetString() == std::string("cid-42"));
    BOOST_TEST(p["type"].GetString() == std::string("h5p:H5P.Dialogcards"));
    BOOST_TEST(p["facts"]["interactions"].GetBool());
    BOOST_TEST(p["source"]["at"].GetString() == std::string("/contents/cid-42/jsonContent"));
    const std::vector<std::string> want{"content/images/card.jpg:missing"};
    BOOST_TEST(files_of(p) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ids_are_stable_across_readings) {
    FilesLayout pkg;
    const std::vector<Piece> a = pieces_of(cctest::inspect(pkg.dir.path()).doc);
    const std::vector<Piece> b = pieces_of(cctest::inspect(pkg.dir.path()).doc);
    BOOST_REQUIRE(a.size() == 3u);
    BOOST_REQUIRE(b.size() == 3u);
    for (std::size_t i = 0; i < a.size(); ++i) BOOST_TEST(a[i].id == b[i].id);
}

BOOST_AUTO_TEST_CASE(malformed_json_content_falls_back) {
    InlineLayout pkg(R"("{\"dialogs\":[{\"text\":")");
    expect_fallback(cctest::inspect(pkg.dir.path()), "index.html|3", "jsonContent");
}

BOOST_AUTO_TEST_CASE(a_cut_off_integration_object_falls_back) {
    cctest::TempDir dir;
    cctest::write_file(dir / "imsmanifest.xml", kOneSco);
    const std::string page = integration_page(kCards);
    cctest::write_file(dir / "index.html", page.substr(0, page.find("\"l10n\"")));
    expect_fallback(cctest::inspect(dir.path()), "index.html", "H5PIntegration");
}

BOOST_AUTO_TEST_CASE(a_truncated_content_json_falls_back) {
    FilesLayout pkg;
    cctest::write_file(pkg.dir / "workspace/content/content.json", std::string(kColumn).substr(0, 120));
    expect_fallback(cctest::inspect(pkg.dir.path()), "workspace/content/content.json", "not valid");
}

BOOST_AUTO_TEST_CASE(json_content_past_the_blob_limit_falls_back) {
    InlineLayout pkg;
    cc::InspectOptions opt;
    opt.content_limits.max_blob_bytes = 64;  // the jsonContent is longer
    const cctest::Result r = cctest::inspect(pkg.dir.path(), opt);
    expect_fallback(r, "index.html", "limit");
    BOOST_TEST(warning(r.doc, "content.unreadable").find("jsonContent") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_plain_scorm_package_is_not_h5p) {
    cctest::TempDir dir;
    cctest::write_file(dir / "imsmanifest.xml", kOneSco);
    // Mentions H5PIntegration, assigns nothing; an h5p.json without mainLibrary.
    cctest::write_file(dir / "index.html", "<script>if (window.H5PIntegration) { go(); }</script>");
    std::filesystem::create_directories(dir / "content");
    cctest::write_file(dir / "h5p.json", R"({"name":"something else"})");
    cctest::write_file(dir / "content/content.json", "{}");
    const cctest::Result r = cctest::inspect(dir.path());
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(warning(r.doc, "content.unreadable").empty());
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(packages)
BOOST_AUTO_TEST_SUITE(h5p)

BOOST_AUTO_TEST_CASE(author_accordion) {
    const std::string dir = cctest::packages_dir();
    if (dir.empty()) return;
    const cctest::Result r = cctest::inspect(dir + "/h5p/h5p-author-accordion");
    BOOST_REQUIRE(r.doc["content_model"].IsObject());
    BOOST_TEST(r.doc["content_model"]["tool"].GetString() == std::string("h5p"));
    BOOST_TEST(r.doc["content_model"]["source"].GetString() == std::string("workspace/content/content.json"));
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 1u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 3u);  // H5P.AdvancedText 1.1 x 3
    const auto &m = r.doc["modules"][0];
    BOOST_TEST(m["title"].GetString() == std::string("Limiting Beliefs"));
    BOOST_TEST(m["type"].GetString() == std::string("h5p:H5P.Accordion"));
    const auto &p = m["pieces"][0];
    BOOST_TEST(p["id"].GetString() == std::string("736d0a19-8a7b-4b95-bf12-8cc3bd3e68b5"));
    BOOST_TEST(p["type"].GetString() == std::string("h5p:H5P.AdvancedText"));
    BOOST_TEST(p["title"].GetString() == std::string("Your Childhood"));  // the panel's title
    BOOST_TEST(p["facts"]["text"].GetBool());
}

BOOST_AUTO_TEST_CASE(lumi_dialogcards) {
    const std::string dir = cctest::packages_dir();
    if (dir.empty()) return;
    const cctest::Result r = cctest::inspect(dir + "/h5p/h5p-lumi-dialogcards");
    BOOST_REQUIRE(r.doc["content_model"].IsObject());
    BOOST_TEST(r.doc["content_model"]["source"].GetString() == std::string("index.html"));
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 1u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);  // no sub-content: the content is the piece
    const auto &p = r.doc["modules"][0]["pieces"][0];
    BOOST_TEST(p["id"].GetString() == std::string("cid-6924499034a1d5ccce666516"));
    BOOST_TEST(p["type"].GetString() == std::string("h5p:H5P.Dialogcards"));
    BOOST_TEST(p["title"].GetString() == std::string("Significant Figures"));
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
