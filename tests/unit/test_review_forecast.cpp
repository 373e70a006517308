// The review's side of issue 14: the burn-up series and the finish-date
// forecast in every format, and the "forecast_late" findings. The Timelines
// are built by hand (no store, no build_timelines), so these tests exercise
// the review alone; a review without timelines is covered byte for byte by
// review/team_unshared_output_unchanged (tests/unit/review_unshared/).
#include <boost/test/unit_test.hpp>

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sys/wait.h>

#include "plugin/review/review.hpp"
#include "plugin/review/review_internal.hpp"
#include "support.hpp"

namespace cc = coursecrew;
namespace fs = std::filesystem;

namespace {

using cctest::json_at;
using cctest::json_has;
using cctest::json_num;
using cctest::json_str;
using cctest::line_with;
using cctest::repeat;

constexpr std::int64_t kDay = 86400;

cc::Day day(const char *text) {
    std::int64_t d = 0;
    BOOST_TEST_REQUIRE(cc::review_detail::parse_date(text, d), text);
    return static_cast<cc::Day>(d);
}

const cc::Day kAsOf = day("2026-12-14");          // a Monday
const cc::Day kFirst = kAsOf - 29;                // 2026-11-15: 30 days of history
const std::int64_t kNow = kAsOf * kDay + 12 * 3600;  // 2026-12-14T12:00:00Z

const char *const kTitleA = "Hazards <b>&</b> risks";
const char *const kFormula = "=HYPERLINK(\"http://x.example\",\"y\")";

struct World {
    cc::Course course;
    cc::RoleMap map;
    cc::Plan plan;
    std::vector<cc::PairState> pairs;
    cc::Timelines timelines;
    cc::ReviewOptions options;

    World() {
        options.now = kNow;
        course.identifier = "com.example.forecast";
        course.title.add("", "Forecast course");
        map.roles = {cc::Role{"writer", "Writer"}, cc::Role{"artist", "Artist"}};
        cc::Person ana;
        ana.name = "Ana Lima";
        ana.agent.mbox = "mailto:ana@example.org";
        ana.roles = {"writer"};
        cc::Person chloe;
        chloe.name = "Chlo\xC3\xA9 Martin";
        chloe.agent.mbox = "mailto:chloe@example.org";
        chloe.roles = {"artist"};
        map.people = {ana, chloe};
        map.schedule.push_back(cc::Due{"MOD-A", "2026-12-15", {}, "/schedule/0"});
        map.schedule.push_back(cc::Due{"MOD-B", "2026-12-20", {}, "/schedule/1"});
        const auto a = module("MOD-A", kTitleA), b = module("MOD-B", "Module B");
        piece(a, "P1", "Piece one", {slot("artist", 1), slot("writer", 0)});
        piece(b, "P2", "Piece two", {slot("artist", 1)});

        // MOD-A: 14 pairs, half done on day 10, two more added on day 20,
        // 13 of 16 done as of today; late against its due date.
        cc::ModuleTimeline ta;
        ta.module = "MOD-A";
        ta.overall = {{kFirst, 0, 14}, {kFirst + 10, 7, 14}, {kFirst + 20, 7, 16}, {kAsOf, 13, 16}};
        ta.by_role = {{"artist", {{kFirst, 0, 8}, {kAsOf, 5, 8}}}, {"writer", {{kFirst, 0, 8}, {kAsOf, 8, 8}}}};
        ta.by_person = {{"Ana Lima", {{kFirst, 0, 8}, {kAsOf, 8, 8}}}, {kFormula, {{kFirst, 0, 8}, {kAsOf, 5, 8}}}};
        cc::ModuleForecast fa;
        fa.module = "MOD-A";
        fa.state = cc::ForecastState::Forecast;
        fa.as_of = kAsOf;
        fa.p50 = day("2026-12-16");
        fa.p85 = day("2026-12-18");
        fa.bottleneck = "artist";
        fa.due = "2026-12-15";
        fa.late_days = 3;
        cc::RoleForecast artist;
        artist.role = "artist";
        artist.state = cc::ForecastState::Forecast;
        artist.remaining = 12;
        artist.done_in_window = 24;
        artist.sampled_days = 20;
        artist.throughput = 1.2;
        artist.p50 = fa.p50;
        artist.p85 = fa.p85;
        artist.due = fa.due;
        artist.late_days = 3;
        cc::RoleForecast writer;
        writer.role = "writer";
        writer.state = cc::ForecastState::Done;
        writer.done_in_window = 8;
        writer.sampled_days = 20;
        writer.throughput = 0.4;
        writer.due = fa.due;
        fa.roles = {artist, writer};

        // MOD-B: nothing done in the window: stalled, with a due date ahead.
        cc::ModuleTimeline tb;
        tb.module = "MOD-B";
        tb.overall = {{kFirst + 5, 0, 5}, {kAsOf, 0, 5}};
        cc::ModuleForecast fb;
        fb.module = "MOD-B";
        fb.state = cc::ForecastState::Stalled;
        fb.as_of = kAsOf;
        fb.reason = "the artist has done no pair in the last 20 working days <stalled> & waiting";
        fb.bottleneck = "artist";
        fb.due = "2026-12-20";
        cc::RoleForecast stalled;
        stalled.role = "artist";
        stalled.state = cc::ForecastState::Stalled;
        stalled.remaining = 5;
        stalled.sampled_days = 20;
        stalled.due = fb.due;
        stalled.reason = "no pair done in the last 20 working days";
        fb.roles = {stalled};

        timelines.modules = {ta, tb};
        timelines.forecasts = {fa, fb};
        options.timelines = &timelines;
    }

