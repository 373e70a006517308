// The review as a terminal table: a summary per module, then each module's
// progress, its pieces x roles matrix and its findings.
#include <algorithm>
#include <string>

#include "plugin/review/review_internal.hpp"

namespace coursecrew::review_detail {

namespace {

std::string join(const std::vector<std::string> &v, const char *sep) {
    std::string o;
    for (const std::string &s : v) {
        if (!o.empty()) o += sep;
        o += s;
    }
    return o;
}

// Display width of UTF-8 text: code points (titles are not East Asian wide
// often enough to justify a width table).
std::size_t width(std::string_view s) {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

// Cut to at most `w` code points, marking the cut with "...".
std::string_view fit(std::string_view s, std::size_t w, std::string &scratch) {
    if (width(s) <= w) return s;
    const std::size_t keep = w > 3 ? w - 3 : 0;
    std::size_t cps = 0, i = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (cps == keep) break;
            ++cps;
        }
    }
    scratch.assign(s.substr(0, i));
    scratch.append("...", w - keep);
    return scratch;
}

// Ends a line without trailing blanks (they make diffs and copy-paste noisy).
void end_line(std::string &o) {
    while (!o.empty() && o.back() == ' ') o.pop_back();
    o.push_back('\n');
}

void pad(std::string &o, std::string_view s, std::size_t w) {
    o += s;
    for (std::size_t n = width(s); n < w; ++n) o.push_back(' ');
}

// ---------------------------------------------------------------- table

std::string bar_text(const Progress &p, std::size_t w = 20) {
    const std::size_t filled = p.total ? p.done * w / p.total : 0;
    std::string o = "[";
    o.append(filled, '#');
    o.append(w - filled, '.');
    o += "] ";
    std::string pct = std::to_string(whole_percent(p)) + "%";
    o.append(4 - std::min<std::size_t>(4, pct.size()), ' ');
    return o + pct;
}

// Text from another seat's store (names, notes) on one terminal line:
// control characters (an escape sequence, a newline) become spaces.
std::string one_line(std::string_view s) {
    std::string o(s);
    for (char &c : o)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    return o;
}

// Cells another seat's version of the package has: by module, then piece,
// one line per role.
void table_foreign(std::string &o, const Review &r, const Digest &dg, const std::vector<const ForeignCell *> &cells) {
    o += "\nOn another seat's version (not in this package)\n";
    const ForeignCell *prev = nullptr;
    for (const ForeignCell *c : cells) {
        if (!prev || prev->module != c->module) {
            const std::string &title = module_title(r, c->module);
            o += "  " + one_line(title.empty() ? c->module : title);
            if (!title.empty() && title != c->module) o += "  [" + one_line(c->module) + "]";
            o += '\n';
        }
        if (!prev || prev->module != c->module || prev->piece != c->piece) {
            o += "    " + one_line(c->title.empty() ? c->piece : c->title);
            if (!c->title.empty() && c->title != c->piece) o += "  [" + one_line(c->piece) + "]";
            o += '\n';
        }
        o += "      " + one_line(dg.title(c->role)) + ": ";
        o += style(c->status).phrase;
        if (!c->by.empty()) o += ", by " + one_line(c->by);
        if (c->at > 0) o += ", " + format_when(c->at);
        if (!c->note.empty()) o += " (" + one_line(c->note) + ")";
        end_line(o);
        prev = c;
    }
}

// ---------------------------------------------------------------- history and forecast

// Done/total per column as one of eight blocks, ▁ (nothing done) to █
// (everything done): rounded down, so only a finished module reads full.
constexpr std::string_view kBlocks[8] = {"\xE2\x96\x81", "\xE2\x96\x82", "\xE2\x96\x83", "\xE2\x96\x84",
                                         "\xE2\x96\x85", "\xE2\x96\x86", "\xE2\x96\x87", "\xE2\x96\x88"};
constexpr std::size_t kSparkWidth = 30;

std::string sparkline(const ProgressSeries &s) {
    std::string o;
    for (const ProgressPoint &p : resample(s, kSparkWidth)) {
        const std::size_t level =
            p.total > 0 && p.done > 0 ? static_cast<std::size_t>(std::min(p.done, p.total)) * 7 / static_cast<std::size_t>(p.total) : 0;
        o += kBlocks[level];
    }
    return o;
}

// "  history:  ▁▂▃▅▆▇  12/20 pairs done, 2026-11-02 to 2026-12-14" and
// "  forecast: 50% ..., 85% ..." under a module's progress.
void table_forecast(std::string &o, const ReviewModule &m, const Digest &dg) {
    o += "  history:   ";
    if (m.timeline && !m.timeline->overall.empty()) {
        const ProgressSeries &s = m.timeline->overall;
        o += sparkline(s);
        o += "  " + std::to_string(s.back().done) + "/" + std::to_string(s.back().total) + " done, " +
             day_str(s.front().day) + " to " + day_str(s.back().day);
    } else {
        o += "no history";
    }
    o += "\n  forecast:  ";
    o += m.forecast ? one_line(forecast_text(*m.forecast, dg)) : std::string("none");
    end_line(o);
}

void table_findings(std::string &o, const std::vector<const Finding *> &list, const char *indent) {
    for (const Finding *f : list) {
        o += indent;
        o += f->severity == "info" ? "i " : "! ";
        o += f->message;
        o += '\n';
    }
}

}  // namespace

