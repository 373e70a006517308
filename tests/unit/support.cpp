#include "support.hpp"

#include <boost/test/unit_test.hpp>
#include <sqlite3.h>

#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "plugin/engine/registry.hpp"

namespace fs = std::filesystem;

namespace cctest {

std::string source_dir() { return CC_SOURCE_DIR; }

std::string corpus_dir() {
    const char *env = std::getenv("COURSECREW_CORPUS");
    std::string dir = env && *env ? env : CC_CORPUS_DIR;
    std::error_code ec;
    return fs::is_directory(dir, ec) && fs::exists(dir + "/INDEX.md", ec) ? dir : std::string();
}

bool corpus_present() { return !corpus_dir().empty(); }

std::string packages_dir() {
    const char *env = std::getenv("COURSECREW_PACKAGES");
    std::string dir = env && *env ? env : CC_PACKAGES_DIR;
    std::error_code ec;
    return fs::is_directory(dir, ec) && fs::exists(dir + "/INDEX.md", ec) ? dir : std::string();
}

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::string &path, const std::string &content) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
}

std::set<std::string> Result::codes() const {
    std::set<std::string> out;
    if (!doc.IsObject() || !doc.HasMember("diagnostics")) return out;
    for (const auto &d : doc["diagnostics"].GetArray()) out.insert(d["code"].GetString());
    return out;
}

bool Result::has_code(const std::string &code) const { return codes().count(code) > 0; }

Result inspect(const std::string &path, const coursecrew::InspectOptions &opt) {
    Result r;
    coursecrew::Inspection ins(opt.max_diagnostics_per_code);
    r.status = coursecrew::inspect_package(path, opt, ins);
    r.json = coursecrew::to_json(ins, opt);
    // The streamed JSON (ABI inspect_write) is the same text.
    std::string streamed;
    auto append = [](void *to, const char *data, std::size_t size) -> int {
        static_cast<std::string *>(to)->append(data, size);
        return 0;
    };
    BOOST_TEST(coursecrew::write_json(ins, opt, append, &streamed));
    BOOST_TEST((streamed == r.json));
    r.doc.Parse(r.json.c_str(), r.json.size());
    return r;
}

std::string validate_against(const std::string &schema_file, const rapidjson::Document &doc) {
    rapidjson::Document sd;
    const std::string text = read_file(source_dir() + "/schemas/" + schema_file);
    sd.Parse(text.c_str(), text.size());
    if (sd.HasParseError()) return "schema " + schema_file + " is not valid JSON";
    rapidjson::SchemaDocument schema(sd);
    rapidjson::SchemaValidator v(schema);
    if (doc.Accept(v)) return {};
    rapidjson::StringBuffer where, sch;
    v.GetInvalidDocumentPointer().StringifyUriFragment(where);
    v.GetInvalidSchemaPointer().StringifyUriFragment(sch);
    return std::string("invalid at ") + where.GetString() + " (schema " + sch.GetString() +
           ", keyword " + v.GetInvalidSchemaKeyword() + ")";
}

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "coursecrew-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

// ---- SQLite probes ----

