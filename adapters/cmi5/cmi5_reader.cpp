// Reads a cmi5 course structure (cmi5.xml) into the course model.
//
//   <courseStructure>
//     <course id>        title, description          -> course + root Organization item
//     <objectives>       <objective id> definitions  -> ids that AUs/blocks may reference
//     <block id>         nested blocks and AUs       -> Block items
//     <au id ...>        url, launchParameters, ...  -> Au items, each with one Resource
//
// The reader records what the file says and reports what is wrong with it; it
// does not check file presence, pick modules or count (the core does that).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "adapters/xml/xml_stream.hpp"
#include "adapters/xml_common/children.hpp"
#include "plugin/model/course.hpp"
#include "plugin/model/paths.hpp"
#include "plugin/model/reader.hpp"

namespace coursecrew {

namespace {

using xml::Event;

// ---------------------------------------------------------------------------
// Small helpers (those the tincan reader needs too are in plugin/model/reader.hpp).

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// True when `url` cannot be a valid URL reference (RFC 3986): spaces and control
// characters, characters URLs never contain, broken percent-escapes, or an
// http(s) URL without a host. Non-ASCII bytes are allowed (IRIs). Relative
// references leave backslashes and percent-escapes to resolve_href, which
// reports (and fixes) those itself.
bool url_looks_invalid(std::string_view url) {
    const bool absolute = has_url_scheme(url);
    for (std::size_t i = 0; i < url.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(url[i]);
        if (c <= 0x20 || c == 0x7f) return true;
        switch (c) {
        case '<': case '>': case '"': case '{': case '}': case '|': case '^': case '`':
            return true;
        case '\\':
            if (absolute) return true;
            break;
        case '%':
            if (absolute && (i + 2 >= url.size() || !is_hex(url[i + 1]) || !is_hex(url[i + 2])))
                return true;
            break;
        default:
            break;
        }
    }
    if (absolute) {
        auto colon = url.find(':');
        std::string scheme = ascii_lower(url.substr(0, colon));
        if (scheme == "http" || scheme == "https") {
            std::string_view rest = url.substr(colon + 1);
            if (rest.substr(0, 2) != "//") return true;
            rest.remove_prefix(2);
            if (rest.empty() || rest.front() == '/' || rest.front() == '?' || rest.front() == '#')
                return true;  // no host
        }
    }
    return false;
}

// The first query parameter of `url` that the LMS itself adds when it launches
// an AU (cmi5 section 8.1), or "" when there is none. An AU url that sets one
// conflicts with the LMS's; CATAPULT expects an LMS to refuse such a course.
std::string reserved_launch_parameter(std::string_view url) {
    constexpr std::string_view kReserved[] = {"endpoint", "fetch", "actor", "registration",
                                              "activityId"};
    url = url.substr(0, url.find('#'));
    const auto q = url.find('?');
    if (q == std::string_view::npos) return "";
    std::string_view query = url.substr(q + 1);
    for (;;) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const std::string_view name = pair.substr(0, pair.find('='));
        if (std::find(std::begin(kReserved), std::end(kReserved), name) != std::end(kReserved))
            return std::string(name);
        if (amp == std::string_view::npos) return "";
        query.remove_prefix(amp + 1);
    }
}

// ---------------------------------------------------------------------------

struct SeenId {
    long line = 0;
    const char *what = "";  // "block", "AU", "objective"
};

struct ObjectiveRef {
    std::string idref;
    long line = 0;
};

// moveOn / launchMethod / activityType / masteryScore: attributes in cmi5, but
// some real files write them as child elements.
constexpr std::string_view kAuAttributes[] = {"moveOn", "launchMethod", "activityType",
                                              "masteryScore"};

class Cmi5Reader {
public:
    Cmi5Reader(xml::Stream &xml, ReadContext &ctx, Course &course)
        : xml_(xml), ctx_(ctx), course_(course), diags_(ctx.diags) {}

