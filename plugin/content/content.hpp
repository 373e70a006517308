// The authoring tool's own structure inside a package (issue 11).
//
// Almost every package an authoring tool publishes is one SCO: the manifest
// sees one module with one piece. The team's real units of work (Adapt
// components, Rise lessons, Storyline slides, H5P sub-content, ...) are in
// the tool's own data inside the package. After the manifest is read, each
// content reader (adapters/content/<tool>/) looks at the package's files;
// the first that recognises its tool, by content and structure, returns the
// tool's modules and pieces, and read_content_model() puts them in the
// Course in place of the manifest's pieces. The manifest stays the
// package's truth for format, launch and files.
//
// A reader that recognises its tool but cannot read its data (missing,
// truncated, malformed, over a size limit) says what and where; the course
// then keeps the manifest's pieces and the problem becomes a warning. A
// content model never stops a publish.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/model/course.hpp"
#include "plugin/model/diagnostics.hpp"
#include "plugin/model/package.hpp"

namespace coursecrew {

// Limits on a tool's data, checked before anything is decoded.
struct ContentLimits {
    std::uint64_t max_file_bytes = 64ull << 20;  // one data file read whole (JSON, HTML, JS)
    std::uint64_t max_blob_bytes = 64ull << 20;  // one embedded blob once decoded (base64, zlib, JS string)
    std::size_t max_json_depth = 256;            // nesting of the tool's JSON
    std::size_t max_pieces = 200'000;            // pieces in one course
};

// One piece as the tool's data describes it.
struct ContentPiece {
    std::string id;     // the tool's stable id (survives every re-publish)
    std::string title;  // plain text, HTML stripped
    ContentOrigin origin;  // type ("adapt:mcq"), file and place it was read from
    bool is_question = false, has_interactions = false, has_media = false, has_text = false;
    std::vector<std::string> files;  // package paths of the assets it references
    // The piece's own data as the tool keeps it (its JSON, every language),
    // when its text lives in a file many pieces share: the core hashes it
    // into the piece's fingerprint, so an edit to this piece's text reopens
    // its done pairs and no other piece's. "" when its files say it all.
    std::string data;
};

// One module: the tool's top-level unit (an Adapt page, a Rise section, a
// Storyline scene...).
struct ContentModule {
    std::string id, title;
    ContentOrigin origin;
    std::vector<ContentPiece> pieces;
};

// Why a recognised tool's data could not be read (or, in ContentModel::notes,
// what of it was left out).
struct ContentProblem {
    std::string file;     // package path
    long line = 0;        // 0 when not known
    std::string message;  // what was wrong: "the base64 course data ends half-way"
};

struct ContentModel {
    std::string tool;     // "adapt", "rise", "storyline", "h5p", "exe", "ispring", "lectora", "captivate"
    std::string version;  // the tool's version when its data names it, else ""
    std::string source;   // package path of the main file the structure was read from
    // The course's identifier and title as the tool's data gives them, used
    // when the package has no manifest ("" when the tool cannot say: such a
    // package has no identifier to keep statuses under).
    std::string course_id, course_title;
    std::vector<ContentModule> modules;
    // A read that worked but left something out (a component whose parent
    // chain never reaches the course, a slide file that cannot be read):
    // each becomes a `content.partial` warning.
    std::vector<ContentProblem> notes;
};

// What a content reader may look at.
struct ContentInput {
    const PackageSource &source;
    const EntryIndex &index;
    const Course &course;  // the manifest's view: launch files, format
    const ContentLimits &limits;
};

enum class ContentResult {
    NotMine,  // this package is not this tool's (nothing to say)
    Read,     // `out` holds the tool's modules and pieces
    Failed,   // the tool's, but its data cannot be read: `problem` says why
};

class ContentReader {
public:
    virtual ~ContentReader() = default;
    virtual const char *tool() const = 0;  // "adapt"
    // Recognises the tool by content and structure (never by a file name
    // alone) and reads its modules and pieces. Never throws for bad input.
    virtual ContentResult read(const ContentInput &in, ContentModel &out,
                               ContentProblem &problem) const = 0;
    // Files of which a package must hold at least one for read() to find
    // the tool: a name ("trivantis.js": a file so named in any folder) or
    // the end of a path ("html5/data/js/data.js"). read_content_model()
    // looks for every reader's in one pass over the listing and skips the
    // readers none of whose files are there (a scan per reader cost 30 ms on
    // 200,000 files). Empty: the reader is always asked.
    virtual std::vector<std::string_view> marker_files() const { return {}; }
};

using ContentReaders = std::vector<std::unique_ptr<ContentReader>>;

// The tools the content readers know, for the `content_model` option.
inline constexpr const char *kContentTools[] = {"adapt",   "rise",    "storyline", "h5p",
                                                 "exe",     "ispring", "lectora",   "captivate"};
bool is_content_mode(std::string_view mode);  // "auto", "off" or one of kContentTools

// The `content_model` option: "auto" (every reader, first match wins),
// "off", or one tool's name (only that reader).
struct ContentChoice {
    std::string mode = "auto";
};

// Runs the readers `choice` allows over the package and, when one reads its
// tool, replaces the course's modules and pieces with the tool's (Module and
// Piece items; Course::content says which tool and file). A reader that
// fails leaves the course as the manifest made it, with a
// `content.unreadable` warning naming the file and what was wrong. Piece ids
// must be unique: a repeated id gets a `content.duplicate_id` warning and a
// "~2" suffix, so each piece keeps a status of its own.
void read_content_model(const ContentInput &in, const ContentReaders &readers,
                        const ContentChoice &choice, Course &course, Diagnostics &diags);

// Puts `model` into `course` (what read_content_model does after a
// successful read). Exposed for tests.
void apply_content_model(ContentModel &&model, Course &course, Diagnostics &diags);

}  // namespace coursecrew
