// The course model end to end on packages written here: dependency closure,
// content fingerprints, modules and pieces.
#include <boost/test/unit_test.hpp>

#include "plugin/engine/registry.hpp"
#include "plugin/inspect/inspect.hpp"
#include "plugin/model/reader.hpp"
#include "plugin/model/text_index.hpp"
#include "support.hpp"

namespace {

const char *kManifest = R"(<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="deps" version="1"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Deps</title>
      <item identifier="m1"><title>Module 1</title>
        <item identifier="p1" identifierref="A"><title>Piece 1</title></item>
        <item identifier="p2" identifierref="D"><title>Piece 2</title></item>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="A" type="webcontent" adlcp:scormtype="sco" href="a.html">
      <file href="a.html"/><dependency identifierref="B"/>
    </resource>
    <resource identifier="B" type="webcontent" adlcp:scormtype="asset">
      <file href="b.js"/><dependency identifierref="C"/>
    </resource>
    <resource identifier="C" type="webcontent" adlcp:scormtype="asset">
      <file href="c.css"/><file href="b.js"/><dependency identifierref="A"/>
    </resource>
    <resource identifier="D" type="webcontent" adlcp:scormtype="sco" href="d.html">
      <file href="d.html"/>
    </resource>
  </resources>
</manifest>
)";

struct Package {
    cctest::TempDir dir;
    Package() {
        cctest::write_file(dir / "imsmanifest.xml", kManifest);
        cctest::write_file(dir / "a.html", "<p>a</p>");
        cctest::write_file(dir / "b.js", "var b;");
        cctest::write_file(dir / "c.css", "p{}");
        cctest::write_file(dir / "d.html", "<p>d</p>");
    }
    const rapidjson::Value &piece(const cctest::Result &r, int index) {
        return r.doc["modules"][0]["pieces"][index];
    }
};

coursecrew::InspectOptions with_files() {
    coursecrew::InspectOptions o;
    o.list_files = true;
    return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model)

BOOST_AUTO_TEST_CASE(dependencies_resolve_transitively_and_cycles_end) {
    Package pkg;
    cctest::Result r = cctest::inspect(pkg.dir.path(), with_files());
    BOOST_TEST_REQUIRE(r.status == 0, r.json);
    const auto &p1 = pkg.piece(r, 0);
    BOOST_TEST(std::string(p1["id"].GetString()) == "p1");
    // a.html + b.js + c.css; b.js is listed twice but counts once.
    BOOST_TEST(p1["file_count"].GetUint64() == 3u);
    BOOST_TEST(p1["bytes"].GetUint64() == 8u + 6u + 3u);
    std::vector<std::string> paths;
    for (const auto &f : p1["files"].GetArray()) paths.push_back(f["path"].GetString());
    BOOST_TEST(paths == (std::vector<std::string>{"a.html", "b.js", "c.css"}), boost::test_tools::per_element());
    BOOST_TEST(pkg.piece(r, 1)["file_count"].GetUint64() == 1u);
}

BOOST_AUTO_TEST_CASE(fingerprint_follows_content) {
    Package pkg;
    cctest::Result before = cctest::inspect(pkg.dir.path());
    const std::string fp1 = pkg.piece(before, 0)["fingerprint"].GetString();
    const std::string fp2 = pkg.piece(before, 1)["fingerprint"].GetString();
    BOOST_TEST(fp1.size() == 64u);
    BOOST_TEST(fp1 != fp2);

    // Same content again: same fingerprint.
    BOOST_TEST(std::string(pkg.piece(cctest::inspect(pkg.dir.path()), 0)["fingerprint"].GetString()) == fp1);

    // A dependency's file changes: piece 1 changes, piece 2 does not.
    cctest::write_file(pkg.dir / "c.css", "p{color:red}");
    cctest::Result after = cctest::inspect(pkg.dir.path());
    BOOST_TEST(std::string(pkg.piece(after, 0)["fingerprint"].GetString()) != fp1);
    BOOST_TEST(std::string(pkg.piece(after, 1)["fingerprint"].GetString()) == fp2);
}

