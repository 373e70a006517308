// The iSpring reader (adapters/content/ispring): its own small fixtures,
// and the real package of ../shared/packages/ispring in the `packages`
// suite.
#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include "adapters/content/readers.hpp"
#include "content_direct.hpp"
#include "support.hpp"

namespace cc = coursecrew;

namespace {

// A slide with pictures and a missing sound, a quiz (title in its own
// data) and an untitled slide with a video.
const char *kPres = R"({"i":"{PRES-GUID}","t":"Deck &amp; more","ui":"issuite_10.1.0_77;","w":960,"h":540,"s":[
 {"I":"{G1}","t":"First","x":"Hello","s":"data/slide1.js","c":"data/slide1.css","T":{"i":"data/thmb1.png","w":78,"h":43}},
 {"st":"q","I":"{G2}","t":"","s":"data/quiz1.js","pp":"data/quizplayer.js","T":{"i":"data/thmb2.png"}},
 {"I":"{G3}","t":"","x":"","s":"data/slide3.js","V":[{"x":1}],"T":{"i":"data/thmb3.png"}}]})";

const char *kSlide1 =
    "(function(){var loadHandler=window['sl_{PRES-GUID}'];loadHandler&&loadHandler(0, "
    "'<div><img src=\"data/img0.png\" alt=\"\"/><audio src=\"data/talk.mp3\"></audio></div>', "
    "'{\"s\":[{\"b\":\"data\\\\/img1.png\"}]}');})();";

std::string z(const std::string &data) {
    uLongf size = compressBound(data.size());
    std::string out(size, '\0');
    BOOST_REQUIRE(compress(reinterpret_cast<Bytef *>(out.data()), &size,
                           reinterpret_cast<const Bytef *>(data.data()), data.size()) == Z_OK);
    out.resize(size);
    return out;
}

// `literal` goes between `var presInfo = ` and `;`.
void deck(const cctest::TempDir &dir, const std::string &literal) {
    cctest::write_scorm12(dir, "res/index.html");
    cctest::put(dir, "res/index.html",
                "<!DOCTYPE html><!-- Created with iSpring --><!--version 10.1.0.77 --><html><head>\n"
                "<script>\n\t\t\t\tvar presInfo = " + literal + ";\n"
                "PresentationPlayer.start(presInfo);</script></head><body></body></html>\n");
    cctest::put(dir, "res/data/player.js", "var PresentationPlayer = {};");
    cctest::put(dir, "res/data/slide1.js", kSlide1);
    cctest::put(dir, "res/data/slide1.css", "#a{}");
    cctest::put(dir, "res/data/slide3.js", "(function(){})();");
    cctest::put(dir, "res/data/img0.png", "png");
    cctest::put(dir, "res/data/img1.png", "png");
    cctest::put(dir, "res/data/thmb1.png", "png");
    cctest::put(dir, "res/data/quiz1/images/bg.png", "png");
    cctest::put(dir, "res/data/quiz1.js",
                "(function(){\n\tvar quizInfo = \"" +
                    cctest::base64(R"({"d":{"T":"Final <b>check</b>"},"b":"quiz1\\images\\bg.png",)"
                                   R"("c":"C:/Users/me/AppData/Temp/quiz_bg_0.png"})") +
                    "\";\n})();");
}

std::string quoted(const std::string &s) { return "\"" + s + "\""; }

void expect_fallback(const std::string &path, const std::string &what, const cc::InspectOptions &opt = {}) {
    const cctest::Result r = cctest::inspect(path, opt);
    BOOST_TEST(r.doc["content_model"].IsNull());
    BOOST_TEST(r.doc["usable"].GetBool());
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 1u);
    BOOST_TEST(r.doc["modules"][0]["id"].GetString() == std::string("sco"));
    const std::string w = cctest::diagnostics_of(r.doc, "content.unreadable");
    BOOST_TEST(w.find("res/index.html|3|") == 0u, w);  // the line of presInfo
    BOOST_TEST(w.find(what) != std::string::npos, w);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(content_ispring)

