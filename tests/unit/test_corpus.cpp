// Every real manifest in ../shared/corpus: outside broken/, the counts we
// report equal INDEX.md's; everywhere, the diagnostics (severity and code) are
// exactly those listed in tests/corpus/diagnostics.tsv, and each file under
// broken/ gets the diagnostic that says what is broken in it. Never a crash or
// a hang. Without a corpus the suite is skipped, and says so: ctest runs it as
// its own test, "corpus", which then shows as Skipped (tests/unit/run_corpus.sh).
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <regex>
#include <set>
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

// One line of tests/corpus/diagnostics.tsv.
struct Expected {
    std::set<std::string> codes;   // "severity:code"
    std::set<std::string> breaks;  // the codes marked '*': what a broken/ file is kept for
    std::string note;              // third column: "undetected: ..." when none is
    int line = 0;
};

std::map<std::string, Expected> read_expected(const std::string &file) {
    std::map<std::string, Expected> out;
    std::istringstream in(cctest::read_file(file));
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> cols;
        std::string col;
        std::istringstream parts(line);
        while (std::getline(parts, col, '\t')) cols.push_back(col);
        BOOST_TEST_REQUIRE(cols.size() >= 2u, file << ":" << n << ": want PATH<TAB>CODES[<TAB>NOTE]");
        Expected e;
        e.line = n;
        if (cols.size() > 2) e.note = cols[2];
        std::istringstream words(cols[1]);
        for (std::string w; words >> w;) {
            if (w[0] == '*') {
                w.erase(0, 1);
                e.breaks.insert(w);
            }
            e.codes.insert(w);
        }
        BOOST_TEST_REQUIRE(out.emplace(cols[0], e).second, file << ":" << n << ": " << cols[0] << " listed twice");
    }
    return out;
}

std::string join(const std::set<std::string> &s) {
    std::string out;
    for (const auto &x : s) out += (out.empty() ? "" : " ") + x;
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(corpus)

boost::test_tools::assertion_result corpus_available(boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result r(cctest::corpus_present());
    r.message() << "no corpus at " << CC_CORPUS_DIR << " (nor in $COURSECREW_CORPUS): SKIPPED";
    return r;
}

BOOST_AUTO_TEST_CASE(counts_and_diagnostics_match, *boost::unit_test::precondition(corpus_available)) {
    const std::string dir = cctest::corpus_dir();
    const std::vector<Row> rows = read_index(dir);
    BOOST_TEST_REQUIRE(rows.size() > 300u);
    const std::string expected_file = cctest::source_dir() + "/tests/corpus/diagnostics.tsv";
    std::map<std::string, Expected> expected = read_expected(expected_file);
    std::size_t checked = 0, broken = 0, undetected = 0;
    for (const Row &row : rows) {
        BOOST_TEST_CONTEXT("corpus #" << row.number << " " << row.path) {
            const auto start = std::chrono::steady_clock::now();
            cctest::Result r = cctest::inspect(dir + "/" + row.path);
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            BOOST_TEST(seconds < 10.0, "took " << seconds << " s");
            BOOST_REQUIRE(!r.doc.HasParseError());
            BOOST_TEST(cctest::validate_against("inspect.schema.json", r.doc) == "");

            // Diagnostics: exactly the listed ones (none when the file is not listed).
            std::set<std::string> got;
            for (const auto &d : r.doc["diagnostics"].GetArray())
                got.insert(std::string(d["severity"].GetString()) + ":" + d["code"].GetString());
            const auto e = expected.find(row.path);
            const Expected want = e == expected.end() ? Expected{} : e->second;
            BOOST_TEST(join(got) == join(want.codes),
                       "if the change is right, put this line in tests/corpus/diagnostics.tsv"
                       " (keeping any * marks):\n"
                           << row.path << "\t" << join(got));
            if (e != expected.end()) expected.erase(e);

            if (row.format == "broken") {
                ++broken;
                // Each broken file is kept for one fault: the list says which code reports it.
                if (want.breaks.empty()) {
                    ++undetected;
                    BOOST_TEST(want.note.rfind("undetected", 0) == 0,
                               "a broken/ file needs a *code in tests/corpus/diagnostics.tsv "
                               "(or a note \"undetected: why\")");
                }
                for (const std::string &code : want.breaks)
                    BOOST_TEST(got.count(code) == 1u, "the breakage this file is kept for (" << code
                                                                                                << ") is not reported");
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
    for (const auto &[path, e] : expected)
        BOOST_ERROR(expected_file << ":" << e.line << ": " << path << " is not in the corpus's INDEX.md");
    BOOST_TEST_MESSAGE("corpus: " << checked << " manifests compared, " << broken << " broken files ("
                                  << undetected << " with their fault not yet detected)");
    BOOST_TEST(checked > 250u);
    BOOST_TEST(broken > 5u);
}

// Runs always, so that a run without the corpus says so in its log and
// report, instead of passing quietly.
BOOST_AUTO_TEST_CASE(corpus_present) {
    BOOST_TEST_WARN(cctest::corpus_present(), "the corpus checks were SKIPPED: no corpus at "
                                                  << CC_CORPUS_DIR << " (nor in $COURSECREW_CORPUS)");
}

BOOST_AUTO_TEST_SUITE_END()
