// The eXeLearning content reader (adapters/content/exe): eXe 2 contentv3.xml
// and eXe 3 content.xml, through the engine, on small packages written
// here and on the real exports in ../shared/packages.
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
  <organizations default="o"><organization identifier="o"><title>Course</title>
    <item identifier="sco" identifierref="r"><title>The whole course</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="index.html">
    <file href="index.html"/></resource></resources>
</manifest>
)";

// An eXe 2 project: home page (one iDevice) with a child page "Unit 1"
// (a True/False iDevice) which has a sub-page "Lesson" whose iDevice is
// written out first inside the package's resources and referenced from
// the page. A deleted page (in _nodeIdDict only) holds iDevice 99.
std::string exe2(const std::string &extra_home_idevice = "") {
    return R"(<?xml version="1.0" encoding="utf-8"?>
<instance xmlns="http://www.exelearning.org/content/v0.3" reference="1" version="0.3" class="exe.engine.package.Package">
 <dictionary>
  <string role="key" value="_nodeIdDict"></string>
  <dictionary>
   <unicode role="key" value="7"></unicode>
   <instance class="exe.engine.node.Node" reference="9">
    <dictionary>
     <string role="key" value="_title"></string><unicode value="Deleted page"></unicode>
     <string role="key" value="idevices"></string>
     <list><instance class="exe.engine.freetextidevice.FreeTextIdevice" reference="10"><dictionary>
       <string role="key" value="_title"></string><unicode value="Gone"></unicode>
       <string role="key" value="id"></string><unicode value="99"></unicode></dictionary></instance></list>
     <string role="key" value="children"></string><list></list>
    </dictionary>
   </instance>
  </dictionary>
  <string role="key" value="resources"></string>
  <dictionary>
   <string role="key" value="abc"></string>
   <list>
    <instance class="exe.engine.resource.Resource" reference="20">
     <dictionary>
      <string role="key" value="_idevice"></string>
      <instance class="exe.engine.galleryidevice.GalleryIdevice" reference="21">
       <dictionary>
        <string role="key" value="_title"></string><unicode value="Photos &amp;amp; more"></unicode>
        <string role="key" value="id"></string><unicode value="12"></unicode>
        <string role="key" value="images"></string>
        <list><instance class="exe.engine.galleryidevice.GalleryImage"><dictionary>
          <string role="key" value="_imageResource"></string><reference key="20"></reference>
        </dictionary></instance></list>
        <string role="key" value="parentNode"></string><reference key="4"></reference>
       </dictionary>
      </instance>
      <string role="key" value="_storageName"></string><string value="dog.jpg"></string>
      <string role="key" value="_userName"></string><string value="c:\\temp\\dog.jpg"></string>
     </dictionary>
    </instance>
   </list>
  </dictionary>
  <string role="key" value="root"></string>
  <instance class="exe.engine.node.Node" reference="2">
   <dictionary>
    <string role="key" value="_title"></string><unicode value="Home"></unicode>
    <string role="key" value="_id"></string><unicode value="1"></unicode>
    <string role="key" value="idevices"></string>
    <list>)" + extra_home_idevice + R"(
     <instance class="exe.engine.freetextidevice.FreeTextIdevice" reference="3">
      <dictionary>
       <string role="key" value="_title"></string><unicode value="Welcome"></unicode>
       <string role="key" value="id"></string><unicode value="10"></unicode>
       <string role="key" value="fields"></string>
       <list><instance class="exe.engine.field.TextAreaField"><dictionary>
        <string role="key" value="content_w_resourcePaths"></string>
        <unicode content="true" value="&lt;p&gt;Hello &lt;img src=&quot;resources/cat.png&quot;&gt;&lt;/p&gt;"></unicode>
        <string role="key" value="_idevice"></string><reference key="3"></reference>
       </dictionary></instance></list>
       <string role="key" value="parentNode"></string><reference key="2"></reference>
      </dictionary>
     </instance>
    </list>
    <string role="key" value="children"></string>
    <list>
     <instance class="exe.engine.node.Node" reference="5">
      <dictionary>
       <string role="key" value="_title"></string><unicode value="Unit 1"></unicode>
       <string role="key" value="_id"></string><unicode value="2"></unicode>
       <string role="key" value="idevices"></string>
       <list><instance class="exe.engine.truefalseidevice.TrueFalseIdevice" reference="6"><dictionary>
         <string role="key" value="_title"></string><unicode value="True or false?"></unicode>
         <string role="key" value="id"></string><unicode value="11"></unicode>
         <string role="key" value="parentNode"></string><reference key="5"></reference>
       </dictionary></instance></list>
       <string role="key" value="children"></string>
       <list>
        <instance class="exe.engine.node.Node" reference="4">
         <dictionary>
          <string role="key" value="_title"></string><unicode value="Lesson"></unicode>
          <string role="key" value="_id"></string><unicode value="3"></unicode>
          <string role="key" value="idevices"></string><list><reference key="21"></reference></list>
          <string role="key" value="children"></string><list><reference key="5"></reference></list>
         </dictionary>
        </instance>
       </list>
      </dictionary>
     </instance>
    </list>
   </dictionary>
  </instance>
 </dictionary>
</instance>
)";
}