    void read();

private:
    // Each read_* function is called on its element's Start event and returns
    // with the stream on that element's End. It returns false when the stream
    // ended (malformed XML): then everything stops and the course is kept as is.
    bool read_course();
    bool read_objective_definitions();
    bool read_objective_refs(std::uint32_t item);
    bool read_block(std::uint32_t parent);
    bool read_au(std::uint32_t parent);
    bool read_langtext(LangText &out);
    bool read_text(std::string &out) { return xml::read_text(xml_, out, ended_); }

    void check_root_namespace();
    bool is_cmi5_element() const;
    std::uint32_t push_item(ItemKind kind, std::uint32_t parent);
    void register_id(const std::string &id, const char *what, long line);
    void check_iri(const std::string &id, const char *what, long line);
    void finish_au(std::uint32_t au, const std::string &raw_url, bool has_url, long url_line);
    void check_objective_refs();

    xml::Stream &xml_;
    ReadContext &ctx_;
    Course &course_;
    Diagnostics &diags_;
    std::string root_ns_;
    bool ended_ = false;  // the stream hit Eof/Error
    std::uint32_t root_ = kNone;
    std::unordered_map<std::string, SeenId> ids_;     // blocks, AUs, objectives
    std::unordered_set<std::string> objective_ids_;   // defined objectives
    std::vector<ObjectiveRef> objective_refs_;        // checked once everything is read
};

void Cmi5Reader::read() {
    course_.format = Format::Cmi5;
    root_ns_ = std::string(xml_.ns_uri());
    check_root_namespace();

    // The root Organization item stands for the course; <course> fills it in.
    root_ = add_course_root(course_, xml_.line());

    for (xml::Children in(xml_, ended_); in.next();) {
        const std::string_view name = xml_.local_name();
        bool ok = true;
        if (!is_cmi5_element()) xml_.skip();  // extension elements from other namespaces
        else if (name == "course") ok = read_course();
        else if (name == "objectives") ok = read_objective_definitions();
        else if (name == "block") ok = read_block(root_);
        else if (name == "au") ok = read_au(root_);
        else xml_.skip();
        if (!ok) break;
    }

    name_course_root(course_, root_);

    if (ended_) return;  // malformed: the stream has reported it; keep what was read
    check_objective_refs();
    bool any_au = false;
    for (const Item &it : course_.items) any_au = any_au || it.kind == ItemKind::Au;
    if (!any_au)
        diags_.error("cmi5.no_aus",
                     "the course structure has no <au>: a cmi5 course needs at least one "
                     "assignable unit to launch",
                     ctx_.manifest_path, course_.items[root_].line);
}

void Cmi5Reader::check_root_namespace() {
    const std::string &ns = root_ns_;
    if (ns == xml::ns::kCmi5) return;
    const long line = xml_.line();
    if (ns == xml::ns::kCmi5Early) {
        diags_.warning("cmi5.namespace_legacy",
                       "the course structure uses the early namespace " + quoted_clipped(ns) +
                           "; cmi5 LMSs expect " + quoted_clipped(xml::ns::kCmi5) + ": update xmlns",
                       ctx_.manifest_path, line);
    } else if (ns.empty()) {
        diags_.warning("manifest.no_namespace",
                       "<courseStructure> has no namespace; cmi5 requires xmlns=" +
                           quoted_clipped(xml::ns::kCmi5),
                       ctx_.manifest_path, line);
    } else {
        diags_.warning("cmi5.namespace_unknown",
                       "<courseStructure> is in the namespace " + quoted_clipped(ns) +
                           ", not the cmi5 one " + quoted_clipped(xml::ns::kCmi5) +
                           "; it was read as cmi5 anyway: fix xmlns",
                       ctx_.manifest_path, line);
    }
}

// Elements are matched by local name in the document's own namespace (or none);
// elements of other namespaces are extensions and are skipped.
bool Cmi5Reader::is_cmi5_element() const {
    const std::string_view ns = xml_.ns_uri();
    return ns.empty() || ns == root_ns_ || ns == xml::ns::kCmi5 || ns == xml::ns::kCmi5Early;
}

std::uint32_t Cmi5Reader::push_item(ItemKind kind, std::uint32_t parent) {
    const auto index = static_cast<std::uint32_t>(course_.items.size());
    Item item;
    item.kind = kind;
    item.parent = parent;
    item.line = xml_.line();
    course_.items.push_back(std::move(item));
    if (parent != kNone) course_.items[parent].children.push_back(index);
    return index;
}

// Ids of blocks, AUs and objectives must be unique in the whole course structure.
void Cmi5Reader::register_id(const std::string &id, const char *what, long line) {
    if (id.empty()) {
        diags_.error("cmi5.id_missing",
                     std::string("this ") + what +
                         " has no id attribute; cmi5 requires a unique IRI id on every block, "
                         "AU and objective",
                     ctx_.manifest_path, line);
        return;
    }
    check_iri(id, what, line);
    auto [it, inserted] = ids_.emplace(id, SeenId{line, what});
    if (inserted) return;
    diags_.error("id.duplicate",
                 std::string("the ") + what + " on line " + std::to_string(line) +
                     " reuses the id " + quoted_clipped(id) + " of the " + it->second.what +
                     " on line " + std::to_string(it->second.line) +
                     "; ids must be unique in the course structure: rename one of them",
                 ctx_.manifest_path, line);
}

void Cmi5Reader::check_iri(const std::string &id, const char *what, long line) {
    if (id.empty() || is_absolute_iri(id)) return;
    diags_.warning("cmi5.id_not_iri",
                   std::string("the ") + what + " id " + quoted_clipped(id) +
                       " is not an absolute IRI (it needs a scheme such as https:, and no "
                       "spaces or [PLACEHOLDER] parts); cmi5 LMSs may reject the course: use a "
                       "full IRI",
                   ctx_.manifest_path, line);
}

// <langstring lang="..">text</langstring>, one per language. Text written
// directly in the element (no langstring) is kept too, with no language.
bool Cmi5Reader::read_langtext(LangText &out) {
    std::string loose;
    bool any_langstring = false;
    for (;;) {
        const Event e = xml_.next();
        if (e == Event::End) break;
        if (e == Event::Eof || e == Event::Error) {
            ended_ = true;
            return false;
        }
        if (e == Event::Text) {
            loose.append(xml_.text());
            continue;
        }
        if (xml_.local_name() != "langstring" || !is_cmi5_element()) {
            xml_.skip();
            continue;
        }
        any_langstring = true;
        std::string lang(xml::trim(xml_.attr("lang")));
        std::string text;
        if (!read_text(text)) return false;
        auto value = xml::trim(text);
        if (!value.empty()) out.add(std::move(lang), std::string(value));
    }
    auto value = xml::trim(loose);
    if (!any_langstring && !value.empty()) out.add("", std::string(value));
    return true;
}

bool Cmi5Reader::read_course() {
    course_.identifier = std::string(xml::trim(xml_.attr("id")));
    course_.items[root_].line = xml_.line();
    if (course_.identifier.empty())
        diags_.error("cmi5.id_missing",
                     "<course> has no id attribute; cmi5 requires the course's IRI id",
                     ctx_.manifest_path, xml_.line());
    else
        check_iri(course_.identifier, "course", xml_.line());
    for (xml::Children in(xml_, ended_); in.next();) {
        const std::string_view name = xml_.local_name();
        bool ok = true;
        if (!is_cmi5_element()) xml_.skip();
        else if (name == "title") ok = read_langtext(course_.title);
        else if (name == "description") ok = read_langtext(course_.description);
        else xml_.skip();
        if (!ok) return false;
    }
    return !ended_;
}

// Course-level <objectives>: only the ids matter (AUs and blocks refer to them).
bool Cmi5Reader::read_objective_definitions() {
    for (xml::Children in(xml_, ended_); in.next();) {
        if (is_cmi5_element() && xml_.local_name() == "objective") {
            std::string id(xml::trim(xml_.attr("id")));
            register_id(id, "objective", xml_.line());
            if (!id.empty()) objective_ids_.insert(std::move(id));
        }
        xml_.skip();
    }
    return !ended_;
}

// <objectives><objective idref=".."/></objectives> inside an AU or block.
bool Cmi5Reader::read_objective_refs(std::uint32_t item) {
    for (xml::Children in(xml_, ended_); in.next();) {
        if (is_cmi5_element() && xml_.local_name() == "objective") {
            std::string idref(xml::trim(xml_.attr("idref")));
            if (!idref.empty()) {
                objective_refs_.push_back(ObjectiveRef{idref, xml_.line()});
                course_.items[item].details().objective_refs.push_back(std::move(idref));
            }
        }
        xml_.skip();
    }
    Item &it = course_.items[item];
    it.details().facts.objectives = static_cast<int>(it.details().objective_refs.size());
    return !ended_;
}

bool Cmi5Reader::read_block(std::uint32_t parent) {
    const std::uint32_t block = push_item(ItemKind::Block, parent);
    // `course_.items` grows while children are read: always index, never hold a reference.
    course_.items[block].id = std::string(xml::trim(xml_.attr("id")));
    register_id(course_.items[block].id, "block", course_.items[block].line);
    for (xml::Children in(xml_, ended_); in.next();) {
        const std::string_view name = xml_.local_name();
        bool ok = true;
        if (!is_cmi5_element()) xml_.skip();
        else if (name == "title") ok = read_langtext(course_.items[block].title);
        else if (name == "description") ok = read_langtext(course_.items[block].details().description);
        else if (name == "objectives") ok = read_objective_refs(block);
        else if (name == "block") ok = read_block(block);
        else if (name == "au") ok = read_au(block);
        else xml_.skip();
        if (!ok) return false;
    }
    return !ended_;
}

bool Cmi5Reader::read_au(std::uint32_t parent) {
    const std::uint32_t au = push_item(ItemKind::Au, parent);
    {
        Item &item = course_.items[au];
        item.id = std::string(xml::trim(xml_.attr("id")));
        item.details().move_on = std::string(xml::trim(xml_.attr("moveOn")));
        item.details().launch_method = std::string(xml::trim(xml_.attr("launchMethod")));
        item.details().activity_type = std::string(xml::trim(xml_.attr("activityType")));
        register_id(item.id, "AU", item.line);
    }
    // masteryScore is read after the children, as it may come as an element.
    std::string mastery(xml::trim(xml_.attr("masteryScore")));
    bool has_mastery = xml_.has_attr("masteryScore");

    std::string raw_url;
    bool has_url = false;
    long url_line = course_.items[au].line;
    std::string as_elements;  // attribute names written as child elements, for one warning

    for (xml::Children in(xml_, ended_); in.next();) {
        const std::string_view name = xml_.local_name();
        bool ok = true;
        if (!is_cmi5_element()) {
            xml_.skip();
        } else if (name == "title") {
            ok = read_langtext(course_.items[au].title);
        } else if (name == "description") {
            ok = read_langtext(course_.items[au].details().description);
        } else if (name == "objectives") {
            ok = read_objective_refs(au);
        } else if (name == "url") {
            url_line = xml_.line();
            has_url = true;
            ok = read_text(raw_url);
        } else if (name == "launchParameters") {
            std::string text;
            ok = read_text(text);
            course_.items[au].details().parameters = std::string(xml::trim(text));
        } else if (std::find(std::begin(kAuAttributes), std::end(kAuAttributes), name) !=
                   std::end(kAuAttributes)) {
            // An attribute written as an element: use it unless the attribute is there too.
            const std::string attr_name(name);
            std::string text;
            ok = read_text(text);
            std::string value(xml::trim(text));
            Item &item = course_.items[au];
            if (attr_name == "moveOn" && item.details().move_on.empty()) item.details().move_on = value;
            if (attr_name == "launchMethod" && item.details().launch_method.empty())
                item.details().launch_method = value;
            if (attr_name == "activityType" && item.details().activity_type.empty())
                item.details().activity_type = value;
            if (attr_name == "masteryScore" && !has_mastery) {
                mastery = value;
                has_mastery = true;
            }
            if (as_elements.find(attr_name) == std::string::npos)
                as_elements += (as_elements.empty() ? "" : ", ") + attr_name;
        } else {
            xml_.skip();  // entitlementKey (not modelled), extensions
        }
        if (!ok) return false;
    }
    if (ended_) return false;

    const long line = course_.items[au].line;
    const std::string &id = course_.items[au].id;
    if (!as_elements.empty())
        diags_.warning("cmi5.attribute_as_element",
                       "AU " + quoted_clipped(id) + " gives " + as_elements +
                           " as child elements; cmi5 defines them as attributes of <au>, so "
                           "an LMS may ignore them: write them as attributes",
                       ctx_.manifest_path, line);
    if (has_mastery) {
        // from_chars does not depend on the process locale (a host may set one).
        double score = 0;
        std::string_view s = mastery;
        if (!s.empty() && s.front() == '+') s.remove_prefix(1);
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), score);
        if (s.empty() || ec != std::errc() || end != s.data() + s.size() ||
            !std::isfinite(score) || score < 0.0 || score > 1.0)
            diags_.warning("cmi5.mastery_score_invalid",
                           "AU " + quoted_clipped(id) + " has masteryScore " + quoted_clipped(mastery) +
                               "; it must be a decimal number from 0 to 1 (it was ignored)",
                           ctx_.manifest_path, line);
        else
            course_.items[au].details().facts.mastery_score = score;
    }
    finish_au(au, raw_url, has_url, url_line);
    return true;
}

