#include "adapters/content/common/content_util.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "plugin/model/json_in.hpp"
#include "plugin/model/paths.hpp"
#include "plugin/roles/rolemap.hpp"

namespace coursecrew::content {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

void append_utf8(std::string &out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Reads `digits` hex digits at text[i]; -1 when they are not all hex.
long read_hex(std::string_view text, std::size_t i, std::size_t digits) {
    if (i + digits > text.size()) return -1;
    long v = 0;
    for (std::size_t k = 0; k < digits; ++k) {
        const int h = hex_value(text[i + k]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

std::string fold_spaces(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool space = false;
    for (char c : s) {
        // A no-break space (U+00A0, C2 A0) folds like a space.
        if (is_space(c)) {
            space = true;
            continue;
        }
        if (space && !out.empty()) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    std::string result;
    result.reserve(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] == '\xC2' && i + 1 < out.size() && out[i + 1] == '\xA0') {
            if (!result.empty() && result.back() != ' ') result.push_back(' ');
            ++i;
            continue;
        }
        result.push_back(out[i]);
    }
    while (!result.empty() && result.back() == ' ') result.pop_back();
    return result;
}

struct DocFree {
    void operator()(xmlDoc *d) const { xmlFreeDoc(d); }
};
using HtmlDoc = std::unique_ptr<xmlDoc, DocFree>;

HtmlDoc parse_html(std::string_view html) {
    if (html.size() > static_cast<std::size_t>(INT32_MAX)) return nullptr;
    return HtmlDoc(htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
                                  HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                      HTML_PARSE_COMPACT));
}

bool is_inline(const xmlChar *name) {
    static constexpr std::array<const char *, 17> kInline{"a",    "abbr", "b",     "bdi",  "cite", "code",
                                                         "em",   "font", "i",     "mark", "q",    "s",
                                                         "small", "span", "strong", "sub", "sup"};
    const char *n = reinterpret_cast<const char *>(name);
    return std::any_of(kInline.begin(), kInline.end(), [n](const char *k) { return std::strcmp(k, n) == 0; }) ||
           std::strcmp(n, "u") == 0;
}

// Text of a node tree, a space at each block boundary. Iterative: the
// parser limits the depth, but this walk does not rely on it.
void collect_text(xmlNode *root, std::string &out) {
    xmlNode *n = root;
    while (n) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content) out += reinterpret_cast<const char *>(n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            const bool skip = xmlStrEqual(n->name, BAD_CAST "script") || xmlStrEqual(n->name, BAD_CAST "style");
            if (!is_inline(n->name)) out.push_back(' ');
            if (n->children && !skip) {
                n = n->children;
                continue;
            }
        }
        while (n && !n->next) {
            n = n->parent;
            if (n == root || !n) return;
            if (n->type == XML_ELEMENT_NODE && !is_inline(n->name)) out.push_back(' ');
        }
        if (n == root) return;
        n = n->next;
    }
}

// Whether a string can be a file reference at all: short, no whitespace
// or markup, a name with an extension in its last segment.
bool looks_like_path(std::string_view s) {
    if (s.empty() || s.size() > 1024 || s.front() == '#') return false;
    std::size_t dot = std::string_view::npos;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (is_space(c) || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|') return false;
        if (c == '.') dot = i;
        else if (c == '/') dot = std::string_view::npos;
        else if (c == '?' || c == '#') break;
    }
    return dot != std::string_view::npos && dot + 1 < s.size() && dot > 0;
}

bool kind_worth_waiting_for(FileKind k) {
    return k == FileKind::Image || k == FileKind::Audio || k == FileKind::Video ||
           k == FileKind::Document || k == FileKind::Font || k == FileKind::Text;
}

}  // namespace

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

const rapidjson::Value *member(const rapidjson::Value &v, const char *name) {
    if (!v.IsObject()) return nullptr;
    const auto it = v.FindMember(name);
    return it == v.MemberEnd() ? nullptr : &it->value;
}

std::string_view string_member(const rapidjson::Value &v, const char *name) {
    const rapidjson::Value *m = member(v, name);
    return m && m->IsString() ? std::string_view(m->GetString(), m->GetStringLength()) : std::string_view();
}

