// The pull API of xml_stream.hpp over libxml2's SAX2 push parser.
//
// Why SAX underneath and not xmlTextReader: the reader builds (and frees) a
// tree node for every element, which costs as much again as parsing; our
// readers need only names, attributes and text. Here the push parser is fed
// 64 KiB at a time and its callbacks queue compact events; next() hands them
// out and feeds more when the queue is empty. Attribute values and text are
// copied into one buffer per feed, names come from libxml2's dictionary.
#include "xml_stream.hpp"

#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <cstring>

namespace coursecrew::xml {

namespace {

std::string_view sv(const xmlChar *s) {
    return s ? std::string_view(reinterpret_cast<const char *>(s)) : std::string_view();
}

bool all_space(const xmlChar *s, int len) {
    for (int i = 0; i < len; ++i)
        if (!(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) return false;
    return true;
}

constexpr std::size_t kChunk = 64 * 1024;

}  // namespace

// libxml2 calls these; they only append to the stream's queue.
struct StreamAccess {
    // The Stream is set as _private right after the context is created and
    // before any byte is parsed, so every SAX callback finds it.
    static Stream &self(void *ctx) {
        auto *pctx = static_cast<xmlParserCtxtPtr>(ctx);
        return *static_cast<Stream *>(pctx->_private);
    }

    static void start(void *ctx, const xmlChar *localname, const xmlChar *, const xmlChar *uri,
                      int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int,
                      const xmlChar **attributes) {
        Stream &s = self(ctx);
        if (s.failed_) return;
        s.end_text_run();
        for (int i = 0; i < nb_namespaces; ++i) {
            auto ns = sv(namespaces[2 * i + 1]);
            if (s.namespaces_.find(ns) == s.namespaces_.end()) s.namespaces_.emplace(ns);
        }
        ++s.parse_depth_;
        if (s.parse_depth_ > s.limits_.max_xml_depth) {
            s.diags_.error("xml.too_deep",
                           "elements are nested more than " +
                               std::to_string(s.limits_.max_xml_depth) +
                               " levels deep (max_xml_depth); the manifest was not read further",
                           s.file_, xmlSAX2GetLineNumber(ctx));
            s.fail_now();
            return;
        }
        if (!s.saw_root_ && s.doctype_line_ > 0)
            s.diags_.warning("xml.doctype_ignored",
                             "the manifest has a DOCTYPE; it was ignored (no DTD is loaded)",
                             s.file_, s.doctype_line_);
        s.saw_root_ = true;
        Stream::Rec rec;
        rec.type = Event::Start;
        rec.local = localname;
        rec.ns = uri;
        rec.depth = s.parse_depth_;
        rec.line = xmlSAX2GetLineNumber(ctx);
        rec.attr_begin = static_cast<std::uint32_t>(s.attr_recs_.size());
        // attributes: (localname, prefix, URI, value, end) per attribute.
        for (int i = 0; i < nb_attributes; ++i) {
            const xmlChar **a = attributes + 5 * i;
            Stream::AttrRec ar;
            ar.local = a[0];
            ar.ns = a[2];
            ar.off = static_cast<std::uint32_t>(s.buf_.size());
            ar.len = static_cast<std::uint32_t>(a[4] - a[3]);
            s.buf_.append(reinterpret_cast<const char *>(a[3]), ar.len);
            s.attr_recs_.push_back(ar);
        }
        rec.attr_count = static_cast<std::uint32_t>(nb_attributes);
        s.queue_.push_back(rec);
    }

    static void end(void *ctx, const xmlChar *localname, const xmlChar *, const xmlChar *uri) {
        Stream &s = self(ctx);
        if (s.failed_) return;
        s.end_text_run();
        --s.parse_depth_;
        Stream::Rec rec;
        rec.type = Event::End;
        rec.local = localname;
        rec.ns = uri;
        rec.depth = s.parse_depth_;
        rec.line = xmlSAX2GetLineNumber(ctx);
        s.queue_.push_back(rec);
    }

