#include "xml_stream.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include <cstring>

namespace coursecrew::xml {

namespace {

std::string_view sv(const xmlChar *s) {
    return s ? std::string_view(reinterpret_cast<const char *>(s)) : std::string_view();
}

// libxml2 pulls bytes through this; it counts them against the size limit.
struct IoContext {
    InputStream *in;
    std::uint64_t *bytes;
    std::uint64_t limit;
    bool *too_large;
};

}  // namespace

struct StreamAccess {
    static int read(void *ctx, char *buf, int len) {
        auto *io = static_cast<Stream *>(ctx);
        long n = io->in_.read(reinterpret_cast<unsigned char *>(buf), static_cast<std::size_t>(len));
        if (n < 0) {
            io->diags_.error("package.read_failed",
                             "cannot read the manifest: " + io->in_.error(), io->file_);
            io->failed_ = true;
            return -1;
        }
        io->bytes_read_ += static_cast<std::uint64_t>(n);
        if (io->bytes_read_ > io->limits_.max_manifest_bytes) {
            io->too_large_ = true;
            return -1;
        }
        return static_cast<int>(n);
    }
    static int close(void *) { return 0; }
    static void error(void *ctx, xmlErrorPtr err) {
        if (!err) return;
        auto *self = static_cast<Stream *>(ctx);
        self->report_libxml_error(err->level, err->code, err->line, err->int2, err->message);
    }
};

std::string_view trim(std::string_view s) {
    auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && ws(s.back())) s.remove_suffix(1);
    return s;
}

Stream::Stream(InputStream &in, std::string file, Diagnostics &diags, const PackageLimits &limits)
    : in_(in), file_(std::move(file)), diags_(diags), limits_(limits) {
    // No network, no DTD loading, no entity substitution (no XML_PARSE_NOENT,
    // no XML_PARSE_DTDLOAD); CDATA is delivered as text.
    const int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT |
                        XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    reader_ = xmlReaderForIO(&StreamAccess::read, &StreamAccess::close, this, nullptr, nullptr,
                             options);
    if (!reader_) {
        diags_.error("xml.malformed", "cannot start the XML parser for this file", file_);
        failed_ = true;
        return;
    }
    xmlTextReaderSetStructuredErrorHandler(reader_, &StreamAccess::error, this);
}

Stream::~Stream() {
    if (reader_) {
        xmlDocPtr doc = xmlTextReaderCurrentDoc(reader_);
        xmlFreeTextReader(reader_);
        // xmlTextReaderCurrentDoc hands the document to us.
        if (doc) xmlFreeDoc(doc);
    }
}

void Stream::report_libxml_error(int level, int code, int line, int column, const char *message) {
    std::string msg = message ? message : "unknown XML error";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (level == XML_ERR_WARNING) {
        diags_.warning("xml.warning", "XML parser warning: " + msg, file_, line, column);
        return;
    }
    if (too_large_) return;  // reported once, clearly, in next()
    if (failed_) return;     // the first fatal error is the one that matters
    failed_ = true;
    if (!saw_root_ && (code == XML_ERR_DOCUMENT_EMPTY || code == XML_ERR_DOCUMENT_END ||
                       code == XML_ERR_DOCUMENT_START)) {
        diags_.error("xml.malformed",
                     "the manifest has no root element (the file is empty or holds only an XML "
                     "declaration); publish the package again",
                     file_, line, column);
        return;
    }
    // libxml2 notices entity loops and amplification while reading the DTD,
    // before the DOCTYPE node reaches us: same refusal, same code.
    if (code == XML_ERR_ENTITY_LOOP || code == XML_ERR_UNDECLARED_ENTITY ||
        code == XML_WAR_UNDECLARED_ENTITY) {
        diags_.error("xml.entities_refused",
                     "the manifest uses XML entities (" + msg +
                         "); coursecrew refuses entity declarations and references (they enable "
                         "XXE and entity-expansion attacks): write the text out",
                     file_, line, column);
        return;
    }
    diags_.error("xml.malformed",
                 "the manifest is not well-formed XML: " + msg +
                     " (fix the XML at this line and column, then publish again)",
                 file_, line, column);
}

bool Stream::check_doctype() {
    xmlDocPtr doc = xmlTextReaderCurrentDoc(reader_);
    xmlDtdPtr dtd = doc ? xmlGetIntSubset(doc) : nullptr;
    if (dtd && (dtd->entities || dtd->pentities)) {
        diags_.error("xml.entities_refused",
                     "the manifest declares XML entities in a DOCTYPE; coursecrew refuses entity "
                     "declarations (they enable XXE and entity-expansion attacks) and no course "
                     "format needs them: remove the DOCTYPE",
                     file_, line());
        failed_ = true;
        return false;
    }
    diags_.warning("xml.doctype_ignored",
                   "the manifest has a DOCTYPE; it was ignored (no DTD is loaded)", file_, line());
    return true;
}

