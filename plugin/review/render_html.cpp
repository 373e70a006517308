// The review as one self-contained HTML page: inline CSS and SVG bars, no
// script, nothing fetched; legible on a phone, in print and in greyscale.
#include <algorithm>
#include <array>
#include <charconv>
#include <string>

#include "coursecrew/coursecrew.h"
#include "plugin/review/review_internal.hpp"

namespace coursecrew::review_detail {

namespace {

constexpr std::array<Status, 5> kBarOrder = {Status::Done, Status::InReview, Status::InProgress,
                                             Status::Blocked, Status::NotStarted};


// Text and attribute values alike: & < > " ' escaped; C0 controls (invalid
// in HTML) dropped.
constexpr std::array<bool, 256> kHtmlSpecial = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = c != '\n' && c != '\t';
    for (unsigned char c : {'&', '<', '>', '"', '\''}) t[c] = true;
    return t;
}();

void esc(std::string &o, std::string_view s) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        // Skip 8 plain bytes at a time (tabs and newlines just take the slow path).
        while (s.size() - i >= 8) {
            const std::uint64_t w = load8(s.data() + i);
            if (bytes_below(w, 0x20) | bytes_equal(w, '&') | bytes_equal(w, '<') | bytes_equal(w, '>') |
                bytes_equal(w, '"') | bytes_equal(w, '\''))
                break;
            i += 8;
        }
        if (i >= s.size()) break;
        const char c = s[i];
        if (!kHtmlSpecial[static_cast<unsigned char>(c)]) continue;
        o.append(s.data() + start, i - start);
        switch (c) {
        case '&': o += "&amp;"; break;
        case '<': o += "&lt;"; break;
        case '>': o += "&gt;"; break;
        case '"': o += "&quot;"; break;
        case '\'': o += "&#39;"; break;
        default: break;  // a control character: dropped
        }
        start = i + 1;
    }
    o.append(s.data() + start, s.size() - start);
}

