// The content-model core (plugin/content): how a reader's modules and pieces
// replace the one-SCO piece, the fallback when a reader fails, the option,
// and the helpers every reader shares (adapters/content/common).
#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <chrono>
#include <filesystem>

#include "adapters/content/common/content_util.hpp"
#include "adapters/package/open_package.hpp"
#include "plugin/model/paths.hpp"
#include "plugin/inspect/inspect.hpp"
#include "plugin/roles/rolemap.hpp"
#include "plugin/engine/workspace.hpp"

#include <map>
#include "content_direct.hpp"
#include "support.hpp"

namespace cc = coursecrew;
namespace content = coursecrew::content;

namespace {

const char *kOneSco = R"(<?xml version="1.0"?>
<manifest identifier="m" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Course</title>
    <item identifier="sco" identifierref="r"><title>The whole course</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="index.html">
    <file href="index.html"/><file href="player.js"/></resource></resources>
</manifest>
)";

// A reader that answers what the test tells it to.
class FakeReader : public cc::ContentReader {
public:
    FakeReader(const char *tool, cc::ContentResult result, cc::ContentModel model = {})
        : tool_(tool), result_(result), model_(std::move(model)) {}
    const char *tool() const override { return tool_; }
    cc::ContentResult read(const cc::ContentInput &, cc::ContentModel &out,
                           cc::ContentProblem &problem) const override {
        ++calls;
        if (result_ == cc::ContentResult::Read) out = model_;
        if (result_ == cc::ContentResult::Failed) {
            problem.file = "data/course.json";
            problem.line = 7;
            problem.message = "its JSON ends half-way";
        }
        return result_;
    }
    mutable int calls = 0;

private:
    const char *tool_;
    cc::ContentResult result_;
    cc::ContentModel model_;
};

cc::ContentPiece piece(const std::string &id, const std::string &type, std::vector<std::string> files) {
    cc::ContentPiece p;
    p.id = id;
    p.title = "Title of " + id;
    p.origin = {type, "data/course.json", "/" + id};
    p.files = std::move(files);
    return p;
}

cc::ContentModel two_modules() {
    cc::ContentModel m;
    m.tool = "adapt";
    m.version = "5.0";
    m.source = "data/course.json";
    cc::ContentModule a;
    a.id = "page-1";
    a.title = "Page one";
    a.origin = {"adapt:page", "data/course.json", "/pages/0"};
    a.pieces.push_back(piece("c-1", "adapt:text", {"images/a.png"}));
    a.pieces.push_back(piece("c-2", "adapt:mcq", {"images/missing.png", "images/a.png"}));
    a.pieces[1].is_question = true;
    cc::ContentModule b;
    b.id = "page-2";
    b.title = "Page two";
    b.pieces.push_back(piece("c-3", "adapt:graphic", {}));
    m.modules = {a, b};
    return m;
}

struct Package {
    cctest::TempDir dir;
    Package() {
        cctest::write_file(dir / "imsmanifest.xml", kOneSco);
        cctest::write_file(dir / "index.html", "<html></html>");
        cctest::write_file(dir / "player.js", "var x;");
        std::filesystem::create_directories(dir / "images");
        cctest::write_file(dir / "images/a.png", "png");
    }
};

