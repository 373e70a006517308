// The fuzz targets without the fuzzer: every file of
// tests/fuzz/regressions/<target>/ (inputs the fuzzer once crashed on, or
// broke an invariant with) and of tests/fuzz/seeds/<target>/ goes through
// the same function libFuzzer calls (tests/fuzz/targets.cpp). A crash fails
// the run; a broken invariant fails the case and names the file.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <stdexcept>

#include "support.hpp"
#include "tests/fuzz/targets.hpp"

namespace fs = std::filesystem;

namespace {

struct Violation : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Replays every file under `folder`/<target>/; returns how many.
std::size_t replay(const std::string &folder) {
    ccfuzz::set_violation_handler([](const std::string &what) { throw Violation(what); });
    std::size_t count = 0;
    for (const ccfuzz::Target &t : ccfuzz::all_targets()) {
        const fs::path dir = fs::path(folder) / t.name;
        if (!fs::is_directory(dir)) continue;
        for (const auto &entry : fs::directory_iterator(dir)) {
            if (!entry.is_regular_file()) continue;
            const std::string data = cctest::read_file(entry.path().string());
            try {
                t.fn(reinterpret_cast<const std::uint8_t *>(data.data()), data.size());
            } catch (const std::exception &e) {
                BOOST_ERROR(entry.path().string() << ": " << e.what());
            }
            ++count;
        }
    }
    ccfuzz::set_violation_handler(nullptr);
    return count;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fuzz_regressions)

BOOST_AUTO_TEST_CASE(regression_corpus_replays) {
    const std::size_t n = replay(cctest::source_dir() + "/tests/fuzz/regressions");
    BOOST_TEST_MESSAGE("replayed " << n << " regression inputs");
    BOOST_TEST(n >= 1u, "no regression input found under tests/fuzz/regressions");
}

BOOST_AUTO_TEST_CASE(hand_written_seeds_replay) {
    const std::size_t n = replay(cctest::source_dir() + "/tests/fuzz/seeds");
    BOOST_TEST(n >= 15u, "the hand-written seeds under tests/fuzz/seeds are missing");
}

// Each hand-written content_data seed (a valid minimal document, case byte
// first) is read as its case's tool: the skeleton each case writes is
// enough for its reader to recognise the tool, so the fuzzer reaches past
// recognition into the readers.
BOOST_AUTO_TEST_CASE(content_data_seeds_are_read_as_their_tool) {
    const fs::path dir = fs::path(cctest::source_dir()) / "tests/fuzz/seeds/content_data";
    std::size_t n = 0;
    for (const auto &entry : fs::directory_iterator(dir)) {
        const std::string data = cctest::read_file(entry.path().string());
        BOOST_REQUIRE(!data.empty());
        const std::string tool =
            ccfuzz::read_content_case(reinterpret_cast<const std::uint8_t *>(data.data()), data.size());
        BOOST_TEST(tool == ccfuzz::content_case_tool(static_cast<std::uint8_t>(data[0])),
                   entry.path().filename().string() << " was read as '" << tool << "'");
        ++n;
    }
    BOOST_TEST(n >= 15u, "a content_data seed per case is missing");
}

// The folder target's script never writes outside its folder.
BOOST_AUTO_TEST_CASE(folder_script_keeps_paths_inside) {
    const auto files = ccfuzz::parse_folder_script(
        "=== a/b.xml\n<x/>\n=== ../up.txt\nno\n=== /abs\nno\n=== a//c\nno\n=>> l.html a/b.xml\n"
        "=>> m.html ../../etc/passwd\n=== last\nend");
    BOOST_TEST_REQUIRE(files.size() == 3u);
    BOOST_TEST(files[0].path == "a/b.xml");
    BOOST_TEST(files[0].content == "<x/>\n");
    BOOST_TEST(files[1].path == "l.html");
    BOOST_TEST(files[1].link_target == "a/b.xml");
    BOOST_TEST(files[2].path == "last");
    BOOST_TEST(files[2].content == "end");
}

BOOST_AUTO_TEST_SUITE_END()
