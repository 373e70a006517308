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

// One pass over pattern and text, with at most two places to resume from
// (no recursion, so a pattern of a million "**/" cannot exhaust the stack):
//  - the last "**/": on a mismatch after it, the rest of the pattern is tried
//    again one text segment further on;
//  - the last '*' of the current segment: on a mismatch, it takes one more
//    character, never a '/'.
// Dropping the older places is safe: a later "**/" can take any segments an
// earlier one could, and a '*' cannot reach past the next '/', so once a '/'
// is matched the text position after it is the same whatever the '*' took.
// Each pattern segment is matched against each text segment a bounded number
// of times, so the time is linear in pattern length times text length.
bool match(const char *pattern_begin, const char *pe, const char *t, const char *te) {
    const char *p = pattern_begin;
    const char *globstar_p = nullptr, *globstar_t = nullptr;  // after the last "**/"
    const char *star_p = nullptr, *star_t = nullptr;          // after the last '*'
    auto at_segment_start = [&](const char *q) { return q == pattern_begin || q[-1] == '/'; };
    for (;;) {
        if (p < pe) {
            // "**" as a whole segment spans any number of segments, none included.
            if (p[0] == '*' && p + 1 < pe && p[1] == '*' && at_segment_start(p) &&
                (p + 2 == pe || p[2] == '/')) {
                if (p + 2 == pe) return true;  // a trailing "**": everything below
                p += 3;                        // after "**/"
                globstar_p = p;
                globstar_t = t;
                star_p = nullptr;
                continue;
            }
            bool ok = false;
            switch (*p) {
            case '*':
                // Within one segment; "a**b" (not a whole segment) is one '*'.
                while (p < pe && *p == '*') ++p;
                star_p = p;
                star_t = t;
                continue;
            case '?':
                ok = t != te && *t != '/';
                if (ok) ++p;
                break;
            case '[': {
                const char *end = nullptr;
                bool hit = false;
                if (t < te && *t != '/' && match_class(p, pe, *t, end, hit)) {
                    ok = hit;
                    if (ok) p = end;
                } else if (t < te && *t != '/' && end == nullptr) {
                    ok = *t == '[';  // not a closed class: a literal '['
                    if (ok) ++p;
                }
                break;
            }
            case '\\':
                if (p + 1 < pe) ++p;  // the next character, literally
                [[fallthrough]];
            default:
                ok = t != te && *t == *p;
                if (ok) {
                    if (*t == '/') star_p = nullptr;  // see above: the '*' cannot change what follows
                    ++p;
                }
                break;
            }
            if (ok) {
                ++t;
                continue;
            }
        } else if (t == te) {
            return true;
        }
        // A mismatch: the last '*' takes one more character, else the rest
        // after the last "**/" starts one segment further on.
        if (star_p && star_t < te && *star_t != '/') {
            p = star_p;
            t = ++star_t;
            continue;
        }
        star_p = nullptr;
        if (!globstar_p) return false;
        globstar_t = std::find(globstar_t, te, '/');
        if (globstar_t == te) return false;
        p = globstar_p;
        t = ++globstar_t;
    }
}

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
    return match(pattern.data(), pattern.data() + pattern.size(), text.data(),
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