std::string render_table(const Review &r) {
    const Digest dg(r);
    std::string o, scratch;
    reserve_output(o, 4096 + r.overall.total * 80);
    o += r.course_title.empty() ? r.course_id : r.course_title;
    if (!r.course_id.empty() && !r.course_title.empty()) o += "  [" + r.course_id + "]";
    o += "\nReview of " + format_when(r.generated_at) + "\n";
    if (r.team.shared) o += one_line(team_line(r)) + "\n";
    if (!r.tool.empty()) o += "Pieces from the " + r.tool + " structure inside the package\n";
    for (const std::string &n : r.notices) o += "Note: " + n + "\n";
    if (r.shell.files > 0) {
        o += "Course shell  " + plural(r.shell.files, "file", "files");
        if (r.shell.missing) o += " (" + std::to_string(r.shell.missing) + " missing)";
        if (!r.shell.role.empty())
            o += ", held by the " + r.shell.role +
                 (r.shell.people.empty() ? std::string(" (no one yet)") : " (" + r.shell.people.front() +
                      (r.shell.people.size() > 1 ? " and " + std::to_string(r.shell.people.size() - 1) + " more)" : ")"));
        o += "\n";
    }
    o += "Overall  " + bar_text(r.overall) + "  " + std::to_string(r.overall.done) + " of " +
         plural(r.overall.total, "pair", "pairs") + " done\n";

    if (r.modules.empty()) {
        o += "\nNo modules to review.\n";
    } else {
        // Summary per module: what a coordinator scans first.
        std::size_t tw = 6;
        for (const ReviewModule &m : r.modules) tw = std::max(tw, std::min<std::size_t>(36, width(m.title)));
        o += "\nSummary\n";
        for (std::size_t i = 0; i < r.modules.size(); ++i) {
            const ReviewModule &m = r.modules[i];
            o += "  ";
            pad(o, fit(m.title, tw, scratch), tw);
            o += "  " + bar_text(m.overall, 10) + "  ";
            std::string frac = std::to_string(m.overall.done) + "/" + std::to_string(m.overall.total);
            pad(o, frac, 9);
            if (!m.due.empty()) o += "  due " + m.due;
            const std::string c = counts_text(dg.kinds_by_module[i]);
            if (!c.empty()) o += "  " + c;
            end_line(o);
        }
    }

    for (std::size_t i = 0; i < r.modules.size(); ++i) {
        const ReviewModule &m = r.modules[i];
        o += "\nModule " + std::to_string(i + 1) + " of " + std::to_string(r.modules.size()) + ": " + m.title;
        if (m.title != m.id) o += "  [" + m.id + "]";
        if (!m.due.empty()) o += "  due " + m.due;
        o += "\n  " + bar_text(m.overall) + "  " + std::to_string(m.overall.done) + " of " +
             plural(m.overall.total, "pair", "pairs") + " done\n";
        if (!m.by_role.empty()) {
            o += "  by role:   ";
            bool first = true;
            for (const auto &[role, p] : m.by_role) {
                o += first ? "" : ", ";
                first = false;
                o += dg.title(role) + " " + std::to_string(whole_percent(p)) + "% (" + std::to_string(p.done) +
                     "/" + std::to_string(p.total) + ")";
            }
            o += '\n';
        }
        if (!m.by_person.empty()) {
            o += "  by person: ";
            bool first = true;
            for (const auto &[name, p] : m.by_person) {
                o += first ? "" : ", ";
                first = false;
                o += name + " " + std::to_string(whole_percent(p)) + "% (" + std::to_string(p.done) + "/" +
                     std::to_string(p.total) + ")";
            }
            o += '\n';
        }

        if (r.forecasting) table_forecast(o, m, dg);

        // The matrix: pieces down, roles across. Cells: mark, status, people.
        const std::vector<std::string> roles = module_roles(m);
        auto cell = [](const ReviewPair &p) {
            std::string c = p.overdue ? "! " : p.at_risk ? "~ " : p.changed_after_done ? "* " : "  ";
            c += style(p.status).phrase;
            c += ": ";
            c += p.people.empty() ? "nobody" : join(p.people, ", ");
            return c;
        };
        // Cells once (row-major, "" where the piece lacks the role), then
        // column widths, then the rows.
        std::vector<std::string> cells(m.pieces.size() * roles.size());
        // Pairs last changed on another seat: the mark goes after the cell's
        // text, outside what fit() may cut (only when the review is shared).
        std::vector<bool> remote(r.team.shared ? cells.size() : 0);
        const std::size_t mark = r.team.shared ? 1 + width(kSeatMark) : 0;
        std::size_t pw = 5;
        std::vector<std::size_t> cw;
        for (const std::string &role : roles) cw.push_back(width(dg.title(role)) + 2);
        for (std::size_t row = 0; row < m.pieces.size(); ++row) {
            const ReviewPiece &piece = m.pieces[row];
            pw = std::max(pw, width(piece.title));
            for (std::size_t c = 0; c < roles.size(); ++c)
                if (const ReviewPair *p = pair_for(piece, roles[c])) {
                    std::string &text = cells[row * roles.size() + c];
                    text = cell(*p);
                    const bool far = r.team.shared && p->remote;
                    if (far) remote[row * roles.size() + c] = true;
                    cw[c] = std::max(cw[c], width(text) + (far ? mark : 0));
                }
        }
        pw = std::min<std::size_t>(pw, 36);
        for (std::size_t &w : cw) w = std::min<std::size_t>(w, 32);
        o += "\n  ";
        pad(o, "Piece", pw);
        // Titles line up with the status text, after the cells' mark gutter.
        for (std::size_t c = 0; c < roles.size(); ++c) {
            o += "    ";
            pad(o, fit(dg.title(roles[c]), cw[c] - 2, scratch), cw[c] - 2);
        }
        end_line(o);
        o += "  " + std::string(pw, '-');
        for (std::size_t w : cw) o += "  " + std::string(w, '-');
        end_line(o);
        for (std::size_t row = 0; row < m.pieces.size(); ++row) {
            o += "  ";
            pad(o, fit(m.pieces[row].title, pw, scratch), pw);
            for (std::size_t c = 0; c < roles.size(); ++c) {
                o += "  ";
                const std::size_t at = row * roles.size() + c;
                const std::string &text = cells[at];
                if (!remote.empty() && remote[at]) {
                    std::string marked(fit(text, cw[c] - mark, scratch));
                    marked += ' ';
                    marked += kSeatMark;
                    pad(o, marked, cw[c]);
                    continue;
                }
                pad(o, text.empty() ? std::string_view("  -") : fit(text, cw[c], scratch), cw[c]);
            }
            end_line(o);
        }
        if (!dg.by_module[i].empty()) {
            o += "\n  Findings (" + std::to_string(dg.by_module[i].size()) + ")\n";
            table_findings(o, dg.by_module[i], "    ");
        }
    }
    const std::vector<const ForeignCell *> foreign = foreign_cells(r);
    if (!foreign.empty()) table_foreign(o, r, dg, foreign);
    if (!dg.team.empty()) {
        o += "\nTeam (" + std::to_string(dg.team.size()) + ")\n";
        table_findings(o, dg.team, "  ");
    }
    o += "\nMarks: ! overdue, ~ at risk, * content changed after done; findings: ! warning, i info\n";
    if (r.team.shared) {
        o += kSeatMark;
        o += " last changed on another seat\n";
    }
    return o;
}

}  // namespace coursecrew::review_detail
