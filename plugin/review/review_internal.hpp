// What the review's builder (review.cpp) and its four renderers
// (render_table.cpp, render_json.cpp, render_csv.cpp, render_html.cpp)
// share: dates and timestamps, the status styles, the finding kinds and the
// Digest every renderer starts from. Internal to the review: nothing outside
// plugin/review includes it (the unit tests do, to test the dates directly).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "plugin/forecast/forecast.hpp"
#include "plugin/review/review.hpp"

namespace coursecrew::review_detail {

constexpr std::int64_t kDay = 86400;

// ---------------------------------------------------------------- bytes
// Escaping scans every byte of a large review; these test 8 bytes at a time
// so the common case (nothing to escape) copies whole runs. Each returns
// non-zero when some byte of `w` qualifies (exact for the first such byte,
// which is all a "look closer" test needs).
constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
constexpr std::uint64_t bytes_below(std::uint64_t w, unsigned n) { return (w - kOnes * n) & ~w & kHigh; }
constexpr std::uint64_t bytes_equal(std::uint64_t w, unsigned char c) { return bytes_below(w ^ (kOnes * c), 1); }

inline std::uint64_t load8(const char *p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
}

// Reserves a renderer's output, with huge pages advised for a large one.
void reserve_output(std::string &s, std::size_t bytes);

// ---------------------------------------------------------------- dates
// Civil dates in UTC with std::chrono's calendar: no time zones, no libc
// calls whose result depends on the machine's TZ or locale.

// "YYYY-MM-DD" (strict, a real calendar day) to days since 1970-01-01.
bool parse_date(std::string_view s, std::int64_t &days);

// A timestamp spelled out in a stack buffer: the renderers print one per
// pair, so no heap string each time.
struct Stamp {
    char text[32];
    std::size_t size = 0;
    std::string_view view() const { return {text, size}; }
    std::string str() const { return std::string(view()); }
};

// "YYYY-MM-DD" of a unix time (UTC); with_time adds "THH:MM:SSZ" (RFC 3339).
// Years outside std::chrono::year's range (+-32767) are clamped to it.
Stamp stamp(std::int64_t unix_seconds, bool with_time);
std::string format_date(std::int64_t unix_seconds);
std::string format_timestamp(std::int64_t unix_seconds);
// "2024-05-10 12:00 UTC", for people.
std::string format_when(std::int64_t unix_seconds);

// ---------------------------------------------------------------- text
std::string plural(std::size_t n, const char *one, const char *many);
void append_uint(std::string &o, std::size_t v);
// Whole percent, rounded down: 99.9% must never read as 100%.
unsigned whole_percent(const Progress &p);

// ---------------------------------------------------------------- statuses
// How each status is named and drawn. The ids are the store's; symbols and
// labels make the HTML legible in greyscale, colours follow the usual
// traffic-light reading (grey, blue, amber, green, red).
struct StatusStyle {
    // Views: lengths known, no strlen per use. `phrase` is the label inside a sentence.
    std::string_view id, label, phrase, symbol, fill, tint;
};
inline constexpr std::array<StatusStyle, 5> kStatus = {{
    {"not_started", "Not started", "not started", "\xE2\x97\x8B", "#9ca3af", "#f3f4f6"},  // ○
    {"in_progress", "In progress", "in progress", "\xE2\x97\x90", "#2563eb", "#dbeafe"},  // ◐
    {"in_review", "In review", "in review", "\xE2\x97\x8E", "#d97706", "#fef3c7"},        // ◎
    {"done", "Done", "done", "\xE2\x9C\x93", "#16a34a", "#dcfce7"},                       // ✓
    {"blocked", "Blocked", "blocked", "\xE2\x9C\x95", "#dc2626", "#fee2e2"},              // ✕
}};
inline const StatusStyle &style(Status s) { return kStatus[static_cast<std::size_t>(s)]; }

using StatusCounts = std::array<std::size_t, 5>;

// ---------------------------------------------------------------- findings
// forecast_late comes last: a review built without timelines never has one,
// and the JSON counts list it only for a review with a forecast
// (Review::forecasting), so such a review's output is as before issue 14.
inline constexpr std::array<const char *, 9> kKinds = {"gap",     "overload", "many_roles", "stale",
                                                       "changed_after_done", "overdue", "at_risk", "waiting",
                                                       "forecast_late"};
inline constexpr std::array<const char *, 9> kKindLabels = {"Gap",     "Overload", "Many roles", "Stale",
                                                            "Changed after done", "Overdue", "At risk",
                                                            "Waiting for files", "Forecast late"};
inline constexpr std::size_t kForecastLate = 8;

// Findings counted per kind, in kKinds order.
using KindCounts = std::array<std::size_t, kKinds.size()>;

// Index into kKinds; kKinds.size() for a kind this file does not know
// (only a hand-made Review has one): listed, but counted nowhere.
std::size_t kind_index(const std::string &kind);
std::string_view kind_label(const std::string &kind);

// "2 overdue, 1 at risk, 3 gaps": a module's findings in the order a
// coordinator acts on them (people findings are not per module).
std::string counts_text(const KindCounts &k);

// ---------------------------------------------------------------- team state
// A seat that shares the team's state through the LRS (Review::team.shared)
// says how fresh that state is and marks what came from other seats; a
// review that is not shared renders exactly as before.

// The mark of a pair last changed on another seat (table and HTML): ⇄.
inline constexpr std::string_view kSeatMark = "\xE2\x87\x84";

// An age in words, rounded down: "less than a minute", "1 minute",
// "3 minutes", "2 hours", "5 days" (a negative age reads as none).
std::string age_text(std::int64_t seconds);

// The team-state sentence every format shows ("" when not shared):
//   Team state as of 2024-05-10 11:55 UTC (pulled from the LRS)
//   The LRS could not be reached at <attempted_at>: <error>. Team state as of <pulled_at> (<age> old)
//   Team state: never pulled from the LRS; this seat's changes only
std::string team_line(const Review &r);

// The foreign cells the review lists: those of the module reviewed (all
// when Review::module is ""), ordered by module, piece, role.
std::vector<const ForeignCell *> foreign_cells(const Review &r);

// "changed on another seat by Ana Lima, 2024-05-10 11:00 UTC" (the parts
// known), for a remote pair's tooltip.
std::string remote_text(const ReviewPair &p);

// The title of module `id` when the review has it, else "".
const std::string &module_title(const Review &r, const std::string &id);

// ---------------------------------------------------------------- history and forecast (issue 14)

// "2026-12-14" of a forecast Day (day_text); "" for 0 (none).
inline std::string day_str(Day d) { return d ? day_text(d) : std::string(); }

// The sparkline's columns resampled over a series: done/total at the end of
// each of `width` equal slices of [first day, last day] (a step function:
// the last point on or before the slice's day). Empty for an empty series.
std::vector<ProgressPoint> resample(const ProgressSeries &s, std::size_t width);


// ---------------------------------------------------------------- for renderers

// What the renderers need besides the Review: findings grouped by module,
// counts per kind, role titles and per-status counts for stacked bars.
struct Digest {
    explicit Digest(const Review &r);
    const std::string &title(const std::string &role) const {
        auto it = titles.find(role);
        return it == titles.end() ? role : it->second;
    }
    std::unordered_map<std::string, std::string> titles;
    std::unordered_map<std::string, std::size_t> module_at;
    std::vector<std::vector<const Finding *>> by_module;
    std::vector<const Finding *> team;  // about people, or a module not in the review
    std::vector<KindCounts> kinds_by_module;
    KindCounts kinds{};
};

// "50% 2026-12-16, 85% 2026-12-18 (due 2026-12-15, 3 working days late;
// bottleneck Artist)", or the reason there is none ("no forecast: ...").
// The forecast line of the table and the HTML (plain text, not escaped).
std::string forecast_text(const ModuleForecast &f, const Digest &dg);

StatusCounts count_statuses(const ReviewModule &m, const std::string *role = nullptr);
// The roles used in a module, in the review's role order (matrix columns).
std::vector<std::string> module_roles(const ReviewModule &m);
const ReviewPair *pair_for(const ReviewPiece &piece, const std::string &role);

// The renderers, one file each; render_review (review.cpp) picks one.
std::string render_table(const Review &r);
std::string render_json(const Review &r);
std::string render_csv(const Review &r);
std::string render_html(const Review &r);
std::string render_series_csv(const Review &r);

}  // namespace coursecrew::review_detail
