// The Captivate content reader (adapters/content/captivate): slides from
// the object literal in assets/js/CPM.js, project.txt as the fallback.
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "content_direct.hpp"
#include "support.hpp"

namespace cc = coursecrew;

namespace {

const char *kManifest = R"(<?xml version="1.0"?>
<manifest identifier="m" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Manifest title</title>
    <item identifier="sco" identifierref="r"><title>The whole course</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="index_scorm.html">
    <file href="index_scorm.html"/></resource></resources>
</manifest>
)";

const char *kProject = R"({"metadata":{"generator":"Captivate","generatorVersion":"11.8.2",
  "title":"My project","totalSlides":2},"contentStructure":[]})";

// Slides listed S2 before S1 (S1 a question); S2 holds a string with
// brackets, commas and quotes that a naive scan would stop at; the
// caption and button images are packed into dr/img1.json.
const std::string kModelHead =
    "if(!window.cp)window.cp = function(str){return document.getElementById(str)};"
    "cp.CPProjInit = function(){if(cp && cp.model && cp.model.data) return; cp.model = {}; "
    "cp.D = cp.model.data = {pref:{acc:1},\n"
    "S1:{lb:'',si:[{n:'Cap1',t:19}],qs:''},\n"
    "Cap1:{type:19,mdi:'Cap1c',apsn:'S1'},Cap1c:{ip:'dr/Cap1.png',accstr:'Question one?'},\n"
    "S2:{lb:'Intro <b>slide</b>',si:[{n:'Img1',t:13},{n:'Btn1',t:612}],"
    "note:'tricky }]), \\'quoted\\' text, lb:\\'no\\'',audCC:[],\"quoted key\":1},\n"
    "Img1:{type:13,mdi:'Img1c'},Img1c:{ip:'images/photo.jpg',accstr:''},\n"
    "Btn1:{type:612,mdi:'Btn1c',oca:'cpCmndResume = 1;'},Btn1c:{ip:'dr/Btn1.png',accstr:'Next'},\n";
const std::string kMain = "project_main:{from:1,to:10,slides:'S2,S1',questions:'S1',endAction:'cp.stopMovie();'}\n";
const std::string kModelTail = "};};\n";

struct Package {
    cctest::TempDir dir;
    explicit Package(const std::string &project = kProject, const std::string &cpm = kModelHead + kMain + kModelTail) {
        cctest::write_file(dir / "imsmanifest.xml", kManifest);
        cctest::write_file(dir / "index_scorm.html", "<html></html>");
        add("project.txt", project);
        if (!cpm.empty()) add("assets/js/CPM.js", cpm);
        add("dr/imgmd.json", "cp.imagesJSONCacheForLocal=true;cp.imageToJSONPathMap={ \n"
                             "\"dr/Cap1.png\": \"img1.json\",\n\"dr/Btn1.png\": \"img1.json\",\n\"___\":\"___\"};");
        add("dr/img1.json", "cp.imagesJSONCache001={\"dr/Cap1.png\": \"iVBORw0KGgo=\"}");
        add("images/photo.jpg", "jpg");
    }
    void add(const std::string &path, const std::string &text) const {
        std::filesystem::create_directories(std::filesystem::path(dir / path).parent_path());
        cctest::write_file(dir / path, text);
    }
};

cctest::Result inspect(const Package &pkg, cc::ContentLimits limits = {}) {
    cc::InspectOptions opt;
    opt.list_files = true;
    opt.content_limits = limits;
    cctest::Result r = cctest::inspect(pkg.dir.path(), opt);
    BOOST_REQUIRE(!r.doc.HasParseError());
    BOOST_TEST(cctest::validate_against("inspect.schema.json", r.doc) == "");
    return r;
}

