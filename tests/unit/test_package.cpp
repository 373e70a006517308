// Package sources: folders, zips (built here at runtime with libzip) and
// open_package's manifest discovery and refusals.
#include <boost/test/unit_test.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "adapters/package/folder_source.hpp"
#include "adapters/package/folder_walk.hpp"
#include "adapters/package/open_package.hpp"
#include "adapters/package/zip_source.hpp"
#include "coursecrew/coursecrew.h"
#include "plugin/engine/registry.hpp"
#include "plugin/inspect/inspect.hpp"

namespace fs = std::filesystem;
using namespace coursecrew;

namespace {

// A fresh temporary folder, removed with everything in it afterwards.
struct TempDir {
    std::string path;

    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "coursecrew-pkg-XXXXXX").string();
        BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    std::string at(const std::string &rel) const { return path + "/" + rel; }

    std::string write(const std::string &rel, const std::string &content) const {
        const std::string p = at(rel);
        fs::create_directories(fs::path(p).parent_path());
        std::ofstream f(p, std::ios::binary);
        f << content;
        BOOST_REQUIRE(f.good());
        return p;
    }

    // Names directly in `rel` ("" = the folder itself).
    std::set<std::string> list(const std::string &rel = "") const {
        std::set<std::string> names;
        for (const auto &e : fs::directory_iterator(rel.empty() ? path : at(rel)))
            names.insert(e.path().filename().string());
        return names;
    }
};

struct ZipItem {
    std::string name;
    std::string data;
    bool symlink = false;  // stored with Unix S_IFLNK external attributes
    bool encrypted = false;  // AES-256, password "secret"
};

// Writes a zip with libzip. The buffers in `items` must stay alive until
// zip_close, which they do: they are only read here.
void make_zip(const std::string &path, const std::vector<ZipItem> &items) {
    int err = 0;
    zip_t *za = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    BOOST_REQUIRE_MESSAGE(za != nullptr, "zip_open failed: " << err);
    for (const auto &item : items) {
        zip_source_t *src = zip_source_buffer(za, item.data.data(), item.data.size(), 0);
        BOOST_REQUIRE(src != nullptr);
        zip_int64_t idx = zip_file_add(za, item.name.c_str(), src, ZIP_FL_ENC_GUESS);
        if (idx < 0) zip_source_free(src);
        BOOST_REQUIRE_MESSAGE(idx >= 0, "zip_file_add '" << item.name << "': " << zip_strerror(za));
        if (item.symlink) {
            BOOST_REQUIRE(zip_file_set_external_attributes(
                              za, static_cast<zip_uint64_t>(idx), 0, ZIP_OPSYS_UNIX,
                              static_cast<zip_uint32_t>(S_IFLNK | 0777) << 16) == 0);
        }
        if (item.encrypted)
            BOOST_REQUIRE_MESSAGE(zip_file_set_encryption(za, static_cast<zip_uint64_t>(idx),
                                                          ZIP_EM_AES_256, "secret") == 0,
                                  "zip_file_set_encryption: " << zip_strerror(za));
    }
    BOOST_REQUIRE_MESSAGE(zip_close(za) == 0, "zip_close: " << zip_strerror(za));
}

std::string slurp(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

void spit(const std::string &path, const std::string &bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << bytes;
    BOOST_REQUIRE(f.good());
}

void put_le32(std::string &bytes, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
std::uint16_t get_le16(const std::string &bytes, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[at]) |
                                      (static_cast<unsigned char>(bytes[at + 1]) << 8));
}

// Rewrites the uncompressed size an archive declares for `name`, in both the
// local header and the central directory: a zip whose sizes lie.
void forge_declared_size(const std::string &zip_path, const std::string &name,
                         std::uint32_t size) {
    std::string z = slurp(zip_path);
    int patched = 0;
    for (std::size_t i = 0; i + 46 <= z.size(); ++i) {
        if (z.compare(i, 4, "PK\x03\x04") == 0 && get_le16(z, i + 26) == name.size() &&
            z.compare(i + 30, name.size(), name) == 0) {
            put_le32(z, i + 22, size);
            ++patched;
        } else if (z.compare(i, 4, "PK\x01\x02") == 0 && get_le16(z, i + 28) == name.size() &&
                   z.compare(i + 46, name.size(), name) == 0) {
            put_le32(z, i + 24, size);
            ++patched;
        }
    }
    BOOST_REQUIRE_EQUAL(patched, 2);
    spit(zip_path, z);
}

// Renames the entry `from` to `to` (same length) in both the local header and
// the central directory: libzip refuses to write two entries of one name, so
// an archive holding a name twice is forged from one that does not.
void forge_name(const std::string &zip_path, const std::string &from, const std::string &to) {
    BOOST_REQUIRE_EQUAL(from.size(), to.size());
    std::string z = slurp(zip_path);
    int patched = 0;
    for (std::size_t i = 0; i + 46 <= z.size(); ++i) {
        const bool local = z.compare(i, 4, "PK\x03\x04") == 0 && get_le16(z, i + 26) == from.size() &&
                           z.compare(i + 30, from.size(), from) == 0;
        const bool central = z.compare(i, 4, "PK\x01\x02") == 0 && get_le16(z, i + 28) == from.size() &&
                             z.compare(i + 46, from.size(), from) == 0;
        if (local) z.replace(i + 30, to.size(), to);
        if (central) z.replace(i + 46, to.size(), to);
        patched += local + central;
    }
    BOOST_REQUIRE_EQUAL(patched, 2);
    spit(zip_path, z);
}

// Flips the CRC-32 an archive declares for `name`, in both headers: the data
// is intact, the checksum lies.
void forge_crc(const std::string &zip_path, const std::string &name) {
    std::string z = slurp(zip_path);
    int patched = 0;
    for (std::size_t i = 0; i + 46 <= z.size(); ++i) {
        if (z.compare(i, 4, "PK\x03\x04") == 0 && get_le16(z, i + 26) == name.size() &&
            z.compare(i + 30, name.size(), name) == 0) {
            z[i + 14] = static_cast<char>(z[i + 14] ^ 0x55);
            ++patched;
        } else if (z.compare(i, 4, "PK\x01\x02") == 0 && get_le16(z, i + 28) == name.size() &&
                   z.compare(i + 46, name.size(), name) == 0) {
            z[i + 16] = static_cast<char>(z[i + 16] ^ 0x55);
            ++patched;
        }
    }
    BOOST_REQUIRE_EQUAL(patched, 2);
    spit(zip_path, z);
}

const Diagnostic *find_diag(const Diagnostics &d, const std::string &code) {
    for (const auto &item : d.items())
        if (item.code == code) return &item;
    return nullptr;
}