// An eXe 3 project: two top-level pages written in the reverse of their
// order, the first with a sub-page; blocks and iDevices also out of order.
const char *kExe3 = R"(<?xml version="1.0" encoding="utf-8"?>
<ode><odeProperties><odeProperty><key>pp_title</key><value>Animals</value></odeProperty></odeProperties>
<odeNavStructures>
 <odeNavStructure><odePageId>P2</odePageId><odeParentPageId/><pageName>Second</pageName><odeNavStructureOrder>2</odeNavStructureOrder>
  <odePagStructures><odePagStructure><odeBlockId>B3</odeBlockId><blockName>Quiz time</blockName><odePagStructureOrder>1</odePagStructureOrder>
   <odeComponents><odeComponent><odeIdeviceId>I4</odeIdeviceId><odeIdeviceTypeName>trueorfalse</odeIdeviceTypeName>
    <htmlView>&lt;p&gt;Is it?&lt;/p&gt;</htmlView><jsonProperties>{"title":"x"}</jsonProperties><odeComponentsOrder>1</odeComponentsOrder></odeComponent></odeComponents>
  </odePagStructure></odePagStructures>
 </odeNavStructure>
 <odeNavStructure><odePageId>P1</odePageId><odeParentPageId></odeParentPageId><pageName>First &amp;amp; best</pageName><odeNavStructureOrder>1</odeNavStructureOrder>
  <odePagStructures>
   <odePagStructure><odeBlockId>B2</odeBlockId><blockName></blockName><odePagStructureOrder>2</odePagStructureOrder>
    <odeComponents><odeComponent><odeIdeviceId>I2</odeIdeviceId><odeIdeviceTypeName>text</odeIdeviceTypeName>
     <htmlView>&lt;p&gt;Two&lt;/p&gt;</htmlView><jsonProperties></jsonProperties><odeComponentsOrder>1</odeComponentsOrder></odeComponent></odeComponents>
   </odePagStructure>
   <odePagStructure><odeBlockId>B1</odeBlockId><blockName>Intro</blockName><odePagStructureOrder>1</odePagStructureOrder>
    <odeComponents><odeComponent><odeIdeviceId>I1</odeIdeviceId><odeIdeviceTypeName>text</odeIdeviceTypeName>
     <htmlView>&lt;p&gt;One &lt;img src="{{context_path}}/I1/pic.jpg"&gt; &lt;img src="{{context_path}}/I1/gone.png"&gt;&lt;/p&gt;</htmlView>
     <jsonProperties>{"textTextarea":"&lt;img src=\"{{context_path}}/I1/pic.jpg\"&gt;"}</jsonProperties><odeComponentsOrder>1</odeComponentsOrder></odeComponent></odeComponents>
   </odePagStructure>
  </odePagStructures>
 </odeNavStructure>
 <odeNavStructure><odePageId>P1a</odePageId><odeParentPageId>P1</odeParentPageId><pageName>Sub</pageName><odeNavStructureOrder>1</odeNavStructureOrder>
  <odePagStructures><odePagStructure><odeBlockId>B4</odeBlockId><blockName>Deeper</blockName><odePagStructureOrder>1</odePagStructureOrder>
   <odeComponents><odeComponent><odeIdeviceId>I3</odeIdeviceId><odeIdeviceTypeName>text</odeIdeviceTypeName>
    <htmlView>&lt;p&gt;Three&lt;/p&gt;</htmlView><odeComponentsOrder>1</odeComponentsOrder></odeComponent></odeComponents>
  </odePagStructure></odePagStructures>
 </odeNavStructure>