std::string diagnostic(const rapidjson::Document &doc, const std::string &code) {
    std::string out;
    for (const auto &d : doc["diagnostics"].GetArray())
        if (code == d["code"].GetString())
            out += std::string(out.empty() ? "" : "\n") + (d["file"].IsString() ? d["file"].GetString() : "") +
                   "|" + (d["line"].IsInt() ? std::to_string(d["line"].GetInt()) : "") + "|" +
                   d["message"].GetString();
    return out;
}

std::string str(const rapidjson::Value &v) { return v.IsString() ? v.GetString() : "<not a string>"; }

std::string slides(const rapidjson::Document &doc) {
    std::string out;
    for (const auto &p : doc["modules"][0]["pieces"].GetArray())
        out += (out.empty() ? "" : ",") + str(p["id"]) + ":" + str(p["type"]);
    return out;
}

std::string files(const rapidjson::Value &piece) {
    std::string out;
    for (const auto &f : piece["files"].GetArray())
        out += std::string(out.empty() ? "" : ",") + str(f["path"]) + (f["present"].GetBool() ? "" : "(missing)");
    return out;
}

void expect_fallback(const cctest::Result &r, const std::string &where, const std::string &words) {
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(r.doc["usable"].GetBool());
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);
    BOOST_TEST(str(r.doc["modules"][0]["id"]) == "sco");
    const std::string w = diagnostic(r.doc, "content.unreadable");
    BOOST_TEST(w.find(where) == 0u, w);
    BOOST_TEST(w.find("Captivate's slide list could not be read from assets/js/CPM.js") != std::string::npos, w);
    BOOST_TEST(w.find(words) != std::string::npos, w);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(content_captivate)

// CPM.js holds every slide: republishing an unchanged project reopens
// nothing; editing one caption's text (its image packed into dr/img1.json,
// which no slide owns) reopens its slide alone, as does one button's text;
// a slide that moves on the project's timeline (from, to, pa) has not
// changed.
BOOST_AUTO_TEST_CASE(editing_one_captions_text_reopens_only_its_slide) {
    std::string head = kModelHead;
    cctest::replace_once(head, "S1:{lb:'',", "S1:{lb:'',from:11,to:20,");
    cctest::replace_once(head, "Cap1:{type:19,", "Cap1:{type:19,from:11,to:20,pa:15,");
    cctest::replace_once(head, "S2:{lb:'Intro <b>slide</b>',", "S2:{lb:'Intro <b>slide</b>',from:1,to:10,");
    const Package pkg(kProject, head + kMain + kModelTail);
    auto write = [&] { pkg.add("assets/js/CPM.js", head + kMain + kModelTail); };
    cctest::DonePackage done(pkg.dir.path(), "captivate");
    BOOST_TEST(done.pieces() == (std::vector<std::string>{"S1", "S2"}), boost::test_tools::per_element());
    const std::vector<std::string> before = done.steady_fingerprints();
    BOOST_REQUIRE(before.size() == 2u);  // S2, S1
    BOOST_TEST(before[0].substr(0, 3) == "S2=");

    cctest::replace_once(head, "accstr:'Question one?'", "accstr:'Question two?'");
    write();
    const std::vector<std::string> after = cctest::fingerprints(pkg.dir.path());
    BOOST_TEST(after[0] == before[0]);
    BOOST_TEST(after[1] != before[1]);
    BOOST_TEST(done.republish() == std::vector<std::string>{"S1"}, boost::test_tools::per_element());

    cctest::replace_once(head, "accstr:'Next'", "accstr:'Go on'");
    write();
    const std::vector<std::string> edited = cctest::fingerprints(pkg.dir.path());
    BOOST_TEST(edited[0] != after[0]);
    BOOST_TEST(edited[1] == after[1]);
    BOOST_TEST(done.republish() == std::vector<std::string>{"S2"}, boost::test_tools::per_element());

    // S2 grows by ten frames: S1 and its caption move along the timeline.
    cctest::replace_once(head, "from:1,to:10,", "from:1,to:20,");
    cctest::replace_once(head, "S1:{lb:'',from:11,to:20,", "S1:{lb:'',from:21,to:30,");
    cctest::replace_once(head, "from:11,to:20,pa:15,", "from:21,to:30,pa:25,");
    write();
    BOOST_TEST(cctest::fingerprints(pkg.dir.path()) == edited, boost::test_tools::per_element());
    BOOST_TEST(done.republish().empty());
}

