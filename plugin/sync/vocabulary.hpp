// The xAPI vocabulary coursecrew speaks. Defined as an xAPI Profile in
// schemas/coursecrew.xapi-profile.jsonld; this header and that file must
// agree (tests/unit/test_profile.cpp checks it).
//
// Our own terms hang off a configurable base IRI (config `profile_iri`,
// default kProfileBase); ADL and cmi5 terms are used where they mean the
// right thing.
#pragma once

namespace coursecrew::vocab {

constexpr const char *kProfileBase = "https://w3id.org/xapi/coursecrew";
constexpr const char *kProfileVersionSuffix = "/v1";  // the profile version IRI: base + "/v1"

// Verbs. Suffixes are appended to the base; full IRIs are ADL's.
constexpr const char *kVerbPublished = "/verbs/published";          // a course version was published
constexpr const char *kVerbAssigned = "/verbs/assigned";            // a person got a role on a module
constexpr const char *kVerbUnassigned = "/verbs/unassigned";        // ... or lost it
constexpr const char *kVerbChangedStatus = "/verbs/changed-status"; // a (piece, role) status changed
constexpr const char *kVerbReopened = "/verbs/reopened";            // content changed after done
constexpr const char *kVerbProgressed = "http://adlnet.gov/expapi/verbs/progressed";  // ADL

// Activity types.
constexpr const char *kTypeCourse = "http://adlnet.gov/expapi/activities/course";    // ADL
constexpr const char *kTypeModule = "http://adlnet.gov/expapi/activities/module";    // ADL
constexpr const char *kTypeProfile = "http://adlnet.gov/expapi/activities/profile";  // ADL (category)
constexpr const char *kTypePiece = "/activity-types/piece";  // an item/SCO/AU with its files
constexpr const char *kTypeRole = "/activity-types/role";    // a role on a module

// Extensions.
constexpr const char *kExtProgress = "https://w3id.org/xapi/cmi5/result/extensions/progress";  // cmi5, 0..100
constexpr const char *kExtRole = "/extensions/role";                 // result: the role name
constexpr const char *kExtPreviousStatus = "/extensions/previous-status";  // result
constexpr const char *kExtStatus = "/extensions/status";             // result
constexpr const char *kExtNote = "/extensions/note";                 // result
constexpr const char *kExtPerson = "/extensions/person";             // result: the agent assigned
constexpr const char *kExtPairs = "/extensions/pairs";               // result: {"done": n, "total": n}
constexpr const char *kExtForecast = "/extensions/forecast";         // result: a module's finish-date forecast
constexpr const char *kExtPackage = "/extensions/package";           // context: {"identifier", "digest", "format"}

// The per-module status document in the Activity Profile API.
constexpr const char *kDocModuleStatus = "/documents/module-status";
// The course index (activity: the course): which module documents changed,
// so a pull fetches only those (see plugin/sync/pull.hpp).
constexpr const char *kDocCourseIndex = "/documents/course-index";

// The five production statuses (the profile's status set).
constexpr const char *kStatuses[] = {"not_started", "in_progress", "in_review", "done", "blocked"};

}  // namespace coursecrew::vocab
