// The feed: turns what a publish or a status change did into outbox work,
// inside the store's transaction (a WriteHook). It decides what is worth
// telling the LMS: status changes, content changed after done, people
// assigned to or removed from a role on a module, a module's progress when
// it moved, a published course version, and the status document of every
// module that changed. Only changes: what was said before is not said again.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "plugin/sync/events.hpp"
#include "plugin/store/store.hpp"

namespace coursecrew {

struct Plan;
struct RoleMap;

struct FeedTargets {
    std::vector<std::string> all;        // every target (statements)
    std::vector<std::string> documents;  // targets that keep module documents
};

struct FeedInput {
    EventContext context;
    FeedTargets targets;
    std::string course;  // the store's course key (the manifest identifier)
    std::int64_t now = 0;

    // Publish only (null for status changes):
    const Plan *plan = nullptr;
    const RoleMap *map = nullptr;
    PackageFacts package;
    std::map<std::string, std::string> module_titles;  // module id -> title

    // When all three are set, a module's progress statement and status
    // document carry its finish-date forecast as of `now`, from the store's
    // tallies inside this very transaction (plugin/forecast/inputs.hpp): who
    // holds what comes from the plan, the calendar and due dates from the map.
    struct {
        const Plan *plan = nullptr;
        const RoleMap *map = nullptr;
        const Store *store = nullptr;
    } forecast;
};

// What the feed queued (all of it, for --dry-run and the summary).
struct FeedResult {
    std::vector<Event> events;
    struct Document {
        std::string module, activity, body;
    };
    std::vector<Document> documents;
};

// A WriteHook that feeds `changes` into the outbox and fills `result`.
WriteHook feed_hook(const FeedInput &input, FeedResult &result);

}  // namespace coursecrew
