// Test helpers for one content reader at a time: run it straight on a
// package folder (to see its whole model, files included, which the
// inspect JSON only counts), write a small SCORM 1.2 package around a
// tool's files, pick diagnostics out of an inspection, and publish a
// package into a store to see which pieces an edit reopens.
#pragma once

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "adapters/package/open_package.hpp"
#include "plugin/content/content.hpp"
#include "plugin/engine/workspace.hpp"
#include "support.hpp"

namespace cctest {

struct Direct {
    coursecrew::ContentResult result = coursecrew::ContentResult::NotMine;
    coursecrew::ContentModel model;
    coursecrew::ContentProblem problem;
};

// Runs `reader` alone on the package at `path`.
inline Direct read_direct(const coursecrew::ContentReader &reader, const std::string &path,
                          const coursecrew::ContentLimits &limits = {}) {
    coursecrew::Diagnostics diags;
    coursecrew::OpenedPackage opened;
    BOOST_REQUIRE(coursecrew::open_package(path, coursecrew::PackageLimits{}, diags, opened) == 0);
    const coursecrew::EntryIndex index(opened.source->entries());
    const coursecrew::Course course;
    const coursecrew::ContentInput in{*opened.source, index, course, limits};
    Direct d;
    d.result = reader.read(in, d.model, d.problem);
    return d;
}

// A one-SCO SCORM 1.2 manifest launching `launch`.
inline void write_scorm12(const TempDir &dir, const std::string &launch) {
    write_file(dir / "imsmanifest.xml",
               R"(<?xml version="1.0"?>
<manifest identifier="m" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Course</title>
    <item identifier="sco" identifierref="r"><title>The whole course</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href=")" +
                   launch + R"("><file href=")" + launch + R"("/></resource></resources>
</manifest>
)");
}

// Writes `content` at `dir`/`rel`, creating its folders.
inline void put(const TempDir &dir, const std::string &rel, const std::string &content) {
    std::filesystem::create_directories(std::filesystem::path(dir / rel).parent_path());
    write_file(dir / rel, content);
}

// Every diagnostic of `code` as "file|line|message", one per line.
inline std::string diagnostics_of(const rapidjson::Document &doc, const std::string &code) {
    std::string out;
    for (const auto &d : doc["diagnostics"].GetArray())
        if (code == d["code"].GetString())
            out += std::string(out.empty() ? "" : "\n") + (d["file"].IsString() ? d["file"].GetString() : "") +
                   "|" + (d["line"].IsInt() ? std::to_string(d["line"].GetInt()) : "") + "|" +
                   d["message"].GetString();
    return out;
}

// Whether `v` holds `s`.
inline bool holds(const std::vector<std::string> &v, const std::string &s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// Standard base64 with padding, for writing fixtures.
inline std::string base64(const std::string &data) {
    static const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < data.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, data.size() - i);
        std::uint32_t v = 0;
        for (std::size_t k = 0; k < 3; ++k)
            v = (v << 8) | (k < n ? static_cast<unsigned char>(data[i + k]) : 0u);
        for (std::size_t k = 0; k < 4; ++k) out.push_back(k <= n ? abc[(v >> (18 - 6 * k)) & 63] : '=');
    }
    return out;
}