// Inspects `pkg` with `readers` as the content readers.
cctest::Result inspect_with(const Package &pkg, const cc::ContentReaders &readers,
                            const std::string &mode = "auto") {
    cc::InspectOptions opt;
    opt.content.mode = mode;
    cc::Inspection ins(opt.max_diagnostics_per_code);
    cc::OpenedPackage opened;
    BOOST_REQUIRE(cc::open_package(pkg.dir.path(), opt.limits, ins.diags, opened) == COURSECREW_OK);
    const cc::Readers with{&cc::read_scorm, &cc::read_cmi5, &cc::read_tincan, &readers};
    cc::inspect_source(*opened.source, opened.manifest_path, opened.in_package, with, opt, ins);
    cctest::Result r;
    r.json = cc::to_json(ins, opt);
    r.doc.Parse(r.json.c_str(), r.json.size());
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

std::string z(const std::string &data) {
    uLongf size = compressBound(data.size());
    std::string out(size, '\0');
    BOOST_REQUIRE(compress(reinterpret_cast<Bytef *>(out.data()), &size,
                           reinterpret_cast<const Bytef *>(data.data()), data.size()) == Z_OK);
    out.resize(size);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(content_model)

BOOST_AUTO_TEST_CASE(the_tools_pieces_replace_the_one_sco_piece) {
    Package pkg;
    cc::ContentReaders readers;
    readers.push_back(std::make_unique<FakeReader>("rise", cc::ContentResult::NotMine));
    readers.push_back(std::make_unique<FakeReader>("adapt", cc::ContentResult::Read, two_modules()));
    const cctest::Result r = inspect_with(pkg, readers);
    const auto &doc = r.doc;
    BOOST_TEST(doc["content_model"]["tool"].GetString() == std::string("adapt"));
    BOOST_TEST(doc["content_model"]["version"].GetString() == std::string("5.0"));
    BOOST_TEST(doc["content_model"]["source"].GetString() == std::string("data/course.json"));
    BOOST_TEST(doc["counts"]["modules"].GetUint() == 2u);
    BOOST_TEST(doc["counts"]["pieces"].GetUint() == 3u);
    BOOST_TEST(doc["counts"]["leaf_items"].GetUint() == 1u);  // the manifest is still counted as it is
    const auto &m0 = doc["modules"][0];
    BOOST_TEST(m0["id"].GetString() == std::string("page-1"));
    BOOST_TEST(m0["kind"].GetString() == std::string("module"));
    BOOST_TEST(m0["type"].GetString() == std::string("adapt:page"));
    BOOST_TEST(m0["source"]["at"].GetString() == std::string("/pages/0"));
    const auto &mcq = m0["pieces"][1];
    BOOST_TEST(mcq["id"].GetString() == std::string("c-2"));
    BOOST_TEST(mcq["kind"].GetString() == std::string("piece"));
    BOOST_TEST(mcq["type"].GetString() == std::string("adapt:mcq"));
    BOOST_TEST(mcq["facts"]["question"].GetBool());
    BOOST_TEST(mcq["file_count"].GetUint() == 2u);
    BOOST_TEST(mcq["missing_files"].GetUint() == 1u);
    BOOST_TEST(mcq["fingerprint"].IsString());
    // The missing image is reported against the tool's data, not the manifest.
    const std::string missing = diagnostic(doc, "file.missing");
    BOOST_TEST(missing.find("data/course.json|") == 0u, missing);
    BOOST_TEST(missing.find("images/missing.png") != std::string::npos, missing);
    BOOST_TEST(diagnostic(doc, "content.model").find("2 modules, 3 pieces") != std::string::npos);
    // An image two pieces reference is a file of each; a piece that references
    // nothing has no files of its own.
    BOOST_TEST(m0["pieces"][0]["file_count"].GetUint() == 1u);
    BOOST_TEST(doc["modules"][1]["pieces"][0]["file_count"].GetUint() == 0u);
    // The manifest's files no piece uses (the SCO's page and player) are the course shell.
    BOOST_TEST(doc["course_shell"]["file_count"].GetUint() == 2u);
    BOOST_TEST(doc["course_shell"]["missing_files"].GetUint() == 0u);
}

BOOST_AUTO_TEST_CASE(a_reader_that_fails_leaves_the_manifests_pieces_with_a_warning) {
    Package pkg;
    cc::ContentReaders readers;
    readers.push_back(std::make_unique<FakeReader>("adapt", cc::ContentResult::Failed));
    auto *later = new FakeReader("rise", cc::ContentResult::Read, two_modules());
    readers.emplace_back(later);
    const cctest::Result r = inspect_with(pkg, readers);
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(later->calls == 0);  // the package is the first tool's: no other tool is guessed
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);
    BOOST_TEST(r.doc["modules"][0]["id"].GetString() == std::string("sco"));
    BOOST_TEST(r.doc["usable"].GetBool());  // a warning, not an error
    const std::string w = diagnostic(r.doc, "content.unreadable");
    BOOST_TEST(w.find("data/course.json|7|") == 0u, w);
    BOOST_TEST(w.find("adapt") != std::string::npos, w);
    BOOST_TEST(w.find("ends half-way") != std::string::npos, w);
}

BOOST_AUTO_TEST_CASE(a_model_without_pieces_is_not_taken) {
    Package pkg;
    cc::ContentModel empty = two_modules();
    for (auto &m : empty.modules) m.pieces.clear();
    cc::ContentReaders readers;
    readers.push_back(std::make_unique<FakeReader>("adapt", cc::ContentResult::Read, empty));
    const cctest::Result r = inspect_with(pkg, readers);
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(diagnostic(r.doc, "content.unreadable").find("no pieces") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_option_turns_readers_off_or_names_one) {
    Package pkg;
    cc::ContentReaders readers;
    auto *adapt = new FakeReader("adapt", cc::ContentResult::Read, two_modules());
    auto *rise = new FakeReader("rise", cc::ContentResult::NotMine);
    readers.emplace_back(adapt);
    readers.emplace_back(rise);
    cctest::Result off = inspect_with(pkg, readers, "off");
    BOOST_TEST(off.doc["content_model"].IsNull());
    BOOST_TEST(adapt->calls + rise->calls == 0);
    cctest::Result only_rise = inspect_with(pkg, readers, "rise");
    BOOST_TEST(adapt->calls == 0);
    BOOST_TEST(rise->calls == 1);
    BOOST_TEST(only_rise.doc["content_model"].IsNull());
    BOOST_TEST(diagnostic(only_rise.doc, "content.not_found").find("'rise'") != std::string::npos);
    BOOST_TEST(inspect_with(pkg, readers, "adapt").doc["content_model"]["tool"].GetString() == std::string("adapt"));
    BOOST_TEST(cc::is_content_mode("auto"));
    BOOST_TEST(cc::is_content_mode("captivate"));
    BOOST_TEST(!cc::is_content_mode("Adapt"));
    BOOST_TEST(!cc::is_content_mode(""));
}

BOOST_AUTO_TEST_CASE(repeated_ids_are_kept_apart) {
    Package pkg;
    cc::ContentModel m = two_modules();
    m.modules[1].pieces[0].id = "c-1";
    m.modules[1].id = "page-1";
    cc::ContentReaders readers;
    readers.push_back(std::make_unique<FakeReader>("adapt", cc::ContentResult::Read, m));
    const cctest::Result r = inspect_with(pkg, readers);
    BOOST_TEST(r.doc["modules"][1]["id"].GetString() == std::string("page-1~2"));
    BOOST_TEST(r.doc["modules"][1]["pieces"][0]["id"].GetString() == std::string("c-1~2"));
    BOOST_TEST(diagnostic(r.doc, "content.duplicate_id").find("'c-1'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_id_repeated_many_times_costs_linear_time) {
    // Found by fuzzing: 15,000 repeats of one slide id took 70 s when each
    // repeat tried ~2, ~3, ... from the start.
    cc::ContentModel m;
    m.tool = "captivate";
    m.source = "assets/js/CPM.js";
    m.modules.emplace_back();
    m.modules[0].id = "project_main";
    for (int i = 0; i < 30000; ++i) m.modules[0].pieces.push_back(piece("Slide1", "captivate:slide", {}));
    cc::Course course;
    cc::Diagnostics diags(5);
    const auto start = std::chrono::steady_clock::now();
    cc::apply_content_model(std::move(m), course, diags);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST(seconds < 5.0);  // linear: well under a second; quadratic: minutes
    BOOST_TEST(course.items.back().id == "Slide1~30000");
    BOOST_TEST(course.items[1].id == "Slide1");
    BOOST_TEST(course.items[2].id == "Slide1~2");
    BOOST_TEST(diags.count("content.duplicate_id") == 29999u);
}

BOOST_AUTO_TEST_CASE(base64_is_decoded_within_its_limit) {
    std::string out, error;
    BOOST_TEST(content::base64_decode("aGVsbG8gd29ybGQ=", 100, out, error));
    BOOST_TEST(out == "hello world");
    BOOST_TEST(content::base64_decode("aGVsbG8\n gd29ybGQ", 100, out, error));  // spaces, no padding
    BOOST_TEST(out == "hello world");
    BOOST_TEST(!content::base64_decode("aGVsbG8gd29ybGQ=", 8, out, error));
    BOOST_TEST(error.find("limit") != std::string::npos);
    BOOST_TEST(!content::base64_decode("a", 100, out, error));
    BOOST_TEST(!content::base64_decode("aGV*bG8=", 100, out, error));
}

BOOST_AUTO_TEST_CASE(zlib_is_inflated_within_its_limit) {
    const std::string data(100000, 'x');
    const std::string packed = z(data);
    std::string out, error;
    BOOST_TEST(content::inflate(packed, 100000, out, error));
    BOOST_TEST((out == data));
    BOOST_TEST(!content::inflate(packed, 99999, out, error));  // a bomb stops at the limit
    BOOST_TEST(error.find("limit") != std::string::npos);
    BOOST_TEST(!content::inflate(packed.substr(0, packed.size() / 2), 100000, out, error));
    BOOST_TEST(error.find("half-way") != std::string::npos, error);
    BOOST_TEST(!content::inflate("not zlib at all", 100000, out, error));
}

BOOST_AUTO_TEST_CASE(javascript_strings_are_unescaped) {
    std::string out, error;
    std::size_t end = 0;
    const std::string js = R"(f('a\'b\\c\n\u00e9\ud83d\ude00\x41\/', 2))";
    BOOST_TEST(content::js_string(js, 2, 1000, out, end, error), error);
    BOOST_TEST(out == "a'b\\c\n\xC3\xA9\xF0\x9F\x98\x80" "A/");
    BOOST_TEST(js.substr(end) == ", 2)");
    BOOST_TEST(!content::js_string("'never closed", 0, 1000, out, end, error));
    BOOST_TEST(error.find("not closed") != std::string::npos);
    BOOST_TEST(!content::js_string("'bad \\u12'", 0, 1000, out, end, error));
    BOOST_TEST(!content::js_string("'" + std::string(5000, 'a') + "'", 0, 1000, out, end, error));
    BOOST_TEST(error.find("limit") != std::string::npos);
    BOOST_TEST(content::js_string("\"lone \\ud800 high\"", 0, 1000, out, end, error));
    BOOST_TEST(out == "lone \xEF\xBF\xBD high");
}

BOOST_AUTO_TEST_CASE(html_becomes_plain_text) {
    BOOST_TEST(content::plain_text("<p>Safety <b>first</b></p><p>at&nbsp;work &amp; home</p>") ==
               "Safety first at work & home");
    BOOST_TEST(content::plain_text("  plain\n title  ") == "plain title");
    BOOST_TEST(content::plain_text("<script>alert(1)</script>Hi") == "Hi");
    BOOST_TEST(content::plain_text("") == "");
}

// A reader with marker files is asked only when the package holds one of
// them: as a file of that name in any folder, or at the end of a path; a
// name that only ends the same way ("xtrivantis.js") is not one.
BOOST_AUTO_TEST_CASE(a_reader_is_asked_only_when_one_of_its_marker_files_is_there) {
    struct Counting : cc::ContentReader {
        std::vector<std::string_view> markers;
        mutable int asked = 0;
        const char *tool() const override { return "lectora"; }
        std::vector<std::string_view> marker_files() const override { return markers; }
        cc::ContentResult read(const cc::ContentInput &, cc::ContentModel &, cc::ContentProblem &) const override {
            ++asked;
            return cc::ContentResult::NotMine;
        }
    };
    struct Case {
        std::vector<const char *> files;
        std::vector<std::string_view> markers;
        bool asked;
    };
    const std::vector<Case> cases = {
        {{"trivantis.js"}, {"trivantis.js"}, true},
        {{"html/js/trivantis.js"}, {"trivantis.js"}, true},
        {{"html/xtrivantis.js", "trivantis.js.map"}, {"trivantis.js"}, false},
        {{"data/player.js"}, {"data/player.js"}, true},
        {{"a/data/player.js"}, {"data/player.js"}, true},
        {{"a/metadata/player.js", "player.js"}, {"data/player.js"}, false},
        {{"x/content.xml"}, {"contentv3.xml", "content.xml"}, true},
        {{"x/other.xml"}, {}, true},  // no markers: always asked
    };
    for (const Case &k : cases) {
        cctest::TempDir dir;
        cctest::write_file(dir / "imsmanifest.xml", kOneSco);
        for (const char *f : k.files) {
            std::filesystem::create_directories(std::filesystem::path(dir / f).parent_path());
            cctest::write_file(dir / f, "x");
        }
        cc::Diagnostics diags(10);
        cc::OpenedPackage opened;
        BOOST_REQUIRE(cc::open_package(dir.path(), {}, diags, opened) == COURSECREW_OK);
        const cc::EntryIndex index(opened.source->entries());
        cc::Course course;
        const cc::ContentLimits limits;
        const cc::ContentInput in{*opened.source, index, course, limits};
        cc::ContentReaders readers;
        auto reader = std::make_unique<Counting>();
        reader->markers = k.markers;
        const Counting &counting = *reader;
        readers.push_back(std::move(reader));
        for (const char *mode : {"auto", "lectora"}) {
            cc::ContentChoice choice;
            choice.mode = mode;
            read_content_model(in, readers, choice, course, diags);
        }
        BOOST_TEST(counting.asked == (k.asked ? 2 : 0), k.files.front());
    }
}

BOOST_AUTO_TEST_CASE(asset_references_resolve_to_package_files) {
    cctest::TempDir dir;
    cctest::write_file(dir / "imsmanifest.xml", kOneSco);
    std::filesystem::create_directories(dir / "course/assets");
    cctest::write_file(dir / "course/assets/a b.png", "x");
    cctest::write_file(dir / "course/en/notes.txt", "x");
    cc::Diagnostics diags(10);
    cc::OpenedPackage opened;
    BOOST_REQUIRE(cc::open_package(dir.path(), {}, diags, opened) == COURSECREW_OK);
    cc::EntryIndex index(opened.source->entries());
    const content::AssetFinder finder(index, {"course/", ""});
    rapidjson::Document doc;
    doc.Parse(R"({"_graphic":{"src":"assets/a%20b.png","alt":"A picture. Of a dog."},
                 "body":"<p>See <img src=\"assets/gone.jpg\"> and <a href=\"https://x.org/y.png\">this</a></p>",
                 "link":"../../outside.png","n":"1.5","anchor":"#top","list":["assets/a b.png?v=2"]})");
    BOOST_REQUIRE(!doc.HasParseError());
    std::vector<std::string> found;
    finder.from_json(doc, found);
    content::sort_unique(found);
    BOOST_TEST(found.size() == 2u);
    BOOST_TEST(found[0] == "course/assets/a b.png");  // present, decoded, query dropped
    BOOST_TEST(found[1] == "course/assets/gone.jpg");  // missing but an image: the core reports it
    std::vector<std::string> none;
    BOOST_TEST(!finder.add("data:image/png;base64,AAAA", none));
    BOOST_TEST(!finder.add("mailto:a@b.c", none));
    BOOST_TEST(!finder.add("settings.unknownext", none));  // missing, and not a kind a team makes
    BOOST_TEST(finder.add("en/notes.txt", none));           // present, whatever its kind
    BOOST_TEST(none.size() == 1u);
}

// Plain relative references skip resolve_href (the common case, for speed);
// every reference must still land where resolve_href puts it. One HTML
// parser serves every text: each text's references go to its own list.
BOOST_AUTO_TEST_CASE(every_reference_resolves_as_resolve_href_does) {
    cctest::TempDir dir;
    cctest::write_file(dir / "imsmanifest.xml", kOneSco);
    for (const char *f : {"course/a.png", "course/x/b.mp3", "course/x/y/c.pdf", "d.png", "course/x/A-b_c.9.jpg",
                          "course/caf\xC3\xA9.png"})
        cctest::write_file(dir / f, "x");
    cc::Diagnostics diags(10);
    cc::OpenedPackage opened;
    BOOST_REQUIRE(cc::open_package(dir.path(), {}, diags, opened) == COURSECREW_OK);
    cc::EntryIndex index(opened.source->entries());
    const content::AssetFinder finder(index, {"course/", ""});
    for (const char *ref : {"a.png", "x/b.mp3", "x/y/c.pdf", "d.png", "x/A-b_c.9.jpg", "./a.png", "x/../a.png",
                            "x//b.mp3", "x/./y/c.pdf", "x/%62.mp3", "x\\b.mp3", "../d.png", "x/y/../../a.png",
                            "missing/e.png", "x/missing.mp4", "a.png?v=1", "x/b.mp3#t=2", "A.PNG", "x/b.MP3"}) {
        std::vector<std::string> found;
        finder.add(ref, found);
        // What resolve_href makes of it against each base, as AssetFinder did before the fast path.
        std::string want;
        cc::Diagnostics scratch(1);
        for (const char *base : {"course/", ""}) {
            const cc::ResolvedHref r = cc::resolve_href(base, "", ref, cc::HrefSite{"", 0, "asset"}, scratch);
            if (!r.ok || r.path.empty()) break;
            if (index.find(r.path)) {
                want = r.path;
                break;
            }
            if (want.empty()) want = r.path;
        }
        // (Every reference here names media or a document, so a missing one is kept too.)
        BOOST_TEST(found == (want.empty() ? std::vector<std::string>{} : std::vector<std::string>{want}),
                   ref << ": " << (found.empty() ? "nothing" : found[0]) << ", not " << want);
    }
    std::vector<std::string> first, second;
    finder.from_html("<p><img src=\"a.png\"></p>", first);
    finder.from_html("<video poster=\"d.png\"><source src=\"x/b.mp3\"></video>", second);
    finder.from_html("<p>no tags that matter</p>", first);
    finder.from_html("<p>Caf\xC3\xA9 <img src=\"caf\xC3\xA9.png\"></p>", first);  // UTF-8 stays UTF-8
    BOOST_TEST(first == (std::vector<std::string>{"course/a.png", "course/caf\xC3\xA9.png"}),
               boost::test_tools::per_element());
    BOOST_TEST(second == (std::vector<std::string>{"d.png", "course/x/b.mp3"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

// The packages suite: the content readers against ../shared/packages (see
// run_packages.sh). Each tool's cases are a suite inside it
// (test_content_<tool>.cpp); this case checks the packages are there.
BOOST_AUTO_TEST_SUITE(packages)
BOOST_AUTO_TEST_CASE(the_packages_are_present) {
    BOOST_TEST(!cctest::packages_dir().empty());
}
BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(content_roles)

namespace {

// A course holding only the tool's pieces, planned with `map`.
std::map<std::string, std::string> roles_by_piece(cc::ContentModel model, const cc::RoleMap &map) {
    cc::Course course;
    cc::Diagnostics diags(10);
    cc::apply_content_model(std::move(model), course, diags);
    course.modules = course.content.modules;
    for (std::uint32_t m : course.modules) course.counts.pieces += course.pieces_under(m).size();
    std::map<std::string, std::string> out;
    for (const cc::PiecePlan &p : cc::plan_roles(course, map).pieces) {
        std::string roles;
        for (const cc::Slot &s : p.slots) roles += (roles.empty() ? "" : ",") + s.role;
        out[p.piece_id] = roles;
    }
    return out;
}

cc::ContentModel typed_pieces() {
    cc::ContentModel m;
    m.tool = "adapt";
    m.source = "course/en/components.json";
    cc::ContentModule mod;
    mod.id = "co-1";
    auto add = [&](const std::string &id, const std::string &type, std::vector<std::string> files) {
        mod.pieces.push_back(piece(id, type, std::move(files)));
        return &mod.pieces.back();
    };
    add("text", "adapt:text", {})->has_text = true;
    add("graphic", "adapt:graphic", {"course/en/images/a.png"})->has_media = true;
    add("mcq", "adapt:mcq", {})->is_question = true;
    add("unknown-media", "adapt:somethingNew", {})->has_media = true;
    add("narrative", "adapt:narrative", {});
    cc::ContentPiece *talk = add("narration", "adapt:media", {"course/en/audio/intro.mp3"});
    talk->has_text = true;
    add("bare", "adapt:somethingElse", {});
    m.modules.push_back(mod);
    return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(default_roles_learn_the_tools_types) {
    const auto roles = roles_by_piece(typed_pieces(), cc::default_role_map());
    BOOST_TEST(roles.at("text") == "writer");
    BOOST_TEST(roles.at("graphic") == "artist");        // its image, its type and its media
    BOOST_TEST(roles.at("mcq") == "designer");          // a question, not the writer's or artist's
    BOOST_TEST(roles.at("unknown-media") == "artist");  // a type the defaults do not know: from its content
    BOOST_TEST(roles.at("narrative") == "artist");      // known by type alone
    BOOST_TEST(roles.at("narration") == "artist,writer");  // media that carries text
    BOOST_TEST(roles.at("bare") == "");                 // nothing to go on
}

BOOST_AUTO_TEST_CASE(role_maps_match_the_tools_types) {
    cc::RoleMap map;
    std::vector<cc::MapError> errors;
    const bool ok = cc::load_role_map(R"({"version": 1,
        "roles": [{"id": "expert", "title": "Subject-matter expert"}],
        "rules": [{"match": {"types": ["adapt:m*", "*:narrative"]}, "roles": ["expert"]},
                  {"match": {"facts": ["question"]}, "roles": ["expert"]},
                  {"match": {"facts": ["media"], "types": ["adapt:graphic"]}, "roles": ["expert"]}]})",
                                      "team.json", map, errors);
    BOOST_REQUIRE(ok);
    const auto roles = roles_by_piece(typed_pieces(), map);
    BOOST_TEST(roles.at("mcq") == "expert");
    BOOST_TEST(roles.at("narration") == "expert");  // adapt:media
    BOOST_TEST(roles.at("narrative") == "expert");
    BOOST_TEST(roles.at("graphic") == "expert");    // both criteria hold
    BOOST_TEST(roles.at("unknown-media") == "");    // media, but not the type the rule names
    BOOST_TEST(roles.at("text") == "");
    errors.clear();
    BOOST_TEST(!cc::load_role_map(R"({"version": 1, "rules": [{"match": {"facts": ["questions"]}, "roles": ["writer"]}]})",
                                  "bad.json", map, errors));
}

BOOST_AUTO_TEST_SUITE_END()

// A course in production (issue 11): missing files never stop publish or
// review; they are findings owed by the role that makes them, and a done
// pair whose file went missing goes back to in_progress.
BOOST_AUTO_TEST_SUITE(work_in_progress)

namespace {

const char *kTwoScos = R"(<?xml version="1.0"?>
<manifest identifier="wip-course" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Course</title>
    <item identifier="hazards" identifierref="r1"><title>Hazards</title></item>
    <item identifier="exits" identifierref="r2"><title>Exits</title></item>
  </organization></organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="hazards.html">
      <file href="hazards.html"/><file href="images/hazard.png"/></resource>
    <resource identifier="r2" type="webcontent" adlcp:scormtype="sco" href="exits.html">
      <file href="exits.html"/><file href="notes.html"/><file href="images/exit.png"/></resource>
  </resources>
</manifest>
)";

std::string pair_state(const std::string &db, const std::string &piece, const std::string &role) {
    const auto r = cctest::rows(db, "SELECT status, note FROM pairs WHERE piece = '" + piece + "' AND role = '" +
                                        role + "'");
    return r.empty() ? "" : r.front();
}

}  // namespace

BOOST_AUTO_TEST_CASE(missing_files_are_findings_not_refusals) {
    cctest::TempDir dir;
    const std::string pkg = dir / "course";
    std::filesystem::create_directories(pkg + "/images");
    cctest::write_file(pkg + "/imsmanifest.xml", kTwoScos);
    for (const char *f : {"hazards.html", "exits.html", "notes.html", "images/hazard.png", "images/exit.png"})
        cctest::write_file(pkg + "/" + f, std::string("content of ") + f);
    cc::WorkspaceOptions o;
    o.store_path = dir / "state.db";
    o.now = 1'800'000'000;
    cc::PublishResult result;
    cc::WorkspaceError error;
    {
        cc::Inspection ins(20);
        BOOST_TEST_REQUIRE(cc::publish_package(pkg, {}, o, ins, result, error), error.message);
    }
    std::vector<cc::StatusUpdate> updates{{"hazards", "artist", cc::Status::Done, "ana", "", 0},
                                          {"exits", "writer", cc::Status::InReview, "ben", "", 0}};
    std::vector<cc::Change> changes;
    BOOST_TEST_REQUIRE(cc::set_status_for_package(pkg, {}, o, updates, changes, error), error.message);

    // The image of a done piece and a page go missing.
    std::filesystem::remove(pkg + "/images/hazard.png");
    std::filesystem::remove(pkg + "/notes.html");
    o.now += 60;
    {
        cc::Inspection ins(20);
        BOOST_TEST_REQUIRE(cc::publish_package(pkg, {}, o, ins, result, error), error.message);
        BOOST_TEST(ins.diags.count("file.missing") == 2u);  // still reported, for whoever checks
    }
    BOOST_TEST(pair_state(o.store_path, "hazards", "artist") == "in_progress|waiting for images/hazard.png");
    BOOST_TEST(pair_state(o.store_path, "exits", "writer") == "in_review|");  // not done: left alone
    BOOST_TEST(cctest::count(o.store_path, "SELECT count(*) FROM history WHERE kind = 'file_missing_after_done'") == 1);

    std::string rendered;
    BOOST_TEST_REQUIRE(cc::review_package(pkg, {}, o, rendered, error), error.message);
    const std::vector<std::string> waiting = cctest::waiting_findings(rendered);
    BOOST_TEST_REQUIRE(waiting.size() == 2u);
    rapidjson::Document review;
    review.Parse(rendered.c_str(), rendered.size());
    BOOST_TEST(waiting[0].find("hazards/artist: Hazards: waiting for images/hazard.png") == 0u, waiting[0]);
    BOOST_TEST(waiting[1].find("exits/writer: Exits: waiting for notes.html") == 0u, waiting[1]);
    // Counted per module and for the course (the counts are sized by the kinds).
    BOOST_TEST(review["modules"][0]["summary"]["findings"]["waiting"].GetUint() == 1u);
    BOOST_TEST(review["modules"][1]["summary"]["findings"]["waiting"].GetUint() == 1u);
    BOOST_TEST(review["summary"]["findings"]["waiting"].GetUint() == 2u);
    // Two pieces: nothing is shared by more than half of three or more, so no shell.
    BOOST_TEST(review["shell"]["files"].GetUint() == 0u);
    BOOST_TEST(review["shell"]["role"].GetString() == std::string("designer"));
    BOOST_TEST(review["course"]["tool"].IsNull());

    // inspect still refuses the package for whoever checks it before an LMS.
    cctest::Result checked = cctest::inspect(pkg);
    BOOST_TEST(checked.status == COURSECREW_E_PACKAGE_INVALID);

    // A manifest that cannot be read still stops a publish.
    cctest::write_file(pkg + "/imsmanifest.xml", "<manifest");
    cc::Inspection ins(20);
    BOOST_TEST(!cc::publish_package(pkg, {}, o, ins, result, error));
    BOOST_TEST(error.message.find("xml") != std::string::npos, error.message);
}

BOOST_AUTO_TEST_CASE(the_review_shows_the_course_shell) {
    // The sample's four SCOs all list the shared style, script and images.
    cctest::TempDir dir;
    cc::WorkspaceOptions o;
    o.store_path = dir / "state.db";
    o.now = 1'800'000'000;
    cc::WorkspaceError error;
    std::string rendered;
    const std::string pkg = cctest::source_dir() + "/samples/safety-basics";
    BOOST_TEST_REQUIRE(cc::review_package(pkg, {}, o, rendered, error), error.message);
    rapidjson::Document review;
    review.Parse(rendered.c_str(), rendered.size());
    BOOST_REQUIRE(!review.HasParseError());
    BOOST_TEST(review["shell"]["files"].GetUint() == 4u);
    BOOST_TEST(review["shell"]["missing_files"].GetUint() == 0u);
    BOOST_TEST(review["shell"]["bytes"].GetUint() > 0u);
    BOOST_TEST(review["shell"]["role"].GetString() == std::string("designer"));
    o.format = cc::ReviewFormat::Table;
    BOOST_TEST_REQUIRE(cc::review_package(pkg, {}, o, rendered, error), error.message);
    BOOST_TEST(rendered.find("Course shell  4 files, held by the designer") != std::string::npos, rendered);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(content_upgrade)

// A course published before content models keeps its history: the first
// publish that reads the tool's structure archives the one-SCO piece
// (statuses kept) and adds the tool's pieces as not_started; the next
// review says so once.
BOOST_AUTO_TEST_CASE(the_first_publish_with_a_tools_structure_is_said_once) {
    Package pkg;
    cc::WorkspaceOptions o;
    o.store_path = pkg.dir / "state.db";
    o.now = 1'800'000'000;
    cc::WorkspaceError error;
    cc::PublishResult result;
    {
        cc::InspectOptions off;
        off.content.mode = "off";  // as before issue 11: the manifest's one piece
        cc::Inspection ins(20);
        BOOST_TEST_REQUIRE(cc::publish_package(pkg.dir.path(), off, o, ins, result, error), error.message);
    }
    std::vector<cc::Change> changes;
    BOOST_TEST_REQUIRE(cc::set_status_for_package(pkg.dir.path(), [] {
        cc::InspectOptions off;
        off.content.mode = "off";
        return off;
    }(), o, {{"sco", "writer", cc::Status::Done, "ana", "", 0}}, changes, error), error.message);
    // Now the package holds an Adapt course and the structure is read.
    std::filesystem::create_directories(pkg.dir / "course/en");
    cctest::write_file(pkg.dir / "course/config.json", R"({"_defaultLanguage":"en"})");
    cctest::write_file(pkg.dir / "course/en/course.json", R"({"_id":"course","_type":"course","title":"C"})");
    cctest::write_file(pkg.dir / "course/en/contentObjects.json",
                       R"([{"_id":"co-1","_parentId":"course","_type":"page","title":"Page"}])");
    cctest::write_file(pkg.dir / "course/en/articles.json", R"([{"_id":"a-1","_parentId":"co-1","_type":"article"}])");
    cctest::write_file(pkg.dir / "course/en/blocks.json", R"([{"_id":"b-1","_parentId":"a-1","_type":"block"}])");
    cctest::write_file(pkg.dir / "course/en/components.json",
                       R"([{"_id":"c-1","_parentId":"b-1","_type":"component","_component":"text","body":"<p>Hi</p>"}])");
    o.now += 60;
    std::string first, second;
    BOOST_TEST_REQUIRE(cc::review_package(pkg.dir.path(), {}, o, first, error), error.message);
    BOOST_TEST_REQUIRE(cc::review_package(pkg.dir.path(), {}, o, second, error), error.message);
    rapidjson::Document a, b;
    a.Parse(first.c_str(), first.size());
    b.Parse(second.c_str(), second.size());
    BOOST_REQUIRE(!a.HasParseError() && !b.HasParseError());
    BOOST_TEST(cctest::validate_against("review.schema.json", a) == "");
    BOOST_TEST_REQUIRE(a["notices"].Size() == 1u);
    const std::string notice = a["notices"][0].GetString();
    BOOST_TEST(notice.find("adapt structure") != std::string::npos, notice);
    BOOST_TEST(notice.find("1 piece read before were archived") != std::string::npos, notice);
    BOOST_TEST(b["notices"].Size() == 0u);  // once
    BOOST_TEST(a["course"]["tool"].GetString() == std::string("adapt"));
    // The old piece is archived with its status; the new one starts not_started.
    BOOST_TEST(cctest::rows(o.store_path, "SELECT piece || ':' || archived FROM pieces ORDER BY piece") ==
                   (std::vector<std::string>{"c-1:0", "sco:1"}),
               boost::test_tools::per_element());
    BOOST_TEST(cctest::rows(o.store_path, "SELECT status FROM pairs WHERE piece = 'sco' AND role = 'writer'") ==
                   std::vector<std::string>{"done"});
    BOOST_TEST(cctest::rows(o.store_path, "SELECT DISTINCT status FROM pairs WHERE piece = 'c-1'") ==
                   std::vector<std::string>{"not_started"});
}

BOOST_AUTO_TEST_SUITE_END()