// presInfo, in the page, holds every slide's text and notes: republishing
// an unchanged deck reopens nothing; editing one slide's notes, or another's
// text, reopens that slide alone; a thumbnail's file name (numbered by the
// slide's place) is not content.
BOOST_AUTO_TEST_CASE(editing_one_slides_text_reopens_only_that_slide) {
    cctest::TempDir dir;
    std::string pres = kPres;
    cctest::replace_once(pres, R"("x":"Hello",)", R"("x":"Hello","n":"Say hello",)");
    auto write = [&] { deck(dir, quoted(cctest::base64(z(pres)))); };
    write();
    cctest::DonePackage pkg(dir.path(), "ispring");
    BOOST_TEST(pkg.pieces() == (std::vector<std::string>{"{G1}", "{G2}", "{G3}"}), boost::test_tools::per_element());
    const std::vector<std::string> before = pkg.steady_fingerprints();
    BOOST_REQUIRE(before.size() == 3u);

    cctest::replace_once(pres, "Say hello", "Say goodbye");  // the first slide's notes
    write();
    const std::vector<std::string> after = cctest::fingerprints(dir.path());
    BOOST_TEST(after[0] != before[0]);
    BOOST_TEST(after[1] == before[1]);
    BOOST_TEST(after[2] == before[2]);
    BOOST_TEST(pkg.republish() == std::vector<std::string>{"{G1}"}, boost::test_tools::per_element());

    cctest::replace_once(pres, R"("t":"","x":"",)", R"("t":"","x":"Third",)");  // the third slide's text
    write();
    const std::vector<std::string> edited = cctest::fingerprints(dir.path());
    BOOST_TEST(edited[0] == after[0]);
    BOOST_TEST(edited[1] == after[1]);
    BOOST_TEST(edited[2] != after[2]);
    BOOST_TEST(pkg.republish() == std::vector<std::string>{"{G3}"}, boost::test_tools::per_element());

    cctest::replace_once(pres, "data/thmb2.png", "data/thmb7.png");
    write();
    BOOST_TEST(cctest::fingerprints(dir.path()) == edited, boost::test_tools::per_element());
    BOOST_TEST(pkg.republish().empty());
}

BOOST_AUTO_TEST_CASE(the_presentation_is_a_module_and_its_slides_pieces) {
    cctest::TempDir dir;
    deck(dir, quoted(cctest::base64(z(kPres))));
    const auto reader = cc::make_ispring_reader();
    const cctest::Direct d = cctest::read_direct(*reader, dir.path());
    BOOST_REQUIRE(d.result == cc::ContentResult::Read);
    BOOST_TEST(d.model.tool == "ispring");
    BOOST_TEST(d.model.version == "10.1.0.77");
    BOOST_TEST(d.model.source == "res/index.html");
    BOOST_REQUIRE(d.model.modules.size() == 1u);
    const cc::ContentModule &m = d.model.modules[0];
    BOOST_TEST(m.id == "{PRES-GUID}");
    BOOST_TEST(m.title == "Deck & more");
    BOOST_REQUIRE(m.pieces.size() == 3u);

    const cc::ContentPiece &first = m.pieces[0];
    BOOST_TEST(first.id == "{G1}");
    BOOST_TEST(first.title == "First");
    BOOST_TEST(first.origin.type == "ispring:slide");
    BOOST_TEST(first.origin.at == "/s/0");
    BOOST_TEST(first.has_text);
    BOOST_TEST(first.has_media);  // the sound
    // Its body, style sheet and what the body names (the missing sound
    // kept for the core to report); not the player's thumbnail.
    const std::vector<std::string> want{"res/data/img0.png", "res/data/img1.png", "res/data/slide1.css",
                                        "res/data/slide1.js", "res/data/talk.mp3"};
    BOOST_TEST(first.files == want, boost::test_tools::per_element());

    const cc::ContentPiece &quiz = m.pieces[1];
    BOOST_TEST(quiz.id == "{G2}");
    BOOST_TEST(quiz.origin.type == "ispring:quiz");
    BOOST_TEST(quiz.title == "Final check");
    BOOST_TEST(quiz.is_question);
    // The quiz data's own path on the author's machine is not a file of the package.
    const std::vector<std::string> quiz_files{"res/data/quiz1.js", "res/data/quiz1/images/bg.png"};
    BOOST_TEST(quiz.files == quiz_files, boost::test_tools::per_element());

    const cc::ContentPiece &third = m.pieces[2];
    BOOST_TEST(third.title == "Slide 3");
    BOOST_TEST(third.has_media);
    BOOST_TEST(!third.has_text);
}

