#include <boost/test/unit_test.hpp>

#include "plugin/model/diagnostics.hpp"

using namespace coursecrew;

BOOST_AUTO_TEST_SUITE(diagnostics)

BOOST_AUTO_TEST_CASE(repeated_codes_are_capped_with_an_exact_summary) {
    Diagnostics d(3);
    for (int i = 0; i < 200000; ++i)
        d.add_lazy(Severity::Error, "file.missing", "imsmanifest.xml", i + 1,
                   [&] { return "file " + std::to_string(i) + " missing"; });
    d.warning("file.unlisted", "extra.txt is not listed");
    d.finish();
    d.finish();  // idempotent
    BOOST_TEST(d.error_count() == 200000u);
    BOOST_TEST(d.warning_count() == 1u);
    BOOST_TEST(d.count("file.missing") == 200000u);
    // 3 individual + 1 unlisted + 1 summary
    BOOST_REQUIRE_EQUAL(d.items().size(), 5u);
    BOOST_TEST(d.items()[2].message == "file 2 missing");
    const Diagnostic &summary = d.items().back();
    BOOST_TEST(summary.code == "file.missing");
    BOOST_TEST((summary.severity == Severity::Error));
    BOOST_TEST(summary.message.find("199997 more") != std::string::npos);
    BOOST_TEST(summary.message.find("200000 in all") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(codes_under_the_cap_get_no_summary) {
    Diagnostics d(5);
    d.warning("a.b", "one");
    d.info("c.d", "two");
    d.finish();
    BOOST_TEST(d.items().size() == 2u);
    BOOST_TEST(!d.has_errors());
    BOOST_TEST(std::string(to_string(Severity::Info)) == "info");
}

BOOST_AUTO_TEST_SUITE_END()
