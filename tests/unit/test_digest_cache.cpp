// The file-digest cache: a second read of an unchanged package reads no file
// again, a changed file is read again (even at the same size), a file that
// changed too close to its hashing is not trusted, files that left the
// package are forgotten, zips are keyed by their entries' CRC-32.
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include <chrono>
#include <map>
#include <thread>

#include "plugin/inspect/digest_cache.hpp"
#include "plugin/engine/registry.hpp"
#include "plugin/store/store.hpp"
#include "tests/unit/support.hpp"

using namespace coursecrew;

namespace {

const char *kManifest = R"(<?xml version="1.0"?>
<manifest identifier="digests" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <organizations default="o"><organization identifier="o"><title>T</title>
    <item identifier="m1"><title>M</title><item identifier="p1" identifierref="r1"><title>P</title></item></item>
  </organization></organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="a.html">
      <file href="a.html"/><file href="b.png"/><file href="c.js"/>
    </resource>
  </resources>
</manifest>
)";

std::int64_t seconds_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Fixture {
    cctest::TempDir dir;
    std::string package = dir / "course";
    std::unique_ptr<Store> store;

    Fixture() {
        cctest::write_file(package + "/imsmanifest.xml", kManifest);
        cctest::write_file(package + "/a.html", "<p>a</p>");
        cctest::write_file(package + "/b.png", "png bytes");
        cctest::write_file(package + "/c.js", "var c;");
        std::string error;
        store = Store::open(dir / "state.db", error);
        BOOST_TEST_REQUIRE(bool(store), error);
    }

    struct Read {
        std::map<std::string, std::string> digests;  // path -> sha256
        std::size_t reused = 0, computed = 0;
    };
    // Reads `path` (default: the folder) through the cache at time `now` and saves it.
    Read read(std::int64_t now, std::string path = "") {
        if (path.empty()) path = package;
        StoredDigests cache(store->handle(), store->path(), package_key(path), now);
        std::string error;
        BOOST_TEST_REQUIRE(cache.load(error), error);
        InspectOptions options;
        options.digests = &cache;
        Inspection ins(20);
        BOOST_TEST_REQUIRE(inspect_package(path, options, ins) == 0);
        Read out;
        for (const File &f : ins.course.files)
            if (f.digest != kNone) out.digests[std::string(f.path)] = ins.course.digests[f.digest].str();
        out.reused = cache.reused();
        out.computed = cache.computed();
        BOOST_TEST_REQUIRE(cache.save(error), error);
        return out;
    }
    // What a read without the cache finds.
    std::map<std::string, std::string> truth(std::string path = "") {
        Inspection ins(20);
        BOOST_TEST_REQUIRE(inspect_package(path.empty() ? package : path, {}, ins) == 0);
        std::map<std::string, std::string> out;
        for (const File &f : ins.course.files)
            if (f.digest != kNone) out[std::string(f.path)] = ins.course.digests[f.digest].str();
        return out;
    }
    std::int64_t rows() {
        sqlite3_stmt *st = nullptr;
        sqlite3_prepare_v2(store->handle(), "SELECT count(*) FROM file_digests", -1, &st, nullptr);
        sqlite3_step(st);
        const std::int64_t n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return n;
    }
    void exec(const std::string &sql) {
        BOOST_TEST_REQUIRE(sqlite3_exec(store->handle(), sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    }
};

// Well after the files were written: their digests are trusted.
const std::int64_t kLater = 3600;

}  // namespace

BOOST_AUTO_TEST_SUITE(digest_cache)

BOOST_AUTO_TEST_CASE(an_unchanged_package_is_not_read_again) {
    Fixture fx;
    const auto first = fx.read(seconds_now() + kLater);
    BOOST_TEST(first.computed == 3u);
    BOOST_TEST(first.reused == 0u);
    BOOST_TEST((first.digests == fx.truth()));
    BOOST_TEST(fx.rows() == 3);

    const auto second = fx.read(seconds_now() + kLater + 1);
    BOOST_TEST(second.computed == 0u);
    BOOST_TEST(second.reused == 3u);
    BOOST_TEST((second.digests == first.digests));

    // Proof that the digest comes from the store and not from the file: a
    // planted value is what the read reports.
    const std::string planted(64, 'e');
    fx.exec("UPDATE file_digests SET sha256 = '" + planted + "' WHERE path = 'b.png'");
    BOOST_TEST(fx.read(seconds_now() + kLater + 2).digests.at("b.png") == planted);
}

BOOST_AUTO_TEST_CASE(a_changed_file_is_read_again_even_at_the_same_size) {
    Fixture fx;
    const auto first = fx.read(seconds_now() + kLater);
    cctest::write_file(fx.package + "/c.js", "var d;");  // same length, other bytes
    const auto second = fx.read(seconds_now() + kLater + 1);
    BOOST_TEST(second.computed == 1u);
    BOOST_TEST(second.reused == 2u);
    BOOST_TEST(second.digests.at("c.js") != first.digests.at("c.js"));
    BOOST_TEST((second.digests == fx.truth()));
}

BOOST_AUTO_TEST_CASE(a_digest_taken_right_after_a_change_is_not_trusted) {
    Fixture fx;
    // Hashed in the same second the files were written: a rewrite within the
    // file system's timestamp tick would keep the stamp, so the next read
    // hashes them again (and then trusts that later digest).
    const std::int64_t now = seconds_now();
    BOOST_TEST(fx.read(now).computed == 3u);
    BOOST_TEST(fx.read(now).computed == 3u);
    BOOST_TEST(fx.read(now + kLater).computed == 3u);
    BOOST_TEST(fx.read(now + kLater).reused == 3u);
}

BOOST_AUTO_TEST_CASE(files_that_leave_the_package_are_forgotten) {
    Fixture fx;
    fx.read(seconds_now() + kLater);
    BOOST_TEST(fx.rows() == 3);
    std::string manifest = kManifest;  // b.png leaves the package
    manifest.erase(manifest.find("<file href=\"b.png\"/>"), std::string("<file href=\"b.png\"/>").size());
    cctest::write_file(fx.package + "/imsmanifest.xml", manifest);
    std::remove((fx.package + "/b.png").c_str());
    const auto after = fx.read(seconds_now() + kLater + 1);
    BOOST_TEST(after.digests.count("b.png") == 0u);
    BOOST_TEST(after.reused == 2u);
    BOOST_TEST(fx.rows() == 2);
}

BOOST_AUTO_TEST_CASE(zip_entries_are_known_by_their_crc) {
    Fixture fx;
    const std::string zip = fx.dir / "course.zip";
    const std::string cmd = "cd '" + fx.package + "' && cmake -E tar cf '" + zip + "' --format=zip .";
    BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0);
    const auto first = fx.read(seconds_now(), zip);  // zips are never "too recent"
    BOOST_TEST(first.computed == 4u);  // every entry is checked, the manifest too
    const auto second = fx.read(seconds_now(), zip);
    BOOST_TEST(second.computed == 0u);
    BOOST_TEST(second.reused == 4u);
    BOOST_TEST((second.digests == fx.truth(zip)));
    // The folder and the zip are two packages: the folder's first read
    // finds nothing of the zip's.
    BOOST_TEST(fx.read(seconds_now() + kLater).reused == 0u);
}

BOOST_AUTO_TEST_CASE(zip_entries_no_manifest_lists_are_checked_once_and_remembered) {
    Fixture fx;
    cctest::write_file(fx.package + "/notes/unlisted.txt", "an LMS unpacks this too");
    const std::string zip = fx.dir / "course.zip";
    const std::string cmd = "cd '" + fx.package + "' && cmake -E tar cf '" + zip + "' --format=zip .";
    BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0);
    const auto first = fx.read(seconds_now(), zip);
    BOOST_TEST(first.computed == 5u);  // the unlisted entry was read (and checked) too
    BOOST_TEST(fx.rows() == 5);
    BOOST_TEST(first.digests.count("notes/unlisted.txt") == 0u);  // not content of any piece
    // A re-publish reads nothing: each entry is known by its CRC-32 and size.
    const auto second = fx.read(seconds_now(), zip);
    BOOST_TEST(second.computed == 0u);
    BOOST_TEST(second.reused == 5u);
}

BOOST_AUTO_TEST_SUITE_END()
