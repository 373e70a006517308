// See json_in.hpp.
#include "plugin/model/json_in.hpp"
#include "plugin/model/diagnostics.hpp"
#include "plugin/model/utf8.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace coursecrew {

namespace {

// One open object or array, to say where an error is as a JSON pointer.
struct Frame {
    bool array = false;
    bool has_current = false;  // a member or element has started
    std::size_t next_index = 0;
    std::size_t current_index = 0;
    std::string key;  // the current member's name (objects)
};

// Forwards the reader's events to the document, counting the depth of open
// containers and refusing one more than the limit. The reader then stops with
// kParseErrorTermination; the document is left null.
class DepthLimited {
public:
    // `named_places`: keep each member's name, for pointer() (a copy per
    // key; a caller that gives no error message goes without).
    DepthLimited(rapidjson::Document &doc, std::size_t max_depth, bool named_places = true)
        : doc_(doc), max_depth_(max_depth), named_places_(named_places) {}

    bool Null() { return value() && doc_.Null(); }
    bool Bool(bool b) { return value() && doc_.Bool(b); }
    bool Int(int i) { return value() && doc_.Int(i); }
    bool Uint(unsigned u) { return value() && doc_.Uint(u); }
    bool Int64(std::int64_t i) { return value() && doc_.Int64(i); }
    bool Uint64(std::uint64_t u) { return value() && doc_.Uint64(u); }
    bool Double(double d) { return value() && doc_.Double(d); }
    bool RawNumber(const char *s, rapidjson::SizeType n, bool copy) { return value() && doc_.RawNumber(s, n, copy); }
    bool String(const char *s, rapidjson::SizeType n, bool copy) { return value() && doc_.String(s, n, copy); }
    bool Key(const char *s, rapidjson::SizeType n, bool copy) {
        Frame &f = frames_.back();
        if (named_places_) f.key.assign(s, n);
        f.has_current = false;  // until its value starts
        return doc_.Key(s, n, copy);
    }
    bool StartObject() { return open(false) && doc_.StartObject(); }
    bool StartArray() { return open(true) && doc_.StartArray(); }
    bool EndObject(rapidjson::SizeType n) {
        frames_.pop_back();
        return doc_.EndObject(n);
    }
    bool EndArray(rapidjson::SizeType n) {
        frames_.pop_back();
        return doc_.EndArray(n);
    }

    bool too_deep() const { return too_deep_; }

    // The JSON pointer of the value being read when the parse stopped.
    std::string pointer() const {
        std::string out;
        for (const Frame &f : frames_) {
            if (!f.has_current) break;
            out += '/';
            if (f.array) {
                out += std::to_string(f.current_index);
                continue;
            }
            for (char c : f.key) {  // RFC 6901 escapes
                if (c == '~') out += "~0";
                else if (c == '/') out += "~1";
                else out += c;
            }
        }
        return out;
    }

private:
    // A value starts: inside an array it takes the next index; inside an
    // object its key was just read.
    bool value() {
        if (frames_.empty()) return true;
        Frame &f = frames_.back();
        if (f.array) f.current_index = f.next_index++;
        f.has_current = true;
        return true;
    }

    bool open(bool array) {
        value();
        if (frames_.size() >= max_depth_) {
            too_deep_ = true;
            return false;
        }
        frames_.push_back(Frame{array, false, 0, 0, {}});
        return true;
    }