std::string all_codes(const Diagnostics &d) {
    std::string s;
    for (const auto &item : d.items()) s += item.code + " (" + item.file + "): " + item.message + "\n";
    return s;
}

// Reads one whole file of a package through its InputStream.
bool read_entry(const PackageSource &src, const std::string &path, std::string &data,
                std::string &error) {
    data.clear();
    auto in = src.open(path, error);
    if (!in) return false;
    unsigned char buf[16384];
    for (;;) {
        long n = in->read(buf, sizeof buf);
        if (n < 0) {
            error = in->error();
            return false;
        }
        if (n == 0) return true;
        data.append(reinterpret_cast<const char *>(buf), static_cast<std::size_t>(n));
    }
}

std::vector<std::string> paths_of(const PackageSource &src) {
    std::vector<std::string> v;
    for (const auto &e : src.entries()) v.emplace_back(e.path);
    return v;
}

const std::string kManifest = "<?xml version=\"1.0\"?><manifest identifier=\"m\"/>";

// Opens a zip holding one unsafe item next to a harmless manifest, expects it
// refused with `code`, and checks nothing was written anywhere.
void expect_zip_refused(const ZipItem &bad, const std::string &code, const std::string &file,
                        const PackageLimits &limits = PackageLimits{}) {
    TempDir tmp;
    fs::create_directory(tmp.at("inner"));
    const std::string zip = tmp.at("inner/pkg.zip");
    make_zip(zip, {{"imsmanifest.xml", kManifest}, bad});

    Diagnostics diags;
    OpenedPackage pkg;
    int rc = open_package(zip, limits, diags, pkg);
    BOOST_TEST_INFO("entry " << bad.name << "\n" << all_codes(diags));
    BOOST_CHECK_EQUAL(rc, COURSECREW_E_PACKAGE_INVALID);
    BOOST_CHECK(!pkg.source);
    const Diagnostic *d = find_diag(diags, code);
    BOOST_REQUIRE(d != nullptr);
    BOOST_CHECK(d->severity == Severity::Error);
    BOOST_CHECK_EQUAL(d->file, file);

    // Nothing extracted: the zip's folder and the temp root are as they were.
    BOOST_CHECK((tmp.list("inner") == std::set<std::string>{"pkg.zip"}));
    BOOST_CHECK((tmp.list() == std::set<std::string>{"inner"}));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(package)

// ---- folders ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(folder_lists_regular_files_sorted_with_sizes) {
    TempDir tmp;
    tmp.write("b.txt", "bbb");
    tmp.write("a/z.html", "<p>z</p>");
    tmp.write("a/b/c.js", "");
    tmp.write("A.txt", "A");
    tmp.write("imsmanifest.xml", kManifest);
    fs::create_directories(tmp.at("empty/deeper"));

    Diagnostics diags;
    std::unique_ptr<FolderSource> src;
    BOOST_REQUIRE_EQUAL(FolderSource::create(tmp.path, PackageLimits{}, diags, src),
                        COURSECREW_OK);
    const std::vector<std::string> want{"A.txt", "a/b/c.js", "a/z.html", "b.txt",
                                        "imsmanifest.xml"};
    BOOST_TEST(paths_of(*src) == want, boost::test_tools::per_element());
    BOOST_CHECK_EQUAL(src->entries()[0].size, 1u);
    BOOST_CHECK_EQUAL(src->entries()[2].size, 8u);
    BOOST_CHECK_EQUAL(src->entries()[1].size, 0u);
    BOOST_CHECK_EQUAL(src->describe(), "folder " + tmp.path);
    BOOST_CHECK_EQUAL(diags.items().size(), 0u);

    std::string data, error;
    BOOST_REQUIRE_MESSAGE(read_entry(*src, "a/z.html", data, error), error);
    BOOST_CHECK_EQUAL(data, "<p>z</p>");
    BOOST_REQUIRE_MESSAGE(read_entry(*src, "./a//z.html", data, error), error);
    BOOST_CHECK_EQUAL(data, "<p>z</p>");
}

BOOST_AUTO_TEST_CASE(folder_ignores_symlinks) {
    TempDir tmp, outside;
    outside.write("secret.txt", "secret");
    tmp.write("imsmanifest.xml", kManifest);
    tmp.write("real/file.txt", "ok");
    fs::create_symlink(outside.at("secret.txt"), tmp.at("link.txt"));
    fs::create_directory_symlink(outside.path, tmp.at("real/linkdir"));

    Diagnostics diags;
    std::unique_ptr<FolderSource> src;
    BOOST_REQUIRE_EQUAL(FolderSource::create(tmp.path, PackageLimits{}, diags, src),
                        COURSECREW_OK);
    const std::vector<std::string> want{"imsmanifest.xml", "real/file.txt"};
    BOOST_TEST(paths_of(*src) == want, boost::test_tools::per_element());

    BOOST_CHECK_EQUAL(diags.count("package.symlink_ignored"), 2u);
    std::set<std::string> files;
    for (const auto &d : diags.items()) {
        BOOST_CHECK(d.severity == Severity::Warning);
        BOOST_CHECK(d.message.find("ignored") != std::string::npos);
        files.insert(d.file);
    }
    BOOST_CHECK((files == std::set<std::string>{"link.txt", "real/linkdir"}));

    // Not even opened on request: links are never followed.
    std::string data, error;
    BOOST_CHECK(!read_entry(*src, "link.txt", data, error));
    BOOST_CHECK(!read_entry(*src, "real/linkdir/secret.txt", data, error));
}

