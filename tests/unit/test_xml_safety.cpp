// Hostile manifests: entities, size and depth limits, malformed XML. Each
// ends quickly with a diagnostic that says what and where.
#include <boost/test/unit_test.hpp>

#include <chrono>

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

BOOST_AUTO_TEST_SUITE_END()
