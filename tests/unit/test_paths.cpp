#include <boost/test/unit_test.hpp>

#include "plugin/model/paths.hpp"

using namespace coursecrew;

namespace {
struct Case {
    Diagnostics diags;
    ResolvedHref r;
    Case(std::string_view dir, std::string_view base, std::string_view href) {
        r = resolve_href(dir, base, href, HrefSite{"imsmanifest.xml", 7, "file"}, diags);
    }
    bool has(const std::string &code) const { return diags.count(code) > 0; }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(paths)

BOOST_AUTO_TEST_CASE(plain_relative_path_is_kept) {
    Case c("", "", "content/page1.html");
    BOOST_TEST(c.r.ok);
    BOOST_TEST(c.r.path == "content/page1.html");
    BOOST_TEST(c.diags.items().empty());
}

BOOST_AUTO_TEST_CASE(xml_base_and_manifest_dir_are_joined) {
    Case c("course/", "shared/", "./js/../js/api.js");
    BOOST_TEST(c.r.path == "course/shared/js/api.js");
    BOOST_TEST(join_base("a/", "b/") == "a/b/");
    BOOST_TEST(join_base("a", "http://x/y") == "http://x/y");
}

BOOST_AUTO_TEST_CASE(query_is_split_off_as_parameters) {
    Case c("", "", "index.html?page=2&x=1#top");
    BOOST_TEST(c.r.path == "index.html");
    BOOST_TEST(c.r.query == "?page=2&x=1");
    BOOST_TEST(c.has("href.query"));
    BOOST_TEST(!c.diags.has_errors());
}

BOOST_AUTO_TEST_CASE(percent_encoding_is_decoded_and_mistakes_reported) {
    Case good("", "", "my%20page.html");
    BOOST_TEST(good.r.path == "my page.html");
    BOOST_TEST(good.diags.items().empty());
    Case bad("", "", "a%zz.html");
    BOOST_TEST(bad.r.path == "a%zz.html");
    BOOST_TEST(bad.has("href.percent_encoding"));
    Case cut("", "", "a%2");
    BOOST_TEST(cut.has("href.percent_encoding"));
}

BOOST_AUTO_TEST_CASE(backslashes_warn_and_are_fixed) {
    Case c("", "", "content\\page.html");
    BOOST_TEST(c.r.path == "content/page.html");
    BOOST_TEST(c.has("href.backslash"));
    BOOST_TEST(!c.diags.has_errors());
}

BOOST_AUTO_TEST_CASE(escaping_and_absolute_paths_are_errors) {
    for (const char *href : {"../secret.html", "a/../../x", "..\\x"}) {
        Case c("", "", href);
        BOOST_TEST_CONTEXT(href) {
            BOOST_TEST(!c.r.ok);
            BOOST_TEST(c.has("href.escapes_package"));
        }
    }
    for (const char *href : {"/etc/passwd", "C:\\course\\a.html", "c:/a.html", "file:///tmp/a.html"}) {
        Case c("", "", href);
        BOOST_TEST_CONTEXT(href) {
            BOOST_TEST(!c.r.ok);
            BOOST_TEST(c.has("href.absolute_path"));
        }
    }
    // Climbing out of a sub-folder manifest but staying inside the package is fine.
    Case inside("sub/", "", "../shared/a.js");
    BOOST_TEST(inside.r.ok);
    BOOST_TEST(inside.r.path == "shared/a.js");
}

BOOST_AUTO_TEST_CASE(urls_are_not_files) {
    Case c("", "", "https://example.org/au/index.html?x=1");
    BOOST_TEST(c.r.is_url);
    BOOST_TEST(c.r.ok);
    BOOST_TEST(has_url_scheme("https://x"));
    BOOST_TEST(!has_url_scheme("C:/x"));
    BOOST_TEST(!has_url_scheme("index.html"));
    BOOST_TEST(!has_url_scheme(":x"));
}

BOOST_AUTO_TEST_CASE(diagnostics_carry_file_and_line) {
    Case c("", "", "/abs.html");
    BOOST_REQUIRE(!c.diags.items().empty());
    BOOST_TEST(c.diags.items()[0].file == "imsmanifest.xml");
    BOOST_TEST(c.diags.items()[0].line == 7);
}

BOOST_AUTO_TEST_SUITE_END()
