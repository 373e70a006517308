// What the content readers (adapters/content/<tool>/) share: reading a data
// file whole under a size limit, decoding the blobs tools embed (base64,
// zlib, JavaScript string literals) with the size checked before decoding,
// parsing the tool's JSON without recursion, turning HTML titles into plain
// text, and finding the package files a piece's data references.
//
// Every function here reports bad input through its return value and an
// error text; none throws for bad input.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "plugin/content/content.hpp"

namespace coursecrew::content {

// Whether `s` ends with `tail` (C++17 has no string_view::ends_with).
bool ends_with(std::string_view s, std::string_view tail);

// The member `name` of a JSON object: nullptr when `v` is not an object or
// has none; string_member(): its text, "" when absent or not a string.
const rapidjson::Value *member(const rapidjson::Value &v, const char *name);
std::string_view string_member(const rapidjson::Value &v, const char *name);

// The folder (with its trailing '/', "" at the root) of the first package
// file whose path is `layout` or ends in "/" + `layout`
// ("scormcontent/index.html"): a published course may sit in a subfolder.
// False when there is none.
bool find_root(const ContentInput &in, std::string_view layout, std::string &root);

// The first `n` bytes of a file ("" when it cannot be opened): enough to
// recognise a tool without reading a big file whole.
std::string read_head(const ContentInput &in, const std::string &path, std::size_t n);

// Reads `path` whole (refused over limits.max_file_bytes; a UTF-8 BOM is
// dropped). On failure fills `problem` (file and what) and returns false.
bool read_file(const ContentInput &in, const std::string &path, std::string &out,
               ContentProblem &problem);

// Parses the tool's JSON (iteratively, under limits.max_json_depth and
// limits.max_blob_bytes). On failure `problem` names `file`, the line and
// what was wrong.
bool parse_json(const ContentInput &in, std::string_view text, const std::string &file,
                rapidjson::Document &doc, ContentProblem &problem);

// Reads `path` whole and parses its JSON like parse_json(), the strings
// decoded inside `text` (which `doc` then points into: keep `text` while
// `doc` is read). For the tools' big data files, whose strings would
// otherwise all be copied. On failure `problem` says what and where, as
// parse_json() does.
bool read_json_file(const ContentInput &in, const std::string &path, std::string &text, rapidjson::Document &doc,
                    ContentProblem &problem);

// Decodes standard base64 (whitespace ignored, padding optional), refusing
// input whose decoded size would pass `max_bytes`.
bool base64_decode(std::string_view text, std::uint64_t max_bytes, std::string &out, std::string &error);

// Inflates a zlib (or, with `raw`, a raw deflate) stream, stopping with an
// error as soon as the output would pass `max_bytes`.
bool inflate(std::string_view data, std::uint64_t max_bytes, std::string &out, std::string &error,
             bool raw = false);

// Decodes the JavaScript string literal whose opening quote (' or ") is at
// `text[at]`: \n \t \r \b \f \v \0 \' \" \\ \/ \xHH \uXXXX \u{...} (UTF-16
// surrogate pairs joined) and line continuations. `end` is set past the
// closing quote. Refuses a literal longer than `max_bytes`, and one that is
// not closed.
bool js_string(std::string_view text, std::size_t at, std::uint64_t max_bytes, std::string &out,
               std::size_t &end, std::string &error);

// The plain text of an HTML fragment (libxml2's HTML parser): tags dropped,
// entities decoded, whitespace runs folded to one space, trimmed. Text
// without '<' or '&' is only folded and trimmed.
std::string plain_text(std::string_view html);

// Where `path` starts a line, 1-based, for messages.
long line_at(std::string_view text, std::size_t offset);

// The folder part of a package path, with its trailing '/' ("" at the root).
std::string folder_of(std::string_view path);

// Package paths of the files a piece's data references.
//
// A reference is a string value (or an HTML src/href/poster/data attribute
// inside one) that resolves, relative to the tool's asset base folder, to a
// package path: it is kept when the package holds that file, or when it
// looks like a media or document file that is missing (a course in
// production has missing media; the core reports them). URLs, data: URIs,
// fragments and paths leaving the package are not references.
class AssetFinder {
public:
    // `bases`: folders (with trailing '/', or "") that the tool resolves
    // references against, tried in order.
    AssetFinder(const EntryIndex &index, std::vector<std::string> bases);

    // Adds the references in `value` (every string inside it) to `out`.
    void from_json(const rapidjson::Value &value, std::vector<std::string> &out) const;
    // Adds the references in an HTML text (attributes) to `out`.
    void from_html(std::string_view html, std::vector<std::string> &out) const;
    // Adds `ref` to `out` when it is a reference. Returns whether it was.
    bool add(std::string_view ref, std::vector<std::string> &out) const;

    ~AssetFinder();
    AssetFinder(const AssetFinder &) = delete;
    AssetFinder &operator=(const AssetFinder &) = delete;

private:
    struct HtmlParser;  // one libxml2 HTML parser, made on the first text and reused
    void from_string(std::string_view s, std::vector<std::string> &out) const;
    const EntryIndex &index_;
    std::vector<std::string> bases_;
    mutable std::unique_ptr<HtmlParser> html_;
};

// Appends `value` as compact JSON to `out`: a piece's own data
// (ContentPiece::data), whose digest the core puts in its fingerprint.
void append_json(const rapidjson::Value &value, std::string &out);

// append_json() of an object without the members named in `skip` (those
// that record the piece's place, not its content: a slide number, a file
// name numbered by position). A value that is not an object is appended
// whole.
void append_json_except(const rapidjson::Value &value, std::initializer_list<std::string_view> skip,
                        std::string &out);

// Whether a path (query and fragment aside) names an image, audio or video.
bool is_media(std::string_view path);

// The images, audio and video named by the quoted strings of a page or a
// script (ObjImage('images/a.png'), "bgImage":"images/bg.png", src="..."),
// added through `finder`. Each quote starts a candidate that ends at the
// next same quote on its line, at most 512 bytes on, so the work is linear
// in the text whatever its quotes.
void media_in_quotes(std::string_view text, const AssetFinder &finder, std::vector<std::string> &out);

// Sorts and deduplicates a piece's file list.
void sort_unique(std::vector<std::string> &paths);

}  // namespace coursecrew::content