bool find_root(const ContentInput &in, std::string_view layout, std::string &root) {
    for (const PackageEntry &e : in.source.entries()) {
        if (!path_ends_with(e.path, layout)) continue;
        root = e.path.substr(0, e.path.size() - layout.size());
        return true;
    }
    return false;
}

std::string read_head(const ContentInput &in, const std::string &path, std::size_t n) {
    std::string error;
    auto stream = in.source.open(path, error);
    if (!stream) return {};
    std::string out(n, '\0');
    std::size_t got = 0;
    while (got < n) {
        const long r = stream->read(reinterpret_cast<unsigned char *>(&out[got]), n - got);
        if (r <= 0) break;
        got += static_cast<std::size_t>(r);
    }
    out.resize(got);
    return out;
}

bool read_file(const ContentInput &in, const std::string &path, std::string &out, ContentProblem &problem) {
    std::string error;
    if (!in.source.read_all(path, in.limits.max_file_bytes, out, error)) {
        problem.file = path;
        problem.message = error;
        return false;
    }
    if (out.size() >= 3 && out.compare(0, 3, "\xEF\xBB\xBF") == 0) out.erase(0, 3);
    return true;
}

bool parse_json(const ContentInput &in, std::string_view text, const std::string &file,
                rapidjson::Document &doc, ContentProblem &problem) {
    JsonError error;
    const JsonLimits limits{in.limits.max_json_depth, static_cast<std::size_t>(in.limits.max_blob_bytes)};
    if (coursecrew::parse_json(text, limits, doc, error)) return true;
    problem.file = file;
    problem.line = static_cast<long>(error.line);
    problem.message = "its JSON is not valid: " + error.message;
    return false;
}

bool read_json_file(const ContentInput &in, const std::string &path, std::string &text, rapidjson::Document &doc,
                    ContentProblem &problem) {
    text.clear();
    // Room for the whole file at once: read_file appends chunk by chunk, and
    // regrowing a 10 MB file costs more than parsing it.
    if (const PackageEntry *e = in.index.find(path)) text.reserve(std::min(e->size, in.limits.max_file_bytes));
    if (!read_file(in, path, text, problem)) return false;
    const JsonLimits limits{in.limits.max_json_depth, static_cast<std::size_t>(in.limits.max_blob_bytes)};
    if (parse_json_in_place(text, limits, doc)) return true;
    // The text was changed in place: read it again for the error's place.
    text.clear();
    if (!read_file(in, path, text, problem)) return false;
    const bool ok = parse_json(in, text, path, doc, problem);
    text.clear();  // `doc` does not point into it
    return ok;
}

bool base64_decode(std::string_view text, std::uint64_t max_bytes, std::string &out, std::string &error) {
    std::string clean;
    clean.reserve(text.size());
    for (char c : text)
        if (!is_space(c)) clean.push_back(c);
    if (clean.size() / 4 * 3 > max_bytes) {
        error = "the base64 data would decode to about " + std::to_string(clean.size() / 4 * 3) +
                " bytes, more than the limit of " + std::to_string(max_bytes);
        return false;
    }
    std::size_t pad = 0;
    while (!clean.empty() && clean.back() == '=') {
        clean.pop_back();
        ++pad;
    }
    if (pad > 2 || clean.size() % 4 == 1) {
        error = "the base64 data is cut off or padded wrongly (" + std::to_string(clean.size()) + " characters)";
        return false;
    }
    pad = (4 - clean.size() % 4) % 4;
    clean.append(pad, '=');
    out.assign(clean.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                  reinterpret_cast<const unsigned char *>(clean.data()), static_cast<int>(clean.size()));
    if (n < 0) {
        error = "the data is not valid base64";
        out.clear();
        return false;
    }
    out.resize(static_cast<std::size_t>(n) - pad);
    return true;
}