BOOST_AUTO_TEST_CASE(raw_deflate_is_read_too) {
    cctest::TempDir dir;
    const std::string zlib = z(kPres);
    deck(dir, quoted(cctest::base64(zlib.substr(2, zlib.size() - 6))));  // no header, no checksum
    const auto reader = cc::make_ispring_reader();
    const cctest::Direct d = cctest::read_direct(*reader, dir.path());
    BOOST_REQUIRE(d.result == cc::ContentResult::Read);
    BOOST_TEST(d.model.modules[0].pieces.size() == 3u);
}

BOOST_AUTO_TEST_CASE(through_the_engine_the_slides_replace_the_sco) {
    cctest::TempDir dir;
    deck(dir, quoted(cctest::base64(z(kPres))));
    const cctest::Result r = cctest::inspect(dir.path());
    BOOST_TEST(r.doc["content_model"]["tool"].GetString() == std::string("ispring"));
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 1u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 3u);
    BOOST_TEST(r.doc["modules"][0]["pieces"][0]["missing_files"].GetUint() == 1u);  // talk.mp3
    BOOST_TEST(cctest::validate_against("inspect.schema.json", r.doc) == "");
}

BOOST_AUTO_TEST_CASE(ids_are_the_same_on_every_read) {
    cctest::TempDir dir;
    deck(dir, quoted(cctest::base64(z(kPres))));
    const auto reader = cc::make_ispring_reader();
    std::vector<std::string> first, second;
    for (auto *ids : {&first, &second})
        for (const auto &m : cctest::read_direct(*reader, dir.path()).model.modules) {
            ids->push_back(m.id);
            for (const auto &p : m.pieces) ids->push_back(p.id);
        }
    BOOST_TEST(first == (std::vector<std::string>{"{PRES-GUID}", "{G1}", "{G2}", "{G3}"}),
               boost::test_tools::per_element());
    BOOST_TEST(first == second, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(truncated_zlib_data_falls_back) {
    cctest::TempDir dir;
    const std::string zlib = z(kPres);
    deck(dir, quoted(cctest::base64(zlib.substr(0, zlib.size() / 2))));
    expect_fallback(dir.path(), "cannot be inflated: the compressed data ends half-way");
}

BOOST_AUTO_TEST_CASE(an_unclosed_string_falls_back) {
    cctest::TempDir dir;
    const std::string b64 = cctest::base64(z(kPres));
    cctest::write_scorm12(dir, "res/index.html");
    cctest::put(dir, "res/index.html", "<html>\n\n<script>var presInfo = \"" + b64.substr(0, 40));
    cctest::put(dir, "res/data/player.js", "");
    expect_fallback(dir.path(), "ends half-way (its string is not closed)");
}

BOOST_AUTO_TEST_CASE(broken_base64_falls_back) {
    cctest::TempDir dir;
    deck(dir, quoted("eNrk!!!!" + cctest::base64(z(kPres))));
    expect_fallback(dir.path(), "not valid base64");
}

BOOST_AUTO_TEST_CASE(a_zlib_bomb_stops_at_the_limit) {
    cctest::TempDir dir;
    // 10 MB of zeros compress to about 10 KB; the limit is 1 MB.
    deck(dir, quoted(cctest::base64(z(std::string(10u << 20, '\0')))));
    cc::InspectOptions opt;
    opt.content_limits.max_blob_bytes = 1u << 20;
    expect_fallback(dir.path(), "expands past the limit of 1048576 bytes", opt);
}

BOOST_AUTO_TEST_CASE(base64_past_the_limit_is_not_decoded) {
    cctest::TempDir dir;
    deck(dir, quoted(cctest::base64(z(kPres))));
    cc::InspectOptions opt;
    opt.content_limits.max_blob_bytes = 64;
    expect_fallback(dir.path(), "cannot be decoded: the base64 data would decode to about", opt);
}

BOOST_AUTO_TEST_CASE(other_packages_are_not_ispring_ones) {
    const auto reader = cc::make_ispring_reader();
    {  // a plain SCORM package
        cctest::TempDir dir;
        cctest::write_scorm12(dir, "index.html");
        cctest::put(dir, "index.html", "<html></html>");
        BOOST_TEST((cctest::read_direct(*reader, dir.path()).result == cc::ContentResult::NotMine));
    }
    {  // iSpring's layout without its data
        cctest::TempDir dir;
        cctest::write_scorm12(dir, "index.html");
        cctest::put(dir, "index.html", "<html><script>var info = 1;</script></html>");
        cctest::put(dir, "data/player.js", "");
        BOOST_TEST((cctest::read_direct(*reader, dir.path()).result == cc::ContentResult::NotMine));
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(packages)
BOOST_AUTO_TEST_SUITE(ispring)

BOOST_AUTO_TEST_CASE(ispring_scorm2004_burrelly) {
    const std::string dir = cctest::packages_dir();
    if (dir.empty()) return;
    const cctest::Result r = cctest::inspect(dir + "/ispring/ispring-scorm2004-burrelly");
    BOOST_TEST(r.doc["content_model"]["tool"].GetString() == std::string("ispring"));
    BOOST_TEST(r.doc["content_model"]["version"].GetString() == std::string("10.3.3.9018"));
    // INDEX.md: res/data slideN.js files 7, quizN.js files 1; presInfo's
    // slide list holds all 8 (the quiz is its 7th entry).
    BOOST_TEST(r.doc["counts"]["modules"].GetUint() == 1u);
    BOOST_TEST(r.doc["counts"]["pieces"].GetUint() == 8u);
    const auto &m = r.doc["modules"][0];
    BOOST_TEST(m["id"].GetString() == std::string("{3824D5BC-E5E0-423E-8847-9F1ADDB3E857}"));
    BOOST_TEST(m["pieces"][0]["id"].GetString() == std::string("{2D214BC9-8B01-4E4F-A8DB-002B654C445A}"));
    BOOST_TEST(m["pieces"][0]["title"].GetString() == std::string("SCORM and Learning Management Systems"));
    BOOST_TEST(m["pieces"][6]["type"].GetString() == std::string("ispring:quiz"));
    BOOST_TEST(m["pieces"][6]["title"].GetString() == std::string("Untitled Quiz"));
    BOOST_TEST(m["pieces"][6]["facts"]["question"].GetBool());

    const auto reader = cc::make_ispring_reader();
    const cctest::Direct d = cctest::read_direct(*reader, dir + "/ispring/ispring-scorm2004-burrelly");
    BOOST_REQUIRE(d.result == cc::ContentResult::Read);
    const auto &first = d.model.modules[0].pieces[0].files;
    BOOST_TEST(cctest::holds(first, "res/data/slide1.js"));
    BOOST_TEST(cctest::holds(first, "res/data/img8.png"));
    BOOST_TEST(!cctest::holds(first, "res/data/thmb1.png"));
    const auto &quiz = d.model.modules[0].pieces[6].files;
    BOOST_TEST(cctest::holds(quiz, "res/data/quiz1/images/quiz_bg_0.png"));
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()