    static void characters(void *ctx, const xmlChar *ch, int len) {
        Stream &s = self(ctx);
        if (s.failed_ || len <= 0) return;
        // One text (from one tag to the next) is kept up to kMaxText bytes,
        // however many callbacks and feeds bring it; the rest is dropped,
        // cut at a character boundary (never inside a UTF-8 sequence).
        auto take = static_cast<std::size_t>(len);
        if (s.text_run_ + take > Stream::kMaxText) {
            take = Stream::kMaxText - s.text_run_;
            while (take > 0 && (ch[take] & 0xC0) == 0x80) --take;
            if (!s.text_cut_)
                s.diags_.warning("xml.text_too_long",
                                 "a text of more than " + std::to_string(Stream::kMaxText >> 20) +
                                     " MiB was cut there; no title or description needs that much",
                                 s.file_, xmlSAX2GetLineNumber(ctx));
            s.text_cut_ = true;
            s.text_run_ = Stream::kMaxText;
            if (take == 0) return;
        } else {
            s.text_run_ += take;
        }
        // Text split across callbacks (chunk boundaries, character
        // references) joins the previous text event.
        if (!s.queue_.empty() && s.queue_.back().type == Event::Text &&
            s.queue_.back().off + s.queue_.back().len == s.buf_.size()) {
            s.queue_.back().len += static_cast<std::uint32_t>(take);
            s.buf_.append(reinterpret_cast<const char *>(ch), take);
            return;
        }
        if (all_space(ch, static_cast<int>(take))) return;  // indentation between elements
        Stream::Rec rec;
        rec.type = Event::Text;
        rec.depth = s.parse_depth_;
        rec.line = xmlSAX2GetLineNumber(ctx);
        rec.off = static_cast<std::uint32_t>(s.buf_.size());
        rec.len = static_cast<std::uint32_t>(take);
        s.buf_.append(reinterpret_cast<const char *>(ch), take);
        s.queue_.push_back(rec);
    }

    // Any entity declaration ends the parse: no course format needs one, and
    // refusing at declaration time means nothing is ever expanded or fetched.
    static void entity_decl(void *ctx, const xmlChar *name, int, const xmlChar *,
                            const xmlChar *, xmlChar *) {
        Stream &s = self(ctx);
        if (s.failed_) return;
        s.diags_.error("xml.entities_refused",
                       "the manifest declares the XML entity '" + std::string(sv(name)) +
                           "'; coursecrew refuses entity declarations (they enable XXE and "
                           "entity-expansion attacks) and no course format needs them: remove "
                           "the DOCTYPE",
                       s.file_, xmlSAX2GetLineNumber(ctx));
        s.fail_now();
    }

    // Errors libxml2 raises outside a parser context (its encoding layer:
    // "input conversion failed") would go to the thread's generic handler,
    // which prints to the host's stderr. The parser reports the same failure
    // through error() just after, so these are dropped.
    static void contextless_error(void *, xmlErrorPtr) {}

    // Only the five predefined entities (&amp; ...) ever resolve.
    static xmlEntityPtr get_entity(void *, const xmlChar *name) {
        return xmlGetPredefinedEntity(name);
    }

    // Reported when the root element starts, so that a DOCTYPE refused for its
    // entities is not also reported as "ignored".
    static void internal_subset(void *ctx, const xmlChar *, const xmlChar *, const xmlChar *) {
        self(ctx).doctype_line_ = xmlSAX2GetLineNumber(ctx);
    }

