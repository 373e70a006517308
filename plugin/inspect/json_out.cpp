// The inspect JSON document (schemas/inspect.schema.json), written in one
// pass with RapidJSON's streaming writer.
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include "coursecrew/coursecrew.h"
#include "plugin/model/utf8.hpp"
#include "plugin/inspect/inspect.hpp"
#include "plugin/model/big_alloc.hpp"

namespace coursecrew {

namespace {

// RapidJSON output stream, in one of two ways:
// - into one buffer from big::text_allocate, handed to the host whole (a big
//   document gets huge pages; the host frees it with free_string). The
//   document is written once, straight into the memory the host will own;
// - into a 64 KiB buffer handed to the host's write function each time it
//   fills (ABI inspect_write), so the document never sits in memory whole.
// PutReserve/PutUnsafe below let the writer skip a capacity check per byte.
class JsonOut {
public:
    using Ch = char;
    static constexpr std::size_t kPiece = 64 * 1024;

    explicit JsonOut(std::size_t initial) { grow(initial); }
    JsonOut(coursecrew_write_fn write, void *user_data) : write_(write), user_data_(user_data) {
        grow(kPiece);
    }
    ~JsonOut() { big::text_free(data_); }
    JsonOut(const JsonOut &) = delete;
    JsonOut &operator=(const JsonOut &) = delete;

    void reserve(std::size_t more) {
        if (size_ + more <= capacity_) return;
        if (write_) {
            Flush();
            if (more > capacity_) grow(more);
        } else {
            grow(std::max(capacity_ * 2, size_ + more));
        }
    }
    void put_unsafe(char c) { data_[size_++] = c; }
    void Put(char c) {
        reserve(1);
        put_unsafe(c);
    }
    // Hands what is buffered to the write function (when there is one).
    // After it asked to stop, the rest is dropped.
    void Flush() {
        if (!write_) return;
        if (size_ > 0 && !stopped_ && write_(user_data_, data_, size_) != 0) stopped_ = true;
        size_ = 0;
    }
    bool stopped() const { return stopped_; }
    // Hands the NUL-terminated text to the caller (big::text_free it).
    char *release(std::size_t *size) {
        reserve(1);
        data_[size_] = '\0';
        if (size) *size = size_;
        char *out = data_;
        data_ = nullptr;
        size_ = capacity_ = 0;
        return out;
    }

private:
    void grow(std::size_t capacity) {
        data_ = big::text_reallocate(data_, size_, capacity);
        capacity_ = capacity;
    }
    coursecrew_write_fn write_ = nullptr;
    void *user_data_ = nullptr;
    bool stopped_ = false;
    char *data_ = nullptr;
    std::size_t size_ = 0, capacity_ = 0;
};

}  // namespace
}  // namespace coursecrew

namespace rapidjson {
template <>
inline void PutReserve(coursecrew::JsonOut &out, std::size_t count) {
    out.reserve(count);
}
template <>
inline void PutUnsafe(coursecrew::JsonOut &out, char c) {
    out.put_unsafe(c);
}
}  // namespace rapidjson

