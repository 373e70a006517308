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
            if (f.digest != kNone) out.digests[std::string(f.path())] = ins.course.digests[f.digest].str();
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
            if (f.digest != kNone) out[std::string(f.path())] = ins.course.digests[f.digest].str();
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

// ---- the rows, matched to the listing -----------------------------------------
// StoredDigests reads its rows in path order alongside the package's listing
// (sorted by path too), on a thread of its own. These drive it directly.

namespace {

Sha256Hex digest_of(char c) { return Sha256Hex(std::string(64, c)); }

// `path`: a literal (a PackageEntry only views its path).
PackageEntry entry(std::string_view path, std::uint64_t size, std::uint64_t stamp,
                   std::int64_t changed_ns = 0) {
    return PackageEntry{path, size, stamp, changed_ns};
}

struct Rows : Fixture {
    const std::string key = "/pkg";
    // A read of `entries` that remembers a digest for each, as a first publish does.
    void plant(const std::vector<PackageEntry> &entries, char digit = 'a') {
        StoredDigests cache(store->handle(), store->path(), key, 1000);
        std::string error;
        BOOST_TEST_REQUIRE(cache.load(error), error);
        cache.listed(entries);
        for (std::uint32_t i = 0; i < entries.size(); ++i) cache.remember(i, digest_of(digit));
        cache.unlisted();
        BOOST_TEST_REQUIRE(cache.save(error), error);
    }
    std::vector<std::string> stored_paths() {
        std::vector<std::string> out;
        sqlite3_stmt *st = nullptr;
        sqlite3_prepare_v2(store->handle(), "SELECT path FROM file_digests ORDER BY path", -1, &st, nullptr);
        while (sqlite3_step(st) == SQLITE_ROW)
            out.emplace_back(reinterpret_cast<const char *>(sqlite3_column_text(st, 0)));
        sqlite3_finalize(st);
        return out;
    }
};

const std::vector<PackageEntry> kListing{entry("a/1.png", 1, 11), entry("a/2.png", 2, 12),
                                         entry("b/1.png", 3, 13), entry("b/2.png", 4, 14),
                                         entry("c.js", 5, 15), entry("d/e/f.html", 6, 16)};

}  // namespace

BOOST_AUTO_TEST_CASE(rows_are_matched_to_the_listing_and_those_of_gone_files_forgotten) {
    Rows fx;
    fx.plant(kListing);
    // The next listing: b/1.png is gone, c.js changed (its stamp), a/0.png and
    // z.txt are new, the rest unchanged.
    const std::vector<PackageEntry> next{entry("a/0.png", 9, 99),  entry("a/1.png", 1, 11),
                                         entry("a/2.png", 2, 12),  entry("b/2.png", 4, 14),
                                         entry("c.js", 5, 999),    entry("d/e/f.html", 6, 16),
                                         entry("z.txt", 7, 17)};
    StoredDigests cache(fx.store->handle(), fx.store->path(), fx.key, 2000);
    std::string error;
    BOOST_TEST_REQUIRE(cache.load(error), error);
    cache.listed(next);
    const std::vector<bool> offered{false, true, true, true, false, true, false};
    for (std::uint32_t i = 0; i < next.size(); ++i) {
        const Sha256Hex *d = cache.find(i);
        BOOST_TEST((d != nullptr) == offered[i], next[i].path);
        if (d) BOOST_TEST(d->view() == digest_of('a').view());
    }
    BOOST_TEST(cache.find(1) != nullptr);  // asked again: still there, counted once
    BOOST_TEST(cache.reused() == 4u);
    cache.remember(4, digest_of('c'));  // c.js read again
    BOOST_TEST(cache.find(4)->view() == digest_of('c').view());
    cache.unlisted();
    BOOST_TEST_REQUIRE(cache.save(error), error);
    // b/1.png forgotten; c.js updated; new files without a digest not stored.
    const std::vector<std::string> want{"a/1.png", "a/2.png", "b/2.png", "c.js", "d/e/f.html"};
    BOOST_TEST(fx.stored_paths() == want, boost::test_tools::per_element());

    StoredDigests again(fx.store->handle(), fx.store->path(), fx.key, 3000);
    BOOST_TEST_REQUIRE(again.load(error), error);
    again.listed(next);
    const Sha256Hex *c = again.find(4);
    BOOST_TEST_REQUIRE(c != nullptr);
    BOOST_TEST(c->view() == digest_of('c').view());
    again.unlisted();
}

BOOST_AUTO_TEST_CASE(a_listing_without_a_stored_path_offers_nothing_and_forgets_all) {
    Rows fx;
    fx.plant(kListing);
    const std::vector<PackageEntry> other{entry("x/1.png", 1, 11), entry("y.js", 5, 15)};
    StoredDigests cache(fx.store->handle(), fx.store->path(), fx.key, 2000);
    std::string error;
    BOOST_TEST_REQUIRE(cache.load(error), error);
    cache.listed(other);
    BOOST_TEST(cache.find(0) == nullptr);
    BOOST_TEST(cache.find(1) == nullptr);
    cache.unlisted();
    BOOST_TEST_REQUIRE(cache.save(error), error);
    BOOST_TEST(fx.stored_paths().empty());
}

BOOST_AUTO_TEST_CASE(a_digest_hashed_right_after_a_change_or_unreadable_is_not_offered) {
    Rows fx;
    fx.plant(kListing);  // hashed at 1000 s
    // 64 characters, the last not a lowercase hex digit; and one too short.
    fx.exec("UPDATE file_digests SET sha256 = '" + std::string(63, 'a') + "G' WHERE path = 'c.js'");
    fx.exec("UPDATE file_digests SET sha256 = 'abc' WHERE path = 'b/1.png'");
    std::vector<PackageEntry> next = kListing;
    next[1].changed_ns = 999'000'000'000;   // changed 1 s before its hashing: not trusted
    next[3].changed_ns = 997'000'000'000;   // 3 s before: trusted
    StoredDigests cache(fx.store->handle(), fx.store->path(), fx.key, 2000);
    std::string error;
    BOOST_TEST_REQUIRE(cache.load(error), error);
    cache.listed(next);
    BOOST_TEST(cache.find(0) != nullptr);
    BOOST_TEST(cache.find(1) == nullptr);
    BOOST_TEST(cache.find(2) == nullptr);  // b/1.png: too short to be a digest
    BOOST_TEST(cache.find(3) != nullptr);
    BOOST_TEST(cache.find(4) == nullptr);  // c.js: not a digest
    BOOST_TEST(cache.find(5) != nullptr);
    cache.unlisted();
}

BOOST_AUTO_TEST_CASE(rows_that_cannot_be_read_fail_the_load_and_offer_nothing) {
    Rows fx;
    fx.plant(kListing);
    fx.exec("DROP TABLE file_digests");
    StoredDigests cache(fx.store->handle(), fx.store->path(), fx.key, 2000);
    std::string error;
    BOOST_TEST(!cache.load(error));
    BOOST_TEST(error.find("file_digests") != std::string::npos, error);
    cache.listed(kListing);
    BOOST_TEST(cache.find(0) == nullptr);
    cache.unlisted();
    BOOST_TEST(!cache.save(error));
}

BOOST_AUTO_TEST_SUITE_END()