bool inflate(std::string_view data, std::uint64_t max_bytes, std::string &out, std::string &error, bool raw) {
    z_stream z{};
    if (inflateInit2(&z, raw ? -MAX_WBITS : MAX_WBITS) != Z_OK) {
        error = "zlib cannot start";
        return false;
    }
    struct End {
        z_stream *z;
        ~End() { inflateEnd(z); }
    } end{&z};
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    z.avail_in = static_cast<uInt>(std::min<std::size_t>(data.size(), UINT32_MAX));
    out.clear();
    std::array<char, 64 * 1024> chunk{};
    for (;;) {
        z.next_out = reinterpret_cast<Bytef *>(chunk.data());
        z.avail_out = static_cast<uInt>(chunk.size());
        const int rc = ::inflate(&z, Z_NO_FLUSH);
        const std::size_t got = chunk.size() - z.avail_out;
        if (out.size() + got > max_bytes) {
            error = "the compressed data expands past the limit of " + std::to_string(max_bytes) + " bytes";
            out.clear();
            return false;
        }
        out.append(chunk.data(), got);
        if (rc == Z_STREAM_END) return true;
        if (rc == Z_BUF_ERROR && z.avail_in == 0) {
            error = "the compressed data ends half-way";
            out.clear();
            return false;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            error = std::string("the compressed data is damaged (") + (z.msg ? z.msg : "zlib error") + ")";
            out.clear();
            return false;
        }
    }
}

bool js_string(std::string_view text, std::size_t at, std::uint64_t max_bytes, std::string &out,
               std::size_t &end, std::string &error) {
    out.clear();
    if (at >= text.size() || (text[at] != '\'' && text[at] != '"' && text[at] != '`')) {
        error = "no string starts here";
        return false;
    }
    const char quote = text[at];
    std::uint32_t pending_high = 0;  // a UTF-16 high surrogate waiting for its pair
    auto flush = [&] {  // a high surrogate with no low one after it
        if (pending_high) append_utf8(out, 0xFFFD);
        pending_high = 0;
    };
    auto put = [&](std::uint32_t cp) {
        if (pending_high) {
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                append_utf8(out, 0x10000 + ((pending_high - 0xD800) << 10) + (cp - 0xDC00));
                pending_high = 0;
                return;
            }
            append_utf8(out, 0xFFFD);
            pending_high = 0;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) pending_high = cp;
        else if (cp >= 0xDC00 && cp <= 0xDFFF) append_utf8(out, 0xFFFD);
        else append_utf8(out, cp);
    };
    for (std::size_t i = at + 1; i < text.size(); ++i) {
        if (out.size() > max_bytes) {
            error = "the string is longer than the limit of " + std::to_string(max_bytes) + " bytes";
            return false;
        }
        const char c = text[i];
        if (c == quote) {
            flush();
            end = i + 1;
            return true;
        }
        if (c != '\\') {
            if ((c == '\n' || c == '\r') && quote != '`') break;  // a line break ends an unclosed string
            flush();
            out.push_back(c);
            continue;
        }
        if (++i >= text.size()) break;
        const char e = text[i];
        long v = -1;
        switch (e) {
        case 'n': put('\n'); break;
        case 't': put('\t'); break;
        case 'r': put('\r'); break;
        case 'b': put('\b'); break;
        case 'f': put('\f'); break;
        case 'v': put('\v'); break;
        case '0': put(0); break;
        case '\r':
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
            break;  // a line continuation adds nothing
        case '\n': break;
        case 'x':
            v = read_hex(text, i + 1, 2);
            if (v < 0) {
                error = "a \\x escape without two hex digits at byte " + std::to_string(i);
                return false;
            }
            put(static_cast<std::uint32_t>(v));
            i += 2;
            break;
        case 'u':
            if (i + 1 < text.size() && text[i + 1] == '{') {
                const std::size_t close = text.find('}', i + 2);
                if (close == std::string_view::npos || close - (i + 2) > 6 || close == i + 2) {
                    error = "a bad \\u{...} escape at byte " + std::to_string(i);
                    return false;
                }
                v = read_hex(text, i + 2, close - (i + 2));
                if (v < 0 || v > 0x10FFFF) {
                    error = "a bad \\u{...} escape at byte " + std::to_string(i);
                    return false;
                }
                put(static_cast<std::uint32_t>(v));
                i = close;
                break;
            }
            v = read_hex(text, i + 1, 4);
            if (v < 0) {
                error = "a \\u escape without four hex digits at byte " + std::to_string(i);
                return false;
            }
            put(static_cast<std::uint32_t>(v));
            i += 4;
            break;
        default:
            // \' \" \\ \/ and any other character stand for themselves.
            flush();
            out.push_back(e);
        }
    }
    error = "the string is not closed";
    return false;
}

