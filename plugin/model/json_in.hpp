// Parsing JSON that comes from outside the plugin: role maps, sync configs,
// options, ABI requests, LRS answers and the documents merged with them.
//
// RapidJSON's default parser recurses once per nesting level, so a file of a
// million '[' overflows the stack of the host's thread. Every such text is
// parsed here instead: without recursion (kParseIterativeFlag), refused above
// a size and a nesting depth, and with an error that says what and where
// (line, column, byte offset and the JSON pointer of the place).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace coursecrew {

struct JsonLimits {
    std::size_t max_depth;  // nested objects and arrays; the root container is depth 1
    std::size_t max_bytes;  // the whole text
};

// The limits, in one place. A role map is about 5 levels deep; an LRS
// document written by another tool may nest more, and may be large.
inline constexpr JsonLimits kLocalJsonLimits{64, std::size_t{16} << 20};    // role maps, configs, options, ABI requests
inline constexpr JsonLimits kRemoteJsonLimits{256, std::size_t{64} << 20};  // LRS answers and documents

struct JsonError {
    enum class Kind { None, TooLarge, TooDeep, Syntax };
    Kind kind = Kind::None;
    std::string message;  // "nested deeper than 64 levels at line 1, column 65 (byte 64), at /a/0/..."
    std::size_t offset = 0;
    std::size_t line = 0, column = 0;  // 1-based; 0 when the whole text is refused (too large)
    std::string pointer;               // TooDeep: the container refused ("/a/0/b")
    explicit operator bool() const { return !message.empty(); }
};

// Parses `text` into `doc`. On failure returns false, leaves `doc` null and
// fills `error` (it never throws for bad input).
bool parse_json(std::string_view text, const JsonLimits &limits, rapidjson::Document &doc,
                JsonError &error);
// The same, for callers that only need to know whether it worked.
bool parse_json(std::string_view text, const JsonLimits &limits, rapidjson::Document &doc);

// The same for a large text the caller keeps while it reads `doc`: strings
// are decoded inside `text` (RapidJSON's in-situ parse) and `doc` points into
// it, so no string is copied. Same limits and checks. On failure `text` is
// changed and no error is given: parse the original with parse_json() for
// the error's line and column (failures are rare; the copy is not).
bool parse_json_in_place(std::string &text, const JsonLimits &limits, rapidjson::Document &doc);

}  // namespace coursecrew
