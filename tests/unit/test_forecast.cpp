// Progress over time and the finish-date forecast (issue 14): days and the
// working calendar, build_timelines on synthetic tallies with an injected
// "as of" day (no wall clock), and the store's daily tallies against its
// history and pairs.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <ctime>
#include <ostream>
#include <map>
#include <string>
#include <vector>

#include "plugin/forecast/forecast.hpp"
#include "plugin/store/sql.hpp"
#include "plugin/store/store.hpp"
#include "plugin/store/team.hpp"
#include "support.hpp"

using namespace coursecrew;

namespace coursecrew {
// For Boost.Test's messages.
std::ostream &operator<<(std::ostream &os, ForecastState s) { return os << to_string(s); }
}  // namespace coursecrew

namespace {

Day day(const char *text) {
    Day d = 0;
    BOOST_TEST_REQUIRE(parse_day(text, d), text);
    return d;
}

// A synthetic history, built day by day.
struct History {
    std::vector<DailyTally> tallies;
    void add(const std::string &module, const std::string &role, Day d, int done, int total) {
        tallies.push_back(DailyTally{module, role, d, done, total});
    }
    // `per_day` pairs done on every Monday-to-Friday day in [from, to].
    void steady(const std::string &module, const std::string &role, Day from, Day to, int per_day) {
        const WorkCalendar weekdays;
        for (Day d = from; d <= to; ++d)
            if (weekdays.working(d)) add(module, role, d, per_day, 0);
    }
};

// The steady team: 200 writer pairs added Friday 2026-10-30, 5 done on each
// working day of the four weeks from Monday 2026-11-02 to Friday 2026-11-27.
// As of Monday 2026-11-30, 100 are left: 20 working days at 5 a day.
History steady_team(const std::string &module = "M1") {
    History h;
    h.add(module, "writer", day("2026-10-30"), 0, 200);
    h.steady(module, "writer", day("2026-11-02"), day("2026-11-27"), 5);
    return h;
}

TimelineInput input(const History &h, const char *as_of = "2026-11-30") {
    TimelineInput in;
    in.tallies = &h.tallies;
    in.as_of = day(as_of);
    return in;
}

// Copies: the Timelines are often temporaries.
ModuleForecast forecast_of(const Timelines &t, const std::string &module) {
    for (const auto &f : t.forecasts)
        if (f.module == module) return f;
    BOOST_FAIL("no forecast for " << module);
    return t.forecasts.front();
}

ModuleTimeline timeline_of(const Timelines &t, const std::string &module) {
    for (const auto &m : t.modules)
        if (m.module == module) return m;
    BOOST_FAIL("no timeline for " << module);
    return t.modules.front();
}

const RoleForecast &role_of(const ModuleForecast &f, const std::string &role) {
    for (const auto &r : f.roles)
        if (r.role == role) return r;
    BOOST_FAIL("no role " << role << " in " << f.module);
    return f.roles.front();
}

std::string text(const ProgressSeries &s) {
    std::string out;
    for (const auto &p : s)
        out += day_text(p.day) + ":" + std::to_string(p.done) + "/" + std::to_string(p.total) + " ";
    return out;
}

std::string text(const RoleForecast &r) {
    return r.role + " " + to_string(r.state) + " " + std::to_string(r.remaining) + " " +
           std::to_string(r.done_in_window) + " " + std::to_string(r.sampled_days) + " " +
           std::to_string(r.throughput) + " " + std::to_string(r.p50) + " " + std::to_string(r.p85) + " " +
           r.due + " " + std::to_string(r.late_days) + " " + r.reason;
}

std::string text(const ModuleForecast &f) {
    std::string out = f.module + " " + to_string(f.state) + " " + std::to_string(f.p50) + " " +
                      std::to_string(f.p85) + " " + f.bottleneck + " " + f.due + " " +
                      std::to_string(f.late_days) + " " + f.reason + "\n";
    for (const auto &r : f.roles) out += "  " + text(r) + "\n";
    return out;
}

std::string text(const ModuleTimeline &m) {
    std::string out = m.module + " " + text(m.overall) + "\n";
    for (const auto &[role, s] : m.by_role) out += "  " + role + " " + text(s) + "\n";
    for (const auto &[who, s] : m.by_person) out += "  " + who + " " + text(s) + "\n";
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forecast_calendar)

BOOST_AUTO_TEST_CASE(days_are_utc_days_since_1970) {
    BOOST_TEST(day_of(0) == 0);
    BOOST_TEST(day_of(86399) == 0);
    BOOST_TEST(day_of(86400) == 1);
    BOOST_TEST(day_of(-1) == -1);  // 1969-12-31, not day 0
    BOOST_TEST(day_of(-86400) == -1);
    BOOST_TEST(day_of(-86401) == -2);
    BOOST_TEST(day_text(0) == "1970-01-01");
    BOOST_TEST(day_text(-1) == "1969-12-31");
    BOOST_TEST(day_text(20759) == "2026-11-02");
    Day d = 0;
    BOOST_TEST(parse_day("2026-11-02", d));
    BOOST_TEST(d == 20759);
    BOOST_TEST(parse_day("2024-02-29", d));
    BOOST_TEST(!parse_day("2026-02-29", d));
    BOOST_TEST(!parse_day("2026-13-01", d));
    BOOST_TEST(!parse_day("2026-04-31", d));
    BOOST_TEST(!parse_day("2026-4-30", d));
    BOOST_TEST(!parse_day("2026-04-3x", d));
    BOOST_TEST(!parse_day("0000-01-01", d));
    for (Day x : {-800, -1, 0, 1, 20759, 80000}) {
        BOOST_TEST(parse_day(day_text(x), d));
        BOOST_TEST(d == x);
    }
}

BOOST_AUTO_TEST_CASE(working_days_skip_weekends_and_holidays) {
    WorkCalendar cal;
    cal.holidays = {day("2026-12-24"), day("2026-12-25")};
    BOOST_TEST(cal.working(day("2026-12-23")));   // Wednesday
    BOOST_TEST(!cal.working(day("2026-12-24")));  // holiday
    BOOST_TEST(!cal.working(day("2026-12-26")));  // Saturday
    BOOST_TEST(cal.add_working_days(day("2026-12-23"), 0) == day("2026-12-23"));
    BOOST_TEST(cal.add_working_days(day("2026-12-23"), 1) == day("2026-12-28"));
    BOOST_TEST(cal.add_working_days(day("2026-12-23"), 2) == day("2026-12-29"));
    BOOST_TEST(cal.working_days_between(day("2026-12-22"), day("2026-12-28")) == 2);  // 23rd, 28th
    BOOST_TEST(cal.working_days_between(day("2026-12-28"), day("2026-12-22")) == -2);
    BOOST_TEST(cal.working_days_between(day("2026-12-22"), day("2026-12-22")) == 0);
    // Many weeks: 52 weeks of 5 days, minus the two holidays.
    BOOST_TEST(cal.working_days_between(day("2026-06-01"), day("2026-06-01") + 364) == 258);
    // Every day counted one by one agrees with the week arithmetic.
    for (Day from = day("2026-12-01"); from < day("2026-12-10"); ++from)
        for (Day to = from; to < from + 40; ++to) {
            int n = 0;
            for (Day x = from + 1; x <= to; ++x) n += cal.working(x);
            BOOST_TEST(cal.working_days_between(from, to) == n);
        }
    // A weekend-only team.
    WorkCalendar weekend;
    weekend.weekdays = 0x60;
    BOOST_TEST(weekend.add_working_days(day("2026-12-23"), 1) == day("2026-12-26"));
    // No working weekday at all (the schema forbids it): no day, no endless loop.
    WorkCalendar none;
    none.weekdays = 0;
    BOOST_TEST(none.add_working_days(day("2026-12-23"), 3) == 0);
    BOOST_TEST(none.working_days_between(day("2026-12-01"), day("2026-12-31")) == 0);
}

BOOST_AUTO_TEST_CASE(away_days_per_person) {
    WorkCalendar cal;
    cal.away = {{"mailto:ana@x", day("2026-12-07"), day("2026-12-11")},
                {"mailto:ana@x", day("2026-12-21"), day("2026-12-21")},
                {"mailto:bob@x", day("2026-12-01"), day("2026-12-01")}};
    BOOST_TEST(cal.away_on("mailto:ana@x", day("2026-12-07")));
    BOOST_TEST(cal.away_on("mailto:ana@x", day("2026-12-11")));
    BOOST_TEST(!cal.away_on("mailto:ana@x", day("2026-12-12")));
    BOOST_TEST(cal.away_on("mailto:ana@x", day("2026-12-21")));
    BOOST_TEST(!cal.away_on("mailto:ana@x", day("2026-12-01")));
    BOOST_TEST(cal.away_on("mailto:bob@x", day("2026-12-01")));
    BOOST_TEST(!cal.away_on("mailto:cy@x", day("2026-12-01")));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(forecast)

BOOST_AUTO_TEST_CASE(a_steady_team_finishes_on_the_projected_working_day) {
    const History h = steady_team();
    const Timelines t = build_timelines(input(h));
    const ModuleForecast &f = forecast_of(t, "M1");
    BOOST_TEST_INFO(text(f));
    BOOST_TEST(f.state == ForecastState::Forecast);
    // 100 left at 5 a day: 20 working days after Monday 2026-11-30:
    // Dec 1-4 (4), 7-11 (9), 14-18 (14), 21-25 (19), Monday Dec 28 (20).
    BOOST_TEST(day_text(f.p50) == "2026-12-28");
    BOOST_TEST(day_text(f.p85) == "2026-12-28");
    BOOST_TEST(f.bottleneck == "writer");
    BOOST_TEST(f.as_of == day("2026-11-30"));
    const RoleForecast &w = role_of(f, "writer");
    BOOST_TEST(w.remaining == 100);
    BOOST_TEST(w.sampled_days == 20);
    BOOST_TEST(w.done_in_window == 100);
    BOOST_TEST(w.throughput == 5.0);
    BOOST_TEST(w.p50 == f.p50);
    // The burn-up: the total on the day the pairs were added, one point per
    // working day after, and a last point on the "as of" day.
    const ModuleTimeline &m = timeline_of(t, "M1");
    BOOST_TEST_REQUIRE(m.overall.size() == 22u);
    BOOST_TEST(m.overall.front().day == day("2026-10-30"));
    BOOST_TEST(m.overall.front().total == 200);
    BOOST_TEST(m.overall.front().done == 0);
    BOOST_TEST(m.overall[20].day == day("2026-11-27"));
    BOOST_TEST(m.overall[20].done == 100);
    BOOST_TEST(m.overall.back().day == day("2026-11-30"));
    BOOST_TEST(m.overall.back().done == 100);
    BOOST_TEST(m.overall.back().total == 200);
    BOOST_TEST_REQUIRE(m.by_role.size() == 1u);
    BOOST_TEST(text(m.by_role[0].second) == text(m.overall));
}

// A role whose work in the module has not started (no pair ever done) is
// stalled too, and says so rather than "finished no pair lately".
BOOST_AUTO_TEST_CASE(a_role_not_started_yet_says_so) {
    History h = steady_team();
    h.add("M1", "artist", day("2026-10-30"), 0, 30);
    const ModuleForecast &f = forecast_of(build_timelines(input(h)), "M1");
    BOOST_TEST_INFO(text(f));
    BOOST_TEST(f.state == ForecastState::Stalled);
    BOOST_TEST(f.bottleneck == "artist");
    const RoleForecast &a = role_of(f, "artist");
    BOOST_TEST(a.state == ForecastState::Stalled);
    BOOST_TEST(a.remaining == 30);
    BOOST_TEST(a.reason.find("has not finished a pair in this module yet (30 left)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_stalled_role_is_the_bottleneck) {
    History h = steady_team();
    // The designers finished 10 of 50 on the first day, then nothing.
    h.add("M1", "designer", day("2026-10-30"), 10, 50);
    const ModuleForecast &f = forecast_of(build_timelines(input(h)), "M1");
    BOOST_TEST_INFO(text(f));
    BOOST_TEST(f.state == ForecastState::Stalled);
    BOOST_TEST(f.bottleneck == "designer");
    BOOST_TEST(f.p50 == 0);
    BOOST_TEST(f.p85 == 0);
    BOOST_TEST(f.reason.find("'designer'") != std::string::npos);
    BOOST_TEST(f.reason.find("20 working days") != std::string::npos);
    const RoleForecast &d = role_of(f, "designer");
    BOOST_TEST(d.state == ForecastState::Stalled);
    BOOST_TEST(d.remaining == 40);
    BOOST_TEST(d.done_in_window == 0);
    // The writers still have their own forecast.
    BOOST_TEST(role_of(f, "writer").state == ForecastState::Forecast);
    BOOST_TEST(day_text(role_of(f, "writer").p85) == "2026-12-28");
}

BOOST_AUTO_TEST_CASE(holidays_move_the_dates_by_the_holidays_inside_the_run) {
    const History h = steady_team();
    WorkCalendar cal;
    // Two holidays inside the run, one after it, one in the window's weekend.
    cal.holidays = {day("2026-11-28"), day("2026-12-24"), day("2026-12-25"), day("2027-01-01")};
    TimelineInput in = input(h);
    in.calendar = &cal;
    const ModuleForecast &f = forecast_of(build_timelines(in), "M1");
    BOOST_TEST_INFO(text(f));
    BOOST_TEST(f.state == ForecastState::Forecast);
    // Dec 28 was the 18th working day now; 19th Dec 29, 20th Dec 30.
    BOOST_TEST(day_text(f.p50) == "2026-12-30");
    BOOST_TEST(day_text(f.p85) == "2026-12-30");
}

BOOST_AUTO_TEST_CASE(the_only_holder_away_moves_the_dates) {
    const History h = steady_team();
    WorkCalendar cal;
    cal.away = {{"mailto:ana@x", day("2026-12-07"), day("2026-12-11")}};
    const std::vector<Holding> holdings = {{"M1", "writer", "mailto:ana@x", "Ana", true, {}}};
    TimelineInput in = input(h);
    in.calendar = &cal;
    in.holdings = &holdings;
    const ModuleForecast &f = forecast_of(build_timelines(in), "M1");
    BOOST_TEST_INFO(text(f));
    // A week with nobody: five working days later than Dec 28:
    // Dec 29, 30, 31, Jan 1, Monday Jan 4.
    BOOST_TEST(day_text(f.p50) == "2027-01-04");
    BOOST_TEST(day_text(f.p85) == "2027-01-04");
}

BOOST_AUTO_TEST_CASE(two_holders_one_away_go_at_half_speed) {
    const History h = steady_team();
    WorkCalendar cal;
    cal.away = {{"mailto:bob@x", day("2026-12-07"), day("2026-12-11")}};
    const std::vector<Holding> holdings = {{"M1", "writer", "mailto:ana@x", "Ana", true, {}},
                                           {"M1", "writer", "mailto:bob@x", "Bob", true, {}}};
    TimelineInput in = input(h);
    in.calendar = &cal;
    in.holdings = &holdings;
    const ModuleForecast &f = forecast_of(build_timelines(in), "M1");
    BOOST_TEST_INFO(text(f));
    // Dec 1-4: 20 done (80 left); Dec 7-11 at 2.5 a day: 12.5 (67.5 left);
    // then 14 days at 5: 4 + 5 + 14 = 23 working days, Thursday Dec 31.
    BOOST_TEST(day_text(f.p50) == "2026-12-31");
    BOOST_TEST(day_text(f.p85) == "2026-12-31");
}

BOOST_AUTO_TEST_CASE(a_window_day_with_every_holder_away_is_not_sampled) {
    History h = steady_team();
    WorkCalendar cal;
    // Ana was away the week of Nov 16 (and did nothing then).
    History gap;
    gap.add("M1", "writer", day("2026-10-30"), 0, 200);
    for (const DailyTally &t : h.tallies)
        if (t.done_delta && (t.day < day("2026-11-16") || t.day > day("2026-11-20"))) gap.tallies.push_back(t);
    cal.away = {{"mailto:ana@x", day("2026-11-16"), day("2026-11-20")}};
    const std::vector<Holding> holdings = {{"M1", "writer", "mailto:ana@x", "Ana", true, {}}};
    TimelineInput in = input(gap);
    in.calendar = &cal;
    in.holdings = &holdings;
    const ModuleForecast &f = forecast_of(build_timelines(in), "M1");
    BOOST_TEST_INFO(text(f));
    const RoleForecast &w = role_of(f, "writer");
    // The away week is not sampled: Nov 23-27 and Nov 2-13 (15 days of 5),
    // then Oct 30 (0), the role's first day here, where the window stops.
    BOOST_TEST(w.sampled_days == 16);
    BOOST_TEST(w.done_in_window == 75);
    BOOST_TEST(w.remaining == 125);
}

BOOST_AUTO_TEST_CASE(scope_added_midway_moves_the_total_line_and_the_forecast) {
    History h = steady_team();
    h.add("M1", "writer", day("2026-11-16"), 0, 50);
    const Timelines t = build_timelines(input(h));
    const ModuleTimeline &m = timeline_of(t, "M1");
    BOOST_TEST_INFO(text(m));
    bool seen = false;
    for (std::size_t i = 1; i < m.overall.size(); ++i)
        if (m.overall[i].day == day("2026-11-16")) {
            seen = true;
            BOOST_TEST(m.overall[i - 1].total == 200);
            BOOST_TEST(m.overall[i].total == 250);
        }
    BOOST_TEST(seen);
    BOOST_TEST(m.overall.back().total == 250);
    const ModuleForecast &f = forecast_of(t, "M1");
    BOOST_TEST_INFO(text(f));
    // 150 left at 5 a day: 30 working days: Dec 28 was the 20th; Dec 29, 30,
    // 31, Jan 1, 4, 5, 6, 7, 8, Monday Jan 11 the 30th.
    BOOST_TEST(day_text(f.p50) == "2027-01-11");
    BOOST_TEST(day_text(f.p85) == "2027-01-11");
}

BOOST_AUTO_TEST_CASE(too_little_history_says_how_much_there_is) {
    History h;
    h.add("M1", "writer", day("2026-11-26"), 3, 40);  // Thursday
    h.add("M1", "writer", day("2026-11-27"), 4, 0);   // Friday
    const ModuleForecast &f = forecast_of(build_timelines(input(h)), "M1");
    BOOST_TEST_INFO(text(f));
    BOOST_TEST(f.state == ForecastState::TooLittleHistory);
    BOOST_TEST(f.p50 == 0);
    BOOST_TEST(f.reason.find("2 working days") != std::string::npos);
    BOOST_TEST(f.reason.find("at least 5") != std::string::npos);
    BOOST_TEST(role_of(f, "writer").state == ForecastState::TooLittleHistory);
    BOOST_TEST(role_of(f, "writer").remaining == 33);
}

BOOST_AUTO_TEST_CASE(done_modules_are_done) {
    History h;
    h.add("M1", "writer", day("2026-11-02"), 0, 10);
    h.add("M1", "writer", day("2026-11-03"), 10, 0);
    h.add("M1", "artist", day("2026-11-02"), 0, 2);
    h.add("M1", "artist", day("2026-11-27"), 2, 0);
    const ModuleForecast &f = forecast_of(build_timelines(input(h)), "M1");
    BOOST_TEST_INFO(text(f));
    BOOST_TEST(f.state == ForecastState::Done);
    BOOST_TEST(f.p50 == 0);
    BOOST_TEST(f.bottleneck.empty());
    for (const auto &r : f.roles) BOOST_TEST(r.state == ForecastState::Done);
}

BOOST_AUTO_TEST_CASE(a_module_alone_is_forecast_as_in_the_whole_course) {
    // Noisy throughput, so the dates depend on the draws.
    auto noisy = [](History &h, const std::string &module, int salt) {
        h.add(module, "writer", day("2026-10-30"), 0, 300);
        h.add(module, "artist", day("2026-10-30"), 0, 80);
        int i = salt;
        for (Day d = day("2026-11-02"); d < day("2026-11-30"); ++d) {
            if (!WorkCalendar().working(d)) continue;
            h.add(module, "writer", d, (i * 7) % 11, 0);
            h.add(module, "artist", d, (i * 5) % 4, 0);
            ++i;
        }
    };
    History alone, course;
    noisy(alone, "M2", 1);
    noisy(course, "M3", 4);
    noisy(course, "M1", 2);
    noisy(course, "M2", 1);
    const Timelines a = build_timelines(input(alone));
    const Timelines c = build_timelines(input(course));
    const ModuleForecast &fa = forecast_of(a, "M2");
    const ModuleForecast &fc = forecast_of(c, "M2");
    BOOST_TEST_INFO(text(fa));
    BOOST_TEST(fa.state == ForecastState::Forecast);
    BOOST_TEST(fa.p50 < fa.p85);  // the draws matter here
    BOOST_TEST(text(fa) == text(fc));
    BOOST_TEST(text(timeline_of(a, "M2")) == text(timeline_of(c, "M2")));
    // The same again: deterministic.
    BOOST_TEST(text(forecast_of(build_timelines(input(course)), "M2")) == text(fc));
    // Another seed, other draws (the same inputs otherwise).
    TimelineInput other = input(course);
    other.settings.seed = 15;
    BOOST_TEST(forecast_of(build_timelines(other), "M2").settings.seed == 15u);
    // The module ends when its last role does, in each trial: never before
    // any role's own date.
    for (const auto &r : fc.roles) BOOST_TEST(r.p85 <= fc.p85);
    BOOST_TEST(c.forecasts.size() == 3u);
    BOOST_TEST(c.forecasts[0].module == "M1");
    BOOST_TEST(c.forecasts[2].module == "M3");
}

BOOST_AUTO_TEST_CASE(a_replay_as_of_an_earlier_day_ignores_later_history) {
    const History h = steady_team();
    History earlier;
    for (const DailyTally &t : h.tallies)
        if (t.day <= day("2026-11-16")) earlier.tallies.push_back(t);
    const Timelines replay = build_timelines(input(h, "2026-11-16"));
    const Timelines then = build_timelines(input(earlier, "2026-11-16"));
    BOOST_TEST(text(forecast_of(replay, "M1")) == text(forecast_of(then, "M1")));
    BOOST_TEST(text(timeline_of(replay, "M1")) == text(timeline_of(then, "M1")));
    const ModuleTimeline &m = timeline_of(replay, "M1");
    BOOST_TEST(m.overall.back().day == day("2026-11-16"));
    BOOST_TEST(m.overall.back().done == 55);  // Nov 2-13 and the 16th itself
    const ModuleForecast &f = forecast_of(replay, "M1");
    BOOST_TEST_INFO(text(f));
    BOOST_TEST(role_of(f, "writer").remaining == 145);
    // The window (before the 16th): Nov 2-13 (10 days of 5) and Oct 30 (0).
    BOOST_TEST(role_of(f, "writer").sampled_days == 11);
}

BOOST_AUTO_TEST_CASE(late_days_count_working_days_after_the_due_date) {
    const History h = steady_team();
    TimelineInput in = input(h);
    in.module_due = {{"M1", "2026-12-22"}};
    const ModuleForecast &f = forecast_of(build_timelines(in), "M1");
    BOOST_TEST_INFO(text(f));
    BOOST_TEST(f.due == "2026-12-22");
    // p85 Monday Dec 28: Dec 23, 24, 25, 28.
    BOOST_TEST(f.late_days == 4);
    BOOST_TEST(role_of(f, "writer").due == "2026-12-22");
    BOOST_TEST(role_of(f, "writer").late_days == 4);

    // A role's own date overrides the module's; holidays are not working days.
    WorkCalendar cal;
    cal.holidays = {day("2026-12-25")};
    in.calendar = &cal;
    in.role_due = {{{"M1", "writer"}, "2026-12-24"}};
    const ModuleForecast &g = forecast_of(build_timelines(in), "M1");
    BOOST_TEST_INFO(text(g));
    BOOST_TEST(day_text(g.p85) == "2026-12-29");  // one holiday in the run
    BOOST_TEST(role_of(g, "writer").due == "2026-12-24");
    BOOST_TEST(role_of(g, "writer").late_days == 2);  // Dec 28, 29
    BOOST_TEST(g.late_days == 4);                     // from Dec 22: 23, 24, 28, 29

    // Not late: no late days.
    in.module_due = {{"M1", "2027-02-01"}};
    in.role_due.clear();
    BOOST_TEST(forecast_of(build_timelines(in), "M1").late_days == 0);
}

BOOST_AUTO_TEST_CASE(people_lines_count_their_roles_and_pieces) {
    History h = steady_team();
    h.add("M1", "artist", day("2026-10-30"), 0, 4);
    h.add("M1", "artist", day("2026-11-10"), 2, 0);
    // Bob holds the artist role on piece P1 only.
    const std::vector<PairDay> pair_days = {{"M1", "P1", "artist", day("2026-10-30"), 0, 1},
                                            {"M1", "P1", "artist", day("2026-11-10"), 1, 0},
                                            {"M1", "P2", "artist", day("2026-10-30"), 0, 1},
                                            {"M1", "P2", "artist", day("2026-11-10"), 1, 0}};
    const std::vector<Holding> holdings = {{"M1", "writer", "mailto:ana@x", "Ana", true, {}},
                                           {"M1", "artist", "mailto:ana@x", "Ana", true, {}},
                                           {"M1", "artist", "mailto:bob@x", "Bob", false, {"P1"}}};
    TimelineInput in = input(h);
    in.holdings = &holdings;
    in.pair_days = &pair_days;
    const ModuleTimeline &m = timeline_of(build_timelines(in), "M1");
    BOOST_TEST_INFO(text(m));
    BOOST_TEST_REQUIRE(m.by_person.size() == 2u);
    BOOST_TEST(m.by_person[0].first == "Ana");
    BOOST_TEST(m.by_person[0].second.back().total == 204);
    BOOST_TEST(m.by_person[0].second.back().done == 102);
    BOOST_TEST(m.by_person[1].first == "Bob");
    BOOST_TEST(text(m.by_person[1].second) == "2026-10-30:0/1 2026-11-10:1/1 2026-11-30:1/1 ");
    BOOST_TEST_REQUIRE(m.by_role.size() == 2u);
    BOOST_TEST(m.by_role[0].first == "artist");
}

BOOST_AUTO_TEST_CASE(the_benchmark_course_is_forecast_quickly) {
    // 200 modules x 3 roles, a year of daily tallies (about 150,000).
    History h;
    const Day start = day("2025-11-30"), as_of = day("2026-11-30");
    const char *roles[] = {"artist", "designer", "writer"};
    for (int m = 0; m < 200; ++m) {
        const std::string module = "MOD-" + std::to_string(1000 + m);
        for (int r = 0; r < 3; ++r) {
            h.add(module, roles[r], start, 0, 100);
            int i = m + r;
            for (Day d = start + 1; d <= as_of; ++d)
                if (WorkCalendar().working(d)) {
                    ++i;
                    h.add(module, roles[r], d, (i % 7) == 0 ? 1 : 0, (i % 50) == 0 ? 1 : 0);
                }
        }
    }
    BOOST_TEST(h.tallies.size() > 150000u);
    TimelineInput in = input(h);
    const std::clock_t cpu0 = std::clock();
    const auto t0 = std::chrono::steady_clock::now();
    const Timelines t = build_timelines(in);
    const double cpu = cctest::seconds_since(cpu0);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    BOOST_TEST_MESSAGE("build_timelines on " << h.tallies.size() << " tallies, 600 (module, role): " << ms << " ms");
    BOOST_TEST(t.forecasts.size() == 200u);
    int steps = 0;
    for (const auto &f : t.forecasts)
        for (const auto &r : f.roles) steps += r.p85 ? r.p85 - in.as_of : 0;
    in.settings.trials = 1;
    const auto t1 = std::chrono::steady_clock::now();
    build_timelines(in);
    const auto ms1 =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t1).count();
    BOOST_TEST_MESSAGE("the same with 1 trial: " << ms1 << " ms (calendar days to the roles' 85% dates, summed: "
                                                  << steps << ")");
    // CPU time, so that a loaded machine does not fail it: about 0.16 s in
    // a release build (0.2 s once scaled under ASan, 1.6 s of wall time);
    // the bound catches a slip into quadratic work, not a few percent.
    BOOST_TEST(cpu < 1.0);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// The store's daily tallies (migration v8) against its history and pairs.

namespace {

const std::string kCourse = "com.example.course";
const std::string kIri = "https://example.org/courses/c";
constexpr std::int64_t kDay = 86400;
// Noon UTC of the n-th day after 2026-11-02.
std::int64_t at(int n) { return std::int64_t(20759 + n) * kDay + 12 * 3600; }

struct Tallies {
    cctest::TempDir dir;
    std::string path = dir / "state.db";
    std::unique_ptr<Store> store;

    Tallies() { open(); }
    void open() {
        store.reset();
        std::string error;
        store = Store::open(path, error);
        BOOST_TEST_REQUIRE(bool(store), error);
    }
    void publish(const std::vector<PieceRecord> &pieces, std::int64_t now) {
        PublishSummary sum;
        std::string error;
        BOOST_TEST_REQUIRE(store->publish(kCourse, pieces, now, sum, error), error);
    }
    void set(const std::string &piece, const std::string &role, Status s, std::int64_t now) {
        std::vector<Change> changes;
        std::string error;
        BOOST_TEST_REQUIRE(store->set_status(kCourse, {{piece, role, s, "mailto:ana@x", ""}}, now, changes, error),
                           error);
    }
    void pull(const std::string &module, const std::string &piece, const std::string &role, const char *status,
              std::int64_t when) {
        TeamReplica team(store->handle(), path);
        sql::Transaction tx(store->handle(), path, "test");
        team.remember_course(kCourse, kIri);
        team.merge(kIri, {{module, piece, "Title of " + piece, role, status, "Bob", "", when}});
        tx.commit("test");
    }
    std::vector<DailyTally> tallies() {
        std::vector<DailyTally> out;
        std::string error;
        BOOST_TEST_REQUIRE(store->daily_tallies(kCourse, out, error), error);
        return out;
    }
    // Per (module, role): done/total from the tallies and from the pairs.
    void check(const char *step) {
        BOOST_TEST_CONTEXT(step) {
            std::map<std::pair<std::string, std::string>, std::pair<int, int>> from_tallies, from_pairs;
            for (const DailyTally &t : tallies()) {
                auto &v = from_tallies[{t.module, t.role}];
                v.first += t.done_delta;
                v.second += t.total_delta;
            }
            std::vector<PairState> pairs;
            std::string error;
            BOOST_TEST_REQUIRE(store->pairs(kCourse, pairs, error), error);
            for (const PairState &p : pairs) {
                auto &v = from_pairs[{p.module, p.role}];
                if (p.archived) continue;
                v.first += p.status == Status::Done;
                v.second += 1;
            }
            // (module, role)s that net to nothing may be absent on one side.
            for (auto it = from_tallies.begin(); it != from_tallies.end();)
                it = it->second == std::pair<int, int>(0, 0) ? from_tallies.erase(it) : std::next(it);
            for (auto it = from_pairs.begin(); it != from_pairs.end();)
                it = it->second == std::pair<int, int>(0, 0) ? from_pairs.erase(it) : std::next(it);
            std::string a, b;
            for (const auto &[k, v] : from_tallies)
                a += k.first + "/" + k.second + " " + std::to_string(v.first) + "/" + std::to_string(v.second) + "; ";
            for (const auto &[k, v] : from_pairs)
                b += k.first + "/" + k.second + " " + std::to_string(v.first) + "/" + std::to_string(v.second) + "; ";
            BOOST_TEST(a == b);
        }
    }
};

std::string text(const std::vector<DailyTally> &v) {
    std::string out;
    for (const DailyTally &t : v)
        out += t.module + "/" + t.role + "@" + day_text(t.day) + " " + std::to_string(t.done_delta) + "/" +
               std::to_string(t.total_delta) + "; ";
    return out;
}

using cctest::piece;

}  // namespace

BOOST_AUTO_TEST_SUITE(forecast_tallies)

BOOST_AUTO_TEST_CASE(the_tallies_follow_every_kind_of_history_row) {
    Tallies s;
    const auto a = piece("A", "M1", {{"writer", "wa"}, {"designer", "da"}});
    const auto b = piece("B", "M1", {{"writer", "wb"}});
    const auto c = piece("C", "M2", {{"writer", "wc"}});
    s.publish({a, b, c}, at(0));  // added
    s.check("added");
    s.set("A", "writer", Status::Done, at(1));
    s.set("B", "writer", Status::InReview, at(1));
    s.set("B", "writer", Status::Done, at(2));
    s.set("A", "designer", Status::InProgress, at(2));
    s.check("to done");
    s.set("A", "writer", Status::InReview, at(3));  // from done
    s.set("A", "writer", Status::Done, at(3) + 60);
    s.check("from done and back");
    s.publish({a, c}, at(4));  // B archived while done
    s.check("archived while done");
    s.pull("M1", "B", "writer", "in_progress", at(5));  // pulled onto an archived pair
    s.check("pulled onto an archived pair");
    s.publish({piece("A", "M1", {{"writer", "wa2"}, {"designer", "da"}}), c}, at(6));  // content changed
    s.check("content changed after done");
    s.publish({piece("A", "M1", {{"writer", "wa2"}}), b, c}, at(7));  // B restored; designer role gone
    s.check("restored, a role gone");
    s.pull("M2", "C", "writer", "done", at(8));  // pulled
    s.check("pulled");
    s.set("A", "writer", Status::Done, at(8));
    s.publish({piece("A", "M1", {{"writer", "wa2"}, {"designer", "da"}}), b, c}, at(9));  // role back
    s.check("role restored");

    // The day by day record: A's and B's writers done on day 1 and 2, A's
    // reopened and done again on day 3 (nets to nothing), B archived on
    // day 4 (-1 done, -1 present), A reopened by the content change on 6...
    const std::vector<DailyTally> v = s.tallies();
    BOOST_TEST_INFO(text(v));
    std::map<std::string, std::pair<int, int>> m1w;  // day -> done/total of M1 writer
    for (const DailyTally &t : v)
        if (t.module == "M1" && t.role == "writer") m1w[day_text(t.day)] = {t.done_delta, t.total_delta};
    BOOST_TEST((m1w["2026-11-02"] == std::pair<int, int>(0, 2)));
    BOOST_TEST((m1w["2026-11-03"] == std::pair<int, int>(1, 0)));
    BOOST_TEST((m1w["2026-11-04"] == std::pair<int, int>(1, 0)));
    BOOST_TEST((m1w["2026-11-05"] == std::pair<int, int>(0, 0)));  // reopened and done again: nets to nothing
    BOOST_TEST((m1w["2026-11-06"] == std::pair<int, int>(-1, -1)));
    BOOST_TEST((m1w["2026-11-08"] == std::pair<int, int>(-1, 0)));
    BOOST_TEST((m1w["2026-11-09"] == std::pair<int, int>(0, 1)));  // B back, in progress (pulled while away)
    BOOST_TEST((m1w["2026-11-10"] == std::pair<int, int>(1, 0)));
    // Every tally names a pair's module and role; none for piece-level rows.
    for (const DailyTally &t : v) BOOST_TEST(!t.role.empty());
}

BOOST_AUTO_TEST_CASE(the_migration_back_fill_equals_the_trigger) {
    Tallies s;
    const auto a = piece("A", "M1", {{"writer", "wa"}, {"designer", "da"}});
    const auto b = piece("B", "M1", {{"writer", "wb"}});
    const auto c = piece("C", "M2", {{"writer", "wc"}});
    s.publish({a, b, c}, at(0));
    s.set("A", "writer", Status::Done, at(1));
    s.set("B", "writer", Status::Done, at(2));
    s.publish({a, c}, at(4));
    s.pull("M1", "B", "writer", "in_progress", at(5));
    s.publish({piece("A", "M1", {{"writer", "wa2"}}), b, c}, at(7));
    s.pull("M2", "C", "writer", "done", at(8));
    // A piece published "before 1970" (a clock gone wrong): a negative day.
    s.publish({piece("A", "M1", {{"writer", "wa2"}}), b, c, piece("D", "M3", {{"writer", "wd"}})}, -3 * kDay + 5);
    const std::string by_trigger = text(s.tallies());
    BOOST_TEST_INFO(by_trigger);
    BOOST_TEST(by_trigger.find("M3/writer@1969-12-29 0/1") != std::string::npos);  // floor, not truncation
    BOOST_TEST_REQUIRE(sqlite3_exec(s.store->handle(), (std::string(cctest::kUndoV8) + "PRAGMA user_version = 7").c_str(),
                                    nullptr, nullptr, nullptr) == SQLITE_OK);
    s.open();  // migrates to v8, replaying the history
    BOOST_TEST(cctest::count(s.path, "PRAGMA user_version") == cctest::kStoreVersion);
    BOOST_TEST(text(s.tallies()) == by_trigger);
    s.check("after the back-fill");
    // And it goes on from there.
    s.set("C", "writer", Status::InReview, at(9));
    s.check("after the back-fill, a change");
}

BOOST_AUTO_TEST_CASE(pair_days_add_up_to_the_tallies) {
    Tallies s;
    s.publish({piece("A", "M1", {{"writer", "wa"}}), piece("B", "M1", {{"writer", "wb"}})}, at(0));
    s.set("A", "writer", Status::Done, at(1));
    s.set("B", "writer", Status::Done, at(1));
    s.publish({piece("A", "M1", {{"writer", "wa"}})}, at(2));
    s.publish({piece("A", "M1", {{"writer", "wa"}}), piece("B", "M1", {{"writer", "wb"}})}, at(3));
    std::vector<PairDay> days;
    std::string error;
    BOOST_TEST_REQUIRE(s.store->pair_days(kCourse, {{"A", "writer"}, {"B", "writer"}, {"Z", "writer"}}, days, error),
                       error);
    std::map<Day, std::pair<int, int>> sum;
    for (const PairDay &p : days) {
        BOOST_TEST(p.module == "M1");
        sum[p.day].first += p.done_delta;
        sum[p.day].second += p.total_delta;
    }
    std::map<Day, std::pair<int, int>> want;
    for (const DailyTally &t : s.tallies()) want[t.day] = {t.done_delta, t.total_delta};
    BOOST_TEST((sum == want));
    BOOST_TEST(days.size() == 6u);  // A: added, done; B: added, done, archived, restored
}

BOOST_AUTO_TEST_CASE(a_piece_moving_module_takes_its_counts_along) {
    Tallies s;
    s.publish({piece("A", "M1", {{"writer", "wa"}}), piece("B", "M1", {{"writer", "wb"}})}, at(0));
    s.set("A", "writer", Status::Done, at(1));
    s.publish({piece("A", "M2", {{"writer", "wa"}}), piece("B", "M1", {{"writer", "wb"}})}, at(2));
    s.check("moved");
    const std::vector<DailyTally> v = s.tallies();
    BOOST_TEST_INFO(text(v));
    BOOST_TEST(text(v).find("M2/writer@2026-11-04 1/1") != std::string::npos);
    BOOST_TEST(text(v).find("M1/writer@2026-11-04 -1/-1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(history_for_a_pair_the_store_does_not_hold_is_refused) {
    Tallies s;
    s.publish({piece("A", "M1", {{"writer", "wa"}})}, at(0));
    char *msg = nullptr;
    const int rc = sqlite3_exec(s.store->handle(),
                                "INSERT INTO history (course, piece, role, from_status, to_status, at, kind) "
                                "VALUES ('com.example.course', 'A', 'artist', 'not_started', 'done', 0, 'status')",
                                nullptr, nullptr, &msg);
    BOOST_TEST(rc != SQLITE_OK);
    BOOST_TEST(std::string(msg ? msg : "").find("does not hold") != std::string::npos);
    sqlite3_free(msg);
}

BOOST_AUTO_TEST_SUITE_END()
