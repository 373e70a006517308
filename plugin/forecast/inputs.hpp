// What a forecast needs besides the store's tallies: who holds which role on
// which module (from the plan), the due dates (from the plan and the role
// map's schedule) and the working calendar (from the role map). The
// workspace gathers these once per command; the review and the feed (module
// documents, progress statements) then build the timelines from the store.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "plugin/forecast/forecast.hpp"

namespace coursecrew {

struct Plan;
struct RoleMap;
class Store;

struct ForecastInputs {
    std::vector<Holding> holdings;
    WorkCalendar calendar;
    std::vector<std::pair<std::string, std::string>> module_due;
    std::vector<std::pair<std::pair<std::string, std::string>, std::string>> role_due;
    ForecastSettings settings;
};

ForecastInputs forecast_inputs(const Plan &plan, const RoleMap &map);

// Reads the course's daily tallies (and the per-pair days the partial
// holdings need) from the store, and builds the timelines as of `now`.
bool compute_timelines(const Store &store, const std::string &course, const ForecastInputs &in, std::int64_t now,
                       Timelines &out, std::string &error);

}  // namespace coursecrew