    std::uint32_t module(const std::string &id, const std::string &title) {
        cc::Item it;
        it.id = id;
        it.title.add("", title);
        course.items.push_back(std::move(it));
        course.modules.push_back(static_cast<std::uint32_t>(course.items.size() - 1));
        return static_cast<std::uint32_t>(course.modules.size() - 1);
    }
    static cc::Slot slot(const std::string &role, std::uint32_t who) {
        cc::Slot s;
        s.role = role;
        s.people = {who};
        return s;
    }
    void piece(std::uint32_t mod, const std::string &id, const std::string &title, std::vector<cc::Slot> slots) {
        cc::Item it;
        it.id = id;
        it.title.add("", title);
        it.parent = course.modules[mod];
        course.items.push_back(std::move(it));
        cc::PiecePlan pp;
        pp.item = static_cast<std::uint32_t>(course.items.size() - 1);
        pp.module = mod;
        pp.piece_id = id;
        pp.module_id = course.items[course.modules[mod]].id;
        pp.title = title;
        pp.slots = std::move(slots);
        plan.pieces.push_back(std::move(pp));
    }
    cc::ModuleForecast &forecast_a() { return timelines.forecasts[0]; }
    cc::Review review() const { return cc::build_review(course, map, plan, pairs, options); }
};

std::vector<const cc::Finding *> late(const cc::Review &r, const std::string &module) {
    std::vector<const cc::Finding *> out;
    for (const cc::Finding &f : r.findings)
        if (f.kind == "forecast_late" && f.module == module) out.push_back(&f);
    return out;
}

// Where the chart puts a day: the plot spans x 40..468 over [first, last].
std::string chart_x(cc::Day d, cc::Day first, cc::Day last) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", 40.0 + 428.0 * double(d - first) / double(last - first));
    return buf;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(review_forecast)

BOOST_AUTO_TEST_CASE(timelines_copied_into_the_modules) {
    const World w;
    const cc::Review r = w.review();
    BOOST_TEST(r.forecasting);
    BOOST_TEST_REQUIRE(r.modules.size() == 2u);
    BOOST_TEST_REQUIRE(r.modules[0].timeline.has_value());
    BOOST_TEST(r.modules[0].timeline->overall.size() == 4u);
    BOOST_TEST_REQUIRE(r.modules[0].forecast.has_value());
    BOOST_TEST(r.modules[0].forecast->p85 == day("2026-12-18"));
    BOOST_TEST(r.modules[1].forecast->bottleneck == "artist");

    World none;
    none.options.timelines = nullptr;
    const cc::Review plain = none.review();
    BOOST_TEST(!plain.forecasting);
    BOOST_TEST(!plain.modules[0].timeline.has_value());
    BOOST_TEST(!plain.modules[0].forecast.has_value());
    BOOST_TEST(late(plain, "MOD-A").empty());
    BOOST_TEST(late(plain, "MOD-B").empty());
}

BOOST_AUTO_TEST_CASE(forecast_late_when_p85_after_due) {
    const cc::Review r = World().review();
    const auto a = late(r, "MOD-A");
    BOOST_TEST_REQUIRE(a.size() == 1u);
    BOOST_TEST(a[0]->severity == "warning");
    BOOST_TEST(a[0]->role == "artist");
    BOOST_TEST(a[0]->message == std::string(kTitleA) +
                                    ": 85% forecast 2026-12-18 is 3 working days after the due date 2026-12-15; "
                                    "bottleneck: artist (12 pairs left, 1.2 done per working day)");
    // A stalled module with a due date ahead cannot be forecast: late too.
    const auto b = late(r, "MOD-B");
    BOOST_TEST_REQUIRE(b.size() == 1u);
    BOOST_TEST(b[0]->message == "Module B: cannot be forecast before the due date 2026-12-20: the artist has done "
                                "no pair in the last 20 working days, 5 left");
}

BOOST_AUTO_TEST_CASE(no_forecast_late_when_on_time_or_already_past) {
    {  // p85 on the due date: on time
        World w;
        w.forecast_a().p85 = day("2026-12-15");
        w.forecast_a().late_days = 0;
        BOOST_TEST(late(w.review(), "MOD-A").empty());
    }
    {  // p85 before it
        World w;
        w.forecast_a().p50 = w.forecast_a().p85 = day("2026-12-14");
        w.forecast_a().late_days = 0;
        BOOST_TEST(late(w.review(), "MOD-A").empty());
    }
    {  // the due date's last day is today: still ahead, so still warned
        World w;
        w.options.now = day("2026-12-15") * kDay + 23 * 3600;
        BOOST_TEST(late(w.review(), "MOD-A").size() == 1u);
    }
    {  // the due date is past: overdue has its own findings
        World w;
        w.options.now = day("2026-12-16") * kDay + 3600;
        BOOST_TEST(late(w.review(), "MOD-A").empty());
        w.options.now = day("2026-12-21") * kDay;
        BOOST_TEST(late(w.review(), "MOD-B").empty());
    }
    {  // no due date: nothing to be late for
        World w;
        w.forecast_a().due.clear();
        w.map.schedule.erase(w.map.schedule.begin());
        for (auto &rf : w.forecast_a().roles) rf.due.clear();
        BOOST_TEST(late(w.review(), "MOD-A").empty());
    }
}

BOOST_AUTO_TEST_CASE(forecast_late_for_a_role_against_its_own_due_date) {
    World w;
    w.forecast_a().p85 = day("2026-12-15");  // the module is on time ...
    w.forecast_a().late_days = 0;
    cc::RoleForecast &artist = w.forecast_a().roles[0];
    artist.due = "2026-12-17";  // ... but the artist's own date is missed
    artist.p85 = day("2026-12-18");
    artist.late_days = 1;
    const cc::Review r = w.review();
    const auto a = late(r, "MOD-A");
    BOOST_TEST_REQUIRE(a.size() == 1u);
    BOOST_TEST(a[0]->role == "artist");
    BOOST_TEST(a[0]->message == std::string(kTitleA) +
                                    ": the artist work's 85% forecast 2026-12-18 is 1 working day after its due "
                                    "date 2026-12-17 (12 pairs left, 1.2 done per working day)");
    // Not when the role's date is the module's (the module's finding covers it).
    artist.due = "2026-12-15";
    BOOST_TEST(late(w.review(), "MOD-A").empty());
}

BOOST_AUTO_TEST_CASE(json_history_and_forecast) {
    const cc::Review r = World().review();
    const std::string json = cc::render_review(r, cc::ReviewFormat::Json);
    rapidjson::Document doc;
    doc.Parse(json.c_str(), json.size());
    BOOST_TEST_REQUIRE(!doc.HasParseError());
    BOOST_TEST(cctest::validate_against("review.schema.json", doc) == "");
    BOOST_TEST(json_str(doc, "/modules/0/history/overall/0/0") == "2026-11-15");
    BOOST_TEST(json_num(doc, "/modules/0/history/overall/3/1") == 13.0);
    BOOST_TEST(json_num(doc, "/modules/0/history/overall/2/2") == 16.0);
    BOOST_TEST(json_str(doc, "/modules/0/history/by_role/artist/1/0") == "2026-12-14");
    BOOST_TEST(json_num(doc, "/modules/0/history/by_role/artist/1/1") == 5.0);
    BOOST_TEST(json_at(doc, "/modules/0/history/by_person").HasMember(kFormula));
    BOOST_TEST(json_str(doc, "/modules/0/forecast/state") == "forecast");
    BOOST_TEST(json_str(doc, "/modules/0/forecast/as_of") == "2026-12-14");
    BOOST_TEST(json_str(doc, "/modules/0/forecast/p50") == "2026-12-16");
    BOOST_TEST(json_str(doc, "/modules/0/forecast/p85") == "2026-12-18");
    BOOST_TEST(json_str(doc, "/modules/0/forecast/bottleneck") == "artist");
    BOOST_TEST(json_str(doc, "/modules/0/forecast/due") == "2026-12-15");
    BOOST_TEST(json_num(doc, "/modules/0/forecast/late_days") == 3.0);
    BOOST_TEST(!json_has(doc, "/modules/0/forecast/reason"));
    BOOST_TEST(json_num(doc, "/modules/0/forecast/inputs/window_days") == 20.0);
    BOOST_TEST(json_num(doc, "/modules/0/forecast/inputs/trials") == 1000.0);
    BOOST_TEST(json_num(doc, "/modules/0/forecast/inputs/seed") == 14.0);
    BOOST_TEST(json_num(doc, "/modules/0/forecast/inputs/min_history_days") == 5.0);
    BOOST_TEST(json_str(doc, "/modules/0/forecast/roles/0/role") == "artist");
    BOOST_TEST(json_num(doc, "/modules/0/forecast/roles/0/remaining") == 12.0);
    BOOST_TEST(json_num(doc, "/modules/0/forecast/roles/0/throughput") == 1.2);
    BOOST_TEST(json_num(doc, "/modules/0/forecast/roles/0/sampled_days") == 20.0);
    BOOST_TEST(json_num(doc, "/modules/0/forecast/roles/0/done_in_window") == 24.0);
    BOOST_TEST(json_str(doc, "/modules/0/forecast/roles/1/state") == "done");
    BOOST_TEST(!json_has(doc, "/modules/0/forecast/roles/1/p50"));
    // Stalled: a reason, no dates.
    BOOST_TEST(json_str(doc, "/modules/1/forecast/state") == "stalled");
    BOOST_TEST(!json_has(doc, "/modules/1/forecast/p50"));
    BOOST_TEST(!json_has(doc, "/modules/1/forecast/p85"));
    BOOST_TEST(json_str(doc, "/modules/1/forecast/reason").find("<stalled> & waiting") != std::string::npos);
    // The findings and their counts.
    BOOST_TEST(json_num(doc, "/modules/0/summary/findings/forecast_late") == 1.0);
    BOOST_TEST(json_num(doc, "/summary/findings/forecast_late") == 2.0);

    // Without timelines: no history, no forecast, no forecast_late count.
    World none;
    none.options.timelines = nullptr;
    const std::string plain = cc::render_review(none.review(), cc::ReviewFormat::Json);
    BOOST_TEST(plain.find("\"history\"") == std::string::npos);
    BOOST_TEST(plain.find("\"forecast\"") == std::string::npos);
    BOOST_TEST(plain.find("forecast_late") == std::string::npos);
    rapidjson::Document pd;
    pd.Parse(plain.c_str(), plain.size());
    BOOST_TEST(cctest::validate_against("review.schema.json", pd) == "");

    // A module the timelines do not have: neither member, still valid.
    World partial;
    partial.timelines.modules.pop_back();
    partial.timelines.forecasts.pop_back();
    const std::string pj = cc::render_review(partial.review(), cc::ReviewFormat::Json);
    rapidjson::Document qd;
    qd.Parse(pj.c_str(), pj.size());
    BOOST_TEST(cctest::validate_against("review.schema.json", qd) == "");
    BOOST_TEST(!json_has(qd, "/modules/1/history"));
    BOOST_TEST(!json_has(qd, "/modules/1/forecast"));
}

BOOST_AUTO_TEST_CASE(csv_series_rows) {
    const cc::Review r = World().review();
    const std::string csv = cc::render_review_series_csv(r);
    const auto rows = cctest::parse_csv(csv);
    BOOST_TEST_REQUIRE(rows.size() == 1u + (4 + 2 + 2 + 2 + 2) + 3 + 2 + 2);
    const std::vector<std::string> header = {"module",    "scope", "key",       "date",       "done",
                                             "total",     "p50",   "p85",       "due",        "late_days",
                                             "state",     "remaining", "throughput", "sampled_days", "reason"};
    BOOST_TEST(rows[0] == header, boost::test_tools::per_element());
    for (const auto &row : rows) BOOST_TEST(row.size() == header.size());
    const std::vector<std::string> first = {"MOD-A", "module", "MOD-A", "2026-11-15", "0", "14", "", "", "",
                                            "",      "",       "",      "",           "",  ""};
    BOOST_TEST(rows[1] == first, boost::test_tools::per_element());
    BOOST_TEST(rows[3][3] == "2026-12-05");  // the scope change on day 20
    BOOST_TEST(rows[3][5] == "16");
    BOOST_TEST((rows[5][1] == "role" && rows[5][2] == "artist" && rows[5][4] == "0"));
    BOOST_TEST((rows[9][1] == "person" && rows[9][2] == "Ana Lima"));
    // A name a spreadsheet would run as a formula stays text (and is quoted).
    BOOST_TEST((rows[11][1] == "person" && rows[11][2] == std::string("'") + kFormula));
    BOOST_TEST(csv.find(std::string("\"'=HYPERLINK(\"\"http")) != std::string::npos);
    const std::vector<std::string> module_fc = {"MOD-A", "forecast",   "module",     "2026-12-14", "",
                                                "",      "2026-12-16", "2026-12-18", "2026-12-15", "3",
                                                "forecast", "",        "",           "",           ""};
    BOOST_TEST(rows[13] == module_fc, boost::test_tools::per_element());
    const std::vector<std::string> artist_fc = {"MOD-A",    "forecast",   "artist",     "2026-12-14", "",
                                                "",         "2026-12-16", "2026-12-18", "2026-12-15", "3",
                                                "forecast", "12",         "1.200",      "20",         ""};
    BOOST_TEST(rows[14] == artist_fc, boost::test_tools::per_element());
    BOOST_TEST(rows[15][10] == "done");
    BOOST_TEST((rows[18][0] == "MOD-B" && rows[18][2] == "module" && rows[18][10] == "stalled"));
    BOOST_TEST(rows[18][6] == "");
    BOOST_TEST(rows[18][14].find("<stalled> & waiting") != std::string::npos);
    BOOST_TEST(rows[19][14] == "no pair done in the last 20 working days");

    // Without timelines: the header alone; the pairs CSV is the same either way.
    World none;
    none.options.timelines = nullptr;
    const cc::Review plain = none.review();
    BOOST_TEST(cc::render_review_series_csv(plain) ==
               "module,scope,key,date,done,total,p50,p85,due,late_days,state,remaining,throughput,sampled_days,"
               "reason\r\n");
    BOOST_TEST(cc::render_review(plain, cc::ReviewFormat::Csv) == cc::render_review(r, cc::ReviewFormat::Csv));
}

BOOST_AUTO_TEST_CASE(table_sparkline_and_forecast_line) {
    const cc::Review r = World().review();
    const std::string t = cc::render_review(r, cc::ReviewFormat::Table);
    // 30 columns over 30 days, one a day: nothing done for 10 days (▁), then
    // 7 of 14 and 7 of 16 (▄, 3 of 7 steps), then 13 of 16 (▆, 5 of 7).
    const std::string spark = repeat("\xE2\x96\x81", 10) + repeat("\xE2\x96\x84", 19) + "\xE2\x96\x86";
    BOOST_TEST(line_with(t, "  history:   \xE2\x96") ==
               "  history:   " + spark + "  13/16 done, 2026-11-15 to 2026-12-14");
    BOOST_TEST(line_with(t, "  forecast:  50%") ==
               "  forecast:  50% 2026-12-16, 85% 2026-12-18 (due 2026-12-15, 3 working days late; bottleneck Artist)");
    BOOST_TEST(t.find("  forecast:  no forecast: the artist has done no pair in the last 20 working days <stalled> & "
                      "waiting") != std::string::npos);
    BOOST_TEST(t.find("1 forecast late") != std::string::npos);  // in the summary
    BOOST_TEST(t.find(" \n") == std::string::npos);               // no trailing blanks

    // The resampling itself: a longer series than the width, and a single point.
    const cc::ProgressSeries s = {{100, 0, 10}, {160, 5, 10}, {400, 10, 10}};
    const auto cols = cc::review_detail::resample(s, 30);
    BOOST_TEST_REQUIRE(cols.size() == 30u);
    BOOST_TEST((cols.front().day == 100 && cols.front().done == 0));
    BOOST_TEST((cols.back().day == 400 && cols.back().done == 10));
    BOOST_TEST(cols[6].done == 5);  // day 100 + 300 * 6 / 29 = 162
    BOOST_TEST(cols[5].done == 0);  // day 151
    const auto one = cc::review_detail::resample({{100, 2, 4}}, 30);
    BOOST_TEST((one.size() == 30u && one.back().done == 2));

    World none;
    none.options.timelines = nullptr;
    const std::string plain = cc::render_review(none.review(), cc::ReviewFormat::Table);
    BOOST_TEST(plain.find("history:") == std::string::npos);
    BOOST_TEST(plain.find("forecast:") == std::string::npos);
    BOOST_TEST(plain.find("forecast late") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(html_burnup_per_module) {
    const cc::Review r = World().review();
    const std::string h = cc::render_review(r, cc::ReviewFormat::Html);
    BOOST_TEST(cctest::occurrences(h, "<svg viewBox=\"0 0 480 260\" width=\"100%\"") == r.modules.size());
    BOOST_TEST(cctest::occurrences(h, "<figure class=\"burnup\">") == r.modules.size());
    for (const char *bad : {"<script", "<link", "<img", "<iframe", "src=", "url(", "javascript:"})
        BOOST_TEST(h.find(bad) == std::string::npos, bad);

    // MOD-A's chart spans 2026-11-15 (the first point) to 2026-12-18 (p85,
    // after the due date and today): the markers at their days.
    const cc::Day first = kFirst, last = day("2026-12-18");
    const std::size_t a = h.find("<figure class=\"burnup\">"), a_end = h.find("</figure>", a);
    const std::string chart = h.substr(a, a_end - a);
    BOOST_TEST(chart.find("data-first=\"2026-11-15\" data-last=\"2026-12-18\"") != std::string::npos);
    BOOST_TEST(chart.find("<g class=\"due-mark\" data-day=\"2026-12-15\"><line class=\"due\" x1=\"" +
                          chart_x(day("2026-12-15"), first, last) + "\"") != std::string::npos);
    BOOST_TEST(chart.find(">due 2026-12-15</text>") != std::string::npos);
    BOOST_TEST(chart.find("<g class=\"p50-mark\" data-day=\"2026-12-16\"><line class=\"fc-line\" x1=\"" +
                          chart_x(day("2026-12-16"), first, last) + "\"") != std::string::npos);
    BOOST_TEST(chart.find("<g class=\"p85-mark\" data-day=\"2026-12-18\"><line class=\"fc-line\" x1=\"" +
                          chart_x(day("2026-12-18"), first, last) + "\"") != std::string::npos);
    // The lines: done solid, all pairs dashed; the step to 16 pairs on day 20.
    BOOST_TEST(chart.find("<polyline class=\"total\"") != std::string::npos);
    BOOST_TEST(chart.find("stroke-dasharray=\"6 4\"") != std::string::npos);
    BOOST_TEST(chart.find("<polyline class=\"done\"") != std::string::npos);
    BOOST_TEST(chart.find(chart_x(kFirst + 20, first, last) + ",28.0") != std::string::npos);  // 16 = the top
    // Axis labels: counts and dates; a legend in words.
    BOOST_TEST(chart.find(">16</text>") != std::string::npos);
    BOOST_TEST(chart.find(">2026-11-15</text>") != std::string::npos);
    BOOST_TEST(chart.find("Done pairs") != std::string::npos);
    BOOST_TEST(chart.find("All pairs (scope)") != std::string::npos);
    BOOST_TEST(chart.find("Due date") != std::string::npos);
    // Escaped: the module title in the chart's title, the reason in the table.
    BOOST_TEST(chart.find("Burn-up of Hazards &lt;b&gt;&amp;&lt;/b&gt; risks: 13 of 16 pairs done") !=
               std::string::npos);
    BOOST_TEST(h.find("<b>&</b>") == std::string::npos);
    BOOST_TEST(h.find("&lt;stalled&gt; &amp; waiting") != std::string::npos);
    BOOST_TEST(h.find("<stalled>") == std::string::npos);
    // The forecast and its inputs.
    BOOST_TEST(h.find("Forecast: 50% 2026-12-16, 85% 2026-12-18 (due 2026-12-15, 3 working days late; "
                      "bottleneck Artist)") != std::string::npos);
    BOOST_TEST(h.find("sampled from the last 20 working days") != std::string::npos);
    BOOST_TEST(h.find("1000 simulated runs (seed 14)") != std::string::npos);
    BOOST_TEST(h.find("<th scope=\"row\">Artist <small>(bottleneck)</small></th><td>forecast</td><td>12</td>"
                      "<td>24</td><td>20</td><td>1.2</td><td>2026-12-16</td><td>2026-12-18</td>"
                      "<td>2026-12-15</td><td>3 working days</td>") != std::string::npos);
    // MOD-B is stalled: no 50/85 markers, but the due date.
    const std::size_t b = h.find("<figure class=\"burnup\">", a_end), b_end = h.find("</figure>", b);
    const std::string chart_b = h.substr(b, b_end - b);
    BOOST_TEST(chart_b.find("due-mark") != std::string::npos);
    BOOST_TEST(chart_b.find("p50-mark") == std::string::npos);

    World none;
    none.options.timelines = nullptr;
    const std::string plain = cc::render_review(none.review(), cc::ReviewFormat::Html);
    BOOST_TEST(plain.find("burnup") == std::string::npos);
    BOOST_TEST(plain.find("Progress over time") == std::string::npos);
}

// Hand-made timelines need not be tidy: unsorted, an empty series, a module
// without a forecast, one only the timelines know, counts of zero, a
// forecast state without its dates. Every format renders, the JSON stays
// valid, and no chart divides by zero.
BOOST_AUTO_TEST_CASE(odd_timelines_render) {
    World w;
    std::swap(w.timelines.modules[0], w.timelines.modules[1]);
    std::swap(w.timelines.forecasts[0], w.timelines.forecasts[1]);
    w.timelines.modules[0].overall.clear();  // MOD-B: no history
    w.timelines.modules[0].by_role = {{"artist", {}}};
    w.timelines.forecasts[1].roles.clear();  // MOD-A: a forecast without roles
    w.timelines.forecasts[1].p50 = 0;        // and without a 50% date
    cc::ModuleTimeline ghost;
    ghost.module = "MOD-GHOST";
    ghost.overall = {{kAsOf, 0, 0}};
    w.timelines.modules.push_back(ghost);
    const cc::Review r = w.review();
    BOOST_TEST_REQUIRE(r.modules.size() == 2u);
    BOOST_TEST(r.modules[0].timeline.has_value());  // found although unsorted
    BOOST_TEST(r.modules[1].forecast.has_value());
    BOOST_TEST(r.modules[1].timeline->overall.empty());
    for (auto f : {cc::ReviewFormat::Table, cc::ReviewFormat::Json, cc::ReviewFormat::Csv, cc::ReviewFormat::Html})
        BOOST_TEST(!cc::render_review(r, f).empty());
    const std::string json = cc::render_review(r, cc::ReviewFormat::Json);
    rapidjson::Document doc;
    doc.Parse(json.c_str(), json.size());
    BOOST_TEST(cctest::validate_against("review.schema.json", doc) == "");
    const std::string h = cc::render_review(r, cc::ReviewFormat::Html);
    BOOST_TEST(h.find("No history yet.") != std::string::npos);
    BOOST_TEST(cctest::occurrences(h, "<figure class=\"burnup\">") == 1u);
    const std::size_t at = h.find("<figure class=\"burnup\">");
    const std::string chart = h.substr(at, h.find("</figure>", at) - at);
    BOOST_TEST(chart.find("nan") == std::string::npos);
    BOOST_TEST(chart.find("inf") == std::string::npos);
    BOOST_TEST(cc::render_review_series_csv(r).find("MOD-GHOST") == std::string::npos);

    // A single day of history, nothing at all to do: still a chart.
    World flat;
    flat.timelines.modules[0].overall = {{kAsOf, 0, 0}};
    flat.timelines.forecasts[0].due.clear();
    flat.timelines.forecasts[0].state = cc::ForecastState::Done;
    flat.timelines.forecasts[0].p50 = flat.timelines.forecasts[0].p85 = 0;
    flat.map.schedule.clear();
    const std::string fh = cc::render_review(flat.review(), cc::ReviewFormat::Html);
    BOOST_TEST(cctest::occurrences(fh, "<figure class=\"burnup\">") == 2u);
    const std::size_t fat = fh.find("<figure class=\"burnup\">");
    const std::string flat_chart = fh.substr(fat, fh.find("</figure>", fat) - fat);
    BOOST_TEST(flat_chart.find("nan") == std::string::npos);
    BOOST_TEST(flat_chart.find("inf") == std::string::npos);
    BOOST_TEST(flat_chart.find("data-first=\"2026-12-14\" data-last=\"2026-12-15\"") != std::string::npos);
}

// The page with charts in headless Chromium (tests/html/render_check.sh) at
// desktop and phone widths: the page is the review, and the charts alone
// (everything else made invisible) are not blank. Skipped without Chromium.
// CC_REVIEW_HTML_KEEP=DIR keeps the page and screenshots (review-forecast*).
BOOST_AUTO_TEST_CASE(html_charts_render_in_chromium) {
    cctest::TempDir tmp;
    const char *keep = std::getenv("CC_REVIEW_HTML_KEEP");
    const std::string dir = keep && *keep ? std::string(keep) : tmp.path();
    fs::create_directories(dir);
    const std::string page = dir + "/review-forecast.html", png = dir + "/review-forecast.png";
    const cc::Review r = World().review();
    cctest::write_file(page, cc::render_review(r, cc::ReviewFormat::Html));
    if (keep && *keep) {
        cctest::write_file(dir + "/review-forecast.txt", cc::render_review(r, cc::ReviewFormat::Table));
        cctest::write_file(dir + "/review-forecast.json", cc::render_review(r, cc::ReviewFormat::Json));
        cctest::write_file(dir + "/review-forecast-series.csv", cc::render_review_series_csv(r));
    }
    const std::string cmd = "bash '" + cctest::source_dir() + "/tests/html/render_check.sh' '" + page + "' '" + png +
                            "' '<figure class=\"burnup\"><svg' '.burnup svg'";
    const int rc = std::system(cmd.c_str());
    BOOST_REQUIRE(rc != -1 && WIFEXITED(rc));
    if (WEXITSTATUS(rc) == 77) {
        BOOST_TEST_MESSAGE("chromium not installed: chart render check skipped");
        return;
    }
    BOOST_TEST(WEXITSTATUS(rc) == 0);

    // The same check on a page without charts fails: the charts-only
    // pictures are blank (and the marker is missing).
    World none;
    none.options.timelines = nullptr;
    const std::string plain = tmp.path() + "/plain.html";
    cctest::write_file(plain, cc::render_review(none.review(), cc::ReviewFormat::Html));
    const std::string cmd_plain = "bash '" + cctest::source_dir() + "/tests/html/render_check.sh' '" + plain +
                                  "' '" + tmp.path() + "/plain.png' '<meta name=\"generator\"' '.burnup svg' "
                                  "2>/dev/null >/dev/null";
    const int rc_plain = std::system(cmd_plain.c_str());
    BOOST_REQUIRE(rc_plain != -1 && WIFEXITED(rc_plain));
    BOOST_TEST(WEXITSTATUS(rc_plain) == 1, "render_check.sh passed charts on a page that has none");
}

BOOST_AUTO_TEST_SUITE_END()
