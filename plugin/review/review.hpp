// The per-module review: for each module, each piece with its roles, the
// people holding them and their status; progress (done pairs / all pairs)
// overall, per role and per person; and findings (gaps, overload, people
// with many roles, stale, content changed after done, overdue, at risk).
// Rendered as a terminal table, JSON (schemas/review.schema.json), CSV (one
// row per (piece, role)) or one self-contained HTML page. A seat sharing the
// team's state through the LRS (Review::team.shared) adds, in every format,
// when that state was last pulled, a mark on pairs last changed on another
// seat, and the cells only another seat's version has; a review that is not
// shared renders exactly as it did before (tests/unit/review_unshared/).
// Given the modules' timelines (ReviewOptions::timelines, issue 14), every
// format adds the burn-up series and the finish-date forecast per module,
// and the builder adds "forecast_late" findings; without them the output is
// byte for byte what it was.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plugin/forecast/forecast.hpp"
#include "plugin/model/course.hpp"
#include "plugin/roles/rolemap.hpp"
#include "plugin/store/store.hpp"

namespace coursecrew {

struct ReviewOptions {
    std::int64_t now = 0;                  // the clock, injected (unix seconds, UTC)
    std::string module;                    // only this module ("" = all)
    std::size_t overload_threshold = 10;   // open pairs per person before "overload"
    std::size_t many_roles_threshold = 3;  // roles per person worth mentioning
    int stale_days = 14;                   // in_progress / in_review longer than this
    int at_risk_days = 5;                  // not_started this close to the due date
    // The modules' burn-up series and forecasts, built from the store's
    // history (build_timelines). Null: no history or forecast anywhere, the
    // output exactly as without issue 14. Read during build_review only.
    const Timelines *timelines = nullptr;
};

enum class ReviewFormat { Table, Json, Csv, Html };
bool parse_review_format(std::string_view s, ReviewFormat &out);

struct Finding {
    std::string kind;     // "gap", "overload", "many_roles", "stale", "changed_after_done",
                          // "overdue", "at_risk", "waiting" (files not in the package yet),
                          // "forecast_late" (the 85% finish date is after a due date not yet past)
    std::string severity; // "warning" or "info"
    std::string module, piece, role, person;  // what it is about ("" when not applicable)
    std::string message;  // for people
};

struct ReviewPair {
    std::string role;
    Status status = Status::NotStarted;
    std::vector<std::string> people;  // display names
    std::vector<std::string> agents;  // Agent::key() of each person
    std::string by, note, due;
    std::int64_t since = 0;
    bool overdue = false, at_risk = false, changed_after_done = false;
    bool remote = false;  // last changed on another seat (pulled from the LRS)
};

struct ReviewPiece {
    std::string id, title;
    std::vector<ReviewPair> pairs;  // sorted by role
};

struct Progress {
    std::size_t done = 0, total = 0;
    double percent() const { return total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 0.0; }
};

struct ReviewModule {
    std::string id, title, due;
    std::vector<ReviewPiece> pieces;
    Progress overall;
    std::vector<std::pair<std::string, Progress>> by_role;    // role id -> progress
    std::vector<std::pair<std::string, Progress>> by_person;  // person name -> progress
    // From ReviewOptions::timelines, when it has this module.
    std::optional<ModuleTimeline> timeline;
    std::optional<ModuleForecast> forecast;
};

// The files that belong to the course itself (Course::shell): the player,
// theme and framework, held by the instructional designer.
struct CourseShell {
    std::size_t files = 0, missing = 0;
    std::uint64_t bytes = 0;
    std::string role;                 // "designer" when the roles in force have it, else ""
    std::vector<std::string> people;  // who holds that role (display names)
};

// A cell another seat's version of the package has and this seat's has not
// (the piece, or the role on it): kept in the team's module document, listed
// as "on another seat's version".
struct ForeignCell {
    std::string module, piece, title, role, by, note;
    Status status = Status::NotStarted;
    std::int64_t at = 0;
};

// The team's state as this seat knows it: when it was last pulled from the
// LRS (the shared truth; each seat's store is a replica).
struct TeamState {
    bool shared = false;            // a sync config with a document target is in use
    std::int64_t pulled_at = 0;     // the last successful pull (0: never)
    std::int64_t attempted_at = 0;  // the last attempt (== pulled_at when it worked)
    std::string error;              // why the last attempt failed ("" when it worked)
    std::vector<ForeignCell> foreign;  // sorted by module, piece, role
};

struct Review {
    std::string course_id, course_title, format;
    std::string tool;                   // the authoring tool whose structure gave the pieces ("" = the manifest's)
    std::vector<std::string> notices;   // said once: the pieces' source changed since the last review
    CourseShell shell;
    std::int64_t generated_at = 0;
    std::vector<Role> roles;            // the roles in force, for titles
    std::vector<ReviewModule> modules;
    Progress overall;
    std::vector<Finding> findings;
    TeamState team;                     // filled by the workspace when a sync config is in use
    std::string module;                 // the module asked for (ReviewOptions::module; "" = all):
                                        // the renderers list only its foreign cells
    bool forecasting = false;           // built with timelines: the renderers show history and forecast
};

Review build_review(const Course &course, const RoleMap &map, const Plan &plan,
                    const std::vector<PairState> &pairs, const ReviewOptions &options);

std::string render_review(const Review &review, ReviewFormat format);

// The burn-up series and forecasts as long-format CSV (RFC 4180, formulas
// neutralised as in the pairs CSV); docs/review-forecast.md describes the
// columns. Only the header when the review was built without timelines.
std::string render_review_series_csv(const Review &review);

}  // namespace coursecrew