long Stream::line() const {
    if (!reader_) return 0;
    xmlNodePtr node = xmlTextReaderCurrentNode(reader_);
    long l = node ? xmlGetLineNo(node) : -1;
    return l > 0 ? l : xmlTextReaderGetParserLineNumber(reader_);
}

Event Stream::next() {
    if (failed_) return Event::Error;
    if (done_) return Event::Eof;
    if (pending_end_) {
        pending_end_ = false;
        --stack_depth_;
        attrs_.clear();
        return Event::End;
    }
    for (;;) {
        int r = xmlTextReaderRead(reader_);
        if (r != 1) {
            if (too_large_) {
                diags_.error("xml.too_large",
                             "the manifest is larger than the limit of " +
                                 std::to_string(limits_.max_manifest_bytes) +
                                 " bytes (max_manifest_bytes); it was not read",
                             file_);
                failed_ = true;
                return Event::Error;
            }
            if (r < 0 || failed_) {
                if (!failed_) {
                    diags_.error("xml.malformed", "the manifest is not well-formed XML", file_,
                                 xmlTextReaderGetParserLineNumber(reader_),
                                 xmlTextReaderGetParserColumnNumber(reader_));
                    failed_ = true;
                }
                return Event::Error;
            }
            if (!saw_root_) {
                diags_.error("xml.malformed",
                             "the manifest has no root element (the file is empty or holds only "
                             "an XML declaration); publish the package again",
                             file_);
                failed_ = true;
                return Event::Error;
            }
            done_ = true;
            return Event::Eof;
        }
        switch (xmlTextReaderNodeType(reader_)) {
        case XML_READER_TYPE_ELEMENT: {
            saw_root_ = true;
            local_ = sv(xmlTextReaderConstLocalName(reader_));
            ns_ = sv(xmlTextReaderConstNamespaceUri(reader_));
            const bool empty = xmlTextReaderIsEmptyElement(reader_) == 1;
            attrs_.clear();
            if (xmlTextReaderHasAttributes(reader_) == 1) {
                while (xmlTextReaderMoveToNextAttribute(reader_) == 1) {
                    if (xmlTextReaderIsNamespaceDecl(reader_) == 1) {
                        auto uri = sv(xmlTextReaderConstValue(reader_));
                        if (namespaces_.find(uri) == namespaces_.end())
                            namespaces_.emplace(uri);
                        continue;
                    }
                    attrs_.push_back(Attribute{sv(xmlTextReaderConstLocalName(reader_)),
                                               sv(xmlTextReaderConstNamespaceUri(reader_)),
                                               sv(xmlTextReaderConstValue(reader_))});
                }
                xmlTextReaderMoveToElement(reader_);
            }
            ++stack_depth_;
            if (static_cast<int>(stack_depth_) > limits_.max_xml_depth) {
                diags_.error("xml.too_deep",
                             "elements are nested more than " +
                                 std::to_string(limits_.max_xml_depth) +
                                 " levels deep (max_xml_depth); the manifest was not read further",
                             file_, line());
                failed_ = true;
                return Event::Error;
            }
            pending_end_ = empty;
            return Event::Start;
        }
        case XML_READER_TYPE_END_ELEMENT:
            local_ = sv(xmlTextReaderConstLocalName(reader_));
            ns_ = sv(xmlTextReaderConstNamespaceUri(reader_));
            attrs_.clear();
            --stack_depth_;
            return Event::End;
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
            text_ = sv(xmlTextReaderConstValue(reader_));
            return Event::Text;
        case XML_READER_TYPE_DOCUMENT_TYPE:
            if (!check_doctype()) return Event::Error;
            break;
        case XML_READER_TYPE_ENTITY_REFERENCE:
        case XML_READER_TYPE_ENTITY:
            diags_.error("xml.entities_refused",
                         "the manifest uses an XML entity reference; coursecrew does not expand "
                         "entities: write the text out",
                         file_, line());
            failed_ = true;
            return Event::Error;
        default:
            break;  // comments, processing instructions, whitespace
        }
    }
}

std::string_view Stream::attr(std::string_view local) const {
    for (const auto &a : attrs_)
        if (a.local == local) return a.value;
    return {};
}

std::string_view Stream::attr(std::string_view local, std::string_view ns) const {
    for (const auto &a : attrs_)
        if (a.local == local && a.ns == ns) return a.value;
    return {};
}

bool Stream::has_attr(std::string_view local) const {
    for (const auto &a : attrs_)
        if (a.local == local) return true;
    return false;
}

std::string Stream::read_text() {
    std::string out;
    const std::size_t target = stack_depth_ - 1;
    for (;;) {
        Event e = next();
        if (e == Event::Text) out.append(text_);
        else if (e == Event::End && stack_depth_ == target) break;
        else if (e == Event::Eof || e == Event::Error) break;
    }
    return out;
}

void Stream::skip() {
    const std::size_t target = stack_depth_ - 1;
    for (;;) {
        Event e = next();
        if (e == Event::End && stack_depth_ == target) break;
        if (e == Event::Eof || e == Event::Error) break;
    }
}

}  // namespace coursecrew::xml