BOOST_AUTO_TEST_CASE(folder_listing_is_the_same_on_any_number_of_threads) {
    // Many folders, deep and wide, with links, FIFOs and empty folders among
    // them: what one thread lists, eight list too, in the same order.
    TempDir tmp, outside;
    outside.write("secret.txt", "secret");
    std::vector<std::string> want;
    for (int m = 0; m < 12; ++m)
        for (int p = 0; p < 6; ++p) {
            const std::string dir = "m" + std::to_string(m) + "/p" + std::to_string(p);
            for (int f = 0; f < 3; ++f) {
                const std::string rel = dir + "/f" + std::to_string(f) + ".txt";
                tmp.write(rel, std::string(static_cast<std::size_t>(m * 100 + p * 10 + f), 'x'));
                want.push_back(rel);
            }
            if (p == 2) fs::create_symlink(outside.at("secret.txt"), tmp.at(dir + "/link.txt"));
            if (p == 3) fs::create_directories(tmp.at(dir + "/empty/deeper"));
        }
    BOOST_REQUIRE_EQUAL(::mkfifo(tmp.at("m0/pipe").c_str(), 0600), 0);
    tmp.write("deep/" + std::string(40, 'd') + "/a/b/c/d/e/f/g/h/i/j/k.txt", "k");
    want.push_back("deep/" + std::string(40, 'd') + "/a/b/c/d/e/f/g/h/i/j/k.txt");
    // Names whose order differs from their folders' (the walk puts each
    // folder's files and subfolders in the order of the whole paths): '-'
    // and '.' sort before '/', '0' and bytes over 0x7F after it.
    for (const char *rel : {"a/x.txt", "a.txt", "a-b/x.txt", "a0", "a b/c/d.txt", "a/y/z.txt", "a/y.txt",
                            "a/y-/z.txt", "\xc3\xa9t\xc3\xa9/x.txt", "Z.txt", "a/\x7f", "a/\x80/q"}) {
        tmp.write(rel, "o");
        want.push_back(rel);
    }
    std::sort(want.begin(), want.end());

    UniqueFd root(::open(tmp.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    BOOST_REQUIRE(root.valid());
    for (unsigned threads : {1u, 2u, 8u}) {
        BOOST_TEST_CONTEXT("threads: " << threads) {
            const FolderListing l = list_folder(root.get(), 1'000'000, threads);
            BOOST_TEST(l.root_error == 0);
            BOOST_TEST(!l.too_many);
            std::vector<std::string> got;
            for (const PackageEntry &e : l.files) got.emplace_back(e.path);
            BOOST_TEST(got == want, boost::test_tools::per_element());
            // Sizes and stamps belong to their own file.
            for (const PackageEntry &e : l.files) {
                struct stat st {};
                BOOST_REQUIRE_EQUAL(::stat(tmp.at(std::string(e.path)).c_str(), &st), 0);
                BOOST_TEST(e.size == static_cast<std::uint64_t>(st.st_size), e.path);
                BOOST_TEST(e.stamp != 0u);
            }
            // The links, once each and sorted by path; the FIFO is skipped silently.
            BOOST_REQUIRE_EQUAL(l.problems.size(), 12u);
            for (std::size_t i = 0; i < l.problems.size(); ++i) {
                BOOST_TEST(l.problems[i].code == "package.symlink_ignored");
                if (i) BOOST_TEST((l.problems[i - 1].path < l.problems[i].path));
            }
        }
    }
    // Too many files stops every thread, and says so once.
    for (unsigned threads : {1u, 4u}) {
        const FolderListing l = list_folder(root.get(), 100, threads);
        BOOST_TEST(l.too_many);
        BOOST_TEST(l.files.empty());
    }
    const FolderListing exact = list_folder(root.get(), want.size(), 4);
    BOOST_TEST(!exact.too_many);
    BOOST_TEST(exact.files.size() == want.size());
    BOOST_TEST(list_folder(root.get(), want.size() - 1, 4).too_many);
}

BOOST_AUTO_TEST_CASE(stored_paths_stay_where_they_are) {
    // Entries view their paths in the store: adding more paths (past a
    // block, and one longer than a block) or adopting another store's must
    // move none of them.
    PathStore store, other;
    std::vector<std::pair<std::string_view, std::string>> kept;  // (view, what it must say)
    for (int i = 0; i < 40000; ++i) {
        const std::string dir = "m" + std::to_string(i % 97), name = "file-" + std::to_string(i) + ".png";
        kept.emplace_back(store.add({dir, "/", name}), dir + "/" + name);
        if (i == 20000) {
            const std::string huge(300 * 1024, 'h');
            kept.emplace_back(store.add({huge}), huge);
            kept.emplace_back(store.add({}), "");
        }
        if (i % 1000 == 0) kept.emplace_back(other.add({"other/", std::to_string(i)}), "other/" + std::to_string(i));
    }
    store.adopt(std::move(other));
    kept.emplace_back(store.add({"after/adopt"}), "after/adopt");
    PathStore moved = std::move(store);
    for (const auto &[view, want] : kept) BOOST_TEST_REQUIRE(view == want);
}

BOOST_AUTO_TEST_CASE(a_lookup_from_any_guess_finds_what_the_hash_tables_find) {
    // find_near() searches the sorted listing outwards from a guess; find()
    // uses the hash tables. For every path, present or not, in any case, and
    // from every guess, both must give the same entry and the same verdict.
    std::vector<PackageEntry> entries;
    for (const char *p : {"A.png", "a b/c.txt", "a-b/x.txt", "a.txt", "a/Index.html", "a/x.txt", "a/y/z.txt",
                          "a0", "imsmanifest.xml", "m1/p1/index.html", "m1/p2/asset.png", "m1/p2/index.html",
                          "z/\xc3\xa9.txt"})
        entries.push_back(PackageEntry{p, 1, 1, 0});
    BOOST_REQUIRE(std::is_sorted(entries.begin(), entries.end(),
                                 [](const PackageEntry &a, const PackageEntry &b) { return a.path < b.path; }));
    const EntryIndex index(entries);
    std::vector<std::string> asked;
    for (const PackageEntry &e : entries) asked.emplace_back(e.path);
    for (const char *p : {"a/index.html", "IMSMANIFEST.XML", "a.png", "", "0", "zz", "a/", "a", "m1/p2",
                          "m1/p1/index.htm", "m1/p3/index.html", "\x7f"})
        asked.emplace_back(p);
    for (const std::string &path : asked)
        for (std::size_t guess = 0; guess <= entries.size() + 1; ++guess) {
            BOOST_TEST_CONTEXT("path '" << path << "', guess " << guess) {
                bool want_case = false, got_case = true;
                const PackageEntry *want = index.find(path, &want_case);
                std::size_t near = guess;
                const PackageEntry *got = index.find_near(path, near, &got_case);
                BOOST_TEST(got == want);
                BOOST_TEST(got_case == want_case);
                if (got && !got_case) BOOST_TEST(near == static_cast<std::size_t>(got - entries.data()) + 1);
            }
        }
    // A whole listing asked in order, then backwards, from one running guess.
    for (bool backwards : {false, true}) {
        std::size_t near = 0;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const std::size_t k = backwards ? entries.size() - 1 - i : i;
            BOOST_TEST(index.find_near(entries[k].path, near) == &entries[k]);
        }
    }
}

BOOST_AUTO_TEST_CASE(an_entry_of_unknown_type_is_looked_at) {
    // Some file systems list every entry as DT_UNKNOWN: each is then stat'ed.
    TempDir tmp;
    tmp.write("f.txt", "four");
    fs::create_directories(tmp.at("d"));
    fs::create_symlink(tmp.at("f.txt"), tmp.at("l"));
    UniqueFd dir(::open(tmp.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    BOOST_REQUIRE(dir.valid());
    struct stat st {};
    BOOST_TEST(entry_type(dir.get(), "f.txt", DT_UNKNOWN, st) == DT_REG);
    BOOST_TEST(st.st_size == 4);
    BOOST_TEST(entry_type(dir.get(), "d", DT_UNKNOWN, st) == DT_DIR);
    BOOST_TEST(entry_type(dir.get(), "l", DT_UNKNOWN, st) == DT_LNK);
    // Listed as a file but replaced by a link since: the stat tells.
    BOOST_TEST(entry_type(dir.get(), "l", DT_REG, st) == DT_LNK);
    // A listed folder or link is taken at the listing's word.
    BOOST_TEST(entry_type(dir.get(), "gone", DT_DIR, st) == DT_DIR);
    BOOST_TEST(entry_type(dir.get(), "gone", DT_UNKNOWN, st) == -1);
}

BOOST_AUTO_TEST_CASE(folder_open_refuses_paths_leaving_the_folder) {
    TempDir tmp;
    tmp.write("pkg/imsmanifest.xml", kManifest);
    tmp.write("outside.txt", "outside");

    Diagnostics diags;
    std::unique_ptr<FolderSource> src;
    BOOST_REQUIRE_EQUAL(FolderSource::create(tmp.at("pkg"), PackageLimits{}, diags, src),
                        COURSECREW_OK);
    for (const std::string p : {"../outside.txt", "/etc/passwd", "a/../../outside.txt", "", "."}) {
        std::string error;
        BOOST_CHECK_MESSAGE(src->open(p, error) == nullptr, p);
        BOOST_CHECK_MESSAGE(!error.empty(), p);
    }
    std::string error;
    BOOST_CHECK(src->open("missing.txt", error) == nullptr);
    BOOST_CHECK(error.find("missing.txt") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(folder_with_too_many_files_is_refused) {
    TempDir tmp;
    tmp.write("imsmanifest.xml", kManifest);
    tmp.write("a.txt", "a");
    tmp.write("b/c.txt", "c");
    PackageLimits limits;
    limits.max_entries = 2;

    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_CHECK_EQUAL(open_package(tmp.path, limits, diags, pkg), COURSECREW_E_PACKAGE_INVALID);
    BOOST_CHECK_EQUAL(diags.count("package.too_many_files"), 1u);
    BOOST_CHECK(!pkg.source);
}

// ---- manifest discovery ----------------------------------------------------

BOOST_AUTO_TEST_CASE(manifest_preference_order) {
    TempDir tmp;
    tmp.write("tincan.xml", "<tincan/>");
    tmp.write("sub/imsmanifest.xml", kManifest);  // deeper: never preferred over the root

    auto manifest_of = [&](std::string &manifest) {
        Diagnostics diags;
        OpenedPackage pkg;
        int rc = open_package(tmp.path, PackageLimits{}, diags, pkg);
        manifest = pkg.manifest_path;
        BOOST_CHECK(pkg.in_package);
        BOOST_CHECK_EQUAL(diags.warning_count() + diags.error_count(), 0u);
        return rc;
    };
    std::string m;
    BOOST_CHECK_EQUAL(manifest_of(m), COURSECREW_OK);
    BOOST_CHECK_EQUAL(m, "tincan.xml");

    tmp.write("cmi5.xml", "<courseStructure/>");
    BOOST_CHECK_EQUAL(manifest_of(m), COURSECREW_OK);
    BOOST_CHECK_EQUAL(m, "cmi5.xml");

    tmp.write("imsmanifest.xml", kManifest);
    BOOST_CHECK_EQUAL(manifest_of(m), COURSECREW_OK);
    BOOST_CHECK_EQUAL(m, "imsmanifest.xml");
}

BOOST_AUTO_TEST_CASE(manifest_name_case_is_a_warning) {
    TempDir tmp;
    tmp.write("IMSManifest.XML", kManifest);

    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_REQUIRE_EQUAL(open_package(tmp.path, PackageLimits{}, diags, pkg), COURSECREW_OK);
    BOOST_CHECK_EQUAL(pkg.manifest_path, "IMSManifest.XML");
    const Diagnostic *d = find_diag(diags, "package.manifest_name_case");
    BOOST_REQUIRE(d != nullptr);
    BOOST_CHECK(d->severity == Severity::Warning);
    BOOST_CHECK_EQUAL(d->file, "IMSManifest.XML");
    BOOST_CHECK(!diags.has_errors());

    // Both spellings side by side: a case-insensitive system keeps either
    // one, so which manifest an LMS reads is a toss-up. Refused, naming both.
    tmp.write("imsmanifest.xml", kManifest);
    Diagnostics diags2;
    OpenedPackage pkg2;
    BOOST_CHECK_EQUAL(open_package(tmp.path, PackageLimits{}, diags2, pkg2),
                      COURSECREW_E_PACKAGE_INVALID);
    BOOST_CHECK(!pkg2.source);
    const Diagnostic *twice = find_diag(diags2, "package.manifest_twice");
    BOOST_REQUIRE(twice != nullptr);
    BOOST_CHECK(twice->severity == Severity::Error);
    BOOST_CHECK(twice->message.find("'IMSManifest.XML'") != std::string::npos);
    BOOST_CHECK(twice->message.find("'imsmanifest.xml'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(manifest_one_folder_down_is_an_error) {
    TempDir tmp;
    tmp.write("course/imsmanifest.xml", kManifest);
    tmp.write("course/index.html", "<html/>");

    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_CHECK_EQUAL(open_package(tmp.path, PackageLimits{}, diags, pkg),
                      COURSECREW_E_PACKAGE_INVALID);
    const Diagnostic *d = find_diag(diags, "package.manifest_not_at_root");
    BOOST_REQUIRE(d != nullptr);
    BOOST_CHECK_EQUAL(d->file, "course/imsmanifest.xml");
    BOOST_CHECK(d->message.find("root") != std::string::npos);
    BOOST_CHECK(!pkg.source);

    // The same mistake in a zip.
    make_zip(tmp.at("pkg.zip"), {{"course/", ""}, {"course/imsmanifest.xml", kManifest}});
    Diagnostics zdiags;
    BOOST_CHECK_EQUAL(open_package(tmp.at("pkg.zip"), PackageLimits{}, zdiags, pkg),
                      COURSECREW_E_PACKAGE_INVALID);
    BOOST_CHECK_EQUAL(zdiags.count("package.manifest_not_at_root"), 1u);
}

BOOST_AUTO_TEST_CASE(no_manifest_anywhere_near_the_root) {
    TempDir tmp;
    tmp.write("index.html", "<html/>");
    tmp.write("a/b/imsmanifest.xml", kManifest);  // two folders down: not looked for

    // Opened without one: the content readers may still know the package
    // (an Adapt build without spoor); this one no reader knows.
    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_CHECK_EQUAL(open_package(tmp.path, PackageLimits{}, diags, pkg), COURSECREW_OK);
    BOOST_CHECK(pkg.manifest_path.empty());
    BOOST_CHECK_EQUAL(diags.error_count() + diags.warning_count(), 0u);
    Inspection in(20);
    BOOST_CHECK_EQUAL(inspect_package(tmp.path, InspectOptions{}, in), COURSECREW_E_PACKAGE_INVALID);
    const Diagnostic *d = find_diag(in.diags, "package.no_manifest");
    BOOST_REQUIRE(d != nullptr);
    BOOST_CHECK(d->message.find("no imsmanifest.xml, cmi5.xml or tincan.xml in " + tmp.path) == 0);
    BOOST_CHECK(!in.usable());
}

BOOST_AUTO_TEST_CASE(missing_path_is_not_found) {
    TempDir tmp;
    for (const std::string &p : {tmp.at("nope"), tmp.at("nope/imsmanifest.xml"), std::string()}) {
        Diagnostics diags;
        OpenedPackage pkg;
        BOOST_CHECK_EQUAL(open_package(p, PackageLimits{}, diags, pkg), COURSECREW_E_NOT_FOUND);
        const Diagnostic *d = find_diag(diags, "package.not_found");
        BOOST_REQUIRE(d != nullptr);
        BOOST_CHECK_EQUAL(d->message, "no such file or folder: " + p);
    }
}

// Root reads any file whatever its permissions, so the case is skipped there.
boost::test_tools::assertion_result not_root(boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result r(::geteuid() != 0);
    r.message() << "running as root: permissions cannot deny a read";
    return r;
}

BOOST_AUTO_TEST_CASE(unreadable_file_is_an_io_error, *boost::unit_test::precondition(not_root)) {
    TempDir tmp;
    const std::string p = tmp.write("imsmanifest.xml", kManifest);
    fs::permissions(p, fs::perms::none);
    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_CHECK_EQUAL(open_package(p, PackageLimits{}, diags, pkg), COURSECREW_E_IO);
    BOOST_CHECK_EQUAL(diags.count("package.read_failed"), 1u);

    // An unreadable package folder: the same.
    const std::string dir = tmp.at("pkg");
    tmp.write("pkg/imsmanifest.xml", kManifest);
    fs::permissions(dir, fs::perms::none);
    Diagnostics diags2;
    BOOST_CHECK_EQUAL(open_package(dir, PackageLimits{}, diags2, pkg), COURSECREW_E_IO);
    BOOST_CHECK_EQUAL(diags2.count("package.read_failed"), 1u);
    fs::permissions(dir, fs::perms::owner_all);

    // An unreadable subfolder only hides its own files.
    tmp.write("pkg/locked/a.txt", "a");
    fs::permissions(tmp.at("pkg/locked"), fs::perms::none);
    Diagnostics diags3;
    BOOST_CHECK_EQUAL(open_package(dir, PackageLimits{}, diags3, pkg), COURSECREW_OK);
    BOOST_CHECK_EQUAL(diags3.count("package.folder_unreadable"), 1u);
    fs::permissions(tmp.at("pkg/locked"), fs::perms::owner_all);  // so it can be removed
}

BOOST_AUTO_TEST_CASE(manifest_file_named_directly) {
    TempDir tmp;
    tmp.write("imsmanifest.xml", kManifest);
    tmp.write("course-v2.xml", kManifest);
    tmp.write("CMI5.XML", "<courseStructure/>");
    tmp.write("res/a.html", "<html/>");

    struct Case {
        std::string name;
        bool in_package;
        bool case_warning;
    };
    for (const Case &c : {Case{"imsmanifest.xml", true, false}, Case{"course-v2.xml", false, false},
                          Case{"CMI5.XML", true, true}}) {
        Diagnostics diags;
        OpenedPackage pkg;
        BOOST_REQUIRE_EQUAL(open_package(tmp.at(c.name), PackageLimits{}, diags, pkg),
                            COURSECREW_OK);
        BOOST_CHECK_EQUAL(pkg.manifest_path, c.name);
        BOOST_CHECK_EQUAL(pkg.in_package, c.in_package);
        BOOST_CHECK_EQUAL(diags.count("package.manifest_name_case"), c.case_warning ? 1u : 0u);
        BOOST_REQUIRE(pkg.source);
        BOOST_CHECK_EQUAL(pkg.source->describe(), "folder " + tmp.path);
        BOOST_CHECK_EQUAL(pkg.source->entries().size(), 4u);
        std::string data, error;
        BOOST_CHECK(read_entry(*pkg.source, pkg.manifest_path, data, error));
    }
}

// ---- zips ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(zip_lists_and_reads_entries_in_place) {
    TempDir tmp;
    std::string binary;
    for (unsigned i = 0; i < 300000; ++i) binary += static_cast<char>((i * 7919u + i / 13) & 0xffu);
    const std::string zip = tmp.write("course.zip", "");
    make_zip(zip, {{"res/", ""},
                   {"imsmanifest.xml", kManifest},
                   {"./res/a.html", "<html>a</html>"},
                   {"img/logo.bin", binary},
                   {"win\\page.html", "<html>w</html>"},
                   {"x/../top.txt", "top"}});

    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_REQUIRE_EQUAL(open_package(zip, PackageLimits{}, diags, pkg), COURSECREW_OK);
    BOOST_CHECK_EQUAL(pkg.manifest_path, "imsmanifest.xml");
    BOOST_CHECK(pkg.in_package);
    BOOST_CHECK_EQUAL(pkg.source->describe(), "zip " + zip);

    const std::vector<std::string> want{"img/logo.bin", "imsmanifest.xml", "res/a.html",
                                        "top.txt", "win/page.html"};
    BOOST_TEST(paths_of(*pkg.source) == want, boost::test_tools::per_element());
    BOOST_CHECK_EQUAL(pkg.source->entries()[0].size, binary.size());
    // Backslashes are read as separators, with a warning for the author.
    BOOST_CHECK_EQUAL(diags.count("zip.backslash_path"), 1u);
    BOOST_CHECK(!diags.has_errors());

    std::string data, error;
    BOOST_REQUIRE_MESSAGE(read_entry(*pkg.source, "img/logo.bin", data, error), error);
    BOOST_CHECK(data == binary);
    BOOST_REQUIRE_MESSAGE(read_entry(*pkg.source, "win/page.html", data, error), error);
    BOOST_CHECK_EQUAL(data, "<html>w</html>");
    BOOST_REQUIRE_MESSAGE(read_entry(*pkg.source, "imsmanifest.xml", data, error), error);
    BOOST_CHECK_EQUAL(data, kManifest);
    BOOST_CHECK(pkg.source->open("missing.txt", error) == nullptr);

    // Nothing was extracted next to the zip.
    BOOST_CHECK((tmp.list() == std::set<std::string>{"course.zip"}));
}

BOOST_AUTO_TEST_CASE(zip_rereading_files_does_not_count_twice) {
    TempDir tmp;
    const std::string zip = tmp.at("p.zip");
    const std::string body(5000, 'x');
    make_zip(zip, {{"imsmanifest.xml", kManifest}, {"a.txt", body}});
    PackageLimits limits;
    limits.max_expanded_bytes = body.size() + kManifest.size();  // exactly enough

    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_REQUIRE_EQUAL(open_package(zip, limits, diags, pkg), COURSECREW_OK);
    for (int round = 0; round < 3; ++round) {
        std::string data, error;
        BOOST_REQUIRE_MESSAGE(read_entry(*pkg.source, "a.txt", data, error), error);
        BOOST_REQUIRE_MESSAGE(read_entry(*pkg.source, "imsmanifest.xml", data, error), error);
    }
}

BOOST_AUTO_TEST_CASE(zip_refuses_absolute_paths) {
    expect_zip_refused({"/etc/passwd", "root:x:0:0"}, "zip.unsafe_path", "/etc/passwd");
    expect_zip_refused({"C:/evil.txt", "x"}, "zip.unsafe_path", "C:/evil.txt");
    expect_zip_refused({"\\evil.txt", "x"}, "zip.unsafe_path", "\\evil.txt");
}

BOOST_AUTO_TEST_CASE(zip_refuses_paths_climbing_above_the_root) {
    // expect_zip_refused also checks that no evil.txt / evil appeared anywhere.
    expect_zip_refused({"../evil.txt", "x"}, "zip.unsafe_path", "../evil.txt");
    expect_zip_refused({"a/../../evil", "x"}, "zip.unsafe_path", "a/../../evil");
    expect_zip_refused({"..\\evil", "x"}, "zip.unsafe_path", "..\\evil");
    BOOST_CHECK(!fs::exists(fs::temp_directory_path() / "evil.txt"));
}

BOOST_AUTO_TEST_CASE(zip_refuses_control_characters) {
    expect_zip_refused({std::string("bad\x01name.txt"), "x"}, "zip.unsafe_path",
                       "bad\\x01name.txt");
}

BOOST_AUTO_TEST_CASE(zip_refuses_symlinks) {
    expect_zip_refused({"link", "/etc/passwd", /*symlink=*/true}, "zip.link", "link");
}

BOOST_AUTO_TEST_CASE(zip_refuses_too_much_declared_expansion) {
    PackageLimits limits;
    limits.max_expanded_bytes = 1000;
    expect_zip_refused({"big.txt", std::string(1200, 'y')}, "zip.bomb", "big.txt", limits);
}

BOOST_AUTO_TEST_CASE(zip_refuses_extreme_compression_ratio) {
    // 4 MiB of zeros deflates to a few KiB: far over the default ratio of 200.
    expect_zip_refused({"zeros.bin", std::string(4u << 20, '\0')}, "zip.bomb", "zeros.bin");

    // Small, very compressible text is fine.
    TempDir tmp;
    make_zip(tmp.at("ok.zip"), {{"imsmanifest.xml", kManifest},
                                {"page.html", std::string(512u << 10, ' ')}});
    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_CHECK_EQUAL(open_package(tmp.at("ok.zip"), PackageLimits{}, diags, pkg), COURSECREW_OK);
}

BOOST_AUTO_TEST_CASE(zip_refuses_too_many_entries) {
    PackageLimits limits;
    limits.max_entries = 1;  // the manifest plus one more is too many
    expect_zip_refused({"b.txt", "b"}, "package.too_many_files", "", limits);
}

BOOST_AUTO_TEST_CASE(zip_stream_stops_entries_that_lie_about_their_size) {
    TempDir tmp;
    const std::string zip = tmp.at("liar.zip");
    // 512 KiB: under the 1 MiB ratio check, so only the stream can catch it.
    make_zip(zip, {{"imsmanifest.xml", kManifest}, {"big.bin", std::string(512u << 10, '\0')}});
    forge_declared_size(zip, "big.bin", 1000);

    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_REQUIRE_EQUAL(open_package(zip, PackageLimits{}, diags, pkg), COURSECREW_OK);
    BOOST_CHECK_EQUAL(pkg.source->entries()[0].size, 1000u);
    std::string data, error;
    BOOST_CHECK(!read_entry(*pkg.source, "big.bin", data, error));
    BOOST_CHECK_MESSAGE(error.find("zip entry expands beyond its declared size") == 0, error);
    BOOST_CHECK_LT(data.size(), 1000u + (128u << 10));
    BOOST_CHECK((tmp.list() == std::set<std::string>{"liar.zip"}));
}

BOOST_AUTO_TEST_CASE(zip_stream_enforces_the_total_expansion_limit) {
    TempDir tmp;
    const std::string zip = tmp.at("liar.zip");
    // Each entry understates its size by 10 KB (within the per-entry margin);
    // together they inflate past max_expanded_bytes.
    make_zip(zip, {{"imsmanifest.xml", kManifest},
                   {"a.bin", std::string(40000, 'a')},
                   {"b.bin", std::string(40000, 'b')}});
    forge_declared_size(zip, "a.bin", 30000);
    forge_declared_size(zip, "b.bin", 30000);
    PackageLimits limits;
    limits.max_expanded_bytes = 70000;

    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_REQUIRE_EQUAL(open_package(zip, limits, diags, pkg), COURSECREW_OK);
    std::string data, error;
    read_entry(*pkg.source, "a.bin", data, error);  // libzip may flag the size mismatch
    BOOST_CHECK(!read_entry(*pkg.source, "b.bin", data, error));
    BOOST_CHECK_MESSAGE(error.find("zip entry expands beyond its declared size") == 0, error);
}

BOOST_AUTO_TEST_CASE(zip_extension_without_zip_content_is_corrupt) {
    TempDir tmp;
    tmp.write("course.zip", "<?xml version=\"1.0\"?><manifest/>");
    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_CHECK_EQUAL(open_package(tmp.at("course.zip"), PackageLimits{}, diags, pkg),
                      COURSECREW_E_PACKAGE_INVALID);
    BOOST_CHECK_EQUAL(diags.count("zip.corrupt"), 1u);

    // Zip magic, then garbage: libzip's own complaint is passed on.
    tmp.write("broken.zip", std::string("PK\x03\x04", 4) + std::string(200, 'z'));
    Diagnostics diags2;
    BOOST_CHECK_EQUAL(open_package(tmp.at("broken.zip"), PackageLimits{}, diags2, pkg),
                      COURSECREW_E_PACKAGE_INVALID);
    const Diagnostic *d = find_diag(diags2, "zip.corrupt");
    BOOST_REQUIRE(d != nullptr);
    BOOST_CHECK(d->message.find("Not a zip archive") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(zip_detected_by_content_not_extension) {
    TempDir tmp;
    make_zip(tmp.at("course.pkg"), {{"cmi5.xml", "<courseStructure/>"}});
    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_REQUIRE_EQUAL(open_package(tmp.at("course.pkg"), PackageLimits{}, diags, pkg),
                        COURSECREW_OK);
    BOOST_CHECK_EQUAL(pkg.manifest_path, "cmi5.xml");
    BOOST_CHECK(pkg.source->describe().rfind("zip ", 0) == 0);
}

// ---- zip findings of issue 10: duplicates, entries that lie, encryption,
// zip64, damaged directories.

BOOST_AUTO_TEST_CASE(zip_refuses_the_manifest_twice_under_one_name) {
    TempDir tmp;
    const std::string zip = tmp.at("twice.zip");
    // Two copies of imsmanifest.xml: a checked one and the one an LMS may deploy.
    make_zip(zip, {{"imsmanifest.xml", kManifest}, {"imsmanifesX.xml", "<manifest identifier=\"evil\"/>"}});
    forge_name(zip, "imsmanifesX.xml", "imsmanifest.xml");

    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_CHECK_EQUAL(open_package(zip, PackageLimits{}, diags, pkg), COURSECREW_E_PACKAGE_INVALID);
    BOOST_TEST_INFO(all_codes(diags));
    BOOST_CHECK(!pkg.source);
    const Diagnostic *d = find_diag(diags, "zip.duplicate_entry");
    BOOST_REQUIRE(d != nullptr);
    BOOST_CHECK(d->severity == Severity::Error);
    BOOST_CHECK_EQUAL(d->file, "imsmanifest.xml");
    // Both entries are named, by their position in the archive.
    BOOST_CHECK_MESSAGE(d->message.find("(#0)") != std::string::npos &&
                            d->message.find("(#1)") != std::string::npos,
                        d->message);
}

BOOST_AUTO_TEST_CASE(zip_refuses_names_equal_after_normalisation_or_case_folding) {
    // "./x" and "x", "a\\b" and "a/b" are one path to every unzipper.
    expect_zip_refused({"./imsmanifest.xml", "<manifest identifier=\"evil\"/>"}, "zip.duplicate_entry",
                       "imsmanifest.xml");
    expect_zip_refused({"res\\..\\imsmanifest.xml", "<x/>"}, "zip.duplicate_entry", "imsmanifest.xml");
    // Any file, not only the manifest: the page served may not be the page checked.
    TempDir tmp;
    make_zip(tmp.at("p.zip"), {{"imsmanifest.xml", kManifest}, {"a/b.html", "good"}, {"a\\b.html", "evil"}});
    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_CHECK_EQUAL(open_package(tmp.at("p.zip"), PackageLimits{}, diags, pkg), COURSECREW_E_PACKAGE_INVALID);
    const Diagnostic *d = find_diag(diags, "zip.duplicate_entry");
    BOOST_REQUIRE(d != nullptr);
    BOOST_CHECK_MESSAGE(d->message.find("'a/b.html'") != std::string::npos &&
                            d->message.find("'a\\b.html'") != std::string::npos,
                        d->message);
    // Names that differ only in case: a case-insensitive unzipper keeps one.
    expect_zip_refused({"IMSMANIFEST.XML", "<manifest identifier=\"evil\"/>"}, "package.manifest_twice",
                       "imsmanifest.xml");
}

BOOST_AUTO_TEST_CASE(zip_refuses_encrypted_entries) {
    if (!zip_encryption_method_supported(ZIP_EM_AES_256, 1)) {
        BOOST_TEST_MESSAGE("this libzip cannot write AES entries: skipped");
        return;
    }
    ZipItem secret{"secret.html", "<p>hidden</p>"};
    secret.encrypted = true;
    expect_zip_refused(secret, "zip.encrypted", "secret.html");
}

namespace {

// A SCORM 1.2 manifest whose one resource lists only a.html.
const std::string kScorm = R"(<?xml version="1.0"?>
<manifest identifier="zipcheck" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <organizations default="o"><organization identifier="o"><title>T</title>
    <item identifier="p1" identifierref="r1"><title>P</title></item>
  </organization></organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="a.html"><file href="a.html"/></resource>
  </resources>
</manifest>
)";

// Inspects `zip` and expects it refused with zip.entry_corrupt on `entry`.
void expect_entry_refused(const std::string &zip, const std::string &entry, bool hash_files = true) {
    InspectOptions options;
    options.hash_files = hash_files;
    Inspection ins(20);
    const int rc = inspect_package(zip, options, ins);
    BOOST_TEST_INFO(all_codes(ins.diags));
    BOOST_CHECK_EQUAL(rc, COURSECREW_E_PACKAGE_INVALID);
    const Diagnostic *d = find_diag(ins.diags, "zip.entry_corrupt");
    BOOST_REQUIRE(d != nullptr);
    BOOST_CHECK(d->severity == Severity::Error);
    BOOST_CHECK_EQUAL(d->file, entry);
    BOOST_CHECK(d->message.find("'" + entry + "'") != std::string::npos);
}

}  // namespace

BOOST_AUTO_TEST_CASE(zip_entry_far_smaller_than_it_inflates_is_refused_even_unlisted) {
    TempDir tmp;
    const std::string zip = tmp.at("liar.zip");
    make_zip(zip, {{"imsmanifest.xml", kScorm}, {"a.html", "<p>a</p>"},
                   {"extra/big.bin", std::string(512u << 10, '\0')}});
    forge_declared_size(zip, "extra/big.bin", 10);  // no resource lists it
    expect_entry_refused(zip, "extra/big.bin");
    expect_entry_refused(zip, "extra/big.bin", /*hash_files=*/false);  // a quick inspect checks too
}

BOOST_AUTO_TEST_CASE(zip_entry_a_little_smaller_or_larger_than_declared_is_refused) {
    // Within the stream's early-stop margin: only the end-of-entry check sees it.
    for (std::uint32_t declared : {40000u - 100u, 40000u + 100u}) {
        TempDir tmp;
        const std::string zip = tmp.at("liar.zip");
        make_zip(zip, {{"imsmanifest.xml", kScorm}, {"a.html", "<p>a</p>"}, {"notes.txt", std::string(40000, 'n')}});
        forge_declared_size(zip, "notes.txt", declared);
        BOOST_TEST_INFO("declared " << declared);
        expect_entry_refused(zip, "notes.txt");
    }
}

BOOST_AUTO_TEST_CASE(zip_entry_with_a_wrong_crc_is_refused_even_unlisted) {
    TempDir tmp;
    const std::string zip = tmp.at("crc.zip");
    make_zip(zip, {{"imsmanifest.xml", kScorm}, {"a.html", "<p>a</p>"}, {"notes.txt", "some notes"}});
    forge_crc(zip, "notes.txt");
    expect_entry_refused(zip, "notes.txt");
}

BOOST_AUTO_TEST_CASE(a_sound_zip_is_read_with_every_entry_checked) {
    TempDir tmp;
    const std::string zip = tmp.at("ok.zip");
    make_zip(zip, {{"imsmanifest.xml", kScorm}, {"a.html", "<p>a</p>"}, {"notes.txt", "some notes"}});
    Inspection ins(20);
    BOOST_REQUIRE_EQUAL(inspect_package(zip, InspectOptions{}, ins), COURSECREW_OK);
    BOOST_CHECK_EQUAL(ins.diags.count("zip.entry_corrupt"), 0u);
    BOOST_CHECK_EQUAL(ins.course.digests.size(), 1u);  // a.html, hashed once
}

BOOST_AUTO_TEST_CASE(zip64_archives_read_fine) {
    // More than 65,535 entries: libzip writes the zip64 end of central
    // directory, as any tool must for such an archive.
    TempDir tmp;
    const std::string zip = tmp.at("big.zip");
    {
        int err = 0;
        zip_t *za = zip_open(zip.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
        BOOST_REQUIRE(za != nullptr);
        auto add = [&](const std::string &name, const std::string &data) {
            zip_source_t *src = zip_source_buffer(za, data.data(), data.size(), 0);
            BOOST_REQUIRE(src && zip_file_add(za, name.c_str(), src, 0) >= 0);
            zip_set_file_compression(za, static_cast<zip_uint64_t>(zip_get_num_entries(za, 0) - 1), ZIP_CM_STORE, 0);
        };
        const std::string empty;  // the buffers must live until zip_close
        add("imsmanifest.xml", kManifest);
        char name[32];
        for (int i = 0; i < 65600; ++i) {
            std::snprintf(name, sizeof name, "f/%05d.txt", i);
            add(name, empty);
        }
        BOOST_REQUIRE_MESSAGE(zip_close(za) == 0, zip_strerror(za));
    }
    const std::string bytes = slurp(zip);
    BOOST_REQUIRE(bytes.find("PK\x06\x06") != std::string::npos);  // zip64 end record
    Diagnostics diags;
    OpenedPackage pkg;
    BOOST_REQUIRE_EQUAL(open_package(zip, PackageLimits{}, diags, pkg), COURSECREW_OK);
    BOOST_CHECK_EQUAL(pkg.source->entries().size(), 65601u);
    std::string data, error;
    BOOST_REQUIRE_MESSAGE(read_entry(*pkg.source, "imsmanifest.xml", data, error), error);
    BOOST_CHECK_EQUAL(data, kManifest);
}

BOOST_AUTO_TEST_CASE(zip_with_a_truncated_or_damaged_central_directory_is_corrupt) {
    TempDir tmp;
    const std::string good = tmp.at("good.zip");
    make_zip(good, {{"imsmanifest.xml", kManifest}, {"a.html", "<p>a</p>"}, {"b.html", "<p>b</p>"}});
    const std::string bytes = slurp(good);
    const std::size_t central = bytes.find("PK\x01\x02");
    BOOST_REQUIRE(central != std::string::npos);

    std::vector<std::pair<std::string, std::string>> damaged{
        {"cut in the central directory", bytes.substr(0, central + 30)},
        {"no end record", bytes.substr(0, bytes.size() - 22)},
        {"central directory signature overwritten", bytes},
        {"entry count larger than the directory", bytes},
    };
    damaged[2].second.replace(central, 4, "XXXX");
    put_le32(damaged[3].second, damaged[3].second.size() - 22 + 8, 0x00ff00ffu);  // both entry counts
    for (const auto &[what, z] : damaged) {
        spit(tmp.at("bad.zip"), z);
        Diagnostics diags;
        OpenedPackage pkg;
        BOOST_TEST_INFO(what << "\n" << all_codes(diags));
        BOOST_CHECK_EQUAL(open_package(tmp.at("bad.zip"), PackageLimits{}, diags, pkg), COURSECREW_E_PACKAGE_INVALID);
        BOOST_CHECK(!pkg.source);
        const Diagnostic *d = find_diag(diags, "zip.corrupt");
        BOOST_REQUIRE(d != nullptr);
        BOOST_CHECK(d->severity == Severity::Error);
    }
}

// read_all reads straight into the room the caller reserved: whatever that
// room (none, too little, exactly the size, more), from a folder or a zip,
// the bytes are the file's, and the size limit still holds.
BOOST_AUTO_TEST_CASE(read_all_gives_the_whole_file_whatever_room_was_reserved) {
    TempDir tmp;
    std::string body;
    for (int i = 0; body.size() < 200'000; ++i) body += "line " + std::to_string(i) + "\n";  // more than one chunk
    tmp.write("imsmanifest.xml", kManifest);
    tmp.write("big.txt", body);
    make_zip(tmp.at("p.zip"), {{"imsmanifest.xml", kManifest}, {"big.txt", body}});
    for (const std::string &where : {tmp.path, tmp.at("p.zip")}) {
        Diagnostics diags;
        OpenedPackage pkg;
        BOOST_REQUIRE_EQUAL(open_package(where, PackageLimits{}, diags, pkg), COURSECREW_OK);
        for (const std::size_t room : {std::size_t{0}, std::size_t{100}, body.size(), body.size() + 1, body.size() * 3}) {
            std::string out = "left over";
            out.reserve(room);
            std::string error;
            BOOST_REQUIRE_MESSAGE(pkg.source->read_all("big.txt", body.size(), out, error), error);
            BOOST_TEST((out == body), where << " with room for " << room);
        }
        std::string out, error;
        out.reserve(body.size());
        BOOST_TEST(!pkg.source->read_all("big.txt", body.size() - 1, out, error));
        BOOST_TEST(error == "file is larger than " + std::to_string(body.size() - 1) + " bytes");
    }
}

BOOST_AUTO_TEST_SUITE_END()
