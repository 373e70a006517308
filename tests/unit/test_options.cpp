#include <boost/test/unit_test.hpp>

#include <rapidjson/document.h>

#include <ctime>
#include <set>
#include <string>

#include "adapters/lrs/xapi_target.hpp"
#include "plugin/engine/options.hpp"
#include "plugin/model/json_in.hpp"
#include "plugin/sync/events.hpp"
#include "plugin/sync/sync_config.hpp"
#include "support.hpp"

using namespace coursecrew;

BOOST_AUTO_TEST_SUITE(options)

BOOST_AUTO_TEST_CASE(valid_options_apply) {
    Settings o;
    std::string error;
    BOOST_TEST(apply_options(R"({"max_diagnostics_per_code": 3, "hash_files": false, "max_xml_depth": 64,
                                 "store": "x/state.db", "format": "csv", "now": 1700000000})", o, error));
    BOOST_TEST(o.inspect.max_diagnostics_per_code == 3u);
    BOOST_TEST(!o.inspect.hash_files);
    BOOST_TEST(o.inspect.limits.max_xml_depth == 64);
    BOOST_TEST(o.workspace.store_path == "x/state.db");
    BOOST_TEST((o.workspace.format == ReviewFormat::Csv));
    BOOST_TEST(o.workspace.now == 1700000000);
    BOOST_TEST(apply_options(nullptr, o, error));
}

