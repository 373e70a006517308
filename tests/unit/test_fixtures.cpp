// Data-driven cases: every tests/fixtures/<format>/<case>/expected.json sits
// beside the package it describes; the package's inspect result must match it
// and must validate against schemas/inspect.schema.json.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>

#include "coursecrew/coursecrew.h"
#include "support.hpp"

namespace fs = std::filesystem;
namespace bdata = boost::unit_test::data;

namespace {

std::vector<std::string> fixture_cases() {
    std::vector<std::string> out;
    const fs::path root = fs::path(cctest::source_dir()) / "tests" / "fixtures";
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator();
         ++it)
        if (it->is_regular_file() && it->path().filename() == "expected.json")
            out.push_back(it->path().parent_path().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string as_text(const rapidjson::Value &v) {
    if (v.IsNull()) return "null";
    if (v.IsString()) return v.GetString();
    if (v.IsUint64()) return std::to_string(v.GetUint64());
    if (v.IsBool()) return v.GetBool() ? "true" : "false";
    return "?";
}

std::string join(const std::set<std::string> &s) {
    std::string out;
    for (const auto &x : s) out += (out.empty() ? "" : ", ") + x;
    return "[" + out + "]";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fixtures)

BOOST_AUTO_TEST_CASE(fixtures_exist) {
    // Guards the data-driven case below against silently running on nothing.
    BOOST_TEST(fixture_cases().size() >= 20u);
}

BOOST_DATA_TEST_CASE(fixture_matches_expected, bdata::make(fixture_cases()), dir) {
    const std::string rel = fs::relative(dir, cctest::source_dir()).string();
    BOOST_TEST_CONTEXT("fixture " << rel) {
        rapidjson::Document exp;
        const std::string text = cctest::read_file(dir + "/expected.json");
        exp.Parse(text.c_str(), text.size());
        BOOST_REQUIRE_MESSAGE(!exp.HasParseError() && exp.IsObject(), "expected.json is not a JSON object");

        std::string input = dir;
        if (exp.HasMember("input")) input = dir + "/" + exp["input"].GetString();
        cctest::Result r = cctest::inspect(input);
        BOOST_REQUIRE_MESSAGE(!r.doc.HasParseError(), "inspect JSON does not parse");
        const std::string schema_error = cctest::validate_against("inspect.schema.json", r.doc);
        BOOST_TEST(schema_error.empty(), "schema: " << schema_error);

        for (const char *key : {"format", "edition", "identifier", "title"}) {
            if (!exp.HasMember(key)) continue;
            BOOST_TEST(as_text(r.doc[key]) == as_text(exp[key]), key);
        }
        if (exp.HasMember("counts")) {
            for (auto m = exp["counts"].MemberBegin(); m != exp["counts"].MemberEnd(); ++m) {
                const char *k = m->name.GetString();
                BOOST_TEST_CONTEXT("counts." << k) {
                    BOOST_REQUIRE(r.doc["counts"].HasMember(k));
                    BOOST_TEST(r.doc["counts"][k].GetUint64() == m->value.GetUint64());
                }
            }
        }
        if (exp.HasMember("modules")) {
            const auto &em = exp["modules"].GetArray();
            const auto &gm = r.doc["modules"].GetArray();
            BOOST_REQUIRE_EQUAL(gm.Size(), em.Size());
            for (rapidjson::SizeType i = 0; i < em.Size(); ++i) {
                BOOST_TEST(std::string(gm[i]["id"].GetString()) == em[i]["id"].GetString());
                if (!em[i].HasMember("pieces")) continue;
                std::vector<std::string> want, got;
                for (const auto &p : em[i]["pieces"].GetArray()) want.push_back(p.GetString());
                for (const auto &p : gm[i]["pieces"].GetArray()) got.push_back(p["id"].GetString());
                BOOST_TEST(got == want, boost::test_tools::per_element());
            }
        }
        if (exp.HasMember("diagnostic_codes")) {
            std::set<std::string> want;
            for (const auto &c : exp["diagnostic_codes"].GetArray()) want.insert(c.GetString());
            BOOST_TEST(join(r.codes()) == join(want));
        }
        if (exp.HasMember("exit")) {
            const int exit_code = r.status == COURSECREW_OK ? 0 : 1;
            BOOST_TEST(exit_code == exp["exit"].GetInt());
        }
        // Every diagnostic says where: a file, and a line when it is about the manifest's text.
        for (const auto &d : r.doc["diagnostics"].GetArray())
            BOOST_TEST(std::string(d["message"].GetString()).size() > 10u);
    }
}

BOOST_AUTO_TEST_CASE(every_code_is_documented) {
    const std::string doc = cctest::read_file(cctest::source_dir() + "/docs/diagnostics.md");
    std::set<std::string> seen;
    for (const std::string &dir : fixture_cases()) {
        rapidjson::Document exp;
        const std::string text = cctest::read_file(dir + "/expected.json");
        exp.Parse(text.c_str(), text.size());
        std::string input = dir;
        if (exp.HasMember("input")) input = dir + "/" + exp["input"].GetString();
        for (const std::string &code : cctest::inspect(input).codes()) seen.insert(code);
    }
    BOOST_TEST(seen.size() > 30u);
    for (const std::string &code : seen)
        BOOST_TEST(doc.find("`" + code + "`") != std::string::npos, code << " is not in docs/diagnostics.md");
}

BOOST_AUTO_TEST_SUITE_END()