</odeNavStructures></ode>
)";

struct Package {
    cctest::TempDir dir;
    Package() {
        cctest::write_file(dir / "imsmanifest.xml", kManifest);
        cctest::write_file(dir / "index.html",
                           "<html><head><meta name=\"generator\" content=\"eXeLearning 2.9 - exelearning.net\">"
                           "</head><body></body></html>");
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

// Every diagnostic of `code` as "file|line|message", one per line.
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

// "id:type" of every piece, module by module ("|" between modules).
std::string shape(const rapidjson::Document &doc) {
    std::string out;
    for (const auto &m : doc["modules"].GetArray()) {
        if (!out.empty()) out += "|";
        out += str(m["id"]) + "=";
        bool first = true;
        for (const auto &p : m["pieces"].GetArray()) {
            out += std::string(first ? "" : ",") + str(p["id"]) + ":" + str(p["type"]);
            first = false;
        }
    }
    return out;
}

std::string files(const rapidjson::Value &piece) {
    std::string out;
    for (const auto &f : piece["files"].GetArray())
        out += std::string(out.empty() ? "" : ",") + str(f["path"]) + (f["present"].GetBool() ? "" : "(missing)");
    return out;
}

// The manifest's one piece stays, with a content.unreadable warning.
void expect_fallback(const cctest::Result &r, const std::string &file, const std::string &words) {
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(r.doc["usable"].GetBool());
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);
    BOOST_TEST(str(r.doc["modules"][0]["id"]) == "sco");
    const std::string w = diagnostic(r.doc, "content.unreadable");
    BOOST_TEST(w.find(file + "|") == 0u, w);
    BOOST_TEST(w.find("the exe course data") != std::string::npos, w);
    BOOST_TEST(w.find(words) != std::string::npos, w);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(content_exe)

// contentv3.xml holds every iDevice: republishing an unchanged project
// reopens nothing; editing one iDevice's text reopens it alone; the
// lastIdevice flag (its place on the page) is not content, and an iDevice
// added before the others leaves their fingerprints as they were.
BOOST_AUTO_TEST_CASE(exe2_editing_one_idevices_text_reopens_only_that_idevice) {
    Package pkg;
    pkg.add("cat.png", "png");
    std::string xml = exe2();
    cctest::replace_once(xml, R"(<unicode value="11"></unicode>)",
                         R"(<unicode value="11"></unicode><string role="key" value="lastIdevice"></string><bool value="1"></bool>)");
    pkg.add("contentv3.xml", xml);
    cctest::DonePackage done(pkg.dir.path(), "exe");
    BOOST_TEST(done.pieces() == (std::vector<std::string>{"10", "11", "12"}), boost::test_tools::per_element());
    const std::vector<std::string> before = done.steady_fingerprints();
    BOOST_REQUIRE(before.size() == 3u);

    cctest::replace_once(xml, "&lt;p&gt;Hello ", "&lt;p&gt;Howdy ");  // the Welcome iDevice's field
    pkg.add("contentv3.xml", xml);
    const std::vector<std::string> after = cctest::fingerprints(pkg.dir.path());
    BOOST_TEST(after[0] != before[0]);
    BOOST_TEST(after[1] == before[1]);
    BOOST_TEST(after[2] == before[2]);
    BOOST_TEST(done.republish() == std::vector<std::string>{"10"}, boost::test_tools::per_element());

    cctest::replace_once(xml, "True or false?", "True or not?");  // the True/False iDevice's title
    pkg.add("contentv3.xml", xml);
    const std::vector<std::string> edited = cctest::fingerprints(pkg.dir.path());
    BOOST_TEST(edited[0] == after[0]);
    BOOST_TEST(edited[1] != after[1]);
    BOOST_TEST(edited[2] == after[2]);
    BOOST_TEST(done.republish() == std::vector<std::string>{"11"}, boost::test_tools::per_element());

    cctest::replace_once(xml, R"(<bool value="1"></bool>)", R"(<bool value="0"></bool>)");
    pkg.add("contentv3.xml", xml);
    BOOST_TEST(cctest::fingerprints(pkg.dir.path()) == edited, boost::test_tools::per_element());
    BOOST_TEST(done.republish().empty());

    cctest::replace_once(xml, "<list>\n     <instance class=\"exe.engine.freetextidevice.FreeTextIdevice\" reference=\"3\">",
                         R"(<list><instance class="exe.engine.freetextidevice.FreeTextIdevice" reference="30"><dictionary>
                 <string role="key" value="_title"></string><unicode value="New"></unicode>
                 <string role="key" value="id"></string><unicode value="40"></unicode></dictionary></instance>
     <instance class="exe.engine.freetextidevice.FreeTextIdevice" reference="3">)");
    pkg.add("contentv3.xml", xml);
    std::vector<std::string> added = cctest::fingerprints(pkg.dir.path());
    BOOST_REQUIRE(added.size() == 4u);
    BOOST_TEST(added[0].substr(0, 3) == "40=");
    added.erase(added.begin());
    BOOST_TEST(added == edited, boost::test_tools::per_element());
}

// content.xml holds every iDevice: editing one iDevice's htmlView or its
// jsonProperties reopens it alone; its order in its block is not content.
BOOST_AUTO_TEST_CASE(exe3_editing_one_idevices_text_reopens_only_that_idevice) {
    Package pkg;
    pkg.add("index.html", "<html><head><meta name=\"generator\" content=\"eXeLearning v3.0.0\"></head></html>");
    pkg.add("content/resources/I1/pic.jpg", "jpg");
    std::string xml = kExe3;
    pkg.add("content.xml", xml);
    cctest::DonePackage done(pkg.dir.path(), "exe");
    BOOST_TEST(done.pieces() == (std::vector<std::string>{"I1", "I2", "I3", "I4"}), boost::test_tools::per_element());
    const std::vector<std::string> before = done.steady_fingerprints();
    BOOST_REQUIRE(before.size() == 4u);  // I1, I2, I3, I4 in the model's order
    BOOST_TEST(before[1].substr(0, 3) == "I2=");
    BOOST_TEST(before[3].substr(0, 3) == "I4=");

    cctest::replace_once(xml, "&lt;p&gt;Two&lt;/p&gt;", "&lt;p&gt;Deux&lt;/p&gt;");
    pkg.add("content.xml", xml);
    const std::vector<std::string> after = cctest::fingerprints(pkg.dir.path());
    for (std::size_t i = 0; i < 4; ++i) BOOST_TEST((after[i] != before[i]) == (i == 1), after[i]);
    BOOST_TEST(done.republish() == std::vector<std::string>{"I2"}, boost::test_tools::per_element());

    cctest::replace_once(xml, R"({"title":"x"})", R"({"title":"y"})");
    pkg.add("content.xml", xml);
    const std::vector<std::string> edited = cctest::fingerprints(pkg.dir.path());
    for (std::size_t i = 0; i < 4; ++i) BOOST_TEST((edited[i] != after[i]) == (i == 3), edited[i]);
    BOOST_TEST(done.republish() == std::vector<std::string>{"I4"}, boost::test_tools::per_element());

    cctest::replace_once(xml, "<odeComponentsOrder>1</odeComponentsOrder></odeComponent></odeComponents>\n  </odePagStructure></odePagStructures>\n </odeNavStructure>\n <odeNavStructure><odePageId>P1<",
                         "<odeComponentsOrder>3</odeComponentsOrder></odeComponent></odeComponents>\n  </odePagStructure></odePagStructures>\n </odeNavStructure>\n <odeNavStructure><odePageId>P1<");
    pkg.add("content.xml", xml);
    BOOST_TEST(cctest::fingerprints(pkg.dir.path()) == edited, boost::test_tools::per_element());
    BOOST_TEST(done.republish().empty());

    // An iDevice's component properties are its own: giving I3 one, then
    // changing its value, reopens I3 alone each time.
    cctest::replace_once(xml, "&lt;p&gt;Three&lt;/p&gt;</htmlView>",
                         "&lt;p&gt;Three&lt;/p&gt;</htmlView><odeComponentsProperties><odeComponentsProperty>"
                         "<key>visibility</key><value>true</value></odeComponentsProperty></odeComponentsProperties>");
    pkg.add("content.xml", xml);
    BOOST_TEST(done.republish() == std::vector<std::string>{"I3"}, boost::test_tools::per_element());
    cctest::replace_once(xml, "<value>true</value>", "<value>false</value>");
    pkg.add("content.xml", xml);
    const std::vector<std::string> hidden = cctest::fingerprints(pkg.dir.path());
    for (std::size_t i = 0; i < 4; ++i) BOOST_TEST((hidden[i] != edited[i]) == (i == 2), hidden[i]);
    BOOST_TEST(done.republish() == std::vector<std::string>{"I3"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(exe2_pages_reachable_from_root_make_the_modules) {
    Package pkg;
    pkg.add("contentv3.xml", exe2());
    pkg.add("cat.png", "png");
    const cctest::Result r = inspect(pkg);
    const auto &doc = r.doc;
    BOOST_TEST(str(doc["content_model"]["tool"]) == "exe");
    BOOST_TEST(str(doc["content_model"]["version"]) == "2.9");
    BOOST_TEST(str(doc["content_model"]["source"]) == "contentv3.xml");
    // The home page's own iDevices, then Unit 1 with its sub-page Lesson;
    // the deleted page's iDevice 99 is not a piece; the loop back from
    // Lesson to Unit 1 is not followed twice.
    BOOST_TEST(shape(doc) == "1=10:exe:FreeTextIdevice|2=11:exe:TrueFalseIdevice,12:exe:GalleryIdevice");
    BOOST_TEST(str(doc["modules"][0]["title"]) == "Home");
    BOOST_TEST(str(doc["modules"][1]["type"]) == "exe:page");
    const auto &welcome = doc["modules"][0]["pieces"][0];
    BOOST_TEST(str(welcome["title"]) == "Welcome");
    BOOST_TEST(str(welcome["source"]["at"]).rfind("line ", 0) == 0u);
    // "resources/cat.png" in the field is cat.png beside the pages.
    BOOST_TEST(files(welcome) == "cat.png");
    BOOST_TEST(welcome["facts"]["text"].GetBool());
    BOOST_TEST(welcome["facts"]["media"].GetBool());
    BOOST_TEST(!welcome["facts"].HasMember("question"));
    BOOST_TEST(doc["modules"][1]["pieces"][0]["facts"]["question"].GetBool());
    const auto &gallery = doc["modules"][1]["pieces"][1];
    BOOST_TEST(str(gallery["title"]) == "Photos & more");
    BOOST_TEST(files(gallery) == "dog.jpg(missing)");  // its resource, not the Windows path it came from
    BOOST_TEST(diagnostic(doc, "content.model").find("2 modules, 3 pieces") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(exe2_ids_survive_an_added_idevice) {
    Package pkg;
    pkg.add("contentv3.xml", exe2());
    const std::string before = shape(inspect(pkg).doc);
    pkg.add("contentv3.xml",
            exe2(R"(<instance class="exe.engine.freetextidevice.FreeTextIdevice" reference="30"><dictionary>
                 <string role="key" value="_title"></string><unicode value="New"></unicode>
                 <string role="key" value="id"></string><unicode value="40"></unicode></dictionary></instance>)"));
    const std::string after = shape(inspect(pkg).doc);
    BOOST_TEST(before == "1=10:exe:FreeTextIdevice|2=11:exe:TrueFalseIdevice,12:exe:GalleryIdevice");
    BOOST_TEST(after == "1=40:exe:FreeTextIdevice,10:exe:FreeTextIdevice|2=11:exe:TrueFalseIdevice,12:exe:GalleryIdevice");
    BOOST_TEST(shape(inspect(pkg).doc) == after);  // re-reading gives the same ids
}

BOOST_AUTO_TEST_CASE(exe3_top_level_pages_in_their_order_hold_their_sub_pages) {
    Package pkg;
    pkg.add("content.xml", kExe3);
    pkg.add("index.html", "<html><head><meta name=\"generator\" content=\"eXeLearning v3.0.0\"></head></html>");
    pkg.add("content/resources/I1/pic.jpg", "jpg");
    const cctest::Result r = inspect(pkg);
    const auto &doc = r.doc;
    BOOST_TEST(str(doc["content_model"]["tool"]) == "exe");
    BOOST_TEST(str(doc["content_model"]["version"]) == "3.0.0");
    BOOST_TEST(str(doc["content_model"]["source"]) == "content.xml");
    BOOST_TEST(shape(doc) == "P1=I1:exe:text,I2:exe:text,I3:exe:text|P2=I4:exe:trueorfalse");
    BOOST_TEST(str(doc["modules"][0]["title"]) == "First & best");
    const auto &m0 = doc["modules"][0]["pieces"];
    BOOST_TEST(str(m0[0]["title"]) == "Intro");
    BOOST_TEST(str(m0[1]["title"]) == "First & best");  // a block without a name: the page's
    BOOST_TEST(str(m0[2]["title"]) == "Deeper");
    BOOST_TEST(files(m0[0]) == "content/resources/I1/gone.png(missing),content/resources/I1/pic.jpg");
    BOOST_TEST(m0[0]["facts"]["media"].GetBool());
    BOOST_TEST(files(m0[1]) == "");
    BOOST_TEST(doc["modules"][1]["pieces"][0]["facts"]["question"].GetBool());
    BOOST_TEST(!m0[0]["facts"].HasMember("question"));
}

BOOST_AUTO_TEST_CASE(malformed_or_truncated_xml_keeps_the_manifests_pieces) {
    {
        Package pkg;
        const std::string full = exe2();
        pkg.add("contentv3.xml", full.substr(0, full.size() / 2));
        expect_fallback(inspect(pkg), "contentv3.xml", "not well-formed");
    }
    {
        Package pkg;
        pkg.add("content.xml", std::string(kExe3).substr(0, 400));
        expect_fallback(inspect(pkg), "content.xml", "not well-formed");
    }
    {
        Package pkg;  // well-formed, but a page refers to an object the file never defines
        std::string text = exe2();
        text.replace(text.find("<reference key=\"21\">"), 20, "<reference key=\"77\">");
        pkg.add("contentv3.xml", text);
        expect_fallback(inspect(pkg), "contentv3.xml", "object 77");
    }
    {
        Package pkg;  // no root page
        std::string text = exe2();
        text.replace(text.find("value=\"root\""), 12, "value=\"tree\"");
        pkg.add("contentv3.xml", text);
        expect_fallback(inspect(pkg), "contentv3.xml", "no root page");
    }
}

// An entity reference (the DTD's entities are not substituted) is not
// walked into: its children are the entity's declaration, whose parents
// lead back to the document's root, and the walk never ended (found by the
// content_data fuzz target).
BOOST_AUTO_TEST_CASE(exe2_entity_reference_is_not_walked_into, *boost::unit_test::timeout(60)) {
    Package pkg;
    std::string text = exe2();
    text.insert(text.find("?>") + 2, "\n<!DOCTYPE instance [<!ENTITY e \"<x/>\"><!ENTITY f \"f\">]>");
    text.insert(text.find("<dictionary>") + 12, "&e;");
    pkg.add("contentv3.xml", text);
    pkg.add("cat.png", "png");
    const cctest::Result r = inspect(pkg);
    BOOST_TEST(str(r.doc["content_model"]["tool"]) == "exe");
    BOOST_TEST(shape(r.doc) == "1=10:exe:FreeTextIdevice|2=11:exe:TrueFalseIdevice,12:exe:GalleryIdevice");
}

BOOST_AUTO_TEST_CASE(a_file_over_the_limit_is_not_read) {
    Package pkg;
    pkg.add("contentv3.xml", exe2());
    cc::ContentLimits limits;
    limits.max_file_bytes = 1000;
    const cctest::Result r = inspect(pkg, limits);
    expect_fallback(r, "contentv3.xml", "larger than 1000 bytes");
}

BOOST_AUTO_TEST_CASE(other_xml_files_are_not_exe) {
    Package pkg;
    pkg.add("content.xml", "<?xml version=\"1.0\"?><course><ode>no</ode></course>");
    pkg.add("contentv3.xml", "<?xml version=\"1.0\"?><instance class=\"other.Thing\"/>");
    const cctest::Result r = inspect(pkg);
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(diagnostic(r.doc, "content.unreadable") == "");
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(packages)
BOOST_AUTO_TEST_SUITE(exe)

BOOST_AUTO_TEST_CASE(exe2_hojas_calculo) {
    const std::string dir = cctest::packages_dir();
    if (dir.empty()) return;
    const cctest::Result r = cctest::inspect(dir + "/exe/exe2-hojas-calculo");
    const auto &doc = r.doc;
    BOOST_TEST(str(doc["content_model"]["tool"]) == "exe");
    BOOST_TEST(str(doc["content_model"]["version"]) == "2.9");
    // The 3 pages reachable from root (of 14 Node instances), each one
    // iDevice: the 3 reachable of the file's 17.
    BOOST_TEST(doc["counts"]["modules"].GetUint() == 3u);
    BOOST_TEST(doc["counts"]["pieces"].GetUint() == 3u);
    BOOST_TEST(shape(doc) == "18=143:exe:JsIdevice|19=127:exe:JsIdevice|20=128:exe:JsIdevice");
    BOOST_TEST(str(doc["modules"][1]["title"]) == "Actividad");
    BOOST_TEST(str(doc["modules"][2]["pieces"][0]["title"]) == "QuExt");
    BOOST_TEST(doc["modules"][2]["pieces"][0]["facts"]["question"].GetBool());
}

BOOST_AUTO_TEST_CASE(exe3_relacion_animales) {
    const std::string dir = cctest::packages_dir();
    if (dir.empty()) return;
    cc::InspectOptions opt;
    opt.list_files = true;
    const cctest::Result r = cctest::inspect(dir + "/exe/exe3-relacion-animales", opt);
    const auto &doc = r.doc;
    BOOST_TEST(str(doc["content_model"]["tool"]) == "exe");
    BOOST_TEST(str(doc["content_model"]["version"]) == "3.0.0");
    BOOST_TEST(doc["counts"]["modules"].GetUint() == 3u);   // top-level pages
    BOOST_TEST(doc["counts"]["pieces"].GetUint() == 19u);   // iDevices
    BOOST_TEST(str(doc["modules"][1]["id"]) == "20251106180526OKHITD");
    BOOST_TEST(str(doc["modules"][1]["title"]) == "Secuencia didáctica");
    BOOST_TEST(doc["modules"][1]["pieces"].Size() == 14u);  // with its 5 sub-pages
    const auto &p = doc["modules"][1]["pieces"][0];
    BOOST_TEST(str(p["id"]) == "20251106114229182Z45");
    BOOST_TEST(str(p["type"]) == "exe:text");
    BOOST_TEST(files(p) ==
               "content/resources/20251106114229182Z45/Secuencias-de-produccion-FCFS-EDD-y-otros.webp");
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