BOOST_AUTO_TEST_CASE(bad_options_name_the_member_and_change_nothing) {
    Settings o;
    std::string error;
    BOOST_TEST(!apply_options(R"({"hash_files": false, "max_xml_depth": "deep"})", o, error));
    BOOST_TEST(error.find("/max_xml_depth") == 0u);
    BOOST_TEST(o.inspect.hash_files);  // untouched: nothing half-applied
    BOOST_TEST(!apply_options(R"({"format": "pdf"})", o, error));
    BOOST_TEST(error.find("/format: expected table") == 0u);
    BOOST_TEST(!apply_options(R"({"colour": 1})", o, error));
    BOOST_TEST(error.find("/colour: unknown option") == 0u);
    BOOST_TEST(!apply_options(R"({"max_diagnostics_per_code": 0})", o, error));
    BOOST_TEST(!apply_options("[1]", o, error));
    BOOST_TEST(!apply_options("{", o, error));
    BOOST_TEST(error.find("not valid JSON") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(schema_lists_exactly_the_option_table) {
    rapidjson::Document sd;
    const std::string text = cctest::read_file(cctest::source_dir() + "/schemas/options.schema.json");
    sd.Parse(text.c_str());
    std::set<std::string> in_schema, in_table;
    for (auto m = sd["properties"].MemberBegin(); m != sd["properties"].MemberEnd(); ++m)
        in_schema.insert(m->name.GetString());
    for (const auto &spec : option_specs()) in_table.insert(spec.name);
    BOOST_TEST(in_schema == in_table);
}

BOOST_AUTO_TEST_SUITE_END()

// Every JSON from outside goes through parse_json (issue 10): iterative,
// with a depth and a size limit, and an error that says where.
BOOST_AUTO_TEST_SUITE(json_in)

namespace {

using cctest::repeat;

std::string nested_arrays(std::size_t depth) { return repeat("[", depth) + repeat("]", depth); }

const std::size_t kMillion = 1000000;

}  // namespace

BOOST_AUTO_TEST_CASE(parses_what_rapidjson_parses) {
    rapidjson::Document doc;
    JsonError e;
    BOOST_TEST(parse_json(R"({"a": [1, 2.5, "x", true, null, {"b": -3}]})", kLocalJsonLimits, doc, e));
    BOOST_TEST(!e);
    BOOST_TEST(doc["a"].Size() == 6u);
    BOOST_TEST(doc["a"][5]["b"].GetInt() == -3);
    BOOST_TEST(parse_json("\xEF\xBB\xBF[1]", kLocalJsonLimits, doc, e));  // a BOM
    BOOST_TEST(parse_json(std::string_view("[1] trailing", 3), kLocalJsonLimits, doc, e));  // not NUL-terminated
}

BOOST_AUTO_TEST_CASE(strings_must_be_utf8) {
    rapidjson::Document doc;
    JsonError e;
    // Multi-byte text, long enough for the 8-byte fast path on both sides.
    BOOST_TEST(parse_json("{\"title\": \"caf\xC3\xA9 cr\xC3\xA8me \xF0\x9F\x98\x80 and more\"}", kLocalJsonLimits, doc, e));
    BOOST_TEST(doc["title"].GetStringLength() == 26u);
    for (const char *bad : {"[\"ab\xC3\"]", "[\"overlong \xC0\xAF\"]", "[\"surrogate \xED\xA0\x80\"]",
                            "[\"12345678 cut \xE2\x82\"]"}) {
        BOOST_TEST(!parse_json(bad, kLocalJsonLimits, doc, e), bad);
        BOOST_TEST(e.message.find("Invalid encoding") != std::string::npos, e.message);
        BOOST_TEST(doc.IsNull());
    }
}

BOOST_AUTO_TEST_CASE(syntax_errors_say_line_column_and_byte) {
    rapidjson::Document doc;
    doc.SetObject();
    JsonError e;
    BOOST_TEST(!parse_json("{\n  \"a\": 1,\n  \"b\": ]\n}", kLocalJsonLimits, doc, e));
    BOOST_TEST((e.kind == JsonError::Kind::Syntax));
    BOOST_TEST(e.line == 3u);
    BOOST_TEST(e.column == 8u);
    BOOST_TEST(e.offset == 19u);
    BOOST_TEST(e.message == "not valid JSON: Invalid value at line 3, column 8 (byte 19)", e.message);
    BOOST_TEST(doc.IsNull());  // nothing half-built
    BOOST_TEST(!parse_json("", kLocalJsonLimits, doc, e));
    BOOST_TEST(!parse_json("[1] [2]", kLocalJsonLimits, doc, e));
}

BOOST_AUTO_TEST_CASE(depth_limit_is_exact_and_names_the_place) {
    const JsonLimits limits{4, 1000};
    rapidjson::Document doc;
    JsonError e;
    BOOST_TEST(parse_json(nested_arrays(4), limits, doc, e));
    BOOST_TEST(!parse_json(nested_arrays(5), limits, doc, e));
    BOOST_TEST((e.kind == JsonError::Kind::TooDeep));
    BOOST_TEST(e.message == "nested deeper than 4 levels at line 1, column 5 (byte 4), at /0/0/0/0", e.message);
    BOOST_TEST(!parse_json(R"({"a": [1, {"b/~": [2, 3, {"c": {}}]}]})", {5, 1000}, doc, e));
    BOOST_TEST(e.pointer == "/a/1/b~1~0/2/c");
    BOOST_TEST(parse_json(R"({"a": [1, {"b/~": [2, 3, {"c": 0}]}]})", {5, 1000}, doc, e));
}

BOOST_AUTO_TEST_CASE(size_limit_is_checked_first) {
    rapidjson::Document doc;
    JsonError e;
    BOOST_TEST(parse_json("[1,2]", {64, 5}, doc, e));
    BOOST_TEST(!parse_json("[1,2 ]", {64, 5}, doc, e));
    BOOST_TEST((e.kind == JsonError::Kind::TooLarge));
    BOOST_TEST(e.message == "too large: 6 bytes, over the limit of 5 bytes");
    BOOST_TEST(e.line == 0u);
}

BOOST_AUTO_TEST_CASE(a_million_levels_are_refused_quickly_without_recursion) {
    const std::clock_t start = std::clock();  // CPU time: meaningful on a loaded machine
    for (const std::string &text : {nested_arrays(kMillion), repeat("{\"k\":", kMillion) + "1" + repeat("}", kMillion),
                                    repeat("[", kMillion)}) {
        rapidjson::Document doc;
        JsonError e;
        BOOST_TEST(!parse_json(text, kRemoteJsonLimits, doc, e));
        BOOST_TEST((e.kind == JsonError::Kind::TooDeep));
        BOOST_TEST(doc.IsNull());
    }
    BOOST_TEST(static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC < 2.0);
}

BOOST_AUTO_TEST_CASE(options_nested_a_million_deep) {
    Settings o;
    std::string error;
    BOOST_TEST(!apply_options(("{\"module\": " + nested_arrays(kMillion) + "}").c_str(), o, error));
    BOOST_TEST(error.rfind("options: nested deeper than 64 levels at line 1", 0) == 0u, error);
}

BOOST_AUTO_TEST_CASE(sync_config_nested_a_million_deep) {
    SyncConfig c;
    std::string error;
    BOOST_TEST(!parse_sync_config("{\"targets\": " + nested_arrays(kMillion) + "}", "sync.json", c, error));
    BOOST_TEST(error.rfind("sync.json: nested deeper than 64 levels at line 1, column 76", 0) == 0u, error);
    BOOST_TEST(error.find("at /targets/0/0") != std::string::npos);
    BOOST_TEST(!parse_sync_config("{\"targets\": [" + std::string(17u << 20, ' ') + "]}", "sync.json", c, error));
    BOOST_TEST(error.find("too large") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(lrs_about_nested_a_million_deep) {
    BOOST_TEST(!xapi::parse_about_versions(R"({"version": )" + nested_arrays(kMillion) + "}").has_value());
    BOOST_TEST(!xapi::parse_about_versions(repeat("[", kMillion)).has_value());
    // An LRS may nest more than a config: 256 levels still parse.
    const auto ok = xapi::parse_about_versions(R"({"version": ["1.0.3"], "extensions": )" + nested_arrays(254) + "}");
    BOOST_TEST_REQUIRE(ok.has_value());
    BOOST_TEST(ok->size() == 1u);
}

BOOST_AUTO_TEST_CASE(module_document_merge_with_a_million_deep_side) {
    const std::string good = R"({"roles": {"writer": {"agents": [], "at": 1}}, "pieces": {}})";
    const std::string deep = R"({"roles": )" + nested_arrays(kMillion) + "}";
    // The side that cannot be read is ignored, as any unreadable document is.
    BOOST_TEST(merge_documents(good, deep) == good);
    BOOST_TEST(merge_documents(deep, good) == good);
}

// The in-place parse of the tools' big data files: the same values, strings
// pointing into the text, and the same refusals as parse_json.
BOOST_AUTO_TEST_CASE(in_place_parse_reads_the_same_values_and_refuses_the_same_texts) {
    std::string text = R"({"a": [1, 2.5, "x\ny", true, null, {"b": -3}], "caf\u00e9": "cr\u00e8me"})";
    rapidjson::Document doc;
    BOOST_TEST(parse_json_in_place(text, kLocalJsonLimits, doc));
    BOOST_TEST(doc["a"][2].GetString() == std::string("x\ny"));
    BOOST_TEST(doc["a"][5]["b"].GetInt() == -3);
    BOOST_TEST(doc["caf\xC3\xA9"].GetString() == std::string("cr\xC3\xA8me"));
    const char *s = doc["a"][2].GetString();
    BOOST_TEST((s >= text.data() && s < text.data() + text.size()));  // no copy
    std::string bom = "\xEF\xBB\xBF[1]";
    BOOST_TEST(parse_json_in_place(bom, kLocalJsonLimits, doc));
    for (std::string bad : {std::string("[1] [2]"), std::string("{\"a\": }"), std::string(""),
                            std::string("[\"ab\xC3\"]"), std::string("[1]\0[2]", 7), std::string("[\"a\0b\"]", 7),
                            nested_arrays(65), std::string("[") + std::string(100, ' ') + "]"}) {
        const std::string shown = bad;
        rapidjson::Document d;
        const JsonLimits limits{64, 100};
        BOOST_TEST(!parse_json_in_place(bad, limits, d), shown);
        BOOST_TEST(d.IsNull());
    }
}


BOOST_AUTO_TEST_SUITE_END()
