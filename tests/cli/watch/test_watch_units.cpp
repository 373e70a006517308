// Unit tests of `coursecrew watch`'s parts: the Settler (driven with made-up
// times) and CourseFinder (on a scratch folder). The command as a whole is
// tested by watch_test.py.
#define BOOST_TEST_MODULE watch
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "watch/courses.hpp"
#include "watch/settle.hpp"

namespace fs = std::filesystem;
using coursecrew::cli::watch::CourseFinder;
using coursecrew::cli::watch::Settler;
using namespace std::chrono_literals;

namespace {

// A point in made-up time: t(250) is 250 ms after the start.
Settler::Time t(long ms) { return Settler::Time{} + std::chrono::milliseconds(ms); }

using Names = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(settle)

BOOST_AUTO_TEST_CASE(a_change_is_due_after_the_quiet_time_and_not_before) {
    Settler s(300ms);
    BOOST_TEST(!s.next_due());
    BOOST_TEST(s.changed("a", t(0)));
    BOOST_TEST((s.next_due() == t(300)));
    BOOST_TEST(s.take_due(t(299)).empty());
    BOOST_TEST(s.take_due(t(300)) == Names{"a"});
    s.done("a");
    BOOST_TEST(s.size() == 0u);
    BOOST_TEST(s.take_due(t(10'000)).empty());
}

BOOST_AUTO_TEST_CASE(writes_closer_than_the_quiet_time_give_one_due_after_the_last) {
    Settler s(300ms);
    long now = 0;
    for (int file = 0; file < 20; ++file, now += 200) {  // 20 files, 200 ms apart
        const bool fresh = s.changed("a", t(now));
        BOOST_TEST(fresh == (file == 0));
        BOOST_TEST(s.take_due(t(now)).empty());
    }
    const long last = now - 200;
    BOOST_TEST((s.next_due() == t(last + 300)));
    BOOST_TEST(s.take_due(t(last + 299)).empty());
    BOOST_TEST(s.take_due(t(last + 300)) == Names{"a"});
}

BOOST_AUTO_TEST_CASE(courses_settle_independently) {
    Settler s(300ms);
    s.changed("a", t(0));
    s.changed("b", t(0));
    s.changed("b", t(200));  // b goes on being written
    BOOST_TEST((s.next_due() == t(300)));
    BOOST_TEST(s.take_due(t(300)) == Names{"a"});
    s.done("a");
    BOOST_TEST((s.next_due() == t(500)));
    BOOST_TEST(s.take_due(t(499)).empty());
    BOOST_TEST(s.take_due(t(500)) == Names{"b"});
}

BOOST_AUTO_TEST_CASE(a_change_during_a_publish_leads_to_exactly_one_more) {
    Settler s(300ms);
    s.changed("a", t(0));
    BOOST_TEST(s.take_due(t(300)) == Names{"a"});  // publishing a
    s.changed("a", t(350));                        // the tool writes again meanwhile
    s.changed("a", t(400));
    // Never handed out twice at once, however long the publish takes.
    BOOST_TEST(!s.next_due());
    BOOST_TEST(s.take_due(t(5'000)).empty());
    s.done("a");  // the publish ends at 5 s
    // The change is not lost: due a quiet time after the last write.
    BOOST_TEST((s.next_due() == t(700)));
    BOOST_TEST(s.take_due(t(5'000)) == Names{"a"});
    s.done("a");
    BOOST_TEST(s.take_due(t(60'000)).empty());
    BOOST_TEST(s.size() == 0u);
}

BOOST_AUTO_TEST_CASE(done_for_an_unknown_course_changes_nothing) {
    Settler s(300ms);
    s.changed("a", t(0));
    s.done("b");
    BOOST_TEST(s.take_due(t(300)) == Names{"a"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(courses)

namespace {

// A scratch folder, removed at the end.
struct Scratch {
    fs::path root;
    Scratch() {
        root = fs::temp_directory_path() / ("cc-watch-units-" + std::to_string(::getpid()));
        fs::remove_all(root);
        fs::create_directories(root);
        root = fs::canonical(root);
    }
    ~Scratch() { fs::remove_all(root); }
    std::string write(const std::string &rel, const std::string &text) const {
        const fs::path p = root / rel;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }
    std::string at(const std::string &rel) const { return (root / rel).string(); }
};

const std::string kZip("PK\x03\x04rest", 8);

}  // namespace

BOOST_AUTO_TEST_CASE(names) {
    using namespace coursecrew::cli::watch;
    BOOST_TEST(is_manifest_name("imsmanifest.xml"));
    BOOST_TEST(is_manifest_name("IMSManifest.XML"));
    BOOST_TEST(is_manifest_name("cmi5.xml"));
    BOOST_TEST(is_manifest_name("TinCan.xml"));
    BOOST_TEST(!is_manifest_name("imsmanifest.xml.bak"));
    for (const char *temp : {".course.zip", "~course.zip", "course.zip~", "course.zip.tmp", "course.zip.part",
                             "course.zip.crdownload", "course.TMP", "x.partial", "x.swp"})
        BOOST_TEST(is_temporary_name(temp), temp);
    for (const char *name : {"course.zip", "Course - Storyline output.zip", "tmp.zip", "partial.zip"})
        BOOST_TEST(!is_temporary_name(name), name);
}

BOOST_AUTO_TEST_CASE(a_change_falls_under_the_outermost_package_folder) {
    Scratch s;
    s.write("out/A/imsmanifest.xml", "<manifest/>");
    const std::string deep = s.write("out/A/media/inner/cmi5.xml", "<courseStructure/>");
    CourseFinder f({s.root.string()});
    BOOST_TEST(*f.course_of(deep, false) == s.at("out/A"));
    BOOST_TEST(*f.course_of(s.at("out/A/media"), true) == s.at("out/A"));
    BOOST_TEST(*f.course_of(s.at("out/A"), true) == s.at("out/A"));
    BOOST_TEST(!f.course_of(s.at("out"), true));
    BOOST_TEST(!f.course_of("/elsewhere/x.zip", false));
    BOOST_TEST(f.is_course(s.at("out/A")));
    BOOST_TEST(!f.is_course(s.at("out/A/media/inner")));  // inside A
    BOOST_TEST(f.scan(s.root.string()) == Names{s.at("out/A")});
}

BOOST_AUTO_TEST_CASE(zips_are_found_by_content_outside_packages_and_not_under_temporary_names) {
    Scratch s;
    const std::string zip = s.write("out/course.bin", kZip);
    const std::string temp = s.write("out/course.zip.part", kZip);
    const std::string text = s.write("out/notes.zip", "not a zip");
    s.write("out/P/imsmanifest.xml", "<manifest/>");
    const std::string inside = s.write("out/P/extra.zip", kZip);
    CourseFinder f({s.root.string()});
    BOOST_TEST(*f.course_of(zip, false) == zip);
    BOOST_TEST(f.is_course(zip));
    BOOST_TEST(!f.course_of(temp, false));
    BOOST_TEST(!f.is_course(text));  // a candidate by name, not by content
    BOOST_TEST(*f.course_of(inside, false) == s.at("out/P"));
    BOOST_TEST(!f.is_course(inside));
    BOOST_TEST(f.scan(s.root.string()) == (Names{s.at("out/P"), zip}));
}

BOOST_AUTO_TEST_CASE(a_watched_folder_may_be_the_package) {
    Scratch s;
    s.write("imsmanifest.xml", "<manifest/>");
    const std::string file = s.write("media/a.png", "png");
    CourseFinder f({s.root.string()});
    BOOST_TEST(*f.course_of(file, false) == s.root.string());
    BOOST_TEST(f.scan(s.root.string()) == Names{s.root.string()});
}

BOOST_AUTO_TEST_CASE(a_manifest_appearing_or_going_is_noticed_once_told) {
    Scratch s;
    const std::string page = s.write("out/A/index.html", "<html/>");
    CourseFinder f({s.root.string()});
    BOOST_TEST(*f.course_of(page, false) == page);  // no package yet: a zip candidate
    const std::string manifest = s.write("out/A/IMSMANIFEST.XML", "<manifest/>");
    f.changed(manifest, false);
    BOOST_TEST(*f.course_of(page, false) == s.at("out/A"));
    fs::remove_all(s.at("out/A"));
    f.changed(s.at("out/A"), true);
    BOOST_TEST(!f.is_course(s.at("out/A")));
    BOOST_TEST(f.scan(s.root.string()).empty());
}

BOOST_AUTO_TEST_SUITE_END()
