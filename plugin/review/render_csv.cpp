// The review as CSV (RFC 4180): one row per (piece, role), every cell a
// spreadsheet could read as a formula neutralised.
#include <charconv>
#include <string>
#include <vector>

#include "plugin/review/review_internal.hpp"

namespace coursecrew::review_detail {

namespace {

// One RFC 4180 field, appended. A cell a spreadsheet would read as a
// formula (= + - @, or a leading tab or CR that some strip first) gets an
// apostrophe, so a piece titled "=HYPERLINK(...)" stays text. `more` are
// further values joined into the same cell with "; " (a pair's people).
void csv_field(std::string &o, std::string_view s, const std::vector<std::string> *more = nullptr) {
    auto risky = [](std::string_view v) {
        for (char c : v)
            if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
        return false;
    };
    bool quote = risky(s);
    if (more)
        for (const std::string &m : *more) quote = quote || risky(m);
    if (quote) o.push_back('"');
    const char first = !s.empty() ? s[0] : more && !more->empty() && !more->front().empty() ? more->front()[0] : '\0';
    if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r')
        o.push_back('\'');
    auto put = [&](std::string_view v) {
        if (!quote) {
            o += v;
            return;
        }
        for (std::size_t at = 0;;) {  // double every quote
            const std::size_t q = v.find('"', at);
            o.append(v.data() + at, (q == std::string_view::npos ? v.size() : q + 1) - at);
            if (q == std::string_view::npos) break;
            o.push_back('"');
            at = q + 1;
        }
    };
    put(s);
    if (more)
        for (std::size_t i = 0; i < more->size(); ++i) {
            if (i || !s.empty()) o += "; ";
            put((*more)[i]);
        }
    if (quote) o.push_back('"');
}

}  // namespace

// A shared review (Review::team.shared) has a last column, changed_on: "this
// seat" or "another seat" for the pairs; "another seat's version" for the
// foreign cells, rows of their own after the pairs (no people, due, overdue
// or at_risk: not in this package); "team state" for one row right after
// the header, whose since is the last pull and whose note is the sentence
// the other formats show. A review that is not shared has no such column.
std::string render_csv(const Review &r) {
    const bool shared = r.team.shared;
    std::string o = "module,module_title,piece,piece_title,role,status,people,by,since,due,overdue,at_risk,note";
    o += shared ? ",changed_on\r\n" : "\r\n";
    reserve_output(o, o.size() + r.overall.total * 128);
    if (shared) {
        o += ",,,,,,,,";
        if (r.team.pulled_at > 0) o += stamp(r.team.pulled_at, true).view();
        o += ",,,,";
        csv_field(o, team_line(r));
        o += ",team state\r\n";
    }
    for (const ReviewModule &m : r.modules)
        for (const ReviewPiece &piece : m.pieces)
            for (const ReviewPair &p : piece.pairs) {
                csv_field(o, m.id);
                o.push_back(',');
                csv_field(o, m.title);
                o.push_back(',');
                csv_field(o, piece.id);
                o.push_back(',');
                csv_field(o, piece.title);
                o.push_back(',');
                csv_field(o, p.role);
                o.push_back(',');
                o += style(p.status).id;
                o.push_back(',');
                csv_field(o, {}, &p.people);
                o.push_back(',');
                csv_field(o, p.by);
                o.push_back(',');
                if (p.since > 0) o += stamp(p.since, true).view();
                o.push_back(',');
                csv_field(o, p.due);
                o += p.overdue ? ",yes" : ",no";
                o += p.at_risk ? ",yes," : ",no,";
                csv_field(o, p.note);
                if (shared) o += p.remote ? ",another seat" : ",this seat";
                o += "\r\n";
            }
    if (shared)
        for (const ForeignCell *c : foreign_cells(r)) {
            csv_field(o, c->module);
            o.push_back(',');
            csv_field(o, module_title(r, c->module));
            o.push_back(',');
            csv_field(o, c->piece);
            o.push_back(',');
            csv_field(o, c->title.empty() ? c->piece : c->title);
            o.push_back(',');
            csv_field(o, c->role);
            o.push_back(',');
            o += style(c->status).id;
            o += ",,";  // people: none known here
            csv_field(o, c->by);
            o.push_back(',');
            if (c->at > 0) o += stamp(c->at, true).view();
            o += ",,,,";  // due, overdue, at_risk: not in this package
            csv_field(o, c->note);
            o += ",another seat's version\r\n";
        }
    return o;
}

// ---------------------------------------------------------------- series (issue 14)
// The burn-up series and the forecasts in long format, one header for both
// kinds of row (docs/review-forecast.md):
//   module,scope,key,date,done,total,p50,p85,due,late_days,state,remaining,throughput,sampled_days,reason
// Series rows: scope "module" (key: the module id), "role" (the role id) or
// "person" (the display name); date, done and total; the rest empty.
// Forecast rows, after a module's series: scope "forecast", key "module"
// for the module's own forecast, then one per role (the role id); date is
// the day forecast from, done and total empty; p50, p85 and due are dates
// ("" when not set), late_days is set only with a due date.
namespace {

void csv_int(std::string &o, long long v) {
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    o.append(buf, res.ptr);
}

void series_rows(std::string &o, const std::string &module, std::string_view scope, const std::string &key,
                 const ProgressSeries &s) {
    for (const ProgressPoint &p : s) {
        csv_field(o, module);
        o.push_back(',');
        o += scope;
        o.push_back(',');
        csv_field(o, key);
        o.push_back(',');
        o += day_str(p.day);
        o.push_back(',');
        csv_int(o, p.done);
        o.push_back(',');
        csv_int(o, p.total);
        o += ",,,,,,,,,\r\n";
    }
}

void forecast_row(std::string &o, const std::string &module, const std::string &key, Day as_of, Day p50, Day p85,
                  const std::string &due, int late_days, ForecastState state, const RoleForecast *role,
                  const std::string &reason) {
    csv_field(o, module);
    o += ",forecast,";
    csv_field(o, key);
    o.push_back(',');
    o += day_str(as_of);
    o += ",,,";
    o += day_str(p50);
    o.push_back(',');
    o += day_str(p85);
    o.push_back(',');
    csv_field(o, due);
    o.push_back(',');
    if (!due.empty()) csv_int(o, late_days);
    o.push_back(',');
    o += to_string(state);
    o.push_back(',');
    if (role) {
        csv_int(o, role->remaining);
        o.push_back(',');
        char buf[32];
        const auto res = std::to_chars(buf, buf + sizeof buf, role->throughput, std::chars_format::fixed, 3);
        o.append(buf, res.ptr);
        o.push_back(',');
        csv_int(o, role->sampled_days);
    } else {
        o += ",,";
    }
    o.push_back(',');
    csv_field(o, reason);
    o += "\r\n";
}

}  // namespace

std::string render_series_csv(const Review &r) {
    std::string o =
        "module,scope,key,date,done,total,p50,p85,due,late_days,state,remaining,throughput,sampled_days,reason\r\n";
    for (const ReviewModule &m : r.modules) {
        if (m.timeline) {
            series_rows(o, m.id, "module", m.id, m.timeline->overall);
            for (const auto &[role, s] : m.timeline->by_role) series_rows(o, m.id, "role", role, s);
            for (const auto &[name, s] : m.timeline->by_person) series_rows(o, m.id, "person", name, s);
        }
        if (m.forecast) {
            const ModuleForecast &f = *m.forecast;
            forecast_row(o, m.id, "module", f.as_of, f.p50, f.p85, f.due, f.late_days, f.state, nullptr, f.reason);
            for (const RoleForecast &rf : f.roles)
                forecast_row(o, m.id, rf.role, f.as_of, rf.p50, rf.p85, rf.due, rf.late_days, rf.state, &rf,
                             rf.reason);
        }
    }
    return o;
}

}  // namespace coursecrew::review_detail
