// Globs over '/'-separated paths and identifiers, and file kinds by
// extension. Both run for every file of a big course, so neither allocates.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "plugin/roles/rolemap.hpp"

namespace coursecrew {

namespace {

// ---------------------------------------------------------------- globs

// Matches one bracket expression ("[abc]", "[a-z]", "[!x]", "[^x]", "[]a]")
// starting at p[0] == '['. Returns false when the expression is not closed,
// so that the caller reads '[' as a literal, as fnmatch does. On success
// `end` points past the closing ']' and `hit` says whether `c` is in the set.
bool match_class(const char *p, const char *pe, char c, const char *&end, bool &hit) {
    const char *q = p + 1;
    bool negate = false;
    if (q < pe && (*q == '!' || *q == '^')) {
        negate = true;
        ++q;
    }
    bool in = false;
    bool first = true;
    for (; q < pe; first = false) {
        if (*q == ']' && !first) {
            end = q + 1;
            hit = in != negate;
            return true;
        }
        char lo = *q;
        if (lo == '\\' && q + 1 < pe) lo = *++q;
        ++q;
        char hi = lo;
        if (q + 1 < pe && *q == '-' && q[1] != ']') {
            hi = q[1];
            if (hi == '\\' && q + 2 < pe) {
                hi = q[2];
                ++q;
            }
            q += 2;
        }
        if (static_cast<unsigned char>(c) >= static_cast<unsigned char>(lo) &&
            static_cast<unsigned char>(c) <= static_cast<unsigned char>(hi))
            in = true;
    }
    return false;
}

struct Matcher {
    const char *pattern_begin;  // to know whether "**" starts a segment

    bool at_segment_start(const char *p) const { return p == pattern_begin || p[-1] == '/'; }

    bool match(const char *p, const char *pe, const char *t, const char *te) const {
        while (p < pe) {
            // "**" as a whole segment spans any number of segments, none included.
            if (p[0] == '*' && p + 1 < pe && p[1] == '*' && at_segment_start(p) &&
                (p + 2 == pe || p[2] == '/')) {
                if (p + 2 == pe) return true;  // a trailing "**": everything below
                const char *rest = p + 3;      // after "**/"
                for (const char *s = t;;) {
                    if (match(rest, pe, s, te)) return true;
                    s = std::find(s, te, '/');
                    if (s == te) return false;
                    ++s;
                }
            }
            switch (*p) {
            case '*': {
                // Within one segment; "a**b" (not a whole segment) is one '*'.
                while (p < pe && *p == '*') ++p;
                for (const char *s = t;; ++s) {
                    if (match(p, pe, s, te)) return true;
                    if (s == te || *s == '/') return false;
                }
            }
            case '?':
                if (t == te || *t == '/') return false;
                ++p;
                ++t;
                continue;
            case '[': {
                const char *end = nullptr;
                bool hit = false;
                if (t < te && *t != '/' && match_class(p, pe, *t, end, hit)) {
                    if (!hit) return false;
                    p = end;
                    ++t;
                    continue;
                }
                if (t < te && *t != '/' && end == nullptr) {
                    // Not a closed class: a literal '['.
                    if (*t != '[') return false;
                    ++p;
                    ++t;
                    continue;
                }
                return false;
            }
            case '\\':
                if (p + 1 < pe) ++p;  // the next character, literally
                [[fallthrough]];
            default:
                if (t == te || *t != *p) return false;
                ++p;
                ++t;
                continue;
            }
        }
        return t == te;
    }
};

// ---------------------------------------------------------------- kinds

// An extension of up to 8 characters, lower-cased and packed into an integer,
// so that the lookup is a binary search over integers.
constexpr std::uint64_t pack(std::string_view ext) {
    std::uint64_t v = 0;
    for (char c : ext) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        v = (v << 8) | static_cast<unsigned char>(c);
    }
    return v;
}

constexpr std::pair<std::string_view, FileKind> kExtensions[] = {
    {"html", FileKind::Text},     {"htm", FileKind::Text},      {"xhtml", FileKind::Text},
    {"txt", FileKind::Text},      {"md", FileKind::Text},       {"rtf", FileKind::Text},
    {"png", FileKind::Image},     {"jpg", FileKind::Image},     {"jpeg", FileKind::Image},
    {"gif", FileKind::Image},     {"svg", FileKind::Image},     {"webp", FileKind::Image},
    {"bmp", FileKind::Image},     {"ico", FileKind::Image},     {"tif", FileKind::Image},
    {"tiff", FileKind::Image},    {"mp3", FileKind::Audio},     {"wav", FileKind::Audio},
    {"ogg", FileKind::Audio},     {"oga", FileKind::Audio},     {"m4a", FileKind::Audio},
    {"aac", FileKind::Audio},     {"flac", FileKind::Audio},    {"mp4", FileKind::Video},
    {"webm", FileKind::Video},    {"ogv", FileKind::Video},     {"mov", FileKind::Video},
    {"avi", FileKind::Video},     {"m4v", FileKind::Video},     {"mkv", FileKind::Video},
    {"woff", FileKind::Font},     {"woff2", FileKind::Font},    {"ttf", FileKind::Font},
    {"otf", FileKind::Font},      {"eot", FileKind::Font},      {"js", FileKind::Script},
    {"mjs", FileKind::Script},    {"css", FileKind::Style},     {"scss", FileKind::Style},
    {"less", FileKind::Style},    {"pdf", FileKind::Document},  {"doc", FileKind::Document},
    {"docx", FileKind::Document}, {"ppt", FileKind::Document},  {"pptx", FileKind::Document},
    {"xls", FileKind::Document},  {"xlsx", FileKind::Document}, {"odt", FileKind::Document},
    {"odp", FileKind::Document},  {"ods", FileKind::Document},  {"epub", FileKind::Document},
    {"json", FileKind::Data},     {"xml", FileKind::Data},      {"csv", FileKind::Data},
    {"xsd", FileKind::Data},      {"yaml", FileKind::Data},     {"yml", FileKind::Data},
    {"vtt", FileKind::Data},      {"srt", FileKind::Data},
};
constexpr std::size_t kLongestExtension = 5;

// The extensions in an open-addressing hash table keyed by their packed
// bytes: file_kind runs once per file of a 200,000-file course.
class KindTable {
public:
    constexpr KindTable() {
        for (const auto &[ext, kind] : kExtensions) {
            std::size_t i = slot(pack(ext));
            while (keys_[i]) i = (i + 1) % kSlots;
            keys_[i] = pack(ext);
            kinds_[i] = kind;
        }
    }
    constexpr FileKind find(std::uint64_t key) const {
        for (std::size_t i = slot(key); keys_[i]; i = (i + 1) % kSlots)
            if (keys_[i] == key) return kinds_[i];
        return FileKind::Other;
    }

private:
    static constexpr std::size_t kSlots = 256;  // a quarter full: probes are short
    static constexpr std::size_t slot(std::uint64_t key) {
        return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 56);
    }
    std::array<std::uint64_t, kSlots> keys_{};
    std::array<FileKind, kSlots> kinds_{};
};

