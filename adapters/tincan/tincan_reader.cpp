// Reads a Tin Can (xAPI) package descriptor (tincan.xml) into the course model.
//
//   <tincan><activities>
//     <activity id="IRI" type="IRI">
//       <name lang>, <description lang>, <launch lang>   (interaction details are skipped)
//
// Every activity becomes an Activity item under one root Organization item;
// the course is the first activity of type ".../course" (else the first one).
// The reader records what the file says and reports what is wrong with it; it
// does not check file presence, pick modules or count (the core does that).
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "adapters/xml/xml_stream.hpp"
#include "adapters/xml_common/children.hpp"
#include "plugin/model/course.hpp"
#include "plugin/model/paths.hpp"
#include "plugin/model/reader.hpp"

namespace coursecrew {

namespace {

constexpr std::string_view kCourseTypeSuffix = "/course";
constexpr std::string_view kInteractionTypeSuffix = "cmi.interaction";

class TincanReader {
public:
    TincanReader(xml::Stream &xml, ReadContext &ctx, Course &course)
        : xml_(xml), ctx_(ctx), course_(course), diags_(ctx.diags) {}

    void read();

private:
    // Called on the element's Start event; returns with the stream on its End,
    // or false when the stream ended (malformed XML): then everything stops.
    bool read_activities();
    bool read_activity();
    bool read_text(std::string &out) { return xml::read_text(xml_, out, ended_); }
    bool is_tincan_element() const;
    void choose_course();

    xml::Stream &xml_;
    ReadContext &ctx_;
    Course &course_;
    Diagnostics &diags_;
    std::string root_ns_;
    bool ended_ = false;  // the stream hit Eof/Error
    std::uint32_t root_ = kNone;
    std::unordered_map<std::string, long> ids_;  // activity id -> line first seen
};

void TincanReader::read() {
    course_.format = Format::Tincan;
    root_ns_ = std::string(xml_.ns_uri());

    // The root Organization item stands for the course; its id and title are
    // known only once the course activity has been found.
    root_ = add_course_root(course_, xml_.line());

    for (xml::Children in(xml_, ended_); in.next();) {
        bool ok = true;
        if (!is_tincan_element()) xml_.skip();
        else if (xml_.local_name() == "activities") ok = read_activities();
        // Not in the schema, but harmless to accept: activities written without the wrapper.
        else if (xml_.local_name() == "activity") ok = read_activity();
        else xml_.skip();
        if (!ok) break;
    }

    choose_course();
    if (ended_) return;  // malformed: the stream has reported it; keep what was read
    if (course_.items[root_].children.empty())
        diags_.error("tincan.no_activities",
                     "tincan.xml lists no <activity>: an LRS-based player has nothing to "
                     "launch or track; describe the course as an activity with a <launch>",
                     ctx_.manifest_path, course_.items[root_].line);
}

// Elements are matched by local name in the document's own namespace (or none);
// elements of other namespaces are extensions and are skipped.
bool TincanReader::is_tincan_element() const {
    const std::string_view ns = xml_.ns_uri();
    return ns.empty() || ns == root_ns_ || ns == xml::ns::kTincan;
}

bool TincanReader::read_activities() {
    for (xml::Children in(xml_, ended_); in.next();) {
        bool ok = true;
        if (is_tincan_element() && xml_.local_name() == "activity") ok = read_activity();
        else xml_.skip();
        if (!ok) return false;
    }
    return !ended_;
}

bool TincanReader::read_activity() {
    const auto index = static_cast<std::uint32_t>(course_.items.size());
    {
        Item item;
        item.kind = ItemKind::Activity;
        item.parent = root_;
        item.line = xml_.line();
        item.id = std::string(xml::trim(xml_.attr("id")));
        item.details().activity_type = std::string(xml::trim(xml_.attr("type")));
        item.details().facts.has_interactions =
            item.details().activity_type.ends_with(kInteractionTypeSuffix);
        course_.items.push_back(std::move(item));
        course_.items[root_].children.push_back(index);
    }

    std::string launch;
    bool has_launch = false;
    long launch_line = course_.items[index].line;
    for (xml::Children in(xml_, ended_); in.next();) {
        const std::string_view name = xml_.local_name();
        if (!is_tincan_element() ||
            (name != "name" && name != "description" && name != "launch")) {
            xml_.skip();  // interactionType, choices, extensions ...
            continue;
        }
        // One element per language; xml:lang is accepted for lang too.
        std::string lang(xml::trim(xml_.attr("lang")));
        const bool is_launch = name == "launch";
        const bool is_name = name == "name";
        const long line = xml_.line();
        std::string text;
        if (!read_text(text)) return false;
        std::string value(xml::trim(text));
        if (is_launch) {
            // Players launch one file; later <launch> elements (other languages) are ignored.
            if (!has_launch && !value.empty()) {
                launch = std::move(value);
                has_launch = true;
                launch_line = line;
            }
        } else if (!value.empty()) {
            Item &item = course_.items[index];
            (is_name ? item.title : item.details().description).add(std::move(lang), std::move(value));
        }
    }
    if (ended_) return false;

    Item &item = course_.items[index];
    if (item.id.empty()) {
        diags_.warning("tincan.activity_id_not_iri",
                       "this <activity> has no id; xAPI needs an absolute IRI to track it: "
                       "add id=\"https://...\"",
                       ctx_.manifest_path, item.line);
    } else {
        if (!is_absolute_iri(item.id))
            diags_.warning("tincan.activity_id_not_iri",
                           "the activity id " + quoted_clipped(item.id) +
                               " is not an absolute IRI (it needs a scheme such as https:, and "
                               "no spaces or [PLACEHOLDER] parts); statements about it will be "
                               "rejected by an LRS: use the course's real IRI",
                           ctx_.manifest_path, item.line);
        auto [it, inserted] = ids_.emplace(item.id, item.line);
        if (!inserted)
            diags_.error("id.duplicate",
                         "the activity on line " + std::to_string(item.line) +
                             " reuses the id " + quoted_clipped(item.id) + " of the activity on line " +
                             std::to_string(it->second) +
                             "; activity ids must be unique: rename one of them",
                         ctx_.manifest_path, item.line);
    }
    if (has_launch) {
        item.details().url = launch;
        const std::string id = item.id;
        const long line = item.line;
        // add_launch_resource does not touch course_.items, but keep no reference across it.
        const std::uint32_t res = add_launch_resource(course_, ctx_, id, launch, line, launch_line);
        course_.items[index].resource = res;
    }
    return true;
}

// The course is the first activity typed ".../course", else the first activity.
void TincanReader::choose_course() {
    const auto &children = course_.items[root_].children;
    if (children.empty()) return;
    std::uint32_t chosen = children.front();
    for (std::uint32_t child : children) {
        if (course_.items[child].details().activity_type.ends_with(kCourseTypeSuffix)) {
            chosen = child;
            break;
        }
    }
    const Item &course_item = course_.items[chosen];
    course_.identifier = course_item.id;
    course_.title = course_item.title;
    course_.description = course_item.details().description;
    name_course_root(course_, root_);
}

}  // namespace

void read_tincan(xml::Stream &xml, ReadContext &ctx, Course &course) {
    TincanReader(xml, ctx, course).read();
}

}  // namespace coursecrew
