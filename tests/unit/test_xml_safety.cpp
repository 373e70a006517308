// Hostile manifests: entities, size and depth limits, malformed XML. Each
// ends quickly with a diagnostic that says what and where.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "adapters/xml/xml_stream.hpp"

#include "support.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

const char *kHead = R"(<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1">)";

}  // namespace

BOOST_AUTO_TEST_SUITE(xml_safety)

BOOST_AUTO_TEST_CASE(billion_laughs_is_refused_fast) {
    cctest::TempDir d;
    std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE manifest [\n <!ENTITY lol \"lol\">\n";
    for (int i = 1; i <= 9; ++i) {
        doc += " <!ENTITY lol" + std::to_string(i) + " \"";
        for (int j = 0; j < 10; ++j) doc += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
        doc += "\">\n";
    }
    doc += "]>\n" + std::string(kHead) + "<organizations><organization identifier=\"o\"><title>&lol9;</title></organization></organizations></manifest>\n";
    cctest::write_file(d / "imsmanifest.xml", doc);
    const auto start = std::chrono::steady_clock::now();
    cctest::Result r = cctest::inspect(d.path());
    BOOST_TEST(seconds_since(start) < 2.0);
    BOOST_TEST(r.status != 0);
    BOOST_TEST(r.has_code("xml.entities_refused"));
    BOOST_TEST(r.json.find("lollollol") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(external_entities_are_never_read) {
    cctest::TempDir d;
    cctest::write_file(d / "secret.txt", "TOP-SECRET-CONTENT");
    cctest::write_file(d / "imsmanifest.xml",
                       "<?xml version=\"1.0\"?>\n<!DOCTYPE manifest [<!ENTITY x SYSTEM \"file://" + d.path() +
                           "/secret.txt\">]>\n" + kHead +
                           "<organizations><organization identifier=\"o\"><title>&x;</title></organization></organizations></manifest>");
    cctest::Result r = cctest::inspect(d.path());
    BOOST_TEST(r.has_code("xml.entities_refused"));
    BOOST_TEST(r.json.find("TOP-SECRET") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(size_and_depth_limits_hold) {
    cctest::TempDir d;
    std::string deep = kHead;
    for (int i = 0; i < 40; ++i) deep += "<metadata>";
    for (int i = 0; i < 40; ++i) deep += "</metadata>";
    deep += "</manifest>";
    cctest::write_file(d / "imsmanifest.xml", deep);
    coursecrew::InspectOptions o;
    o.limits.max_xml_depth = 16;
    BOOST_TEST(cctest::inspect(d.path(), o).has_code("xml.too_deep"));
    o = {};
    o.limits.max_manifest_bytes = 100;
    cctest::Result r = cctest::inspect(d.path(), o);
    BOOST_TEST(r.has_code("xml.too_large"));
    BOOST_TEST(r.status != 0);
}

BOOST_AUTO_TEST_CASE(a_text_over_a_mebibyte_is_cut_at_a_character_boundary) {
    // An organization title of 'a' then 700,000 two-byte characters (1.4 MB,
    // read in many chunks): cut at 1 MiB, not inside a character, with one
    // warning. The next title, just under the limit, is whole: the count
    // starts again at each tag.
    std::string long_title = "a";
    for (int i = 0; i < 700000; ++i) long_title += "\xC3\xA9";  // é
    const std::string under(1000000, 'b');
    cctest::TempDir d;
    cctest::write_file(d / "imsmanifest.xml",
                       std::string(kHead) +
                           "<organizations default=\"o\"><organization identifier=\"o\"><title>" +
                           long_title + "</title><item identifier=\"i\"><title>" + under +
                           "</title></item></organization></organizations><resources/></manifest>");
    cctest::Result r = cctest::inspect(d.path());
    BOOST_TEST_REQUIRE(r.doc.IsObject());
    const std::string org = r.doc["organizations"][0]["title"].GetString();
    BOOST_TEST(org.size() == 1024u * 1024u - 1);  // 'a' and 524,287 whole characters
    BOOST_TEST(org.compare(org.size() - 2, 2, "\xC3\xA9") == 0);
    std::size_t warnings = 0;
    for (const auto &diag : r.doc["diagnostics"].GetArray())
        if (std::string(diag["code"].GetString()) == "xml.text_too_long") ++warnings;
    BOOST_TEST(warnings == 1u);
    const std::string item = r.doc["modules"][0]["title"].GetString();
    BOOST_TEST(item.size() == under.size());
}

BOOST_AUTO_TEST_CASE(malformed_xml_reports_line_and_column) {
    cctest::TempDir d;
    cctest::write_file(d / "imsmanifest.xml",
                       std::string("<?xml version=\"1.0\"?>\n") + kHead + "\n<organizations>\n  <organization identifier=\"o\">\n  </organizaton>\n</organizations></manifest>\n");
    cctest::Result r = cctest::inspect(d.path());
    BOOST_TEST(r.status != 0);
    bool found = false;
    for (const auto &diag : r.doc["diagnostics"].GetArray()) {
        if (std::string(diag["code"].GetString()) != "xml.malformed") continue;
        found = true;
        BOOST_TEST(diag["line"].GetInt() == 5);
        BOOST_TEST(diag["column"].IsInt());
        BOOST_TEST(std::string(diag["file"].GetString()) == "imsmanifest.xml");
        BOOST_TEST(std::string(diag["message"].GetString()).find("organiza") != std::string::npos);
    }
    BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(utf16_and_bom_manifests_read) {
    cctest::TempDir d;
    const std::string xml = std::string("<?xml version=\"1.0\" encoding=\"UTF-16\"?>") + kHead +
                            "<metadata><schemaversion>2004 4th Edition</schemaversion></metadata>"
                            "<organizations default=\"o\"><organization identifier=\"o\"><title>Caf\xC3\xA9</title>"
                            "<item identifier=\"i\"><title>I</title></item></organization></organizations><resources/></manifest>";
    // Encode as UTF-16LE with a BOM (the text is ASCII apart from one Latin-1 letter).
    std::string utf16 = "\xFF\xFE";
    for (std::size_t i = 0; i < xml.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(xml[i]);
        unsigned cp = c;
        if (c == 0xC3) cp = 0xC0 | (static_cast<unsigned char>(xml[++i]) & 0x3F);
        utf16.push_back(static_cast<char>(cp & 0xFF));
        utf16.push_back(static_cast<char>(cp >> 8));
    }
    cctest::write_file(d / "imsmanifest.xml", utf16);
    cctest::Result r = cctest::inspect(d.path());
    BOOST_TEST(!r.has_code("xml.malformed"), r.json);
    BOOST_TEST(std::string(r.doc["title"].GetString()) == "Caf\xC3\xA9");
    BOOST_TEST(std::string(r.doc["edition"].GetString()) == "4th");
}


// ---- issue 10: encodings, size first, undeclared prefixes ----------------

namespace {

const rapidjson::Value *find_diag(const cctest::Result &r, const std::string &code) {
    for (const auto &d : r.doc["diagnostics"].GetArray())
        if (code == d["code"].GetString()) return &d;
    return nullptr;
}

// An InputStream over a string, for driving xml::Stream directly.
class StringInput : public coursecrew::InputStream {
public:
    explicit StringInput(std::string text) : text_(std::move(text)) {}
    long read(unsigned char *buf, std::size_t len) override {
        const std::size_t n = std::min(len, text_.size() - pos_);
        std::memcpy(buf, text_.data() + pos_, n);
        pos_ += n;
        return static_cast<long>(n);
    }
    const std::string &error() const override { return error_; }

private:
    std::string text_, error_;
    std::size_t pos_ = 0;
};

std::string utf16le(const std::string &ascii, bool bom) {
    std::string out = bom ? "\xFF\xFE" : "";
    for (char c : ascii) {
        out.push_back(c);
        out.push_back('\0');
    }
    return out;
}

std::string utf16be(const std::string &ascii) {
    std::string out;
    for (char c : ascii) {
        out.push_back('\0');
        out.push_back(c);
    }
    return out;
}

std::string utf32le(const std::string &ascii) {
    std::string out;
    for (char c : ascii) out += std::string(1, c) + std::string(3, '\0');
    return out;
}

const char *kSmallCourse =
    R"(<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><organizations default="o">)"
    R"(<organization identifier="o"><title>Cafe</title><item identifier="i"><title>I</title></item>)"
    R"(</organization></organizations><resources/></manifest>)";

}  // namespace

// The mutation run's crash: libxml2 reported "encoding not supported" while
// the push parser's context was still being built, before it led back to
// the Stream. Each manifest name goes through the same parser.
BOOST_AUTO_TEST_CASE(encoding_error_while_the_parser_starts_is_a_diagnostic) {
    for (const char *name : {"imsmanifest.xml", "cmi5.xml", "tincan.xml"}) {
        cctest::TempDir d;
        cctest::write_file(d / name, std::string("\x00\x3C\x00\x00", 4));
        cctest::Result r = cctest::inspect(d.path());
        BOOST_TEST(r.status != 0, name);
        const rapidjson::Value *diag = find_diag(r, "xml.encoding");
        BOOST_REQUIRE_MESSAGE(diag, name << ": " << r.json);
        BOOST_TEST(std::string((*diag)["file"].GetString()) == name);
        BOOST_TEST((*diag)["line"].GetInt() == 1);
        BOOST_TEST(std::string((*diag)["message"].GetString()).find("UTF-8") != std::string::npos);
    }
}

// Every encoding trap ends in a reading or in one clear error with a line,
// never a crash, and nothing from libxml2 on the host's stderr.
BOOST_AUTO_TEST_CASE(encoding_traps_read_or_give_a_clear_error) {
    const std::string decl8 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    const std::string decl16 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>";
    const std::string decl32 = "<?xml version=\"1.0\" encoding=\"UTF-32\"?>";
    std::string latin1 = decl8 + kSmallCourse;
    latin1.replace(latin1.find("Cafe"), 4, "Caf\xE9");
    std::string cut = std::string("<?xml version=\"1.0\"?>") + kSmallCourse;
    cut.replace(cut.find("Cafe"), 4, "Caf\xC3");
    struct Case {
        const char *what;
        std::string bytes;
        const char *code;  // "" = reads without an XML diagnostic
    };
    const std::vector<Case> cases = {
        {"UTF-8 with BOM", "\xEF\xBB\xBF" + std::string(kSmallCourse), ""},
        {"UTF-16LE with BOM", utf16le(decl16 + kSmallCourse, true), ""},
        {"UTF-16BE without BOM, declared", utf16be(decl16 + kSmallCourse), ""},
        {"UTF-16LE with BOM, declared UTF-8 (the BOM wins)", utf16le(decl8 + kSmallCourse, true), ""},
        {"UTF-16LE without BOM or declaration", utf16le(kSmallCourse, false), "xml.malformed"},
        {"UTF-32LE, declared", utf32le(decl32 + kSmallCourse), "xml.malformed"},
        {"UTF-8 declared UTF-16", decl16 + kSmallCourse, "xml.encoding"},
        {"Latin-1 declared UTF-8", latin1, "xml.malformed"},
        {"UTF-8 cut mid-character", cut, "xml.malformed"},
        {"an unknown encoding", "<?xml version=\"1.0\" encoding=\"klingon\"?>" + std::string(kSmallCourse),
         "xml.encoding"},
    };
    for (const Case &c : cases) {
        cctest::TempDir d;
        cctest::write_file(d / "imsmanifest.xml", c.bytes);
        cctest::Result r = cctest::inspect(d.path());
        if (*c.code == '\0') {
            BOOST_TEST(r.doc["title"].IsString(), c.what << ": " << r.json);
            BOOST_TEST(!r.has_code("xml.malformed"), c.what);
            BOOST_TEST(!r.has_code("xml.encoding"), c.what);
            continue;
        }
        BOOST_TEST(r.status != 0, c.what);
        const rapidjson::Value *diag = find_diag(r, c.code);
        BOOST_REQUIRE_MESSAGE(diag, c.what << ": expected " << c.code << " in " << r.json);
        BOOST_TEST((*diag)["line"].GetInt() == 1, c.what);
        BOOST_TEST(std::string((*diag)["message"].GetString()).find('\n') == std::string::npos, c.what);
    }
}

// A manifest over the limit is refused from its stated size, before a byte
// is parsed: the broken XML after the limit is never reached.
BOOST_AUTO_TEST_CASE(a_manifest_over_the_limit_is_refused_before_parsing) {
    cctest::TempDir d;
    // Broken right at the start, so parsing the first chunk would say so.
    std::string doc = std::string(kHead) + "<broken<>";
    doc += std::string(300'000, ' ');
    cctest::write_file(d / "imsmanifest.xml", doc);
    coursecrew::InspectOptions o;
    o.limits.max_manifest_bytes = 200'000;
    cctest::Result r = cctest::inspect(d.path(), o);
    BOOST_TEST(r.status != 0);
    BOOST_TEST(!r.has_code("xml.malformed"), r.json);
    const rapidjson::Value *diag = find_diag(r, "xml.too_large");
    BOOST_REQUIRE(diag);
    const std::string msg = (*diag)["message"].GetString();
    BOOST_TEST(msg.find(std::to_string(doc.size())) != std::string::npos, msg);
    BOOST_TEST(msg.find("200000") != std::string::npos, msg);
}

// A size that lies (a zip header, a file still growing) is caught while reading.
BOOST_AUTO_TEST_CASE(a_stated_size_that_lies_is_caught_while_reading) {
    coursecrew::PackageLimits limits;
    limits.max_manifest_bytes = 100'000;
    const std::string doc = std::string(kHead) + std::string(200'000, ' ') + "</manifest>";
    for (std::uint64_t stated : {std::uint64_t{1000}, coursecrew::xml::Stream::kUnknownSize}) {
        StringInput in(doc);
        coursecrew::Diagnostics diags(20);
        coursecrew::xml::Stream x(in, "imsmanifest.xml", diags, limits, stated);
        coursecrew::xml::Event e = x.next();
        while (e != coursecrew::xml::Event::Eof && e != coursecrew::xml::Event::Error) e = x.next();
        BOOST_TEST((e == coursecrew::xml::Event::Error));
        diags.finish();
        bool too_large = false;
        for (const auto &diag : diags.items()) too_large = too_large || diag.code == "xml.too_large";
        BOOST_TEST(too_large);
    }
}

// Real LMSs accept xsi:schemaLocation (and adlcp:scormType) without their
// xmlns declarations: read, with a warning that names the prefix and line.
BOOST_AUTO_TEST_CASE(an_undeclared_prefix_is_read_with_a_warning) {
    const std::string doc =
        "<?xml version=\"1.0\"?>\n"
        "<manifest identifier=\"m\" xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
        "  xsi:schemaLocation=\"http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd\">\n"
        "  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>\n"
        "  <organizations default=\"o\"><organization identifier=\"o\"><title>T</title>\n"
        "    <item identifier=\"i\" identifierref=\"r\"><title>I</title></item></organization></organizations>\n"
        "  <resources><resource identifier=\"r\" type=\"webcontent\" adlcp:scormType=\"sco\" href=\"index.html\">"
        "<file href=\"index.html\"/></resource></resources>\n"
        "</manifest>\n";
    cctest::TempDir d;
    cctest::write_file(d / "imsmanifest.xml", doc);
    cctest::write_file(d / "index.html", "<p>hi</p>");
    cctest::Result r = cctest::inspect(d.path());
    BOOST_TEST(r.status == 0, r.json);
    BOOST_TEST(!r.has_code("xml.malformed"));
    const rapidjson::Value *diag = find_diag(r, "xml.undeclared_prefix");
    BOOST_REQUIRE_MESSAGE(diag, r.json);
    BOOST_TEST(std::string((*diag)["severity"].GetString()) == "warning");
    BOOST_TEST((*diag)["line"].GetInt() == 3);
    BOOST_TEST(std::string((*diag)["message"].GetString()).find("xsi") != std::string::npos);
    BOOST_TEST(std::string(r.doc["edition"].GetString()) == "4th");
    BOOST_TEST(std::string(r.doc["modules"][0]["pieces"][0]["scorm_type"].GetString()) == "sco");

    // Real malformedness stays an error.
    std::string broken = doc;
    broken.replace(broken.find("<title>T</title>"), 16, "<title>T</organization>");
    cctest::write_file(d / "imsmanifest.xml", broken);
    cctest::Result b = cctest::inspect(d.path());
    BOOST_TEST(b.status != 0);
    BOOST_TEST(b.has_code("xml.malformed"), b.json);
}

BOOST_AUTO_TEST_SUITE_END()
