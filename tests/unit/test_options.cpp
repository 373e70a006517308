#include <boost/test/unit_test.hpp>

#include <rapidjson/document.h>

#include <set>

#include "plugin/engine/options.hpp"
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