namespace coursecrew {
namespace {

using Writer = rapidjson::Writer<JsonOut>;

void key(Writer &w, const char *k) { w.Key(k); }
// Strings reach the JSON from the package (file names from a folder or a
// zip, manifest text): a byte that is not UTF-8 is written as the text
// "\xHH" (as zip_source's printable() does), so the document stays valid.
void str(Writer &w, std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t n = utf8_sequence(s, i);
        if (n == 0) break;
        i += n;
    }
    if (i == s.size()) {
        w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
        return;
    }
    std::string out(s.substr(0, i));
    while (i < s.size()) {
        const std::size_t n = utf8_sequence(s, i);
        if (n == 0) {
            static const char hex[] = "0123456789ABCDEF";
            const auto b = static_cast<unsigned char>(s[i]);
            out += "\\x";
            out += hex[b >> 4];
            out += hex[b & 0xF];
            ++i;
        } else {
            out.append(s, i, n);
            i += n;
        }
    }
    w.String(out.data(), static_cast<rapidjson::SizeType>(out.size()));
}
void str_or_null(Writer &w, const std::string &s) {
    if (s.empty()) w.Null();
    else str(w, s);
}
void u64(Writer &w, std::uint64_t v) { w.Uint64(v); }

void lang_text(Writer &w, const LangText &t) {
    w.StartArray();
    for (const auto &[lang, text] : t.values) {
        w.StartObject();
        key(w, "lang");
        str_or_null(w, lang);
        key(w, "text");
        str(w, text);
        w.EndObject();
    }
    w.EndArray();
}

// Only what the reader found: a fact absent from the object is false / none.
void facts(Writer &w, const StructureFacts &f) {
    w.StartObject();
    if (f.has_sequencing) {
        key(w, "sequencing");
        w.Bool(true);
    }
    if (!f.sequencing_idref.empty()) {
        key(w, "sequencing_idref");
        str(w, f.sequencing_idref);
    }
    if (f.sequencing_rules) {
        key(w, "sequencing_rules");
        w.Int(f.sequencing_rules);
    }
    if (f.objectives) {
        key(w, "objectives");
        w.Int(f.objectives);
    }
    if (f.has_interactions) {
        key(w, "interactions");
        w.Bool(true);
    }
    if (f.is_question) {
        key(w, "question");
        w.Bool(true);
    }
    if (f.has_media) {
        key(w, "media");
        w.Bool(true);
    }
    if (f.has_text) {
        key(w, "text");
        w.Bool(true);
    }
    if (f.mastery_score) {
        key(w, "mastery_score");
        w.Double(*f.mastery_score);
    }
    if (f.completion_threshold) {
        key(w, "completion_threshold");
        w.Double(*f.completion_threshold);
    }
    if (f.has_presentation) {
        key(w, "presentation");
        w.Bool(true);
    }
    if (!f.prerequisites.empty()) {
        key(w, "prerequisites");
        str(w, f.prerequisites);
    }
    w.EndObject();
}

// An authoring tool's module or piece: its type and where in the tool's
// data it was read from.
void origin(Writer &w, const ContentOrigin &o) {
    if (o.file.empty()) return;
    key(w, "type");
    str(w, o.type);
    key(w, "source");
    w.StartObject();
    key(w, "file");
    str(w, o.file);
    key(w, "at");
    str_or_null(w, o.at);
    w.EndObject();
}

void piece(Writer &w, const Course &c, std::uint32_t index, const InspectOptions &opt) {
    const Item &it = c.items[index];
    w.StartObject();
    key(w, "id");
    str(w, it.id);
    key(w, "title");
    str(w, it.title.primary());
    key(w, "kind");
    w.String(to_string(it.kind));
    origin(w, it.details().origin);
    key(w, "line");
    w.Int64(it.line);
    const Resource *r = it.resource != kNone ? &c.resources[it.resource] : nullptr;
    key(w, "resource");
    if (r) str(w, r->id);
    else w.Null();
    key(w, "launch");
    if (r && r->launch_is_url) str(w, r->href);
    else if (r && !r->launch_path.empty()) str(w, r->launch_path);
    else w.Null();
    key(w, "launch_present");
    w.Bool(r && (r->launch_is_url || r->launch_present));
    std::string params = it.details().parameters;
    if (r && !r->launch_query.empty()) params = std::string(r->launch_query) + (params.empty() ? "" : "&" + params);
    if (!params.empty()) {
        key(w, "parameters");
        str(w, params);
    }
    if (r && !r->scorm_type.empty()) {
        key(w, "scorm_type");
        str(w, r->scorm_type);
    }
    if (!it.details().activity_type.empty()) {
        key(w, "activity_type");
        str(w, it.details().activity_type);
    }
    if (!it.details().move_on.empty()) {
        key(w, "move_on");
        str(w, it.details().move_on);
    }
    if (!it.details().launch_method.empty()) {
        key(w, "launch_method");
        str(w, it.details().launch_method);
    }
    if (!it.visible) {
        key(w, "visible");
        w.Bool(false);
    }
    const std::vector<std::uint32_t> files = c.piece_files(index);
    std::uint64_t bytes = 0;
    std::size_t missing = 0;
    for (std::uint32_t f : files) {
        if (c.files[f].present) bytes += c.files[f].size;
        else ++missing;
    }
    key(w, "file_count");
    u64(w, files.size());
    key(w, "missing_files");
    u64(w, missing);
    key(w, "bytes");
    u64(w, bytes);
    key(w, "fingerprint");
    str_or_null(w, c.piece_fingerprint(files, it.details().data_digest));
    key(w, "facts");
    facts(w, it.details().facts);
    if (!it.details().metadata.keywords.empty()) {
        key(w, "keywords");
        w.StartArray();
        for (const auto &k : it.details().metadata.keywords) str(w, k);
        w.EndArray();
    }
    if (opt.list_files) {
        key(w, "files");
        w.StartArray();
        for (std::uint32_t fi : files) {
            const File &f = c.files[fi];
            w.StartObject();
            key(w, "path");
            str(w, f.path());
            key(w, "present");
            w.Bool(f.present);
            key(w, "size");
            u64(w, f.size);
            key(w, "sha256");
            if (f.digest != kNone) str(w, c.digests[f.digest].view());
            else w.Null();
            w.EndObject();
        }
        w.EndArray();
    }
    w.EndObject();
}

void counts(Writer &w, const Course &c) {
    const Counts &k = c.counts;
    w.StartObject();
    switch (c.format) {
    case Format::Cmi5:
        key(w, "aus"); u64(w, k.aus);
        key(w, "blocks"); u64(w, k.blocks);
        break;
    case Format::Tincan:
        key(w, "activities"); u64(w, k.activities);
        break;
    default:
        key(w, "organizations"); u64(w, k.organizations);
        key(w, "items"); u64(w, k.items);
        key(w, "leaf_items"); u64(w, k.leaf_items);
        key(w, "resources"); u64(w, k.resources);
        key(w, "files"); u64(w, k.files);
        break;
    }
    key(w, "modules"); u64(w, k.modules);
    key(w, "pieces"); u64(w, k.pieces);
    key(w, "package_files"); u64(w, k.package_files);
    w.EndObject();
}

void write_document(Writer &w, const Inspection &in, const InspectOptions &opt) {
    const Course &c = in.course;
    w.StartObject();
    key(w, "coursecrew");
    w.String(COURSECREW_VERSION_STRING);
    key(w, "package");
    str(w, in.package);
    key(w, "manifest");
    str_or_null(w, c.manifest_path);
    key(w, "format");
    if (c.format == Format::Unknown) w.Null();
    else w.String(to_string(c.format));
    key(w, "edition");
    str_or_null(w, c.edition);
    key(w, "schema_version");
    str_or_null(w, c.schema_version);
    key(w, "identifier");
    str_or_null(w, c.identifier);
    key(w, "title");
    str_or_null(w, c.title.primary());
    key(w, "titles");
    lang_text(w, c.title);
    key(w, "description");
    str_or_null(w, c.description.primary());
    key(w, "version");
    str_or_null(w, c.version);
    key(w, "keywords");
    w.StartArray();
    for (const auto &k : c.metadata.keywords) str(w, k);
    w.EndArray();
    key(w, "usable");
    w.Bool(in.usable());
    key(w, "counts");
    counts(w, c);
    key(w, "course_shell");
    {
        std::uint64_t bytes = 0;
        std::size_t missing = 0;
        for (std::uint32_t f : c.shell) {
            if (c.files[f].present) bytes += c.files[f].size;
            else ++missing;
        }
        w.StartObject();
        key(w, "file_count");
        u64(w, c.shell.size());
        key(w, "missing_files");
        u64(w, missing);
        key(w, "bytes");
        u64(w, bytes);
        if (opt.list_files) {
            key(w, "files");
            w.StartArray();
            for (std::uint32_t f : c.shell) str(w, c.files[f].path());
            w.EndArray();
        }
        w.EndObject();
    }
    key(w, "content_model");
    if (c.content.present()) {
        w.StartObject();
        key(w, "tool");
        str(w, c.content.tool);
        key(w, "version");
        str_or_null(w, c.content.version);
        key(w, "source");
        str(w, c.content.source);
        w.EndObject();
    } else {
        w.Null();
    }

    key(w, "organizations");
    w.StartArray();
    for (std::uint32_t o : c.organizations) {
        w.StartObject();
        key(w, "id");
        str(w, c.items[o].id);
        key(w, "title");
        str(w, c.items[o].title.primary());
        key(w, "default");
        w.Bool(o == c.default_org);
        w.EndObject();
    }
    w.EndArray();

    key(w, "modules");
    w.StartArray();
    for (std::uint32_t m : c.modules) {
        const Item &it = c.items[m];
        w.StartObject();
        key(w, "id");
        str(w, it.id);
        key(w, "title");
        str(w, it.title.primary());
        key(w, "titles");
        lang_text(w, it.title);
        key(w, "kind");
        w.String(to_string(it.kind));
        origin(w, it.details().origin);
        key(w, "pieces");
        w.StartArray();
        for (std::uint32_t p : c.pieces_under(m)) piece(w, c, p, opt);
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();

    key(w, "diagnostics");
    w.StartArray();
    for (const Diagnostic &d : in.diags.items()) {
        w.StartObject();
        key(w, "severity");
        w.String(to_string(d.severity));
        key(w, "code");
        str(w, d.code);
        key(w, "message");
        str(w, d.message);
        key(w, "file");
        str_or_null(w, d.file);
        key(w, "line");
        if (d.line > 0) w.Int64(d.line);
        else w.Null();
        key(w, "column");
        if (d.column > 0) w.Int64(d.column);
        else w.Null();
        w.EndObject();
    }
    w.EndArray();
    key(w, "summary");
    w.StartObject();
    key(w, "errors");
    u64(w, in.diags.error_count());
    key(w, "warnings");
    u64(w, in.diags.warning_count());
    w.EndObject();
    w.EndObject();
}

}  // namespace

char *to_json_malloc(const Inspection &in, const InspectOptions &opt, std::size_t *size) {
    JsonOut out(4096 + in.course.items.size() * 256);
    Writer w(out);
    write_document(w, in, opt);
    return out.release(size);
}

bool write_json(const Inspection &in, const InspectOptions &opt, coursecrew_write_fn write,
                void *user_data) {
    JsonOut out(write, user_data);
    Writer w(out);
    write_document(w, in, opt);
    out.Flush();
    return !out.stopped();
}

std::string to_json(const Inspection &in, const InspectOptions &opt) {
    std::size_t size = 0;
    std::unique_ptr<char, decltype(&big::text_free)> text(to_json_malloc(in, opt, &size), &big::text_free);
    return std::string(text.get(), size);
}

}  // namespace coursecrew
