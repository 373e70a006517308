// Every real manifest in ../shared/corpus: outside broken/, the counts we
// report equal INDEX.md's; inside broken/, each file ends with diagnostics,
// never a crash or a hang. Skipped when the corpus is absent.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <regex>
#include <sstream>

#include "support.hpp"

namespace {

struct Row {
    std::string number, path, format;
    long orgs = -1, items = -1, leaf = -1, resources = -1, files = -1;
};

std::string trim(std::string s) {
    auto b = s.find_first_not_of(" `");
    auto e = s.find_last_not_of(" `");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

long to_long(const std::string &s) {
    try {
        return std::stol(s);
    } catch (...) {
        return -1;
    }
}

std::vector<Row> read_index(const std::string &dir) {
    std::vector<Row> rows;
    std::istringstream in(cctest::read_file(dir + "/INDEX.md"));
    std::string line;
    const std::regex row_start(R"(^\| [0-9]+ \|)");
    while (std::getline(in, line)) {
        if (!std::regex_search(line, row_start)) continue;
        std::vector<std::string> cols;
        std::string cell;
        std::istringstream cells(line.substr(1));
        while (std::getline(cells, cell, '|')) cols.push_back(trim(cell));
        if (cols.size() < 9) continue;
        Row r;
        r.number = cols[0];
        r.path = cols[1];
        r.format = cols[3].substr(0, cols[3].find(' '));
        r.orgs = to_long(cols[4]);
        r.items = to_long(cols[5]);
        r.leaf = to_long(cols[6]);
        r.resources = to_long(cols[7]);
        r.files = to_long(cols[8]);
        rows.push_back(r);
    }
    return rows;
}

long count(const rapidjson::Value &counts, const char *key) {
    return counts.HasMember(key) ? static_cast<long>(counts[key].GetUint64()) : -1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(corpus)

boost::test_tools::assertion_result corpus_available(boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result r(cctest::corpus_present());
    r.message() << "no corpus at " << CC_CORPUS_DIR << " (set COURSECREW_CORPUS): skipped";
    return r;
}

BOOST_AUTO_TEST_CASE(counts_match_index, *boost::unit_test::precondition(corpus_available)) {
    const std::string dir = cctest::corpus_dir();
    const std::vector<Row> rows = read_index(dir);
    BOOST_TEST_REQUIRE(rows.size() > 300u);
    std::size_t checked = 0, broken = 0;
    for (const Row &row : rows) {
        BOOST_TEST_CONTEXT("corpus #" << row.number << " " << row.path) {
            const auto start = std::chrono::steady_clock::now();
            cctest::Result r = cctest::inspect(dir + "/" + row.path);
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            BOOST_TEST(seconds < 10.0, "took " << seconds << " s");
            BOOST_REQUIRE(!r.doc.HasParseError());
            BOOST_TEST(cctest::validate_against("inspect.schema.json", r.doc) == "");
            if (row.format == "broken") {
                ++broken;
                BOOST_TEST(r.doc["diagnostics"].Size() > 0u, "a broken file must get diagnostics");
                continue;
            }
            ++checked;
            const std::string format = r.doc["format"].IsString() ? r.doc["format"].GetString() : "null";
            std::string got_format = format;
            if (format == "scorm2004")
                got_format += r.doc["edition"].IsString() ? "-" + std::string(r.doc["edition"].GetString())
                                                          : "-unknown";
            BOOST_TEST(got_format == row.format);
            const auto &k = r.doc["counts"];
            if (format == "scorm12" || format == "scorm2004") {
                BOOST_TEST(count(k, "organizations") == row.orgs);
                BOOST_TEST(count(k, "items") == row.items);
                BOOST_TEST(count(k, "leaf_items") == row.leaf);
                BOOST_TEST(count(k, "resources") == row.resources);
                BOOST_TEST(count(k, "files") == row.files);
            } else if (format == "cmi5") {
                // INDEX.md: items = blocks + AUs, leaf = AUs.
                BOOST_TEST(count(k, "aus") + count(k, "blocks") == row.items);
                BOOST_TEST(count(k, "aus") == row.leaf);
            } else if (format == "tincan") {
                BOOST_TEST(count(k, "activities") == row.items);
            }
        }
    }
    BOOST_TEST_MESSAGE("corpus: " << checked << " manifests compared, " << broken << " broken files");
    BOOST_TEST(checked > 250u);
    BOOST_TEST(broken > 5u);
}

BOOST_AUTO_TEST_SUITE_END()