std::string plain_text(std::string_view html) {
    if (html.find_first_of("<&") == std::string_view::npos) return fold_spaces(html);
    HtmlDoc doc = parse_html(html);
    if (!doc) return fold_spaces(html);
    std::string text;
    if (xmlNode *root = xmlDocGetRootElement(doc.get())) collect_text(root, text);
    return fold_spaces(text);
}

long line_at(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<long>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::string folder_of(std::string_view path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash + 1));
}

AssetFinder::AssetFinder(const EntryIndex &index, std::vector<std::string> bases)
    : index_(index), bases_(std::move(bases)) {
    if (bases_.empty()) bases_.emplace_back();
}

namespace {

// Whether a relative path is already in normal form, so that base + ref is
// the package path without resolve_href(): no scheme, query, fragment,
// percent-encoding, backslash, empty segment, "." or ".." segment. Most of
// a course's strings that look like paths are of this kind.
bool plain_relative(std::string_view ref) {
    if (ref.empty() || ref.front() == '/' || ref.back() == '/') return false;
    std::size_t segment = 0;  // where the current segment starts
    for (std::size_t i = 0; i <= ref.size(); ++i) {
        if (i == ref.size() || ref[i] == '/') {
            const std::string_view seg = ref.substr(segment, i - segment);
            if (seg.empty() || seg == "." || seg == "..") return false;
            segment = i + 1;
            continue;
        }
        const char c = ref[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

bool AssetFinder::add(std::string_view ref, std::vector<std::string> &out) const {
    if (!looks_like_path(ref) || has_url_scheme(ref) || ref.substr(0, 2) == "//") return false;
    const bool plain = plain_relative(ref);
    Diagnostics scratch(1);  // resolve_href's findings are about manifests; not reported here
    std::string first, path;
    for (const std::string &base : bases_) {
        if (plain) {
            path.assign(base).append(ref);
        } else {
            ResolvedHref r = resolve_href(base, "", ref, HrefSite{"", 0, "asset"}, scratch);
            if (!r.ok || r.is_url || r.path.empty()) return false;
            path = std::move(r.path);
        }
        if (path.size() > kMaxPathBytes) return false;  // no package file has so long a name
        if (index_.find(path)) {
            out.push_back(path);
            return true;
        }
        if (first.empty()) first = path;
    }
    if (kind_worth_waiting_for(file_kind(first))) {
        out.push_back(first);  // missing: the core reports it, the review shows who owes it
        return true;
    }
    return false;
}

void AssetFinder::from_string(std::string_view s, std::vector<std::string> &out) const {
    if (s.find('<') != std::string_view::npos && s.find('=') != std::string_view::npos) {
        from_html(s, out);
        return;
    }
    add(s, out);
}

void AssetFinder::from_json(const rapidjson::Value &value, std::vector<std::string> &out) const {
    // Depth-first with an explicit stack: the JSON was parsed under a depth
    // limit, and this walk keeps to the heap anyway.
    std::vector<const rapidjson::Value *> stack{&value};
    while (!stack.empty()) {
        const rapidjson::Value *v = stack.back();
        stack.pop_back();
        if (v->IsString()) {
            from_string(std::string_view(v->GetString(), v->GetStringLength()), out);
        } else if (v->IsArray()) {
            for (auto it = v->End(); it != v->Begin();) stack.push_back(&*--it);
        } else if (v->IsObject()) {
            for (auto it = v->MemberEnd(); it != v->MemberBegin();) stack.push_back(&(--it)->value);
        }
    }
}

namespace {

// What the SAX callback of from_html() needs.
struct HtmlRefs {
    const AssetFinder *finder = nullptr;
    std::vector<std::string> *out = nullptr;
};

// libxml2 calls this for each start tag with its attributes as (name, value)
// pairs: no tree is built, which is most of an HTML parse's cost.
void on_start_element(void *ctx, const xmlChar *, const xmlChar **attrs) {
    static constexpr std::array<const char *, 6> kAttrs{"src", "href", "poster", "data", "data-src", "background"};
    if (!attrs) return;
    auto *refs = static_cast<HtmlRefs *>(static_cast<htmlParserCtxtPtr>(ctx)->_private);
    for (const xmlChar **a = attrs; a[0]; a += 2) {
        const char *name = reinterpret_cast<const char *>(a[0]);
        if (!a[1] || std::none_of(kAttrs.begin(), kAttrs.end(), [name](const char *k) { return std::strcmp(k, name) == 0; }))
            continue;
        refs->finder->add(reinterpret_cast<const char *>(a[1]), *refs->out);
    }
}

}  // namespace

// A course has thousands of small HTML texts; setting up a parser costs more
// than parsing most of them, so one context serves them all (libxml2 resets
// it for each text and keeps its SAX handler and _private).
struct AssetFinder::HtmlParser {
    htmlParserCtxtPtr ctxt = nullptr;
    HtmlRefs refs;
    ~HtmlParser() {
        if (ctxt) htmlFreeParserCtxt(ctxt);
    }
};

AssetFinder::~AssetFinder() = default;

void AssetFinder::from_html(std::string_view html, std::vector<std::string> &out) const {
    if (html.empty() || html.size() > static_cast<std::size_t>(INT32_MAX)) return;
    if (!html_) {
        auto parser = std::make_unique<HtmlParser>();
        parser->ctxt = htmlNewParserCtxt();
        if (!parser->ctxt) return;
        // The context's own SAX handler is replaced by one that only sees start tags.
        htmlSAXHandler sax{};
        sax.startElement = on_start_element;
        std::memcpy(parser->ctxt->sax, &sax, sizeof(sax));
        parser->ctxt->_private = &parser->refs;
        html_ = std::move(parser);
    }
    html_->refs = HtmlRefs{this, &out};
    constexpr int kOptions = HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED;
    // The tools' texts are UTF-8 (checked when their JSON was parsed); left
    // to guess, libxml2 would read "café.png" as Latin-1. Naming the
    // encoding costs a conversion pass, which ASCII (most texts) does not
    // need. The handler builds no tree; were libxml2 to make a document, it
    // is freed.
    const bool ascii = std::all_of(html.begin(), html.end(), [](char c) { return (c & 0x80) == 0; });
    if (htmlDocPtr doc = htmlCtxtReadMemory(html_->ctxt, html.data(), static_cast<int>(html.size()), nullptr,
                                            ascii ? nullptr : "UTF-8", kOptions))
        xmlFreeDoc(doc);
}

bool is_media(std::string_view path) {
    const FileKind k = file_kind(path.substr(0, path.find_first_of("?#")));
    return k == FileKind::Image || k == FileKind::Audio || k == FileKind::Video;
}

void media_in_quotes(std::string_view text, const AssetFinder &finder, std::vector<std::string> &out) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char q = text[i];
        if (q != '\'' && q != '"') continue;
        std::size_t j = i + 1;
        const std::size_t stop = std::min(text.size(), i + 513);
        while (j < stop && text[j] != q && text[j] != '\n') ++j;
        if (j >= stop || text[j] != q) continue;
        const std::string_view raw = text.substr(i + 1, j - i - 1);
        if (!raw.empty() && is_media(raw)) {
            std::string s, error;
            std::size_t end = 0;
            if (js_string(text, i, 512, s, end, error)) finder.add(s, out);
        }
        i = j;  // the closing quote does not open another string
    }
}

void append_json(const rapidjson::Value &value, std::string &out) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    out.append(buffer.GetString(), buffer.GetSize());
}

void append_json_except(const rapidjson::Value &value, std::initializer_list<std::string_view> skip,
                        std::string &out) {
    if (!value.IsObject()) return append_json(value, out);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    for (const auto &m : value.GetObject()) {
        const std::string_view name(m.name.GetString(), m.name.GetStringLength());
        if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
        writer.Key(m.name.GetString(), m.name.GetStringLength());
        m.value.Accept(writer);
    }
    writer.EndObject();
    out.append(buffer.GetString(), buffer.GetSize());
}

void sort_unique(std::vector<std::string> &paths) {
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
}

}  // namespace coursecrew::content