const char *const kCss = R"CSS(
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--soft:#f9fafb;--late:#b91c1c;--risk:#b45309}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif;-webkit-print-color-adjust:exact;print-color-adjust:exact}
main{max-width:1120px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:1.75rem;line-height:1.2;margin:0 0 4px}
h2{font-size:1.3rem;line-height:1.25;margin:0}
h3{font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:18px 0 6px;font-weight:600}
.meta{color:var(--muted);margin:0 0 16px}
.id{color:var(--muted);font-weight:400;font-size:.8em;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;overflow-wrap:anywhere}
.stats{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0 4px;padding:0;list-style:none}
.stats li{border:1px solid var(--line);border-radius:8px;padding:6px 12px;min-width:92px;background:var(--soft)}
.stats b{display:block;font-size:1.3rem;line-height:1.2}
.stats span{color:var(--muted);font-size:.8rem}
.stats .warn b{color:var(--late)}
.prog{display:flex;align-items:center;gap:10px;margin:8px 0}
.prog svg{flex:1 1 auto;min-width:80px;height:14px;border-radius:7px}
.prog .pct{font-weight:700;min-width:3.2em;text-align:right;font-variant-numeric:tabular-nums}
.prog .of{color:var(--muted);font-size:.85rem;white-space:nowrap}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;margin:10px 0 0;padding:0;list-style:none;font-size:.85rem}
.legend li{display:flex;align-items:center;gap:6px}
.sw{display:inline-block;width:14px;height:14px;border-radius:3px;border:1px solid rgba(0,0,0,.25)}
.module{margin-top:36px;padding-top:20px;border-top:2px solid var(--line)}
.head{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:4px 16px}
.due{white-space:nowrap}
.head .due{color:var(--muted)}
.split{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:0 32px}
.rows{width:100%;border-collapse:collapse;font-size:.9rem}
.rows th,.rows td{padding:3px 0;text-align:left;vertical-align:middle;font-weight:400}
.rows th{padding-right:10px;white-space:nowrap;max-width:14em;overflow:hidden;text-overflow:ellipsis}
.rows td.bar{width:100%}
.rows td.bar svg{display:block;width:100%;height:10px;border-radius:5px}
.rows td.num{padding-left:10px;white-space:nowrap;text-align:right;font-variant-numeric:tabular-nums}
.rows td.num small{color:var(--muted)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:8px 0;border:1px solid var(--line);border-radius:8px}
table.grid{border-collapse:separate;border-spacing:0;width:100%;font-size:.875rem}
.grid th,.grid td{padding:6px 10px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
.grid thead th{background:var(--soft);font-size:.9em;color:var(--muted);font-weight:600;white-space:nowrap}
.grid tbody tr:last-child>*{border-bottom:0}
.grid tbody th{font-weight:600;min-width:12em;max-width:22em;background:#fff;position:sticky;left:0;z-index:1;border-right:1px solid var(--line)}
.grid tbody th .id{display:block}
.grid td.c{min-width:10em;border-left:4px solid transparent}
.grid td.na{color:var(--muted);text-align:center}
.c b,.c span,.c small{display:block}
.c b{font-weight:600;white-space:nowrap}
.c .none{color:var(--late);font-style:italic}
.c small{font-size:.86em;color:var(--muted);white-space:nowrap}
.c small.late{color:var(--late);font-weight:700}
.c small.risk{color:var(--risk);font-weight:700}
.c small.flag{color:var(--ink);font-weight:600}
.c small.note{white-space:normal}
.grid td.overdue{box-shadow:inset 0 0 0 2px var(--late)}
.legend .late{color:var(--late);font-weight:700}
.legend .risk{color:var(--risk);font-weight:700}
.sum td{white-space:nowrap}
.sum tbody th{white-space:normal}
.sum td.w{width:40%;min-width:120px}
.sum td.w svg{display:block;width:100%;height:10px;border-radius:5px}
.sum a{color:inherit}
.sum .warnc{color:var(--late);font-weight:600;white-space:normal}
.findings{margin:6px 0 0;padding:0;list-style:none}
.findings li{padding:6px 10px;margin:4px 0;border-left:4px solid var(--risk);background:var(--soft);border-radius:0 6px 6px 0;break-inside:avoid}
.findings .k{font-weight:700;margin-right:6px;color:var(--risk)}
.findings .k::after{content:":"}
.findings li.k-overdue,.findings li.k-gap{border-left-color:var(--late);background:#fef2f2}
.findings li.k-overdue .k,.findings li.k-gap .k{color:var(--late)}
.findings li.info{border-left-color:#9ca3af}
.findings li.info .k{color:var(--muted)}
.hint{display:none;color:var(--muted);font-size:.8rem;margin:0}
footer{margin-top:40px;color:var(--muted);font-size:.8rem;border-top:1px solid var(--line);padding-top:10px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:640px){
 body{font-size:16px}
 main{padding:16px 12px 32px}
 h1{font-size:1.4rem}
 h2{font-size:1.15rem}
 .stats li{min-width:0;flex:1 1 28%}
 .grid tbody th{min-width:8.5em;max-width:11em}
 .grid td.c{min-width:9em}
 .sum .opt{display:none}
 .hint{display:block}
}
@media print{
 @page{margin:14mm 12mm}
 body{font-size:10.5pt}
 main{max-width:none;padding:0}
 a{text-decoration:none}
 .scroll{overflow:visible;border:0}
 /* Paper does not scroll: the matrix fits the page width and wraps. */
 table.grid{table-layout:fixed;font-size:8.5pt}
 .grid thead th:first-child{width:24%}
 .grid th,.grid td{padding:4px 6px}
 .grid tbody th{position:static;min-width:0;max-width:none}
 .grid td.c{min-width:0}
 .c b,.c small,.grid thead th,.sum td{white-space:normal}
 .sum td.w{width:30%;min-width:0}
 tr,li,.prog,.rows{break-inside:avoid;page-break-inside:avoid}
 thead{display:table-header-group}
 h2,h3,.head{break-after:avoid;page-break-after:avoid}
 .module{break-before:auto}
 .hint{display:none}
}
)CSS";

// Added to the stylesheet only for a shared review (an unshared page stays
// byte for byte as it was): the mark of a pair changed on another seat, the
// team-state line when the LRS could not be reached, the foreign cells.
const char *const kTeamCss = R"CSS(
.c small.seat{color:#6d28d9;font-weight:600}
.legend .seat{color:#6d28d9;font-weight:600}
.meta.team.stale{color:var(--late);font-weight:600}
.grid td.s{white-space:nowrap}
.grid td.n{white-space:normal;color:var(--muted)}
)CSS";

// Added only for a review with a forecast (Review::forecasting, issue 14):
// the burn-up charts and the forecast tables.
const char *const kForecastCss = R"CSS(
.burnup{margin:8px 0;max-width:680px}
.burnup svg{display:block;width:100%;height:auto;border:1px solid var(--line);border-radius:8px;background:#fff}
.burnup text{font-family:inherit;font-size:12px;fill:var(--ink)}
.burnup text.ax{fill:var(--muted);font-size:11px}
.burnup figcaption{font-size:.85rem;color:var(--muted)}
.burnup .legend{margin:6px 0 0}
.burnup .legend svg{display:inline-block;width:28px;height:10px;border:0;border-radius:0;background:none}
.fc{margin:6px 0}
.fc.late{color:var(--late);font-weight:600}
.grid.fct td{white-space:nowrap;font-variant-numeric:tabular-nums}
@media (max-width:640px){.burnup text{font-size:15px}.burnup text.ax{font-size:14px}}
@media print{.burnup{max-width:16cm;break-inside:avoid}.burnup svg{border:0}}
)CSS";

// ---------------------------------------------------------------- burn-up (issue 14)
// The chart's geometry, in viewBox units (the SVG scales to the width it is
// given). The time axis spans the series and the due, 50% and 85% dates, so
// every marker lies inside the plot.
struct Chart {
    static constexpr double kWidth = 480, kHeight = 260;
    static constexpr double kLeft = 40, kRight = 468, kTop = 28, kBottom = 214;
    std::int64_t first = 0, last = 1;  // days at kLeft and kRight
    std::int64_t top = 1;              // pairs at kTop
    double x(std::int64_t day) const {
        return kLeft + (kRight - kLeft) * static_cast<double>(day - first) / static_cast<double>(last - first);
    }
    double y(std::int64_t pairs) const {
        return kBottom - (kBottom - kTop) * static_cast<double>(pairs) / static_cast<double>(top);
    }
};

// A coordinate with one decimal, locale-free.
void coord(std::string &o, double v) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
    o.append(buf, res.ptr);
}

// A step line through the series (a count holds until the next change).
void step_points(std::string &o, const Chart &c, const ProgressSeries &s, bool done) {
    bool first = true;
    std::int32_t prev = 0;
    for (const ProgressPoint &p : s) {
        const std::int32_t v = done ? p.done : p.total;
        if (!first) {  // the previous value up to this day, then the step
            o.push_back(' ');
            coord(o, c.x(p.day));
            o.push_back(',');
            coord(o, c.y(prev));
        }
        if (!first) o.push_back(' ');
        coord(o, c.x(p.day));
        o.push_back(',');
        coord(o, c.y(v));
        prev = v;
        first = false;
    }
}

void vline(std::string &o, const Chart &c, std::int64_t day, const char *cls, const char *style) {
    o += "<line class=\"";
    o += cls;
    o += "\" x1=\"";
    coord(o, c.x(day));
    o += "\" x2=\"";
    coord(o, c.x(day));
    o += "\" y1=\"";
    coord(o, Chart::kTop - 6);
    o += "\" y2=\"";
    coord(o, Chart::kBottom);
    o += "\" ";
    o += style;
    o += "/>";
}

void text_at(std::string &o, double x, double y, const char *anchor, const char *cls, std::string_view text) {
    o += "<text x=\"";
    coord(o, x);
    o += "\" y=\"";
    coord(o, y);
    o += "\" text-anchor=\"";
    o += anchor;
    o += "\"";
    if (*cls) {
        o += " class=\"";
        o += cls;
        o += "\"";
    }
    o += ">";
    esc(o, text);
    o += "</text>";
}

// Where a label near x goes without leaving the chart.
const char *anchor_for(double x) {
    return x < Chart::kLeft + 40 ? "start" : x > Chart::kRight - 40 ? "end" : "middle";
}

void html_burnup(std::string &o, const ReviewModule &m, std::size_t index) {
    const ProgressSeries &s = m.timeline->overall;
    const ModuleForecast *f = m.forecast ? &*m.forecast : nullptr;
    Chart c;
    c.first = s.front().day;
    c.last = s.back().day;
    std::int64_t due_day = 0;
    const std::string &due = f && !f->due.empty() ? f->due : m.due;
    const bool has_due = !due.empty() && parse_date(due, due_day);
    const bool has_p = f && f->state == ForecastState::Forecast && f->p50 != 0 && f->p85 != 0;
    auto widen = [&](std::int64_t d) {
        c.first = std::min(c.first, d);
        c.last = std::max(c.last, d);
    };
    if (has_due) widen(due_day);
    if (has_p) {
        widen(f->p50);
        widen(f->p85);
    }
    if (c.last <= c.first) c.last = c.first + 1;
    for (const ProgressPoint &p : s) c.top = std::max<std::int64_t>(c.top, std::max(p.total, p.done));

    const ProgressPoint &now = s.back();
    std::string label = "Burn-up of " + m.title + ": " + std::to_string(now.done) + " of " +
                        plural(static_cast<std::size_t>(std::max(0, now.total)), "pair", "pairs") + " done on " +
                        day_str(now.day) + ", from " + day_str(s.front().day);
    if (has_due) label += "; due " + due;
    if (has_p) label += "; 50% forecast " + day_str(f->p50) + ", 85% forecast " + day_str(f->p85);

    o += "<figure class=\"burnup\"><svg viewBox=\"0 0 ";
    o += std::to_string(static_cast<int>(Chart::kWidth));
    o += ' ';
    o += std::to_string(static_cast<int>(Chart::kHeight));
    o += "\" width=\"100%\" role=\"img\" focusable=\"false\" aria-labelledby=\"b";
    append_uint(o, index);
    o += "t\" data-first=\"";
    o += day_str(static_cast<Day>(c.first));
    o += "\" data-last=\"";
    o += day_str(static_cast<Day>(c.last));
    o += "\"><title id=\"b";
    append_uint(o, index);
    o += "t\">";
    esc(o, label);
    o += "</title>";
    // Grid and axes: counts at 0, half and the top; dates at both ends and the middle.
    std::vector<std::int64_t> ticks = {0, c.top};
    if (c.top >= 4) ticks.insert(ticks.begin() + 1, c.top / 2);
    for (std::int64_t t : ticks) {
        o += "<line x1=\"40\" x2=\"468\" y1=\"";
        coord(o, c.y(t));
        o += "\" y2=\"";
        coord(o, c.y(t));
        o += t ? "\" stroke=\"#e5e7eb\"/>" : "\" stroke=\"#6b7280\"/>";
        text_at(o, Chart::kLeft - 6, c.y(t) + 4, "end", "ax", std::to_string(t));
    }
    o += "<line x1=\"40\" x2=\"40\" y1=\"28\" y2=\"214\" stroke=\"#6b7280\"/>";
    text_at(o, Chart::kLeft, 232, "start", "ax", day_str(static_cast<Day>(c.first)));
    if (c.last - c.first >= 4)
        text_at(o, (Chart::kLeft + Chart::kRight) / 2, 232, "middle", "ax",
                day_str(static_cast<Day>(c.first + (c.last - c.first) / 2)));
    text_at(o, Chart::kRight, 232, "end", "ax", day_str(static_cast<Day>(c.last)));
    text_at(o, 8, 18, "start", "ax", "pairs");

    // The due date: a solid red vertical line, labelled at the top.
    if (has_due) {
        o += "<g class=\"due-mark\" data-day=\"";
        o += due;
        o += "\">";
        vline(o, c, due_day, "due", "stroke=\"#b91c1c\" stroke-width=\"2\"");
        text_at(o, c.x(due_day), Chart::kTop - 10, anchor_for(c.x(due_day)), "", "due " + due);
        o += "</g>";
    }
    // The 50% and 85% dates: dotted lines with a triangle on the time axis.
    if (has_p) {
        auto mark = [&](Day d, const char *cls, const std::string &text) {
            o += "<g class=\"";
            o += cls;
            o += "\" data-day=\"";
            o += day_str(d);
            o += "\">";
            vline(o, c, d, "fc-line", "stroke=\"#2563eb\" stroke-width=\"1.5\" stroke-dasharray=\"1 3\"");
            const double x = c.x(d);
            o += "<path d=\"M";
            coord(o, x);
            o += ",214 l-5,9 h10 z\" fill=\"#2563eb\"/>";
            if (!text.empty()) text_at(o, x, 250, anchor_for(x), "", text);
            o += "</g>";
        };
        const double x50 = c.x(f->p50), x85 = c.x(f->p85);
        if (f->p50 == f->p85) {
            mark(f->p85, "p85-mark", "50% and 85%");
        } else if (x85 - x50 < 40) {  // close: one label, read left (50%) to right (85%)
            mark(f->p50, "p50-mark", "");
            mark(f->p85, "p85-mark", "");
            text_at(o, (x50 + x85) / 2, 250, anchor_for((x50 + x85) / 2), "", "50% 85%");
        } else {
            mark(f->p50, "p50-mark", "50%");
            mark(f->p85, "p85-mark", "85%");
        }
    }
    // All pairs (dashed) under done (solid, thicker).
    o += "<polyline class=\"total\" fill=\"none\" stroke=\"#374151\" stroke-width=\"2\" stroke-dasharray=\"6 4\" points=\"";
    step_points(o, c, s, false);
    o += "\"/><polyline class=\"done\" fill=\"none\" stroke=\"#16a34a\" stroke-width=\"3\" points=\"";
    step_points(o, c, s, true);
    o += "\"/></svg>\n<figcaption><ul class=\"legend\">"
         "<li><svg viewBox=\"0 0 28 10\" aria-hidden=\"true\" focusable=\"false\"><line x1=\"0\" x2=\"28\" y1=\"5\" "
         "y2=\"5\" stroke=\"#16a34a\" stroke-width=\"3\"/></svg>Done pairs</li>"
         "<li><svg viewBox=\"0 0 28 10\" aria-hidden=\"true\" focusable=\"false\"><line x1=\"0\" x2=\"28\" y1=\"5\" "
         "y2=\"5\" stroke=\"#374151\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/></svg>All pairs (scope)</li>";
    if (has_due)
        o += "<li><svg viewBox=\"0 0 28 10\" aria-hidden=\"true\" focusable=\"false\"><line x1=\"14\" x2=\"14\" "
             "y1=\"0\" y2=\"10\" stroke=\"#b91c1c\" stroke-width=\"2\"/></svg>Due date</li>";
    if (has_p)
        o += "<li><svg viewBox=\"0 0 28 10\" aria-hidden=\"true\" focusable=\"false\"><line x1=\"14\" x2=\"14\" "
             "y1=\"0\" y2=\"10\" stroke=\"#2563eb\" stroke-width=\"1.5\" stroke-dasharray=\"1 3\"/></svg>"
             "Finish date, 50% and 85% likely</li>";
    o += "</ul></figcaption></figure>\n";
}

// The forecast in words and the inputs it came from, per role.
void html_forecast(std::string &o, const ReviewModule &m, const Digest &dg) {
    const ModuleForecast &f = *m.forecast;
    const bool late = f.late_days > 0 || (f.state == ForecastState::Forecast && !f.due.empty() &&
                                          day_str(f.p85) > f.due);
    o += late ? "<p class=\"fc late\">\xE2\x9A\xA0 Forecast: " : "<p class=\"fc\">Forecast: ";
    esc(o, forecast_text(f, dg));
    o += "</p>\n<p class=\"meta\">From ";
    esc(o, day_str(f.as_of));
    o += ": done pairs per working day sampled from the last ";
    append_uint(o, static_cast<std::size_t>(std::max(0, f.settings.window_days)));
    o += " working days, per role; ";
    append_uint(o, static_cast<std::size_t>(std::max(0, f.settings.trials)));
    o += " simulated runs (seed ";
    o += std::to_string(f.settings.seed);
    o += "); no forecast with fewer than ";
    append_uint(o, static_cast<std::size_t>(std::max(0, f.settings.min_history_days)));
    o += " working days of history. 50% and 85%: half and 85 in 100 runs finished by that day.</p>\n";
    if (f.roles.empty()) return;
    o += "<div class=\"scroll\"><table class=\"grid fct\"><thead><tr><th scope=\"col\">Role</th>"
         "<th scope=\"col\">Forecast</th><th scope=\"col\">Left</th><th scope=\"col\">Done in window</th>"
         "<th scope=\"col\">Days sampled</th><th scope=\"col\">Per working day</th><th scope=\"col\">50%</th>"
         "<th scope=\"col\">85%</th><th scope=\"col\">Due</th><th scope=\"col\">Late</th></tr></thead><tbody>\n";
    for (const RoleForecast &rf : f.roles) {
        o += "<tr><th scope=\"row\">";
        esc(o, dg.title(rf.role));
        if (rf.role == f.bottleneck) o += " <small>(bottleneck)</small>";
        o += "</th><td>";
        switch (rf.state) {
        case ForecastState::Done: o += "done"; break;
        case ForecastState::Forecast: o += "forecast"; break;
        case ForecastState::TooLittleHistory: o += "too little history"; break;
        case ForecastState::Stalled: o += "stalled"; break;
        case ForecastState::BeyondHorizon: o += "beyond the horizon"; break;
        }
        if (!rf.reason.empty()) {
            o += ": ";
            esc(o, rf.reason);
        }
        o += "</td><td>";
        o += std::to_string(rf.remaining);
        o += "</td><td>";
        o += std::to_string(rf.done_in_window);
        o += "</td><td>";
        o += std::to_string(rf.sampled_days);
        o += "</td><td>";
        coord(o, rf.throughput);
        o += "</td><td>";
        o += rf.p50 ? day_str(rf.p50) : "\xE2\x80\x94";
        o += "</td><td>";
        o += rf.p85 ? day_str(rf.p85) : "\xE2\x80\x94";
        o += "</td><td>";
        if (rf.due.empty()) o += "\xE2\x80\x94";
        else esc(o, rf.due);
        o += "</td><td>";
        if (rf.late_days > 0) o += plural(static_cast<std::size_t>(rf.late_days), "working day", "working days");
        else o += "\xE2\x80\x94";
        o += "</td></tr>\n";
    }
    o += "</tbody></table></div>\n";
}

// A horizontal bar as inline SVG: one rect per status, finished work first.
// preserveAspectRatio="none" lets CSS give it any width; the <title> and the
// text beside it carry the numbers for screen readers and greyscale prints.
void svg_bar(std::string &o, const StatusCounts &c, std::string_view label) {
    std::size_t total = 0;
    for (std::size_t n : c) total += n;
    o += "<svg viewBox=\"0 0 1000 10\" preserveAspectRatio=\"none\" role=\"img\" focusable=\"false\"><title>";
    esc(o, label);
    o += "</title><rect width=\"1000\" height=\"10\" fill=\"#e5e7eb\"/>";
    std::size_t x = 0, acc = 0;
    for (Status s : kBarOrder) {
        const std::size_t n = c[static_cast<std::size_t>(s)];
        if (!n || s == Status::NotStarted) {
            acc += n;
            continue;
        }
        acc += n;
        const std::size_t end = acc * 1000 / total;  // cumulative: segments meet exactly
        if (end > x) {
            o += "<rect x=\"";
            append_uint(o, x);
            o += "\" width=\"";
            append_uint(o, end - x);
            o += "\" height=\"10\" fill=\"";
            o += style(s).fill;
            o += "\"/>";
        }
        x = end;
    }
    o += "</svg>";
}

// The same for a person's progress (done / held): only done is known.
StatusCounts done_counts(const Progress &p) {
    StatusCounts c{};
    c[static_cast<std::size_t>(Status::Done)] = p.done;
    c[static_cast<std::size_t>(Status::NotStarted)] = p.total - p.done;
    return c;
}

std::string progress_label(std::string_view what, const Progress &p, const StatusCounts *c) {
    std::string l(what);
    l += ": " + std::to_string(whole_percent(p)) + "% done (" + std::to_string(p.done) + " of " +
         plural(p.total, "pair", "pairs") + ")";
    if (c) {
        for (Status s : kBarOrder) {
            if (s == Status::Done) continue;
            const std::size_t n = (*c)[static_cast<std::size_t>(s)];
            if (n) {
                l += ", " + std::to_string(n) + " ";
                l += style(s).phrase;
            }
        }
    }
    return l;
}

void html_progress(std::string &o, std::string_view what, const Progress &p, const StatusCounts &c) {
    o += "<div class=\"prog\">";
    svg_bar(o, c, progress_label(what, p, &c));
    o += "<span class=\"pct\">";
    append_uint(o, whole_percent(p));
    o += "%</span><span class=\"of\">";
    append_uint(o, p.done);
    o += " of ";
    append_uint(o, p.total);
    o += " done</span></div>\n";
}

// A compact row: label, bar, percent and counts (per role, per person).
void html_row(std::string &o, std::string_view label, const Progress &p, const StatusCounts &c) {
    o += "<tr><th scope=\"row\" title=\"";
    esc(o, label);
    o += "\">";
    esc(o, label);
    o += "</th><td class=\"bar\">";
    svg_bar(o, c, progress_label(label, p, &c));
    o += "</td><td class=\"num\">";
    append_uint(o, whole_percent(p));
    o += "% <small>";
    append_uint(o, p.done);
    o += "/";
    append_uint(o, p.total);
    o += "</small></td></tr>\n";
}

void html_findings(std::string &o, const std::vector<const Finding *> &list) {
    o += "<ul class=\"findings\">\n";
    for (const Finding *f : list) {
        o += "<li class=\"k-";
        esc(o, f->kind);
        if (f->severity == "info") o += " info";
        o += "\"><span class=\"k\">";
        esc(o, kind_label(f->kind));
        o += "</span>";
        esc(o, f->message);
        o += "</li>\n";
    }
    o += "</ul>\n";
}

// One matrix cell, kept small (a big course has tens of thousands): the
// status symbol comes from the stylesheet, the rest is text.
void html_cell(std::string &o, const ReviewPair &p, bool shared) {
    const StatusStyle &st = style(p.status);
    const bool remote = shared && p.remote;
    o += "<td class=\"c s-";
    o += st.id;
    if (p.overdue) o += " overdue";
    if (remote) {
        o += " remote\" title=\"";
        esc(o, remote_text(p));
    }
    o += "\"><b>";
    o += st.label;
    o += "</b>";
    if (p.people.empty()) {
        o += "<span class=\"none\">No one assigned</span>";
    } else {
        o += "<span>";
        for (std::size_t i = 0; i < p.people.size(); ++i) {
            if (i) o += ", ";
            esc(o, p.people[i]);
        }
        o += "</span>";
    }
    if (remote) {
        o += "<small class=\"seat\">";
        o += kSeatMark;
        o += " Changed on another seat</small>";
    }
    if (p.changed_after_done) o += "<small class=\"flag\">\xE2\x86\xBB Changed after done</small>";  // ↻
    if (!p.due.empty()) {
        if (p.overdue) o += "<small class=\"late\">\xE2\x9A\xA0 Overdue \xC2\xB7 due ";  // ⚠ ·
        else if (p.at_risk) o += "<small class=\"risk\">\xE2\x97\xB7 At risk \xC2\xB7 due ";  // ◷
        else o += "<small>due ";
        esc(o, p.due);
        o += "</small>";
    }
    if (!p.note.empty() && !p.changed_after_done) {
        o += "<small class=\"note\">";
        esc(o, p.note);
        o += "</small>";
    }
    o += "</td>";
}

// Cells another seat's version of the package has: one table, by module,
// piece and role.
void html_foreign(std::string &o, const Review &r, const Digest &dg, const std::vector<const ForeignCell *> &cells) {
    o += "<section class=\"module\" id=\"foreign\" aria-labelledby=\"foreign-h\">"
         "<h2 id=\"foreign-h\">On another seat&#39;s version</h2>\n"
         "<p class=\"meta\">Not in this package: pieces or roles that another seat&#39;s version of the package "
         "has, with their status as the team&#39;s state last had it. They do not count in the progress above.</p>\n"
         "<div class=\"scroll\"><table class=\"grid\"><thead><tr><th scope=\"col\">Module</th>"
         "<th scope=\"col\">Piece</th><th scope=\"col\">Role</th><th scope=\"col\">Status</th>"
         "<th scope=\"col\">By</th><th scope=\"col\">When</th><th scope=\"col\">Note</th></tr></thead><tbody>\n";
    for (const ForeignCell *c : cells) {
        const std::string &mt = module_title(r, c->module);
        o += "<tr><td>";
        esc(o, mt.empty() ? c->module : mt);
        if (!mt.empty() && mt != c->module) {
            o += "<span class=\"id\"> ";
            esc(o, c->module);
            o += "</span>";
        }
        o += "</td><th scope=\"row\">";
        esc(o, c->title.empty() ? c->piece : c->title);
        if (!c->title.empty() && c->title != c->piece) {
            o += "<span class=\"id\">";
            esc(o, c->piece);
            o += "</span>";
        }
        o += "</th><td>";
        esc(o, dg.title(c->role));
        const StatusStyle &st = style(c->status);
        o += "</td><td class=\"c s s-";
        o += st.id;
        o += "\"><b>";
        o += st.label;
        o += "</b></td><td>";
        esc(o, c->by);
        o += "</td><td class=\"s\">";
        if (c->at > 0) o += format_when(c->at);
        o += "</td><td class=\"n\">";
        esc(o, c->note);
        o += "</td></tr>\n";
    }
    o += "</tbody></table></div></section>\n";
}

}  // namespace

std::string render_html(const Review &r) {
    const Digest dg(r);
    std::string o;
    std::size_t pairs = r.overall.total;
    reserve_output(o, 8192 + pairs * 260);  // ~225 bytes a pair, measured
    const std::string &title = r.course_title.empty() ? r.course_id : r.course_title;
    const std::string date = format_date(r.generated_at);

    o += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"generator\" content=\"coursecrew " COURSECREW_VERSION_STRING "\">\n<title>";
    esc(o, title);
    o += " \xE2\x80\x94 production review ";  // —
    o += date;
    o += "</title>\n<style>";
    o += kCss;
    // Status colours and symbols come from kStatus, the one place that
    // names them; the symbol keeps a greyscale print readable.
    for (const StatusStyle &s : kStatus) {
        o += ".grid td.s-";
        o += s.id;
        o += "{background:";
        o += s.tint;
        o += ";border-left-color:";
        o += s.fill;
        o += "}.s-";
        o += s.id;
        o += " b::before{content:\"";
        o += s.symbol;
        o += "\\a0\"}.sw.s-";
        o += s.id;
        o += "{background:";
        o += s.fill;
        o += "}\n";
    }
    if (r.team.shared) o += kTeamCss;
    if (r.forecasting) o += kForecastCss;
    o += "</style>\n</head>\n<body>\n<main>\n<header>\n<h1>";
    esc(o, title);
    o += "</h1>\n<p class=\"meta\">Production review \xC2\xB7 generated ";
    o += format_when(r.generated_at);
    if (!r.course_id.empty() && !r.course_title.empty()) {
        o += " \xC2\xB7 <span class=\"id\">";
        esc(o, r.course_id);
        o += "</span>";
    }
    o += "</p>\n";
    if (r.team.shared) {
        o += r.team.error.empty() ? "<p class=\"meta team\">" : "<p class=\"meta team stale\">\xE2\x9A\xA0 ";  // ⚠
        esc(o, team_line(r));
        o += "</p>\n";
    }
    for (const std::string &n : r.notices) {
        o += "<p class=\"meta\"><strong>Note:</strong> ";
        esc(o, n);
        o += "</p>\n";
    }
    if (r.shell.files > 0 || !r.tool.empty()) {
        o += "<p class=\"meta\">";
        if (!r.tool.empty()) {
            o += "Pieces from the ";
            esc(o, r.tool);
            o += " structure inside the package. ";
        }
        if (r.shell.files > 0) {
            o += "Course shell: " + plural(r.shell.files, "file", "files");
            if (r.shell.missing) o += " (" + std::to_string(r.shell.missing) + " missing)";
            if (!r.shell.role.empty()) {
                o += ", held by the ";
                esc(o, r.shell.role);
                if (!r.shell.people.empty()) {
                    o += " (";
                    esc(o, r.shell.people.front());
                    if (r.shell.people.size() > 1) o += " and " + std::to_string(r.shell.people.size() - 1) + " more";
                    o += ")";
                }
            }
            o += ".";
        }
        o += "</p>\n";
    }

    StatusCounts all{};
    std::vector<StatusCounts> per_module;
    per_module.reserve(r.modules.size());
    for (const ReviewModule &m : r.modules) {
        per_module.push_back(count_statuses(m));
        for (std::size_t s = 0; s < all.size(); ++s) all[s] += per_module.back()[s];
    }
    html_progress(o, "Whole course", r.overall, all);

    // Headline numbers: what a coordinator or a client asks first.
    auto stat = [&](std::size_t n, const char *label, bool warn) {
        o += warn && n ? "<li class=\"warn\"><b>" : "<li><b>";
        append_uint(o, n);
        o += "</b><span>";
        o += label;
        o += "</span></li>";
    };
    o += "<ul class=\"stats\">";
    stat(r.modules.size(), "modules", false);
    stat(r.overall.total, "pairs (piece \xC3\x97 role)", false);  // ×
    stat(r.overall.done, "done", false);
    stat(dg.kinds[kind_index("overdue")], "overdue", true);
    stat(dg.kinds[kind_index("at_risk")], "at risk", true);
    stat(dg.kinds[kind_index("gap")], "without a person", true);
    o += "</ul>\n";

    o += "<ul class=\"legend\" aria-label=\"Status legend\">";
    for (const StatusStyle &s : kStatus) {
        o += "<li><span class=\"sw s-";
        o += s.id;
        o += "\"></span><span aria-hidden=\"true\">";
        o += s.symbol;
        o += "</span> ";
        o += s.label;
        o += "</li>";
    }
    o += "<li class=\"late\">\xE2\x9A\xA0 Overdue</li><li class=\"risk\">\xE2\x97\xB7 At risk</li>";
    if (r.team.shared) {
        o += "<li class=\"seat\">";
        o += kSeatMark;
        o += " Changed on another seat</li>";
    }
    o += "</ul>\n</header>\n";

    // Summary per module, linking to its section.
    if (r.modules.empty()) {
        o += "<p>No modules to review.</p>\n";
    } else {
        o += "<section aria-labelledby=\"sum-h\"><h3 id=\"sum-h\">Modules</h3><div class=\"scroll\">"
             "<table class=\"grid sum\"><thead><tr><th scope=\"col\">Module</th><th scope=\"col\">Progress</th>"
             "<th scope=\"col\">Done</th><th scope=\"col\">Due</th><th scope=\"col\" class=\"opt\">Needs attention</th>"
             "</tr></thead><tbody>\n";
        for (std::size_t i = 0; i < r.modules.size(); ++i) {
            const ReviewModule &m = r.modules[i];
            o += "<tr><th scope=\"row\"><a href=\"#m";
            append_uint(o, i + 1);
            o += "\">";
            esc(o, m.title);
            o += "</a></th><td class=\"w\">";
            svg_bar(o, per_module[i], progress_label(m.title, m.overall, &per_module[i]));
            o += "</td><td>";
            append_uint(o, whole_percent(m.overall));
            o += "%</td><td>";
            if (m.due.empty()) o += "\xE2\x80\x94";
            else esc(o, m.due);
            o += "</td><td class=\"opt\">";
            const std::string c = counts_text(dg.kinds_by_module[i]);
            if (c.empty()) o += "\xE2\x80\x94";
            else {
                o += "<span class=\"warnc\">";
                esc(o, c);
                o += "</span>";
            }
            o += "</td></tr>\n";
        }
        o += "</tbody></table></div></section>\n";
    }

    for (std::size_t i = 0; i < r.modules.size(); ++i) {
        const ReviewModule &m = r.modules[i];
        o += "<section class=\"module\" id=\"m";
        append_uint(o, i + 1);
        o += "\" aria-labelledby=\"m";
        append_uint(o, i + 1);
        o += "h\">\n<div class=\"head\"><h2 id=\"m";
        append_uint(o, i + 1);
        o += "h\">";
        esc(o, m.title);
        if (m.title != m.id) {
            o += " <span class=\"id\">";
            esc(o, m.id);
            o += "</span>";
        }
        o += "</h2>";
        if (!m.due.empty()) {
            o += "<span class=\"due\">Due ";
            esc(o, m.due);
            o += "</span>";
        }
        o += "</div>\n";
        html_progress(o, m.title, m.overall, per_module[i]);

        o += "<div class=\"split\">";
        if (!m.by_role.empty()) {
            o += "<div><h3>By role</h3><table class=\"rows\">\n";
            for (const auto &[role, p] : m.by_role) {
                const StatusCounts c = count_statuses(m, &role);
                html_row(o, dg.title(role), p, c);
            }
            o += "</table></div>";
        }
        if (!m.by_person.empty()) {
            o += "<div><h3>By person</h3><table class=\"rows\">\n";
            for (const auto &[name, p] : m.by_person) html_row(o, name, p, done_counts(p));
            o += "</table></div>";
        }
        o += "</div>\n";

        if (r.forecasting) {
            o += "<h3>Progress over time</h3>\n";
            if (m.timeline && !m.timeline->overall.empty()) html_burnup(o, m, i + 1);
            else o += "<p class=\"meta\">No history yet.</p>\n";
            if (m.forecast) html_forecast(o, m, dg);
        }

        const std::vector<std::string> roles = module_roles(m);
        o += "<h3>Pieces \xC3\x97 roles</h3>";
        if (roles.size() > 1) o += "<p class=\"hint\">Scroll sideways for every role \xE2\x86\x92</p>";  // →
        o += "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"";
        esc(o, m.title);
        o += ": pieces by role\"><table class=\"grid\"><thead><tr><th scope=\"col\">Piece</th>";
        for (const std::string &role : roles) {
            o += "<th scope=\"col\">";
            esc(o, dg.title(role));
            o += "</th>";
        }
        o += "</tr></thead>\n<tbody>\n";
        for (const ReviewPiece &piece : m.pieces) {
            o += "<tr><th scope=\"row\">";
            esc(o, piece.title);
            if (piece.title != piece.id) {
                o += "<span class=\"id\">";
                esc(o, piece.id);
                o += "</span>";
            }
            o += "</th>";
            for (const std::string &role : roles) {
                if (const ReviewPair *p = pair_for(piece, role)) html_cell(o, *p, r.team.shared);
                else o += "<td class=\"na\"><span aria-hidden=\"true\">\xE2\x80\x94</span><span class=\"sr\">not needed</span></td>";
            }
            o += "</tr>\n";
        }
        o += "</tbody></table></div>\n";
        if (!dg.by_module[i].empty()) {
            o += "<h3>Findings (";
            append_uint(o, dg.by_module[i].size());
            o += ")</h3>\n";
            html_findings(o, dg.by_module[i]);
        }
        o += "</section>\n";
    }
    const std::vector<const ForeignCell *> foreign = foreign_cells(r);
    if (!foreign.empty()) html_foreign(o, r, dg, foreign);
    if (!dg.team.empty()) {
        o += "<section class=\"module\" aria-labelledby=\"team-h\"><h2 id=\"team-h\">Team</h2>\n";
        html_findings(o, dg.team);
        o += "</section>\n";
    }
    o += "<footer>Generated by coursecrew " COURSECREW_VERSION_STRING " on ";
    o += date;
    o += ". Progress counts done (piece, role) pairs; due dates are due at the end of the day (UTC).</footer>\n"
         "</main>\n</body>\n</html>\n";
    return o;
}

}  // namespace coursecrew::review_detail
