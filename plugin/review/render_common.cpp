// What the review's renderers share (see review_internal.hpp): the output
// buffer, the finding kinds and the Digest of a Review they all start from.
#include <algorithm>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "plugin/review/review_internal.hpp"

namespace coursecrew::review_detail {

// Reserves a renderer's output (up to ~20 MB for a 20,000-piece course).
// Fresh memory costs a page fault per 4 KiB on first touch, about 19 ms for
// 20 MB on a small VM; advising transparent huge pages (Linux, THP in
// "madvise" mode) makes that ~5 ms. Only advice: where refused, nothing changes.
void reserve_output(std::string &s, std::size_t bytes) {
    s.reserve(bytes);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t kHuge = std::uintptr_t(2) << 20;
    if (bytes < 2 * kHuge) return;
    const auto begin = reinterpret_cast<std::uintptr_t>(s.data());
    const std::uintptr_t lo = (begin + kHuge - 1) & ~(kHuge - 1), hi = (begin + s.capacity()) & ~(kHuge - 1);
    if (hi > lo) madvise(reinterpret_cast<void *>(lo), hi - lo, MADV_HUGEPAGE);
#endif
}

std::size_t kind_index(const std::string &kind) {
    for (std::size_t i = 0; i < kKinds.size(); ++i)
        if (kind == kKinds[i]) return i;
    return kKinds.size();
}

std::string_view kind_label(const std::string &kind) {
    const std::size_t k = kind_index(kind);
    return k < kKindLabels.size() ? std::string_view(kKindLabels[k]) : std::string_view(kind);
}

Digest::Digest(const Review &r) {
    for (const Role &role : r.roles) titles.emplace(role.id, role.title.empty() ? role.id : role.title);
    for (std::size_t i = 0; i < r.modules.size(); ++i) module_at.emplace(r.modules[i].id, i);
    by_module.resize(r.modules.size());
    kinds_by_module.resize(r.modules.size());
    for (const Finding &f : r.findings) {
        const std::size_t k = kind_index(f.kind);
        const bool known = k < kKinds.size();
        if (known) ++kinds[k];
        auto it = f.module.empty() ? module_at.end() : module_at.find(f.module);
        if (it == module_at.end()) {
            team.push_back(&f);
        } else {
            by_module[it->second].push_back(&f);
            if (known) ++kinds_by_module[it->second][k];
        }
    }
}

StatusCounts count_statuses(const ReviewModule &m, const std::string *role) {
    StatusCounts c{};
    for (const ReviewPiece &piece : m.pieces)
        for (const ReviewPair &p : piece.pairs)
            if (!role || p.role == *role) ++c[static_cast<std::size_t>(p.status)];
    return c;
}

std::vector<std::string> module_roles(const ReviewModule &m) {
    std::vector<std::string> out;
    for (const auto &[role, prog] : m.by_role) out.push_back(role);
    // by_role is already in role order; add any stray role (hand-made reviews).
    for (const ReviewPiece &piece : m.pieces)
        for (const ReviewPair &p : piece.pairs)
            if (std::find(out.begin(), out.end(), p.role) == out.end()) out.push_back(p.role);
    return out;
}

const ReviewPair *pair_for(const ReviewPiece &piece, const std::string &role) {
    for (const ReviewPair &p : piece.pairs)
        if (p.role == role) return &p;
    return nullptr;
}

namespace {
std::string lower(std::string s) {
    for (char &c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return s;
}
}  // namespace

std::string counts_text(const KindCounts &k) {
    // overdue, at risk, forecast late, gaps, stale, changed, waiting
    static constexpr std::array<std::size_t, 7> order = {5, 6, kForecastLate, 0, 3, 4, 7};
    std::string o;
    for (std::size_t i : order) {
        if (!k[i]) continue;
        if (!o.empty()) o += ", ";
        o += std::to_string(k[i]) + " " + lower(kKindLabels[i]);
        if (i == 0 && k[i] != 1) o += 's';  // "2 gaps"; the other labels read as they are
    }
    return o;
}

std::string age_text(std::int64_t seconds) {
    if (seconds < 60) return "less than a minute";
    if (seconds < 3600) return plural(static_cast<std::size_t>(seconds / 60), "minute", "minutes");
    if (seconds < kDay) return plural(static_cast<std::size_t>(seconds / 3600), "hour", "hours");
    return plural(static_cast<std::size_t>(seconds / kDay), "day", "days");
}

std::string team_line(const Review &r) {
    const TeamState &t = r.team;
    if (!t.shared) return {};
    std::string o;
    if (!t.error.empty()) {
        o = "The LRS could not be reached";
        if (t.attempted_at > 0) o += " at " + format_when(t.attempted_at);
        std::string_view why = t.error;
        while (!why.empty() && (why.back() == '.' || why.back() == ' ' || why.back() == '\n')) why.remove_suffix(1);
        o += ": ";
        o += why;
        o += ". ";
    }
    if (t.pulled_at <= 0) return o + "Team state: never pulled from the LRS; this seat's changes only";
    o += "Team state as of " + format_when(t.pulled_at);
    o += t.error.empty() ? " (pulled from the LRS)" : " (" + age_text(r.generated_at - t.pulled_at) + " old)";
    return o;
}

std::vector<const ForeignCell *> foreign_cells(const Review &r) {
    std::vector<const ForeignCell *> out;
    if (!r.team.shared) return out;
    for (const ForeignCell &c : r.team.foreign)
        if (r.module.empty() || c.module == r.module) out.push_back(&c);
    // The workspace sorts them; a hand-made review may not.
    auto before = [](const ForeignCell *a, const ForeignCell *b) {
        if (a->module != b->module) return a->module < b->module;
        if (a->piece != b->piece) return a->piece < b->piece;
        return a->role < b->role;
    };
    if (!std::is_sorted(out.begin(), out.end(), before)) std::stable_sort(out.begin(), out.end(), before);
    return out;
}

std::string remote_text(const ReviewPair &p) {
    std::string o = "changed on another seat";
    if (!p.by.empty()) o += " by " + p.by;
    if (p.since > 0) o += ", " + format_when(p.since);
    return o;
}

std::vector<ProgressPoint> resample(const ProgressSeries &s, std::size_t width) {
    std::vector<ProgressPoint> out;
    if (s.empty() || width == 0) return out;
    out.reserve(width);
    const std::int64_t first = s.front().day, span = static_cast<std::int64_t>(s.back().day) - first;
    std::size_t at = 0;  // the last point on or before the column's day
    for (std::size_t i = 0; i < width; ++i) {
        const std::int64_t day = width == 1 ? first + span : first + span * static_cast<std::int64_t>(i) /
                                                                     static_cast<std::int64_t>(width - 1);
        while (at + 1 < s.size() && s[at + 1].day <= day) ++at;
        out.push_back(ProgressPoint{static_cast<Day>(day), s[at].done, s[at].total});
    }
    return out;
}

std::string forecast_text(const ModuleForecast &f, const Digest &dg) {
    std::string o;
    switch (f.state) {
    case ForecastState::Done: return "done, nothing left";
    case ForecastState::Forecast: break;
    case ForecastState::TooLittleHistory:
        return "no forecast: " + (f.reason.empty() ? std::string("too little history") : f.reason);
    case ForecastState::Stalled:
        return "no forecast: " + (f.reason.empty() ? std::string("stalled") : f.reason);
    case ForecastState::BeyondHorizon:
        o = "no forecast: " + (f.reason.empty() ? "not done within " + std::to_string(f.settings.horizon_days) +
                                                      " working days"
                                                : f.reason);
        if (!f.bottleneck.empty()) o += " (bottleneck " + dg.title(f.bottleneck) + ")";
        return o;
    }
    o = "50% " + day_str(f.p50) + ", 85% " + day_str(f.p85);
    std::string paren;
    if (!f.due.empty()) {
        paren = "due " + f.due + ", ";
        if (f.late_days > 0) paren += plural(static_cast<std::size_t>(f.late_days), "working day", "working days") + " late";
        else if (day_str(f.p85) > f.due) paren += "late";  // due on a day off: late, by no working day
        else paren += "on time";
    }
    if (!f.bottleneck.empty()) {
        if (!paren.empty()) paren += "; ";
        paren += "bottleneck " + dg.title(f.bottleneck);
    }
    if (!paren.empty()) o += " (" + paren + ")";
    return o;
}

const std::string &module_title(const Review &r, const std::string &id) {
    static const std::string none;
    for (const ReviewModule &m : r.modules)
        if (m.id == id) return m.title;
    return none;
}

}  // namespace coursecrew::review_detail
