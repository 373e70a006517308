// Days and the working calendar (see forecast.hpp). Dates go through C++20
// <chrono> (sys_days, year_month_day, weekday): no date arithmetic by hand.
#include "plugin/forecast/forecast.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>

namespace coursecrew {

namespace {

namespace chr = std::chrono;

chr::sys_days as_sys(Day d) { return chr::sys_days{chr::days{d}}; }

// 0 = Monday ... 6 = Sunday.
unsigned weekday_index(Day d) { return chr::weekday{as_sys(d)}.iso_encoding() - 1; }

constexpr std::uint8_t kWeek = 0x7F;

}  // namespace

Day day_of(std::int64_t unix_seconds) {
    const auto day = chr::floor<chr::days>(chr::sys_seconds{chr::seconds{unix_seconds}});
    return static_cast<Day>(day.time_since_epoch().count());
}

std::string day_text(Day d) {
    const chr::year_month_day ymd{as_sys(d)};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

bool parse_day(std::string_view s, Day &out) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    int parts[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
    for (int p = 0; p < 3; ++p)
        for (std::size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            parts[p] = parts[p] * 10 + (s[i] - '0');
        }
    const chr::year_month_day ymd{chr::year{parts[0]}, chr::month{static_cast<unsigned>(parts[1])},
                                  chr::day{static_cast<unsigned>(parts[2])}};
    if (parts[0] < 1 || !ymd.ok()) return false;
    out = static_cast<Day>(chr::sys_days{ymd}.time_since_epoch().count());
    return true;
}

bool WorkCalendar::working(Day d) const {
    if (!(weekdays & (1u << weekday_index(d)))) return false;
    return !std::binary_search(holidays.begin(), holidays.end(), d);
}

bool WorkCalendar::away_on(std::string_view person_key, Day d) const {
    auto it = std::lower_bound(away.begin(), away.end(), person_key,
                               [](const Away &a, std::string_view k) { return a.person < k; });
    for (; it != away.end() && it->person == person_key; ++it) {
        if (it->from > d) break;  // sorted by from within a person
        if (d <= it->to) return true;
    }
    return false;
}

Day WorkCalendar::add_working_days(Day from, int n) const {
    if (n <= 0) return from;
    // No working weekday at all (the schema forbids it): no day ever comes.
    if ((weekdays & kWeek) == 0) return 0;
    Day d = from;
    // Holidays are finite, so with a working weekday this always ends.
    while (n > 0) {
        ++d;
        if (working(d)) --n;
    }
    return d;
}

int WorkCalendar::working_days_between(Day from, Day to) const {
    if (to < from) return -working_days_between(to, from);
    // Days in (from, to]: whole weeks hold popcount(weekdays) working
    // weekdays each; the rest (under a week) is counted one by one; then the
    // holidays on working weekdays inside the range come off.
    const std::int64_t span = std::int64_t(to) - from;
    const std::int64_t weeks = span / 7;
    std::int64_t n = weeks * std::popcount(static_cast<unsigned>(weekdays & kWeek));
    for (Day d = static_cast<Day>(from + weeks * 7 + 1); d <= to; ++d)
        if (weekdays & (1u << weekday_index(d))) ++n;
    auto lo = std::upper_bound(holidays.begin(), holidays.end(), from);
    auto hi = std::upper_bound(holidays.begin(), holidays.end(), to);
    for (auto it = lo; it != hi; ++it)
        if (weekdays & (1u << weekday_index(*it))) --n;
    return static_cast<int>(n);
}

const char *to_string(ForecastState s) {
    switch (s) {
    case ForecastState::Done: return "done";
    case ForecastState::Forecast: return "forecast";
    case ForecastState::TooLittleHistory: return "too_little_history";
    case ForecastState::Stalled: return "stalled";
    case ForecastState::BeyondHorizon: return "beyond_horizon";
    }
    return "unknown";
}

}  // namespace coursecrew