// Checks the AU's url and gives the AU its launch Resource.
void Cmi5Reader::finish_au(std::uint32_t au, const std::string &raw_url, bool has_url,
                           long url_line) {
    const std::string id = course_.items[au].id;
    const long line = course_.items[au].line;
    const std::string url(xml::trim(raw_url));
    if (url.empty()) {
        diags_.error("cmi5.au_missing_url",
                     "AU " + quoted_clipped(id) +
                         (has_url ? " has an empty <url>" : " has no <url>") +
                         ": an LMS cannot launch it; give the AU's launch URL",
                     ctx_.manifest_path, has_url ? url_line : line);
        return;
    }
    if (url.size() != raw_url.size())
        diags_.warning("cmi5.url_whitespace",
                       "the <url> of AU " + quoted_clipped(id) +
                           " is padded with whitespace; it was trimmed, but some LMSs launch "
                           "the URL as written: remove the padding",
                       ctx_.manifest_path, url_line);
    if (url_looks_invalid(url))
        diags_.warning("cmi5.url_invalid",
                       "the <url> " + quoted_clipped(url) + " of AU " + quoted_clipped(id) +
                           " is not a valid URL (spaces, characters URLs cannot contain, a "
                           "broken %-escape or an http(s) URL without a host): fix it, "
                           "percent-encoding what must stay",
                       ctx_.manifest_path, url_line);
    if (const std::string name = reserved_launch_parameter(url); !name.empty())
        diags_.error("cmi5.url_reserved_parameter",
                     "the <url> of AU " + quoted_clipped(id) + " sets the launch parameter " +
                         quoted_clipped(name) +
                         ", which the LMS adds itself when it launches the AU (cmi5 section "
                         "8.1), so LMSs refuse the course: remove it from the url",
                     ctx_.manifest_path, url_line);
    if (!ctx_.in_package && !has_url_scheme(url))
        diags_.warning("cmi5.relative_url_outside_package",
                       "AU " + quoted_clipped(id) + " has the relative url " + quoted_clipped(url) +
                           ", but this course structure is not inside a package; cmi5 requires "
                           "absolute URLs for a bare course structure: zip it with its content "
                           "or use an absolute URL",
                       ctx_.manifest_path, url_line);

    course_.items[au].details().url = url;
    course_.items[au].resource = add_launch_resource(course_, ctx_, id, url, line, url_line);
}

// Refs are checked at the end: definitions may come after the AUs in broken files.
void Cmi5Reader::check_objective_refs() {
    for (const ObjectiveRef &ref : objective_refs_) {
        if (objective_ids_.count(ref.idref)) continue;
        diags_.warning("cmi5.objective_unknown",
                       "the objective reference " + quoted_clipped(ref.idref) +
                           " names no objective defined in the course's <objectives>: define "
                           "it there or fix the idref",
                       ctx_.manifest_path, ref.line);
    }
}

}  // namespace

void read_cmi5(xml::Stream &xml, ReadContext &ctx, Course &course) {
    Cmi5Reader(xml, ctx, course).read();
}

}  // namespace coursecrew