    rapidjson::Document &doc_;
    std::size_t max_depth_;
    bool named_places_;
    std::vector<Frame> frames_;  // at most max_depth_ of them
    bool too_deep_ = false;
};

// 1-based line and column (in bytes) of a byte offset.
void locate(std::string_view text, std::size_t offset, std::size_t &line, std::size_t &column) {
    line = 1;
    column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
}

// Whether all of `text` is well-formed UTF-8: 32 or 8 ASCII bytes at a time,
// utf8_sequence() for the rest. Much cheaper than RapidJSON's check of every
// string character (kParseValidateEncodingFlag), which a 10 MB course file
// would otherwise pay for in full.
bool valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.size() - i >= 32) {  // four words at once: most of a course's text is ASCII
            std::uint64_t w[4];
            std::memcpy(w, text.data() + i, 32);
            if (((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ull) == 0) {
                i += 32;
                continue;
            }
        }
        if (text.size() - i >= 8) {
            std::uint64_t word;
            std::memcpy(&word, text.data() + i, 8);
            if ((word & 0x8080808080808080ull) == 0) {
                i += 8;
                continue;
            }
        }
        const std::size_t n = utf8_sequence(text, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

// Fills `error` for a parse that stopped at `result`.
void describe(std::string_view text, const JsonLimits &limits, const rapidjson::ParseResult &result, bool too_deep,
              const std::string &pointer, JsonError &error) {
    error.offset = result.Offset();
    error.pointer = pointer;
    locate(text, error.offset, error.line, error.column);
    std::string what;
    error.kind = too_deep ? JsonError::Kind::TooDeep : JsonError::Kind::Syntax;
    if (too_deep) {
        what = "nested deeper than " + std::to_string(limits.max_depth) + " levels";
    } else {
        what = "not valid JSON: ";
        what += rapidjson::GetParseError_En(result.Code());
        if (what.back() == '.') what.pop_back();
    }
    error.message = what + " at line " + std::to_string(error.line) + ", column " +
                    std::to_string(error.column) + " (byte " + std::to_string(error.offset) + ")";
    if (!pointer.empty()) error.message += ", at " + pointer;
}

bool too_large(std::string_view text, const JsonLimits &limits, JsonError &error) {
    // Checked before reading anything: a 1 GB answer is refused at once.
    if (text.size() <= limits.max_bytes) return false;
    error.kind = JsonError::Kind::TooLarge;
    error.message = "too large: " + group_thousands(text.size()) + " bytes, over the limit of " +
                    group_thousands(limits.max_bytes) + " bytes";
    return true;
}

}  // namespace

bool parse_json(std::string_view text, const JsonLimits &limits, rapidjson::Document &doc,
                JsonError &error) {
    error = JsonError{};
    doc.SetNull();
    if (too_large(text, limits, error)) return false;

    rapidjson::ParseResult result;
    std::string pointer;
    bool too_deep = false;
    // Strings must be valid UTF-8: they end up in the store, in JSON we
    // write and in statements an LRS would refuse. A text checked whole
    // beforehand needs no check per string; one that fails the check is
    // parsed with RapidJSON's own check, for its error and place.
    const bool checked = valid_utf8(text);
    auto generate = [&](rapidjson::Document &target) {
        DepthLimited handler(target, limits.max_depth);
        rapidjson::MemoryStream ms(text.data(), text.size());
        rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(ms);
        rapidjson::Reader reader;
        // Iterative: the reader's own stack lives on the heap, whatever the depth.
        constexpr unsigned kIterative = rapidjson::kParseIterativeFlag;
        result = checked ? reader.Parse<kIterative>(in, handler)
                         : reader.Parse<kIterative | rapidjson::kParseValidateEncodingFlag>(in, handler);
        // Where a syntax error is, line and column say; the pointer would
        // only name the last value that started.
        if (result.IsError() && handler.too_deep()) {
            too_deep = true;
            pointer = handler.pointer();
        }
        return !result.IsError();
    };
    doc.Populate(generate);
    if (!result.IsError()) return true;
    doc.SetNull();
    describe(text, limits, result, too_deep, pointer, error);
    return false;
}

bool parse_json_in_place(std::string &text, const JsonLimits &limits, rapidjson::Document &doc) {
    doc.SetNull();
    JsonError ignored;
    if (too_large(text, limits, ignored) || !valid_utf8(text)) return false;
    bool ok = false;
    auto generate = [&](rapidjson::Document &target) {
        DepthLimited handler(target, limits.max_depth, false);  // no error message here
        const std::size_t bom = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // as parse_json skips it
        rapidjson::InsituStringStream in(text.data() + bom);
        rapidjson::Reader reader;
        constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseInsituFlag;
        // The stream stops at the first NUL: one inside the text (not the
        // string's own terminator) would hide what follows it.
        ok = !reader.Parse<kFlags>(in, handler).IsError() && bom + in.Tell() == text.size();
        return ok;
    };
    doc.Populate(generate);
    if (!ok) doc.SetNull();
    return ok;
}

bool parse_json(std::string_view text, const JsonLimits &limits, rapidjson::Document &doc) {
    JsonError ignored;
    return parse_json(text, limits, doc, ignored);
}

}  // namespace coursecrew