// Built at compile time: no static initialisation order to worry about.
constexpr KindTable kKinds;

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
    Matcher m{pattern.data()};
    return m.match(pattern.data(), pattern.data() + pattern.size(), text.data(),
                   text.data() + text.size());
}

const char *to_string(FileKind k) {
    switch (k) {
    case FileKind::Text: return "text";
    case FileKind::Image: return "image";
    case FileKind::Audio: return "audio";
    case FileKind::Video: return "video";
    case FileKind::Font: return "font";
    case FileKind::Script: return "script";
    case FileKind::Style: return "style";
    case FileKind::Document: return "document";
    case FileKind::Data: return "data";
    case FileKind::Other: break;
    }
    return "other";
}

bool parse_file_kind(std::string_view s, FileKind &out) {
    static constexpr FileKind kAll[] = {FileKind::Text,   FileKind::Image,    FileKind::Audio,
                                        FileKind::Video,  FileKind::Font,     FileKind::Script,
                                        FileKind::Style,  FileKind::Document, FileKind::Data,
                                        FileKind::Other};
    for (FileKind k : kAll)
        if (s == to_string(k)) {
            out = k;
            return true;
        }
    return false;
}

FileKind file_kind(std::string_view path) {
    // The extension of the last segment, found from the end: "a.b/c" has
    // none, and ".htaccess" is a name, not an extension.
    const std::size_t size = path.size();
    const std::size_t stop = size > kLongestExtension + 1 ? size - kLongestExtension - 1 : 0;
    std::size_t i = size;
    while (i > stop && path[i - 1] != '.' && path[i - 1] != '/') --i;
    if (i == 0 || i == size || path[i - 1] != '.') return FileKind::Other;
    if (i == 1 || path[i - 2] == '/') return FileKind::Other;  // ".htaccess"
    return kKinds.find(pack(path.substr(i)));
}

}  // namespace coursecrew