    // libxml2 reports errors while it builds a context it was given a first
    // chunk for (an unsupported encoding: the issue 10 crash). The
    // constructor creates the context empty, so that no longer happens; a
    // context without its Stream is still never dereferenced. The same
    // error comes again from the first xmlParseChunk, with _private set.
    static void error(void *ctx, xmlErrorPtr err) {
        if (!err || !ctx) return;
        auto *stream = static_cast<Stream *>(static_cast<xmlParserCtxtPtr>(ctx)->_private);
        if (!stream) return;
        stream->report_libxml_error(err->level, err->domain, err->code, err->line, err->int2,
                                    err->message);
    }
};

std::string_view trim(std::string_view s) {
    auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && ws(s.back())) s.remove_suffix(1);
    return s;
}

Stream::Stream(InputStream &in, std::string file, Diagnostics &diags, const PackageLimits &limits,
               std::uint64_t size_hint)
    : in_(in), file_(std::move(file)), diags_(diags), limits_(limits) {
    xmlSAXHandler sax;
    std::memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = &StreamAccess::start;
    sax.endElementNs = &StreamAccess::end;
    sax.characters = &StreamAccess::characters;
    sax.cdataBlock = &StreamAccess::characters;
    sax.entityDecl = &StreamAccess::entity_decl;
    sax.getEntity = &StreamAccess::get_entity;
    sax.getParameterEntity = &StreamAccess::get_entity;
    sax.internalSubset = &StreamAccess::internal_subset;
    sax.serror = &StreamAccess::error;
    // resolveEntity, externalSubset stay NULL: nothing outside the file is read.

    if (size_hint != kUnknownSize && size_hint > limits_.max_manifest_bytes) {
        // Refused before a byte is parsed: the byte count in read_input()
        // would only stop a huge file after parsing up to the limit.
        diags_.error("xml.too_large",
                     "the manifest is " + std::to_string(size_hint) +
                         " bytes, over the limit of " +
                         std::to_string(limits_.max_manifest_bytes) +
                         " bytes (max_manifest_bytes); it was not read",
                     file_);
        failed_ = true;
        return;
    }
    // The context is created empty and fed afterwards, once _private leads
    // back to this Stream: libxml2 detects the encoding (BOM, UTF-16,
    // declaration) from the first bytes it is fed, and may report an
    // unsupported encoding right then.
    ctxt_ = xmlCreatePushParserCtxt(&sax, nullptr, nullptr, 0, file_.c_str());
    if (!ctxt_) {
        diags_.error("xml.malformed", "cannot start the XML parser for this file", file_);
        failed_ = true;
        return;
    }
    // With no user data, libxml2 hands the parser context to every callback
    // (SAX and errors alike); _private leads back to this Stream.
    ctxt_->_private = this;
    // No network; predefined entities and character references are decoded
    // (XML_PARSE_NOENT), which is safe because every other entity is refused
    // above; no DTD is loaded (no XML_PARSE_DTDLOAD).
    xmlCtxtUseOptions(ctxt_, XML_PARSE_NONET | XML_PARSE_NOENT | XML_PARSE_COMPACT);
}

Stream::~Stream() {
    if (ctxt_) {
        if (ctxt_->myDoc) xmlFreeDoc(ctxt_->myDoc);
        xmlFreeParserCtxt(ctxt_);
    }
}

long Stream::read_input(unsigned char *buf, std::size_t len) {
    long n = in_.read(buf, len);
    if (n < 0) {
        diags_.error("package.read_failed", "cannot read the manifest: " + in_.error(), file_);
        failed_ = true;
        return -1;
    }
    bytes_read_ += static_cast<std::uint64_t>(n);
    if (bytes_read_ > limits_.max_manifest_bytes) {
        diags_.error("xml.too_large",
                     "the manifest is larger than the limit of " +
                         std::to_string(limits_.max_manifest_bytes) +
                         " bytes (max_manifest_bytes); it was not read",
                     file_);
        failed_ = true;
        return -1;
    }
    return n;
}

void Stream::fail_now() {
    failed_ = true;
    if (ctxt_) xmlStopParser(ctxt_);
}

void Stream::report_libxml_error(int level, int domain, int code, int line, int column,
                                 const char *message) {
    std::string msg = message ? message : "unknown XML error";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    std::replace(msg.begin(), msg.end(), '\n', ' ');  // "... UTF-8, indicate encoding !\nBytes: ..."
    if (level == XML_ERR_WARNING) {
        diags_.warning("xml.warning", "XML parser warning: " + msg, file_, line, column);
        return;
    }
    // A prefix without its xmlns declaration (xsi:schemaLocation with no
    // xmlns:xsi, common in exported packages) breaks only the namespace
    // rules, not the XML: LMSs read such manifests, so we do too. libxml2
    // keeps parsing and hands the name over without a namespace.
    if (domain == XML_FROM_NAMESPACE && code == XML_NS_ERR_UNDEFINED_NAMESPACE) {
        if (!failed_)
            diags_.warning("xml.undeclared_prefix",
                           msg + "; read without a namespace (declare it with xmlns:PREFIX)",
                           file_, line, column);
        return;
    }
    if (failed_) return;  // the first fatal error is the one that matters
    failed_ = true;
    if (!saw_root_ && (code == XML_ERR_DOCUMENT_EMPTY || code == XML_ERR_DOCUMENT_END ||
                       code == XML_ERR_DOCUMENT_START)) {
        diags_.error("xml.malformed",
                     "the manifest has no root element (the file is empty or holds only an XML "
                     "declaration); publish the package again",
                     file_, line, column);
        return;
    }
    if (code == XML_ERR_ENTITY_LOOP || code == XML_ERR_UNDECLARED_ENTITY ||
        code == XML_WAR_UNDECLARED_ENTITY) {
        diags_.error("xml.entities_refused",
                     "the manifest uses XML entities (" + msg +
                         "); coursecrew refuses entity declarations and references (they enable "
                         "XXE and entity-expansion attacks): write the text out",
                     file_, line, column);
        return;
    }
    if (domain == XML_FROM_I18N || code == XML_ERR_UNKNOWN_ENCODING ||
        code == XML_ERR_UNSUPPORTED_ENCODING || code == XML_ERR_INVALID_ENCODING) {
        diags_.error("xml.encoding",
                     "the manifest's characters cannot be decoded: " + msg +
                         " (save it as UTF-8, or as UTF-16 with a byte order mark, and say so "
                         "in the XML declaration)",
                     file_, line, column);
        return;
    }
    diags_.error("xml.malformed",
                 "the manifest is not well-formed XML: " + msg +
                     " (fix the XML at this line and column, then publish again)",
                 file_, line, column);
}

bool Stream::feed() {
    // The previous events' text is no longer referenced: start afresh.
    queue_.clear();
    head_ = 0;
    attr_recs_.clear();
    buf_.clear();
    unsigned char chunk[kChunk];
    // libxml2's error handlers are per thread: ours is set only while the
    // parser runs, and the host's is put back.
    struct ContextlessErrors {
        xmlStructuredErrorFunc saved = xmlStructuredError;
        void *saved_ctx = xmlStructuredErrorContext;
        ContextlessErrors() { xmlSetStructuredErrorFunc(nullptr, &StreamAccess::contextless_error); }
        ~ContextlessErrors() { xmlSetStructuredErrorFunc(saved_ctx, saved); }
    } quiet;
    while (queue_.empty() && !failed_ && !done_feeding_) {
        long n = read_input(chunk, sizeof chunk);
        if (n < 0) break;
        const int terminate = n == 0 ? 1 : 0;
        xmlParseChunk(ctxt_, reinterpret_cast<const char *>(chunk), static_cast<int>(n), terminate);
        if (terminate) done_feeding_ = true;
    }
    return !queue_.empty();
}

Event Stream::next() {
    if (failed_) return Event::Error;
    if (head_ == queue_.size()) {
        if (done_feeding_ || !feed()) {
            if (failed_) return Event::Error;
            if (!saw_root_) {
                diags_.error("xml.malformed",
                             "the manifest has no root element (the file is empty or holds only "
                             "an XML declaration); publish the package again",
                             file_);
                failed_ = true;
                return Event::Error;
            }
            return Event::Eof;
        }
    }
    const Rec &r = queue_[head_++];
    stack_depth_ = static_cast<std::size_t>(r.depth);
    line_ = r.line;
    switch (r.type) {
    case Event::Start:
        local_ = sv(r.local);
        ns_ = sv(r.ns);
        attrs_.clear();
        for (std::uint32_t i = 0; i < r.attr_count; ++i) {
            const AttrRec &a = attr_recs_[r.attr_begin + i];
            attrs_.push_back(Attribute{sv(a.local), sv(a.ns), std::string_view(buf_).substr(a.off, a.len)});
        }
        break;
    case Event::End:
        local_ = sv(r.local);
        ns_ = sv(r.ns);
        attrs_.clear();
        break;
    case Event::Text:
        text_ = std::string_view(buf_).substr(r.off, r.len);
        break;
    default: break;
    }
    return r.type;
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