BOOST_AUTO_TEST_CASE(slides_come_from_project_main_in_its_order) {
    Package pkg;
    const cctest::Result r = inspect(pkg);
    const auto &doc = r.doc;
    BOOST_REQUIRE(doc["content_model"].IsObject());
    BOOST_TEST(str(doc["content_model"]["tool"]) == "captivate");
    BOOST_TEST(str(doc["content_model"]["version"]) == "11.8.2");
    BOOST_TEST(str(doc["content_model"]["source"]) == "assets/js/CPM.js");
    BOOST_REQUIRE(doc["counts"]["pieces"].GetUint() == 2u);
    BOOST_TEST(doc["counts"]["modules"].GetUint() == 1u);
    BOOST_TEST(str(doc["modules"][0]["id"]) == "project_main");
    BOOST_TEST(str(doc["modules"][0]["title"]) == "My project");
    BOOST_TEST(slides(doc) == "S2:captivate:slide,S1:captivate:question");
    const auto &s2 = doc["modules"][0]["pieces"][0];
    const auto &s1 = doc["modules"][0]["pieces"][1];
    BOOST_TEST(str(s2["title"]) == "Intro slide");  // its label, not the 'lb:' inside a string
    BOOST_TEST(str(s1["title"]) == "S1");            // no label: the id
    BOOST_TEST(str(s2["source"]["at"]) == "line 4");
    // The photo is a file; the caption and button images are packed in
    // dr/img1.json, not files of the package.
    BOOST_TEST(files(s2) == "images/photo.jpg");
    BOOST_TEST(files(s1) == "");
    BOOST_TEST(diagnostic(doc, "file.missing") == "");
    BOOST_TEST(s2["facts"]["media"].GetBool());
    BOOST_TEST(s2["facts"]["interactions"].GetBool());
    BOOST_TEST(s2["facts"]["text"].GetBool());
    BOOST_TEST(s1["facts"]["question"].GetBool());
    BOOST_TEST(!s1["facts"].HasMember("media"));  // a caption drawn as an image is not media
    BOOST_TEST(slides(inspect(pkg).doc) == slides(doc));  // the same ids on a re-read
}

BOOST_AUTO_TEST_CASE(without_project_main_project_txt_names_the_slides) {
    const std::string project = R"({"metadata":{"generator":"Captivate","generatorVersion":"11.8.2"},
      "contentStructure":[{"id":"S1","class":"Normal Slide","roles":{"slide":{}}},
                          {"id":"Cap1","title":"A caption","roles":{"textData":{}}},
                          {"id":"S2","class":"Normal Slide","roles":{"slide":{}}}]})";
    Package pkg(project, kModelHead + kModelTail);
    const cctest::Result r = inspect(pkg);
    BOOST_TEST(str(r.doc["content_model"]["source"]) == "project.txt");
    BOOST_TEST(slides(r.doc) == "S1:captivate:slide,S2:captivate:slide");
    BOOST_TEST(str(r.doc["modules"][0]["pieces"][1]["source"]["at"]) == "/contentStructure/2");
    BOOST_TEST(str(r.doc["modules"][0]["title"]) == "Manifest title");  // project.txt has none
    BOOST_TEST(r.has_code("content.partial"));  // the fallback is said, not silent
    BOOST_TEST(!r.has_code("content.unreadable"));
}