BOOST_AUTO_TEST_CASE(sha256_of_files_is_the_real_digest) {
    Package pkg;
    cctest::write_file(pkg.dir / "d.html", "abc");
    cctest::Result r = cctest::inspect(pkg.dir.path(), with_files());
    const auto &f = pkg.piece(r, 1)["files"][0];
    // SHA-256("abc"), FIPS 180-2 example.
    BOOST_TEST(std::string(f["sha256"].GetString()) ==
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_CASE(no_hash_option_leaves_fingerprints_null) {
    Package pkg;
    coursecrew::InspectOptions o;
    o.hash_files = false;
    cctest::Result r = cctest::inspect(pkg.dir.path(), o);
    BOOST_TEST(pkg.piece(r, 0)["fingerprint"].IsNull());
}

BOOST_AUTO_TEST_CASE(a_zip_reads_like_its_folder) {
    Package pkg;
    cctest::TempDir out;
    const std::string zip = out / "course.zip";
    const std::string cmd = "cd '" + pkg.dir.path() + "' && cmake -E tar cf '" + zip + "' --format=zip .";
    BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
    cctest::Result folder = cctest::inspect(pkg.dir.path());
    cctest::Result zipped = cctest::inspect(zip);
    BOOST_TEST_REQUIRE(zipped.status == 0, zipped.json);
    BOOST_TEST(std::string(pkg.piece(zipped, 0)["fingerprint"].GetString()) ==
               pkg.piece(folder, 0)["fingerprint"].GetString());
    BOOST_TEST(zipped.doc["counts"]["package_files"].GetUint64() == 5u);
}

// cmi5 and Tin Can have no organizations: one root item stands for the
// course, and carries its id, title and description.
BOOST_AUTO_TEST_CASE(course_root_is_the_one_default_organization_named_after_the_course) {
    coursecrew::Course c;
    const std::uint32_t root = coursecrew::add_course_root(c, 7);
    BOOST_TEST(root == 0u);
    BOOST_TEST(c.organizations == std::vector<std::uint32_t>{root}, boost::test_tools::per_element());
    BOOST_TEST(c.default_org == root);
    BOOST_TEST((c.items[root].kind == coursecrew::ItemKind::Organization));
    BOOST_TEST(c.items[root].line == 7);
    c.identifier = "https://example.org/courses/bees";
    c.title.add("en", "Bees");
    c.description.add("en", "Your first hive.");
    coursecrew::name_course_root(c, root);
    BOOST_TEST(c.items[root].id == "https://example.org/courses/bees");
    BOOST_TEST(c.items[root].title.primary() == "Bees");
    BOOST_TEST(c.items[root].details().description.primary() == "Your first hive.");
}

BOOST_AUTO_TEST_CASE(streamed_json_comes_in_pieces_and_stops_when_asked) {
    using namespace coursecrew;
    // 3,000 pieces: a JSON of several 64 KiB pieces.
    std::string items, resources;
    for (int i = 0; i < 3000; ++i) {
        const std::string n = std::to_string(i);
        items += "<item identifier=\"i" + n + "\" identifierref=\"r" + n + "\"><title>Piece " + n +
                 "</title></item>";
        resources += "<resource identifier=\"r" + n + "\" type=\"webcontent\" adlcp:scormtype=\"sco\" "
                     "href=\"p" + n + ".html\"><file href=\"p" + n + ".html\"/></resource>";
    }
    cctest::TempDir dir;
    cctest::write_file(dir / "imsmanifest.xml",
                       "<manifest identifier=\"big\" xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\" "
                       "xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\"><organizations default=\"o\">"
                       "<organization identifier=\"o\"><title>T</title><item identifier=\"m\"><title>M</title>" +
                           items + "</item></organization></organizations><resources>" + resources +
                           "</resources></manifest>");
    InspectOptions opt;
    Inspection ins(opt.max_diagnostics_per_code);
    inspect_package(dir.path(), opt, ins);
    const std::string whole = to_json(ins, opt);
    BOOST_TEST_REQUIRE(whole.size() > 3 * 64 * 1024);

    struct Sink {
        std::string text;
        std::vector<std::size_t> pieces;
        std::size_t stop_after = 0;
    };
    auto collect = [](void *to, const char *data, std::size_t size) -> int {
        auto &sink = *static_cast<Sink *>(to);
        sink.text.append(data, size);
        sink.pieces.push_back(size);
        return sink.stop_after && sink.pieces.size() >= sink.stop_after;
    };
    Sink all;
    BOOST_TEST(write_json(ins, opt, collect, &all));
    BOOST_TEST((all.text == whole));
    // Pieces of at most 64 KiB, each but the last nearly full (a piece ends
    // early only where the next value would not fit).
    BOOST_TEST(all.pieces.size() >= (whole.size() + 64 * 1024 - 1) / (64 * 1024));
    for (std::size_t k = 0; k < all.pieces.size(); ++k) {
        BOOST_TEST(all.pieces[k] <= 64u * 1024);
        if (k + 1 < all.pieces.size()) BOOST_TEST(all.pieces[k] > 60u * 1024);
    }

    Sink stopped;
    stopped.stop_after = 2;
    BOOST_TEST(!write_json(ins, opt, collect, &stopped));
    BOOST_TEST(stopped.pieces.size() == 2u);  // nothing after the host said stop
    BOOST_TEST((stopped.text == whole.substr(0, stopped.text.size())));
}

// The id index grows from 16 slots as a reader files ids; growing moves
// slots by their stored hash bits, so every key must still be found after
// many doublings, and a key filed twice keeps its first item.
BOOST_AUTO_TEST_CASE(text_index_finds_every_key_after_growing) {
    std::vector<std::string> keys;
    for (int i = 0; i < 5000; ++i) keys.push_back("id_" + std::to_string(i * 7919 % 100003));
    auto key_of = [&keys](std::uint32_t item) { return std::string_view(keys[item]); };
    coursecrew::TextIndex<decltype(key_of)> index(1, key_of);
    for (std::uint32_t i = 0; i < keys.size(); ++i) BOOST_TEST(index.insert(i) == index.kAbsent);
    for (std::uint32_t i = 0; i < keys.size(); ++i) BOOST_TEST(index.find(keys[i]) == i);
    BOOST_TEST(index.find("id_absent") == index.kAbsent);
    keys.push_back(keys[42]);  // a duplicate: the first item stays
    BOOST_TEST(index.insert(static_cast<std::uint32_t>(keys.size() - 1)) == 42u);
    BOOST_TEST(index.find(keys[42]) == 42u);
}

BOOST_AUTO_TEST_SUITE_END()