// `text` as the inside of a single-quoted JavaScript string.
inline std::string js_single_quoted(const std::string &text) {
    std::string out;
    for (char c : text) {
        if (c == '\\' || c == '\'') out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

// Replaces the one occurrence of `from` in `text` by `to` (fails the test
// when `from` is not there once).
inline void replace_once(std::string &text, const std::string &from, const std::string &to) {
    const auto at = text.find(from);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos && text.find(from, at + 1) == std::string::npos,
                          "'" + from + "' is not in the text once");
    text.replace(at, from.size(), to);
}

// Each piece's fingerprint in the inspect JSON ("null" when it has none),
// as "<piece id>=<fingerprint>", in the model's order.
inline std::vector<std::string> fingerprints(const std::string &path) {
    const Result r = inspect(path);
    std::vector<std::string> out;
    for (const auto &m : r.doc["modules"].GetArray())
        for (const auto &p : m["pieces"].GetArray())
            out.push_back(std::string(p["id"].GetString()) + "=" +
                          (p["fingerprint"].IsString() ? p["fingerprint"].GetString() : "null"));
    return out;
}

// The "waiting" findings of a review (JSON, checked against its schema), as
// "piece/role: message" ("" for a piece or role the finding has none of).
inline std::vector<std::string> waiting_findings(const std::string &review_json) {
    rapidjson::Document review;
    review.Parse(review_json.c_str(), review_json.size());
    BOOST_REQUIRE(!review.HasParseError());
    BOOST_TEST(validate_against("review.schema.json", review) == "");
    std::vector<std::string> out;
    for (const auto &f : review["findings"].GetArray())
        if (std::string(f["kind"].GetString()) == "waiting")
            out.push_back(std::string(f["piece"].IsString() ? f["piece"].GetString() : "") + "/" +
                          (f["role"].IsString() ? f["role"].GetString() : "") + ": " + f["message"].GetString());
    return out;
}

// A tool's package published into a store of its own (not inside the
// package) with every pair marked done. republish() publishes it again and
// gives the pieces whose done pairs that publish reopened, then marks them
// done again.
class DonePackage {
public:
    DonePackage(std::string package, std::string tool) : package_(std::move(package)), tool_(std::move(tool)) {
        options_.store_path = store_ / "state.db";
        options_.now = 1'800'000'000;
        publish();
        pieces_ = rows(options_.store_path, "SELECT DISTINCT piece FROM pairs ORDER BY 1");
        mark_done();
    }

    // The pieces that have pairs (each once, sorted).
    const std::vector<std::string> &pieces() const { return pieces_; }

    std::vector<std::string> republish() {
        options_.now += 60;
        const coursecrew::PublishResult result = publish();
        const std::vector<std::string> reopened =
            rows(options_.store_path, "SELECT DISTINCT piece FROM pairs WHERE status <> 'done' ORDER BY 1");
        BOOST_TEST(result.summary.pairs_reopened ==
                   static_cast<std::size_t>(count(options_.store_path, "SELECT count(*) FROM pairs WHERE status <> 'done'")));
        BOOST_TEST(result.summary.pairs_added == 0u);
        mark_done();
        return reopened;
    }

    // The pieces' fingerprints (as fingerprints() gives them), after
    // checking that republishing the package unchanged reopens nothing and
    // leaves every fingerprint as it was.
    std::vector<std::string> steady_fingerprints() {
        const std::vector<std::string> before = fingerprints(package_);
        BOOST_TEST(republish().empty());
        BOOST_TEST(fingerprints(package_) == before, boost::test_tools::per_element());
        return before;
    }

private:
    coursecrew::PublishResult publish() {
        coursecrew::Inspection ins(20);
        coursecrew::PublishResult result;
        coursecrew::WorkspaceError error;
        BOOST_TEST_REQUIRE(coursecrew::publish_package(package_, {}, options_, ins, result, error), error.message);
        BOOST_TEST_REQUIRE(ins.course.content.tool == tool_);
        return result;
    }

    void mark_done() {
        std::vector<coursecrew::StatusUpdate> done;
        for (const std::string &pair : rows(options_.store_path,
                                            "SELECT piece || '|' || role FROM pairs WHERE status <> 'done'")) {
            const auto bar = pair.find('|');
            done.push_back({pair.substr(0, bar), pair.substr(bar + 1), coursecrew::Status::Done, "ana", "", 0});
        }
        if (done.empty()) return;
        std::vector<coursecrew::Change> changes;
        coursecrew::WorkspaceError error;
        BOOST_TEST_REQUIRE(coursecrew::set_status_for_package(package_, {}, options_, done, changes, error),
                           error.message);
    }

    TempDir store_;
    std::string package_, tool_;
    coursecrew::WorkspaceOptions options_;
    std::vector<std::string> pieces_;
};

}  // namespace cctest
