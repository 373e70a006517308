// Shared helpers for the unit tests: locating test data, running an
// inspection end to end, parsing its JSON, scratch folders.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <ctime>
#include <set>
#include <string>
#include <vector>

#include "plugin/inspect/inspect.hpp"
#include "plugin/store/store.hpp"

namespace cctest {

// The status store's schema version (PRAGMA user_version) this build migrates to.
constexpr int kStoreVersion = 8;
// What migration v8 (the daily tallies) added, taken away again: a v7 store.
inline constexpr const char *kUndoV8 =
    "DROP TRIGGER history_tally; DROP TRIGGER tally_feed_insert; DROP VIEW tally_feed; "
    "DROP TABLE pair_tallies; DROP TABLE daily_tallies; ";

std::string source_dir();          // the repository
std::string corpus_dir();          // ../shared/corpus ("" when absent)
bool corpus_present();
// ../shared/packages (authoring-tool package skeletons; COURSECREW_PACKAGES
// overrides), "" when absent. Their tests live in the `packages` suite,
// which ctest runs on its own and shows as Skipped without them.
std::string packages_dir();

std::string read_file(const std::string &path);
void write_file(const std::string &path, const std::string &content);

struct Result {
    int status = 0;
    std::string json;
    rapidjson::Document doc;
    std::set<std::string> codes() const;            // distinct diagnostic codes
    bool has_code(const std::string &code) const;
};

// Inspects through the engine (what the ABI calls) and parses the JSON.
Result inspect(const std::string &path, const coursecrew::InspectOptions &opt = {});

// Validates a document against a schema in schemas/; returns "" or the error.
std::string validate_against(const std::string &schema_file, const rapidjson::Document &doc);

// SQLite probes on a store file, each on a connection of its own (so they
// also see what another connection committed). They fail the test on a
// bad statement.
std::int64_t count(const std::string &db_path, const std::string &sql);  // first column of the first row, -1 if none
std::vector<std::string> rows(const std::string &db_path, const std::string &sql);  // columns joined by '|'
void exec(const std::string &db_path, const std::string &sql);

// A scratch folder removed when it goes out of scope.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const std::string &path() const { return path_; }
    std::string operator/(const std::string &name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

// RFC 4180 records of a CSV the review wrote (every record ends in CRLF,
// "" inside quotes), for checking fields exactly rather than by substring.
// A stray CR, LF or quote outside quotes, or a last record without its
// CRLF, fails the calling test.
std::vector<std::vector<std::string>> parse_csv(const std::string &s);
// How many times `needle` occurs in `hay` (overlaps counted).
std::size_t occurrences(const std::string &hay, const std::string &needle);
// The line of `text` that holds `needle` (without its '\n'), "" if none.
std::string line_with(const std::string &text, const std::string &needle);
// `piece` n times over.
std::string repeat(const std::string &piece, std::size_t n);

// CPU seconds this process used since `start` (= std::clock()), for speed
// bounds that hold on a loaded machine, where wall time does not. Under
// AddressSanitizer the code runs about 8 to 30 times slower, so there the
// seconds count for less (divided by 8).
double seconds_since(std::clock_t start);

// The value at a JSON pointer ("/modules/0/title"); a missing one (or a
// pointer that is not one) fails the calling test case cleanly, where
// RapidJSON's operator[] would assert or read garbage.
const rapidjson::Value &json_at(const rapidjson::Value &doc, const char *pointer);
std::string json_str(const rapidjson::Value &doc, const char *pointer);  // fails unless a string
double json_num(const rapidjson::Value &doc, const char *pointer);       // fails unless a number
bool json_has(const rapidjson::Value &doc, const char *pointer);

// A PieceRecord holds views; the texts the tests make live in keep(), for
// the whole run (a deque never moves what it holds). piece() builds one with
// the title "Title of ID" and (role, fingerprint) pairs.
std::string_view keep(std::string text);
coursecrew::PieceRecord piece(const std::string &id, const std::string &module,
                              const std::vector<std::pair<std::string, std::string>> &roles);

}  // namespace cctest
