// Data-driven cases: every tests/fixtures/<format>/<case>/expected.json sits
// beside the package it describes; the package's inspect result must match it
// and must validate against schemas/inspect.schema.json.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

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

std::string to_json(const rapidjson::Value &v) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    v.Accept(w);
    return buf.GetString();
}

// Whether a piece in expected.json lists its files (then inspect lists them too).
bool wants_files(const rapidjson::Document &exp) {
    if (!exp.HasMember("modules")) return false;
    for (const auto &m : exp["modules"].GetArray())
        if (m.HasMember("pieces"))
            for (const auto &p : m["pieces"].GetArray())
                if (p.IsObject() && p.HasMember("files")) return true;
    return false;
}

// A piece in expected.json is its id, or an object with its id and any of the
// piece's JSON members (launch, move_on, facts...), each compared whole;
// "files" lists the package paths of the piece's files, in order.
void check_piece(const rapidjson::Value &want, const rapidjson::Value &got) {
    if (want.IsString()) {
        BOOST_TEST(std::string(got["id"].GetString()) == want.GetString());
        return;
    }
    for (auto m = want.MemberBegin(); m != want.MemberEnd(); ++m) {
        const std::string key = m->name.GetString();
        BOOST_TEST_CONTEXT("piece " << to_json(want["id"]) << " ." << key) {
            BOOST_TEST_REQUIRE(got.HasMember(key.c_str()), "inspect gives the piece no " << key);
            const rapidjson::Value &g = got[key.c_str()];
            if (key == "files") {
                std::vector<std::string> paths, expected;
                for (const auto &f : g.GetArray()) paths.push_back(f["path"].GetString());
                for (const auto &f : m->value.GetArray()) expected.push_back(f.GetString());
                BOOST_TEST(paths == expected, boost::test_tools::per_element());
            } else {
                BOOST_TEST(to_json(g) == to_json(m->value));
            }
        }
    }
}

// Diagnostics about the package as a whole, or about a whole file (the
// authoring tool's data the structure was read from), with no place in a
// file's text.
bool about_the_package(const std::string &code) {
    return code.rfind("package.", 0) == 0 || code == "file.unlisted" || code == "content.model";
}

std::size_t line_count(const fs::path &file) {
    const std::string text = cctest::read_file(file.string());
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
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
        coursecrew::InspectOptions options;
        options.list_files = wants_files(exp);
        cctest::Result r = cctest::inspect(input, options);
        BOOST_REQUIRE_MESSAGE(!r.doc.HasParseError(), "inspect JSON does not parse");
        const std::string schema_error = cctest::validate_against("inspect.schema.json", r.doc);
        BOOST_TEST(schema_error.empty(), "schema: " << schema_error);

        for (const char *key : {"format", "edition", "identifier", "title"}) {
            if (!exp.HasMember(key)) continue;
            BOOST_TEST(as_text(r.doc[key]) == as_text(exp[key]), key);
        }
        if (exp.HasMember("counts")) {
            // Through a const reference: clang 14 finds != on mutable iterators ambiguous in C++20.
            const rapidjson::Value &counts = exp["counts"];
            for (auto m = counts.MemberBegin(); m != counts.MemberEnd(); ++m) {
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
                const auto &want = em[i]["pieces"].GetArray();
                const auto &got = gm[i]["pieces"].GetArray();
                BOOST_TEST_CONTEXT("module " << em[i]["id"].GetString()) {
                    BOOST_REQUIRE_EQUAL(got.Size(), want.Size());
                    for (rapidjson::SizeType j = 0; j < want.Size(); ++j) check_piece(want[j], got[j]);
                }
            }
        }
        // cmi5 and Tin Can modules come from blocks, AUs and activity types:
        // their fixtures must say which pieces each module holds.
        if (exp.HasMember("format") && exp["format"].IsString()) {
            const std::string format = exp["format"].GetString();
            if (format == "cmi5" || format == "tincan")
                BOOST_TEST(exp.HasMember("modules"),
                           "a " << format << " fixture must list its modules and their pieces");
        }
        if (exp.HasMember("diagnostic_codes")) {
            std::set<std::string> want;
            for (const auto &c : exp["diagnostic_codes"].GetArray()) want.insert(c.GetString());
            BOOST_TEST(join(r.codes()) == join(want));
        }
        // "diagnostics": every diagnostic as "code@line", in the order reported.
        if (exp.HasMember("diagnostics")) {
            std::vector<std::string> want, got;
            for (const auto &d : exp["diagnostics"].GetArray()) want.push_back(d.GetString());
            for (const auto &d : r.doc["diagnostics"].GetArray())
                got.push_back(std::string(d["code"].GetString()) + "@" +
                              (d["line"].IsInt64() ? std::to_string(d["line"].GetInt64()) : "-"));
            BOOST_TEST(got == want, boost::test_tools::per_element());
        }
        if (exp.HasMember("exit")) {
            const int exit_code = r.status == COURSECREW_OK ? 0 : 1;
            BOOST_TEST(exit_code == exp["exit"].GetInt());
        }
        // Every diagnostic says where: a file of the package, and a line of that
        // file when it is about the file's text (all but whole-package ones).
        const fs::path root = fs::is_directory(input) ? fs::path(input) : fs::path(input).parent_path();
        for (const auto &d : r.doc["diagnostics"].GetArray()) {
            const std::string code = d["code"].GetString();
            BOOST_TEST_CONTEXT("diagnostic " << code << ": " << d["message"].GetString()) {
                const bool has_file = d.HasMember("file") && d["file"].IsString();
                if (about_the_package(code) && !has_file) continue;
                BOOST_TEST_REQUIRE(has_file, "no file");
                const std::string file = d["file"].GetString();
                BOOST_TEST_REQUIRE(fs::is_regular_file(root / file),
                                   "names " << file << ", not a file of the package");
                if (about_the_package(code)) continue;
                BOOST_TEST_REQUIRE((d.HasMember("line") && d["line"].IsInt64()), "no line");
                const std::int64_t line = d["line"].GetInt64();
                BOOST_TEST(line > 0);
                BOOST_TEST(static_cast<std::size_t>(line) <= line_count(root / file),
                           "line " << line << " is past the end of " << file);
            }
        }
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
