// A safe, streaming pull parser over libxml2 (its SAX2 push parser), shaped for
// manifest readers: start/end/text events, attributes by local name, line
// numbers, and the safety rules every manifest read obeys:
//   - no network, no DTD loading, no entity substitution;
//   - a document that declares entities (XXE, "billion laughs") is refused;
//   - size and nesting depth are bounded (PackageLimits).
// Problems become diagnostics (xml.*) with file, line and column.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/model/diagnostics.hpp"
#include "plugin/model/package.hpp"

typedef struct _xmlParserCtxt xmlParserCtxt;
typedef unsigned char xmlChar;

namespace coursecrew::xml {

// Namespace URIs the readers need, in one place.
namespace ns {
inline constexpr std::string_view kXml = "http://www.w3.org/XML/1998/namespace";
inline constexpr std::string_view kImscp12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2";
inline constexpr std::string_view kImscp2004 = "http://www.imsglobal.org/xsd/imscp_v1p1";
inline constexpr std::string_view kAdlcp12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2";
inline constexpr std::string_view kAdlcp2004 = "http://www.adlnet.org/xsd/adlcp_v1p3";
inline constexpr std::string_view kImsss = "http://www.imsglobal.org/xsd/imsss";
inline constexpr std::string_view kAdlseq = "http://www.adlnet.org/xsd/adlseq_v1p3";
inline constexpr std::string_view kAdlnav = "http://www.adlnet.org/xsd/adlnav_v1p3";
inline constexpr std::string_view kCmi5 = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd";
inline constexpr std::string_view kCmi5Early = "http://www.adlnet.gov/cmi5/CourseStructure.xsd";
inline constexpr std::string_view kTincan = "http://projecttincan.com/tincan.xsd";
}  // namespace ns

enum class Event { Start, End, Text, Eof, Error };

struct Attribute {
    std::string_view local;  // local name
    std::string_view ns;     // namespace URI ("" when none)
    std::string_view value;
};

class Stream {
public:
    static constexpr std::uint64_t kUnknownSize = UINT64_MAX;
    // The longest text kept (a title, a description): what follows is
    // dropped with one warning "xml.text_too_long" per text. No course
    // structure needs more, and a 32 MB title would otherwise be carried
    // into the model, the JSON and the store whole.
    static constexpr std::size_t kMaxText = std::size_t{1} << 20;

    // `file` names the document in diagnostics (package-relative path).
    // `size_hint`: its size as the package states it (stat, zip header);
    // a file over max_manifest_bytes is then refused before it is parsed.
    // The byte count is checked while reading too, for sizes that lie.
    Stream(InputStream &in, std::string file, Diagnostics &diags, const PackageLimits &limits,
           std::uint64_t size_hint = kUnknownSize);
    ~Stream();
    Stream(const Stream &) = delete;
    Stream &operator=(const Stream &) = delete;

    bool ok() const { return ctxt_ != nullptr; }

    // Advances to the next event. Empty elements yield Start then End.
    // After Eof or Error, keeps returning the same.
    Event next();

    // For Start and End events.
    std::string_view local_name() const { return local_; }
    std::string_view ns_uri() const { return ns_; }
    // Nesting depth of the current element (root = 1).
    int depth() const { return static_cast<int>(stack_depth_); }

    // For Start events: the element's attributes (namespace declarations excluded).
    const std::vector<Attribute> &attributes() const { return attrs_; }
    // The first attribute with this local name (any namespace, or `ns` when given).
    std::string_view attr(std::string_view local) const;
    std::string_view attr(std::string_view local, std::string_view ns) const;
    bool has_attr(std::string_view local) const;

    // For Text events (text and CDATA, merged per node).
    std::string_view text() const { return text_; }

    // Collects the text content of the current element (after a Start) up to its
    // End, skipping child elements' markup but keeping their text. Leaves the
    // stream at that End.
    std::string read_text();

    // Skips the current element's subtree (after a Start), leaving the stream at its End.
    void skip();

    // Line of the current event (where its tag ends, as libxml2 counts).
    long line() const { return line_; }
    const std::string &file() const { return file_; }

    // Every namespace URI declared anywhere so far.
    const std::set<std::string, std::less<>> &namespaces() const { return namespaces_; }
    bool failed() const { return failed_; }

private:
    friend struct StreamAccess;
    // A queued event; names point into libxml2's dictionary, text and
    // attribute values into buf_ (valid until the next feed).
    struct Rec {
        Event type = Event::Eof;
        const xmlChar *local = nullptr;
        const xmlChar *ns = nullptr;
        int depth = 0;
        long line = 0;
        std::uint32_t attr_begin = 0, attr_count = 0;
        std::uint32_t off = 0, len = 0;  // text
    };
    struct AttrRec {
        const xmlChar *local = nullptr;
        const xmlChar *ns = nullptr;
        std::uint32_t off = 0, len = 0;
    };

    long read_input(unsigned char *buf, std::size_t len);
    bool feed();
    void fail_now();
    void report_libxml_error(int level, int domain, int code, int line, int column,
                             const char *message);

    InputStream &in_;
    std::string file_;
    Diagnostics &diags_;
    PackageLimits limits_;
    xmlParserCtxt *ctxt_ = nullptr;
    std::uint64_t bytes_read_ = 0;
    bool failed_ = false;
    bool saw_root_ = false;
    bool done_feeding_ = false;
    int parse_depth_ = 0;
    // The text since the last tag: its bytes so far, and whether it was cut.
    std::size_t text_run_ = 0;
    bool text_cut_ = false;
    void end_text_run() {
        text_run_ = 0;
        text_cut_ = false;
    }
    long doctype_line_ = 0;           // depth as the parser sees it (ahead of the reader)
    std::vector<Rec> queue_;
    std::size_t head_ = 0;
    std::vector<AttrRec> attr_recs_;
    std::string buf_;
    // The current event, as the reader sees it.
    std::size_t stack_depth_ = 0;
    long line_ = 0;
    std::string_view local_, ns_;
    std::string_view text_;
    std::vector<Attribute> attrs_;
    std::set<std::string, std::less<>> namespaces_;
};

// Trims XML whitespace from both ends.
std::string_view trim(std::string_view s);

}  // namespace coursecrew::xml