std::int64_t count(const std::string &db_path, const std::string &sql) {
    sqlite3 *db = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt *st = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    BOOST_TEST_REQUIRE(rc == SQLITE_OK, sql << ": " << sqlite3_errmsg(db));
    std::int64_t v = -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

// Rows of `sql` as text, one string per row, columns joined by '|'.
std::vector<std::string> rows(const std::string &db_path, const std::string &sql) {
    sqlite3 *db = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt *st = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    BOOST_TEST_REQUIRE(rc == SQLITE_OK, sql << ": " << sqlite3_errmsg(db));
    std::vector<std::string> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::string row;
        for (int i = 0; i < sqlite3_column_count(st); ++i) {
            if (i) row += '|';
            const unsigned char *t = sqlite3_column_text(st, i);
            row += t ? reinterpret_cast<const char *>(t) : "NULL";
        }
        out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

void exec(const std::string &db_path, const std::string &sql) {
    sqlite3 *db = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(db_path.c_str(), &db) == SQLITE_OK);
    char *err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    BOOST_TEST_REQUIRE(rc == SQLITE_OK, sql << ": " << msg);
}

std::string_view keep(std::string text) {
    static std::deque<std::string> texts;
    texts.push_back(std::move(text));
    return texts.back();
}

coursecrew::PieceRecord piece(const std::string &id, const std::string &module,
                              const std::vector<std::pair<std::string, std::string>> &roles) {
    coursecrew::PieceRecord p;
    p.id = keep(id);
    p.module = keep(module);
    p.title = keep("Title of " + id);
    for (const auto &[role, fingerprint] : roles) p.roles.push_back({keep(role), keep(fingerprint)});
    return p;
}

#if defined(__SANITIZE_ADDRESS__)
constexpr double kSanitizerSlowdown = 8;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr double kSanitizerSlowdown = 8;
#else
constexpr double kSanitizerSlowdown = 1;
#endif
#else
constexpr double kSanitizerSlowdown = 1;
#endif

double seconds_since(std::clock_t start) {
    return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC / kSanitizerSlowdown;
}

std::string line_with(const std::string &text, const std::string &needle) {
    const std::size_t at = text.find(needle);
    if (at == std::string::npos) return {};
    const std::size_t begin = text.rfind('\n', at), end = text.find('\n', at);
    const std::size_t from = begin == std::string::npos ? 0 : begin + 1;
    return text.substr(from, (end == std::string::npos ? text.size() : end) - from);
}

std::string repeat(const std::string &piece, std::size_t n) {
    std::string out;
    out.reserve(piece.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += piece;
    return out;
}

const rapidjson::Value &json_at(const rapidjson::Value &doc, const char *pointer) {
    const rapidjson::Pointer p(pointer);
    BOOST_TEST_REQUIRE(p.IsValid(), pointer);
    const rapidjson::Value *v = p.Get(doc);
    BOOST_TEST_REQUIRE(v != nullptr, "no " << pointer << " in the JSON");
    return *v;
}

std::string json_str(const rapidjson::Value &doc, const char *pointer) {
    const rapidjson::Value &v = json_at(doc, pointer);
    BOOST_TEST_REQUIRE(v.IsString(), pointer << " is not a string");
    return {v.GetString(), v.GetStringLength()};
}

double json_num(const rapidjson::Value &doc, const char *pointer) {
    const rapidjson::Value &v = json_at(doc, pointer);
    BOOST_TEST_REQUIRE(v.IsNumber(), pointer << " is not a number");
    return v.GetDouble();
}

bool json_has(const rapidjson::Value &doc, const char *pointer) {
    return rapidjson::Pointer(pointer).Get(doc) != nullptr;
}

std::vector<std::vector<std::string>> parse_csv(const std::string &s) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false, was_quoted = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c != '"') field += c;
            else if (i + 1 < s.size() && s[i + 1] == '"') field += s[++i];
            else quoted = false;
        } else if (c == '"' && field.empty() && !was_quoted) {
            quoted = was_quoted = true;
        } else if (c == ',' || (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) {
            fields.push_back(std::move(field));
            field.clear();
            was_quoted = false;
            if (c == '\r') {
                records.push_back(std::move(fields));
                fields.clear();
                ++i;
            }
        } else {
            // RFC 4180: CR, LF and '"' appear only inside a quoted field.
            BOOST_TEST((c != '\r' && c != '\n' && c != '"'), "unquoted " << int(c) << " at byte " << i);
            field += c;
        }
    }
    BOOST_TEST((field.empty() && fields.empty()), "the last record has no CRLF");
    return records;
}

std::size_t occurrences(const std::string &hay, const std::string &needle) {
    std::size_t n = 0;
    for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace cctest
