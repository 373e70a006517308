// The element walk the manifest readers (adapters/scorm, cmi5, tincan) share,
// over the pull parser of adapters/xml. Header-only: each reader already links
// coursecrew_adapters_xml, and the core (plugin/) must not depend on libxml2.
#pragma once

#include <string>

#include "adapters/xml/xml_stream.hpp"

namespace coursecrew::xml {

// Visits the elements inside the element whose Start event is current:
//
//     for (xml::Children in(x); in.next();) {
//         if (x.local_name() == "item") read_item(); else x.skip();
//     }
//
// next() stops on the Start of each child. A caller that reads the child
// (skip(), read_text() or a read_* of its own) leaves the stream on the child's
// End, and next() moves on to the following sibling; a caller that does not is
// shown the child's own children next, which lets a reader count every
// descendant of an element (imsss:sequencing, for instance). Text between
// elements is passed over.
//
// next() returns false at the element's End, or when the document ended inside
// it (malformed, or over a limit: the stream has reported it already). The
// second case sets the "ended" flag, which a reader may share across all its
// walks so that, once set, every walk stops at once.
class Children {
public:
    explicit Children(Stream &x) : x_(x), depth_(x.depth()), ended_(own_ended_) {}
    Children(Stream &x, bool &ended) : x_(x), depth_(x.depth()), ended_(ended) {}
    Children(const Children &) = delete;
    Children &operator=(const Children &) = delete;

    bool next() {
        if (ended_) return false;
        for (;;) {
            switch (x_.next()) {
            case Event::Start: return true;
            case Event::End:
                if (x_.depth() < depth_) return false;  // the element's own End
                continue;                               // a child the caller left unread
            case Event::Text: continue;
            case Event::Eof:
            case Event::Error: ended_ = true; return false;
            }
        }
    }

    // Whether the current Start is a child, not a deeper descendant.
    bool at_child() const { return x_.depth() == depth_ + 1; }
    bool ended() const { return ended_; }

private:
    Stream &x_;
    const int depth_;  // of the element walked; an End event below it is the element's own
    bool own_ended_ = false;
    bool &ended_;
};

// Stream::read_text for a reader that keeps an "ended" flag (see Children):
// false, with the flag set, when the document ended inside the element.
inline bool read_text(Stream &x, std::string &out, bool &ended) {
    out = x.read_text();
    if (x.failed()) ended = true;
    return !ended;
}

}  // namespace coursecrew::xml
