// Progress over time and the finish-date forecast (issue 14).
//
// The store keeps, next to every history row, a daily tally per (module,
// role): how many pairs there were and how many were done at the end of each
// day (DailyTally, store migration v8). From those tallies, the role map's
// working calendar and who holds which role where, this builds per module:
//   - the burn-up series (ModuleTimeline): done pairs and all pairs by day,
//     for the module, each role and each person; scope changes move the total;
//   - the forecast (ModuleForecast): a Monte Carlo simulation over the
//     throughput sampled from the last working days (done pairs per working
//     day, per role), giving the 50% and 85% finish dates and the bottleneck
//     role. Deterministic: the seed is fixed, so a review is reproducible.
// Everything is computed "as of" a day (the review's --now): history after
// that day is ignored, so a review can be replayed as of any day.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coursecrew {

// A calendar day: days since 1970-01-01 (UTC). 0 also means "none" in the
// fields below that say so (no course has history in January 1970).
using Day = std::int32_t;

Day day_of(std::int64_t unix_seconds);           // the UTC day holding that instant
std::string day_text(Day d);                     // "2026-12-14"
bool parse_day(std::string_view text, Day &out); // "YYYY-MM-DD", a real date

// The team's working calendar, from the role map's "calendar" and each
// person's "away" (schemas/rolemap.schema.json).
struct WorkCalendar {
    // Bit i set: weekday i is a working day; 0 = Monday ... 6 = Sunday.
    std::uint8_t weekdays = 0x1F;  // Monday to Friday
    std::vector<Day> holidays;     // sorted, unique: nobody works
    struct Away {
        std::string person;        // Agent::key() of the person
        Day from = 0, to = 0;      // inclusive
    };
    std::vector<Away> away;        // sorted by person, then from

    bool working(Day d) const;                                  // a working day, not a holiday
    bool away_on(std::string_view person_key, Day d) const;     // that person is away that day
    // The n-th working day after `from` (n >= 1), or `from` itself for n == 0.
    Day add_working_days(Day from, int n) const;
    // Working days in (from, to]; negative when to < from.
    int working_days_between(Day from, Day to) const;
};

// One day of the store's tally for a (module, role): the change that day.
struct DailyTally {
    std::string module, role;
    Day day = 0;
    std::int32_t done_delta = 0;   // pairs that became done minus pairs that stopped being done
    std::int32_t total_delta = 0;  // pairs added or restored minus pairs archived
};

// Cumulative done and total at the end of `day`. A series holds a point for
// each day something changed, in ascending order, and always ends with a
// point on the "as of" day.
struct ProgressPoint {
    Day day = 0;
    std::int32_t done = 0, total = 0;
};
using ProgressSeries = std::vector<ProgressPoint>;

struct ModuleTimeline {
    std::string module;
    ProgressSeries overall;
    std::vector<std::pair<std::string, ProgressSeries>> by_role;    // role id -> series, sorted by role
    std::vector<std::pair<std::string, ProgressSeries>> by_person;  // display name -> series, sorted by name
};

struct ForecastSettings {
    int window_days = 20;           // working days of history sampled (before the "as of" day)
    int min_history_days = 5;       // fewer working days since a role's first change: no forecast
    int trials = 1000;              // Monte Carlo runs
    int horizon_days = 520;         // working days simulated at most (about two years)
    std::uint64_t seed = 14;        // combined with the module and role ids: each forecast stands alone
};

enum class ForecastState {
    Done,              // nothing left
    Forecast,          // p50 and p85 are set
    TooLittleHistory,  // not enough history to sample from (reason says how much there is)
    Stalled,           // pairs left, but no pair done in the window (reason names the role)
    BeyondHorizon,     // the 85% run did not finish within horizon_days
};
const char *to_string(ForecastState s);  // "done", "forecast", "too_little_history", "stalled", "beyond_horizon"

struct RoleForecast {
    std::string role;
    ForecastState state = ForecastState::TooLittleHistory;
    std::string reason;              // for people, when not Forecast/Done
    std::int32_t remaining = 0;      // pairs left (total - done, as of the day)
    std::int32_t done_in_window = 0; // pairs done in the window
    int sampled_days = 0;            // working days in the window that were sampled
    double throughput = 0;           // mean done pairs per sampled working day
    Day p50 = 0, p85 = 0;            // 0 unless Forecast
    std::string due;                 // the role's due date here ("" = none)
    int late_days = 0;               // working days p85 is after `due` (0 when not late)
};

struct ModuleForecast {
    std::string module;
    ForecastState state = ForecastState::TooLittleHistory;
    std::string reason;              // for people, when not Forecast/Done
    Day as_of = 0;                   // the day forecast from
    Day p50 = 0, p85 = 0;            // the module is done when its last role is; 0 unless Forecast
    std::string bottleneck;          // the role with the latest 85% date, or the stalled role ("" = none)
    std::string due;                 // the module's due date ("" = none)
    int late_days = 0;               // working days p85 is after `due` (0 when not late)
    std::vector<RoleForecast> roles; // sorted by role
    ForecastSettings settings;       // the inputs, for the output's explanation
};

// Who holds a role in a module, for the per-person series and for the days
// away: a person's line counts the pairs of the roles they hold there.
struct Holding {
    std::string module, role;
    std::string person_key;   // Agent::key()
    std::string person_name;  // display name
    // True when the person holds the role on every piece of the module that
    // has it; false when only on some (their line then counts only those).
    bool whole = true;
    std::vector<std::string> pieces;  // when !whole: the pieces they hold it on
};

// Per-pair history rows a partial holding needs (see Holding::whole).
struct PairDay {
    std::string module, piece, role;
    Day day = 0;
    std::int32_t done_delta = 0, total_delta = 0;
};

struct Timelines {
    std::vector<ModuleTimeline> modules;    // sorted by module id
    std::vector<ModuleForecast> forecasts;  // sorted by module id
};

struct TimelineInput {
    const std::vector<DailyTally> *tallies = nullptr;   // the course's, any order
    const std::vector<PairDay> *pair_days = nullptr;    // for partial holdings (may be null)
    const std::vector<Holding> *holdings = nullptr;     // may be null: no per-person series
    const WorkCalendar *calendar = nullptr;             // null: Monday to Friday, no holidays
    // Due dates: module -> date, and (module, role) -> date overriding it.
    std::vector<std::pair<std::string, std::string>> module_due;
    std::vector<std::pair<std::pair<std::string, std::string>, std::string>> role_due;
    Day as_of = 0;
    ForecastSettings settings;
};

Timelines build_timelines(const TimelineInput &in);

}  // namespace coursecrew