// In the project.txt fallback a slide's data is its contentStructure entry:
// editing one slide's entry changes that slide's fingerprint alone.
BOOST_AUTO_TEST_CASE(in_the_project_txt_fallback_a_slides_entry_is_its_data) {
    std::string project = R"({"metadata":{"generator":"Captivate","generatorVersion":"11.8.2"},
      "contentStructure":[{"id":"S1","class":"Normal Slide","roles":{"slide":{}}},
                          {"id":"S2","class":"Normal Slide","title":"Intro","roles":{"slide":{}}}]})";
    Package pkg(project, kModelHead + kModelTail);
    const std::vector<std::string> before = cctest::fingerprints(pkg.dir.path());
    BOOST_REQUIRE(before.size() == 2u);
    BOOST_TEST(before[0].substr(0, 3) == "S1=");
    BOOST_TEST(cctest::fingerprints(pkg.dir.path()) == before, boost::test_tools::per_element());
    cctest::replace_once(project, "\"title\":\"Intro\"", "\"title\":\"Welcome\"");
    pkg.add("project.txt", project);
    const std::vector<std::string> after = cctest::fingerprints(pkg.dir.path());
    BOOST_REQUIRE(after.size() == 2u);
    BOOST_TEST(after[0] == before[0]);
    BOOST_TEST(after[1] != before[1]);
}

BOOST_AUTO_TEST_CASE(without_project_main_or_project_slides_the_manifest_stays) {
    Package pkg(kProject, kModelHead + kModelTail);
    expect_fallback(inspect(pkg), "assets/js/CPM.js|", "no project_main");
}

BOOST_AUTO_TEST_CASE(a_truncated_model_is_not_guessed) {
    const std::string full = kModelHead + kMain + kModelTail;
    Package cut(kProject, full.substr(0, full.find("tricky") + 3));
    expect_fallback(inspect(cut), "assets/js/CPM.js|4|", "not closed");
    Package open(kProject, kModelHead + kMain);
    expect_fallback(inspect(open), "assets/js/CPM.js|", "ends half-way");
    Package none(kProject, "var x = 1;");
    expect_fallback(inspect(none), "assets/js/CPM.js|", "cp.model.data");
}

BOOST_AUTO_TEST_CASE(files_and_strings_past_their_limits) {
    Package pkg;
    cc::ContentLimits limits;
    limits.max_file_bytes = 400;  // project.txt fits, CPM.js does not
    expect_fallback(inspect(pkg, limits), "assets/js/CPM.js|", "larger than 400 bytes");
    limits = {};
    limits.max_blob_bytes = 20;  // the tricky string is longer
    expect_fallback(inspect(pkg, limits), "assets/js/CPM.js|4|", "longer than the limit of 20 bytes");
}

BOOST_AUTO_TEST_CASE(another_tools_project_txt_is_not_captivate) {
    Package pkg(R"({"metadata":{"generator":"Other","generatorVersion":"1"}})", "");
    const cctest::Result r = inspect(pkg);
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(diagnostic(r.doc, "content.unreadable") == "");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(packages)
BOOST_AUTO_TEST_SUITE(captivate)

BOOST_AUTO_TEST_CASE(captivate_ebarnes) {
    const std::string dir = cctest::packages_dir();
    if (dir.empty()) return;
    const cctest::Result r = cctest::inspect(dir + "/captivate/captivate-ebarnes");
    const auto &doc = r.doc;
    BOOST_TEST(str(doc["content_model"]["tool"]) == "captivate");
    BOOST_TEST(str(doc["content_model"]["version"]) == "11.8.2");
    BOOST_TEST(str(doc["content_model"]["source"]) == "assets/js/CPM.js");
    BOOST_TEST(doc["counts"]["modules"].GetUint() == 1u);
    BOOST_TEST(doc["counts"]["pieces"].GetUint() == 2u);
    BOOST_TEST(slides(doc) == "Slide7759:captivate:slide,Slide7998:captivate:slide");
    BOOST_TEST(diagnostic(doc, "file.missing") == "");  // the packed caption images are not missing
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
