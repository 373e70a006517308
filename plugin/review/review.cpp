// The per-module review (see review.hpp): built from the plan, the role map
// and the stored pair states; rendered as a terminal table, JSON, CSV or one
// self-contained HTML page.
//
// Everything here is linear in the number of pairs: pair states are indexed
// by piece in a hash map (then a short walk over that piece's roles), and
// each renderer appends to one pre-sized string.
#include "plugin/review/review.hpp"

#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "coursecrew/coursecrew.h"
#include "plugin/model/text_index.hpp"

namespace coursecrew {

namespace {

constexpr std::int64_t kDay = 86400;

// ---------------------------------------------------------------- bytes
// Escaping scans every byte of a large review; these test 8 bytes at a time
// so the common case (nothing to escape) copies whole runs. Each returns
// non-zero when some byte of `w` qualifies (exact for the first such byte,
// which is all a "look closer" test needs).
constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
constexpr std::uint64_t bytes_below(std::uint64_t w, unsigned n) { return (w - kOnes * n) & ~w & kHigh; }
constexpr std::uint64_t bytes_equal(std::uint64_t w, unsigned char c) { return bytes_below(w ^ (kOnes * c), 1); }

std::uint64_t load8(const char *p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
}

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

// ---------------------------------------------------------------- dates
// Civil dates by arithmetic (H. Hinnant's algorithms): no time zones, no libc
// calls whose result depends on the machine's TZ or locale.

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t &y, unsigned &m, unsigned &d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

// "YYYY-MM-DD" (strict, a real calendar day) to days since 1970-01-01.
bool parse_date(std::string_view s, std::int64_t &days) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    auto num = [&](std::size_t at, std::size_t len, unsigned &out) {
        out = 0;
        for (std::size_t i = at; i < at + len; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            out = out * 10 + static_cast<unsigned>(s[i] - '0');
        }
        return true;
    };
    unsigned y = 0, m = 0, d = 0;
    if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return false;
    if (m < 1 || m > 12 || d < 1) return false;
    static constexpr unsigned kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > kMonthDays[m - 1] + (m == 2 && leap ? 1u : 0u)) return false;
    days = days_from_civil(y, m, d);
    return true;
}

// A timestamp spelled out in a stack buffer: the renderers print one per
// pair, so no heap string each time.
struct Stamp {
    char text[32];
    std::size_t size = 0;
    std::string_view view() const { return {text, size}; }
    std::string str() const { return std::string(view()); }
};

void put_2(Stamp &s, unsigned v) {
    s.text[s.size++] = static_cast<char>('0' + v / 10 % 10);
    s.text[s.size++] = static_cast<char>('0' + v % 10);
}

// "YYYY-MM-DD" of a unix time (UTC); with_time adds "THH:MM:SSZ" (RFC 3339).
Stamp stamp(std::int64_t unix_seconds, bool with_time) {
    const std::int64_t day = floor_div(unix_seconds, kDay), secs = unix_seconds - day * kDay;
    std::int64_t y;
    unsigned m, d;
    civil_from_days(day, y, m, d);
    Stamp s;
    if (y < 0) {
        s.text[s.size++] = '-';
        y = -y;
    }
    char digits[24];
    auto res = std::to_chars(digits, digits + sizeof digits, y);
    for (std::ptrdiff_t n = res.ptr - digits; n < 4; ++n) s.text[s.size++] = '0';
    for (const char *c = digits; c != res.ptr; ++c) s.text[s.size++] = *c;
    s.text[s.size++] = '-';
    put_2(s, m);
    s.text[s.size++] = '-';
    put_2(s, d);
    if (with_time) {
        s.text[s.size++] = 'T';
        put_2(s, static_cast<unsigned>(secs / 3600));
        s.text[s.size++] = ':';
        put_2(s, static_cast<unsigned>(secs / 60 % 60));
        s.text[s.size++] = ':';
        put_2(s, static_cast<unsigned>(secs % 60));
        s.text[s.size++] = 'Z';
    }
    return s;
}

std::string format_date(std::int64_t unix_seconds) { return stamp(unix_seconds, false).str(); }
std::string format_timestamp(std::int64_t unix_seconds) { return stamp(unix_seconds, true).str(); }
// "2024-05-10 12:00 UTC", for people.
std::string format_when(std::int64_t unix_seconds) {
    const std::string t = format_timestamp(unix_seconds);
    return t.substr(0, 10) + " " + t.substr(11, 5) + " UTC";
}

std::string plural(std::size_t n, const char *one, const char *many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

void append_uint(std::string &o, std::size_t v) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    o.append(buf, res.ptr);
}

// "1 day", "3 days".
struct Days {
    std::int64_t n;
};

// Appends to a string with <<: findings are written straight into their
// message, without temporaries per part.
struct Sentence {
    std::string &s;
    Sentence &operator<<(std::string_view v) {
        s += v;
        return *this;
    }
    Sentence &operator<<(Days d) {
        append_uint(s, static_cast<std::size_t>(d.n < 0 ? 0 : d.n));
        s += d.n == 1 ? " day" : " days";
        return *this;
    }
};

// ---------------------------------------------------------------- statuses
// How each status is named and drawn. The ids are the store's; symbols and
// labels make the HTML legible in greyscale, colours follow the usual
// traffic-light reading (grey, blue, amber, green, red).
struct StatusStyle {
    // Views: lengths known, no strlen per use. `phrase` is the label inside a sentence.
    std::string_view id, label, phrase, symbol, fill, tint;
};
constexpr std::array<StatusStyle, 5> kStatus = {{
    {"not_started", "Not started", "not started", "\xE2\x97\x8B", "#9ca3af", "#f3f4f6"},  // ○
    {"in_progress", "In progress", "in progress", "\xE2\x97\x90", "#2563eb", "#dbeafe"},  // ◐
    {"in_review", "In review", "in review", "\xE2\x97\x8E", "#d97706", "#fef3c7"},        // ◎
    {"done", "Done", "done", "\xE2\x9C\x93", "#16a34a", "#dcfce7"},                       // ✓
    {"blocked", "Blocked", "blocked", "\xE2\x9C\x95", "#dc2626", "#fee2e2"},              // ✕
}};
const StatusStyle &style(Status s) { return kStatus[static_cast<std::size_t>(s)]; }

// The order statuses stack in a progress bar: finished work first.
constexpr std::array<Status, 5> kBarOrder = {Status::Done, Status::InReview, Status::InProgress,
                                             Status::Blocked, Status::NotStarted};


// Whole percent, rounded down: 99.9% must never read as 100%.
unsigned whole_percent(const Progress &p) {
    return p.total ? static_cast<unsigned>(p.done * 100 / p.total) : 0u;
}

// A role title inside a sentence: "Instructional designer" reads as "the
// instructional designer role"; an acronym ("SME") stays as it is.
std::string role_noun(const std::string &title) {
    std::string n = title;
    if (n.size() >= 2 && n[0] >= 'A' && n[0] <= 'Z' && !(n[1] >= 'A' && n[1] <= 'Z'))
        n[0] = static_cast<char>(n[0] - 'A' + 'a');
    return n;
}

constexpr const char *kChangedNote = "content changed after done";
constexpr const char *kAutomatic = "coursecrew";

// ---------------------------------------------------------------- building

// A tiny ordered accumulator keyed by small integers (role rank, person
// index). Modules have a handful of roles and people, so a vector beats a map.
struct Tally {
    std::vector<std::pair<std::size_t, Progress>> items;  // append-only: indices stay valid
    std::size_t index_of(std::size_t key) {
        for (std::size_t i = 0; i < items.size(); ++i)
            if (items[i].first == key) return i;
        items.emplace_back(key, Progress{});
        return items.size() - 1;
    }
    Progress &at(std::size_t key) { return items[index_of(key)].second; }
};

struct ModuleAcc {
    Tally roles, people;
};

struct PersonAcc {
    std::size_t open = 0;
    std::vector<std::size_t> roles;  // ranks of the distinct roles held in the reviewed pairs
    // Where this person's progress sits in the current module's tally (a
    // shortcut past the linear search; modules are mostly contiguous).
    std::size_t module = SIZE_MAX, tally = 0;
};

// Live pair states by piece: one probe of a TextIndex per piece, then a
// walk along that piece's few roles (a chain through `next_`). Later states
// come first in a chain, so a duplicate (piece, role) resolves to the last
// one, as a later write would.
class StateIndex {
public:
    static constexpr std::uint32_t kEnd = UINT32_MAX;

    explicit StateIndex(const std::vector<PairState> &pairs)
        : next_(pairs.size(), kEnd), index_(pairs.size(), PieceOf{&pairs}) {
        static_assert(kEnd == Index::kAbsent, "a chain ends where the index finds nothing");
        for (std::uint32_t i = 0; i < pairs.size(); ++i)
            if (!pairs[i].archived) next_[i] = index_.put(i);
    }
    // The first state of `piece`, or kEnd.
    std::uint32_t first(std::string_view piece) const { return index_.find(piece); }
    std::uint32_t next(std::uint32_t i) const { return next_[i]; }

private:
    struct PieceOf {
        const std::vector<PairState> *pairs;
        std::string_view operator()(std::uint32_t i) const { return (*pairs)[i].piece; }
    };
    using Index = TextIndex<PieceOf>;
    std::vector<std::uint32_t> next_;
    Index index_;
};

}  // namespace

bool parse_review_format(std::string_view s, ReviewFormat &out) {
    if (s == "table") out = ReviewFormat::Table;
    else if (s == "json") out = ReviewFormat::Json;
    else if (s == "csv") out = ReviewFormat::Csv;
    else if (s == "html") out = ReviewFormat::Html;
    else return false;
    return true;
}

Review build_review(const Course &course, const RoleMap &map, const Plan &plan,
                    const std::vector<PairState> &pairs, const ReviewOptions &options) {
    Review r;
    r.course_id = course.identifier;
    r.course_title = course.title.primary();
    r.format = to_string(course.format);
    r.generated_at = options.now;

    const StateIndex states(pairs);

    // Roles in force: the map's, in its order, then any the plan uses that
    // the map does not name (titled by id), so every pair has a title.
    r.roles = map.roles;
    std::unordered_map<std::string, std::size_t> role_rank;
    for (std::size_t i = 0; i < r.roles.size(); ++i) role_rank.emplace(r.roles[i].id, i);
    auto rank_of = [&](const std::string &role) {
        if (auto it = role_rank.find(role); it != role_rank.end()) return it->second;
        role_rank.emplace(role, r.roles.size());
        r.roles.push_back(Role{role, role});
        return r.roles.size() - 1;
    };
    auto title_at = [&](std::size_t rank) -> const std::string & {
        return r.roles[rank].title.empty() ? r.roles[rank].id : r.roles[rank].title;
    };

    // Names and agent keys once per person, not once per pair.
    std::vector<std::string> names, keys;
    for (const Person &person : map.people) {
        keys.push_back(person.agent.key());
        names.push_back(person.name.empty() ? keys.back() : person.name);
    }

    std::unordered_map<std::string, const Due *> module_due;
    for (const Due &d : map.schedule) module_due.emplace(d.module, &d);

    const std::int64_t today = floor_div(options.now, kDay);
    const std::int64_t stale_after = static_cast<std::int64_t>(options.stale_days) * kDay;

    std::unordered_map<std::string_view, std::size_t> module_at;
    std::size_t last_module = SIZE_MAX;
    std::vector<ModuleAcc> macc;
    std::vector<PersonAcc> persons(map.people.size());
    std::vector<std::uint32_t> holders;
    std::vector<std::string> nouns;  // role titles inside sentences, by rank, made on first use

    for (const PiecePlan &pp : plan.pieces) {
        if (!options.module.empty() && pp.module_id != options.module) continue;
        // Pieces come in course order, so a module's pieces are usually
        // together: check the last module before hashing.
        std::size_t mi = last_module;
        if (mi == SIZE_MAX || r.modules[mi].id != pp.module_id) {
            auto [mit, added] = module_at.try_emplace(pp.module_id, r.modules.size());
            mi = last_module = mit->second;
            if (added) {
                ReviewModule m;
                m.id = pp.module_id;
                if (pp.module < course.modules.size() && course.modules[pp.module] < course.items.size())
                    m.title = course.items[course.modules[pp.module]].title.primary();
                if (m.title.empty()) m.title = m.id;
                if (auto d = module_due.find(m.id); d != module_due.end()) m.due = d->second->date;
                r.modules.push_back(std::move(m));
                macc.emplace_back();
            }
        }
        ReviewModule &mod = r.modules[mi];
        ModuleAcc &acc = macc[mi];

        ReviewPiece piece;
        piece.id = pp.piece_id;
        piece.title = pp.title;
        if (piece.title.empty() && pp.item < course.items.size())
            piece.title = course.items[pp.item].title.primary();
        if (piece.title.empty()) piece.title = piece.id;
        piece.pairs.reserve(pp.slots.size());
        const std::uint32_t chain = states.first(pp.piece_id);

        for (const Slot &slot : pp.slots) {
            ReviewPair p;
            p.role = slot.role;
            p.due = slot.due;
            for (std::uint32_t i = chain; i != StateIndex::kEnd; i = states.next(i)) {
                if (pairs[i].role != slot.role) continue;
                p.status = pairs[i].status;
                p.by = pairs[i].by;
                p.note = pairs[i].note;
                p.since = pairs[i].since;
                break;
            }
            holders.clear();
            p.people.reserve(slot.people.size());
            p.agents.reserve(slot.people.size());
            for (std::uint32_t who : slot.people) {
                if (who >= map.people.size()) continue;  // a stale index: ignore, never crash
                holders.push_back(who);
                p.people.push_back(names[who]);
                p.agents.push_back(keys[who]);
            }

            const bool done = p.status == Status::Done;
            const std::size_t rank = rank_of(p.role);

            // Content changed after done: the store reopened it automatically.
            p.changed_after_done = p.status == Status::InReview && p.note == kChangedNote &&
                                   p.by == kAutomatic;

            // Due at the end of that day (UTC): overdue from the next midnight.
            std::int64_t due_day = 0;
            if (!p.due.empty() && parse_date(p.due, due_day) && !done) {
                p.overdue = today > due_day;
                p.at_risk = !p.overdue && p.status == Status::NotStarted &&
                            due_day - today <= options.at_risk_days;
            }
            const bool stale = (p.status == Status::InProgress || p.status == Status::InReview) &&
                               p.since > 0 && options.now - p.since > stale_after;

            // Findings, each a sentence starting with the piece's title.
            // A finished pair needs nobody any more: only open pairs are gaps.
            const bool gap = holders.empty() && !done;
            if (gap || p.changed_after_done || p.overdue || p.at_risk || stale) {
                if (nouns.size() <= rank) nouns.resize(r.roles.size());
                if (nouns[rank].empty()) nouns[rank] = role_noun(title_at(rank));
                const std::string &role = nouns[rank];
                // The message is written in place, in the finding's own string.
                auto say = [&](const char *kind) {
                    r.findings.push_back(Finding{kind, "warning", pp.module_id, pp.piece_id, p.role, {}, {}});
                    std::string &m = r.findings.back().message;
                    m.reserve(piece.title.size() + 120);
                    return Sentence{m} << piece.title;
                };
                if (gap) say("gap") << ": no one holds the " << role << " role (assign someone in the role map)";
                if (p.changed_after_done)
                    say("changed_after_done") << ": content changed after the " << role
                                              << " work was done (check it again and mark it done)";
                if (p.overdue)
                    say("overdue") << ": the " << role << " work was due " << p.due << " and is "
                                   << style(p.status).phrase << ", " << Days{today - due_day}
                                   << " late (finish it or move the date in the schedule)";
                if (p.at_risk) {
                    Sentence m = say("at_risk") << ": the " << role << " work is due " << p.due << " (";
                    if (due_day == today) m << "today";
                    else m << "in " << Days{due_day - today};
                    m << ") and has not started (start it or move the date)";
                }
                if (stale) {
                    Sentence m = say("stale") << ": the " << role << " work has been " << style(p.status).phrase
                                              << " for " << Days{(options.now - p.since) / kDay} << ", since "
                                              << stamp(p.since, false).view() << " (ask ";
                    if (p.people.empty()) m << "the team";
                    else m << p.people.front();
                    m << " whether it is stuck)";
                }
            }

            // Progress: module overall, per role, per person holding the pair.
            const std::size_t d = done ? 1 : 0;
            mod.overall.total += 1;
            mod.overall.done += d;
            Progress &rp = acc.roles.at(rank);
            rp.total += 1;
            rp.done += d;
            for (std::uint32_t who : holders) {
                PersonAcc &pa = persons[who];
                if (pa.module != mi) {
                    pa.module = mi;
                    pa.tally = acc.people.index_of(who);
                }
                Progress &hp = acc.people.items[pa.tally].second;
                hp.total += 1;
                hp.done += d;
                if (!done) ++pa.open;
                if (std::find(pa.roles.begin(), pa.roles.end(), rank) == pa.roles.end()) pa.roles.push_back(rank);
            }
            piece.pairs.push_back(std::move(p));
        }
        // The plan keeps slots sorted by role; a hand-made plan may not.
        auto by_role = [](const ReviewPair &a, const ReviewPair &b) { return a.role < b.role; };
        if (!std::is_sorted(piece.pairs.begin(), piece.pairs.end(), by_role))
            std::stable_sort(piece.pairs.begin(), piece.pairs.end(), by_role);
        mod.pieces.push_back(std::move(piece));
    }

    // Per-role and per-person progress in a stable, meaningful order: roles
    // as the map lists them, people as the map lists them.
    auto by_key = [](const auto &a, const auto &b) { return a.first < b.first; };
    for (std::size_t i = 0; i < r.modules.size(); ++i) {
        ReviewModule &m = r.modules[i];
        auto &roles = macc[i].roles.items;
        std::sort(roles.begin(), roles.end(), by_key);
        for (const auto &[rank, prog] : roles) m.by_role.emplace_back(r.roles[rank].id, prog);
        auto &people = macc[i].people.items;
        std::sort(people.begin(), people.end(), by_key);
        for (const auto &[who, prog] : people) m.by_person.emplace_back(names[who], prog);
        r.overall.done += m.overall.done;
        r.overall.total += m.overall.total;
    }

    // Findings about people, across the modules reviewed.
    for (std::size_t who = 0; who < persons.size(); ++who) {
        PersonAcc &pa = persons[who];
        const std::string &name = names[who];
        if (pa.open > options.overload_threshold)
            r.findings.push_back(Finding{
                "overload", "warning", "", "", "", name,
                name + " holds " + plural(pa.open, "open pair", "open pairs") + " (more than " +
                    std::to_string(options.overload_threshold) +
                    "; share the work with someone else or move dates in the schedule)"});
        if (options.many_roles_threshold > 0 && pa.roles.size() >= options.many_roles_threshold) {
            std::sort(pa.roles.begin(), pa.roles.end());
            std::string list;
            for (std::size_t rank : pa.roles) {
                if (!list.empty()) list += ", ";
                list += title_at(rank);
            }
            r.findings.push_back(Finding{"many_roles", "info", "", "", "", name,
                                         name + " holds " + plural(pa.roles.size(), "role", "roles") + " (" +
                                             list + "); worth knowing when planning, not an error"});
        }
    }
    return r;
}

namespace {

// ---------------------------------------------------------------- shared for renderers

const std::array<const char *, 7> kKinds = {"gap",     "overload", "many_roles", "stale",
                                            "changed_after_done", "overdue", "at_risk"};
const std::array<const char *, 7> kKindLabels = {"Gap",     "Overload", "Many roles", "Stale",
                                                 "Changed after done", "Overdue", "At risk"};

// Index into kKinds; kKinds.size() for a kind this file does not know
// (only a hand-made Review has one): listed, but counted nowhere.
std::size_t kind_index(const std::string &kind) {
    for (std::size_t i = 0; i < kKinds.size(); ++i)
        if (kind == kKinds[i]) return i;
    return kKinds.size();
}

std::string_view kind_label(const std::string &kind) {
    const std::size_t k = kind_index(kind);
    return k < kKindLabels.size() ? std::string_view(kKindLabels[k]) : std::string_view(kind);
}

// What the renderers need besides the Review: findings grouped by module,
// counts per kind, role titles and per-status counts for stacked bars.
struct Digest {
    explicit Digest(const Review &r) {
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
    const std::string &title(const std::string &role) const {
        auto it = titles.find(role);
        return it == titles.end() ? role : it->second;
    }
    std::unordered_map<std::string, std::string> titles;
    std::unordered_map<std::string, std::size_t> module_at;
    std::vector<std::vector<const Finding *>> by_module;
    std::vector<const Finding *> team;  // about people, or a module not in the review
    std::vector<std::array<std::size_t, 7>> kinds_by_module;
    std::array<std::size_t, 7> kinds{};
};

using StatusCounts = std::array<std::size_t, 5>;

StatusCounts count_statuses(const ReviewModule &m, const std::string *role = nullptr) {
    StatusCounts c{};
    for (const ReviewPiece &piece : m.pieces)
        for (const ReviewPair &p : piece.pairs)
            if (!role || p.role == *role) ++c[static_cast<std::size_t>(p.status)];
    return c;
}

// The roles used in a module, in the review's role order (matrix columns).
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

std::string lower(std::string s) {
    for (char &c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return s;
}

// "2 overdue, 1 at risk, 3 gap": a module's findings in the order a
// coordinator acts on them (people findings are not per module).
std::string counts_text(const std::array<std::size_t, 7> &k) {
    static constexpr std::array<std::size_t, 5> order = {5, 6, 0, 3, 4};
    std::string o;
    for (std::size_t i : order) {
        if (!k[i]) continue;
        if (!o.empty()) o += ", ";
        o += std::to_string(k[i]) + " " + lower(kKindLabels[i]);
        if (i == 0 && k[i] != 1) o += 's';  // "2 gaps"; the other labels read as they are
    }
    return o;
}

void table_findings(std::string &o, const std::vector<const Finding *> &list, const char *indent) {
    for (const Finding *f : list) {
        o += indent;
        o += f->severity == "info" ? "i " : "! ";
        o += f->message;
        o += '\n';
    }
}

std::string render_table(const Review &r) {
    const Digest dg(r);
    std::string o, scratch;
    reserve_output(o, 4096 + r.overall.total * 80);
    o += r.course_title.empty() ? r.course_id : r.course_title;
    if (!r.course_id.empty() && !r.course_title.empty()) o += "  [" + r.course_id + "]";
    o += "\nReview of " + format_when(r.generated_at) + "\n";
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
                    cw[c] = std::max(cw[c], width(text));
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
                const std::string &text = cells[row * roles.size() + c];
                pad(o, text.empty() ? std::string_view("  -") : fit(text, cw[c], scratch), cw[c]);
            }
            end_line(o);
        }
        if (!dg.by_module[i].empty()) {
            o += "\n  Findings (" + std::to_string(dg.by_module[i].size()) + ")\n";
            table_findings(o, dg.by_module[i], "    ");
        }
    }
    if (!dg.team.empty()) {
        o += "\nTeam (" + std::to_string(dg.team.size()) + ")\n";
        table_findings(o, dg.team, "  ");
    }
    o += "\nMarks: ! overdue, ~ at risk, * content changed after done; findings: ! warning, i info\n";
    return o;
}

// ---------------------------------------------------------------- json

// RapidJSON output straight into a std::string sized up front: a 20 MB
// document is written once, not grown and copied, and PutReserve/PutUnsafe
// (specialised below) spare the writer a capacity check per byte.
class ReviewJsonOut {
public:
    using Ch = char;
    explicit ReviewJsonOut(std::size_t expect) {
        reserve_output(buf_, expect);
        buf_.resize(expect);
    }
    void reserve(std::size_t more) {
        if (size_ + more > buf_.size()) buf_.resize(std::max(buf_.size() * 2, size_ + more));
    }
    void put_unsafe(char c) { buf_[size_++] = c; }
    void Put(char c) {
        reserve(1);
        put_unsafe(c);
    }
    void append(const char *p, std::size_t n) {
        reserve(n);
        std::memcpy(&buf_[size_], p, n);
        size_ += n;
    }
    void Flush() {}
    std::string take() {
        buf_.resize(size_);
        return std::move(buf_);
    }

private:
    std::string buf_;
    std::size_t size_ = 0;
};

}  // namespace
}  // namespace coursecrew

namespace rapidjson {
template <>
inline void PutReserve(coursecrew::ReviewJsonOut &out, std::size_t count) {
    out.reserve(count);
}
template <>
inline void PutUnsafe(coursecrew::ReviewJsonOut &out, char c) {
    out.put_unsafe(c);
}
// RapidJSON's hook for copying the part of a string that needs no escaping
// in bulk (it ships an SSE version for StringBuffer): the writer escapes
// byte by byte otherwise, which dominated the time of a large review.
template <>
inline bool Writer<coursecrew::ReviewJsonOut>::ScanWriteUnescapedString(StringStream &is, size_t length) {
    const char *p = is.src_, *end = is.head_ + length, *q = p;
    using namespace coursecrew;
    while (end - q >= 8) {
        const std::uint64_t w = load8(q);
        if (bytes_below(w, 0x20) | bytes_equal(w, '"') | bytes_equal(w, '\\')) break;
        q += 8;
    }
    while (q < end && static_cast<unsigned char>(*q) >= 0x20 && *q != '"' && *q != '\\') ++q;
    os_->append(p, static_cast<std::size_t>(q - p));
    is.src_ = q;
    return q < end;
}
}  // namespace rapidjson

namespace coursecrew {
namespace {

using JsonWriter = rapidjson::Writer<ReviewJsonOut>;

// ---- the pieces, written by hand
// Pieces and pairs are nearly all of a large review, and their keys never
// change: they are appended as literal text, and only values go through
// escaping. The bytes are exactly what the RapidJSON writer would produce.

// A JSON string escaped as RapidJSON's writer escapes it: \" \\ \b \f \n \r
// \t, other control characters as \u00XX; everything else (UTF-8 too) as is.
void raw_string(ReviewJsonOut &o, std::string_view s) {
    o.Put('"');
    const char *p = s.data(), *const end = p + s.size();
    while (true) {
        const char *q = p;
        while (end - q >= 8) {  // 8 plain bytes at a time
            const std::uint64_t w = load8(q);
            if (bytes_below(w, 0x20) | bytes_equal(w, '"') | bytes_equal(w, '\\')) break;
            q += 8;
        }
        while (q < end && static_cast<unsigned char>(*q) >= 0x20 && *q != '"' && *q != '\\') ++q;
        o.append(p, static_cast<std::size_t>(q - p));
        if (q == end) break;
        const auto c = static_cast<unsigned char>(*q);
        char esc[6] = {'\\', 'u', '0', '0', "0123456789ABCDEF"[c >> 4], "0123456789ABCDEF"[c & 15]};
        std::size_t n = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default: n = 6; break;
        }
        o.append(esc, n);
        p = q + 1;
    }
    o.Put('"');
}

void raw_literal(ReviewJsonOut &o, std::string_view text) { o.append(text.data(), text.size()); }

void raw_string_or_null(ReviewJsonOut &o, std::string_view s) {
    if (s.empty()) raw_literal(o, "null");
    else raw_string(o, s);
}

void raw_bool(ReviewJsonOut &o, bool b) { raw_literal(o, b ? "true" : "false"); }

void raw_pair(ReviewJsonOut &o, const ReviewPair &p) {
    raw_literal(o, "{\"role\":");
    raw_string(o, p.role);
    raw_literal(o, ",\"status\":");
    raw_string(o, style(p.status).id);
    raw_literal(o, ",\"people\":[");
    for (std::size_t k = 0; k < p.people.size(); ++k) {
        raw_literal(o, k ? ",{\"name\":" : "{\"name\":");
        raw_string(o, p.people[k]);
        raw_literal(o, ",\"agent\":");
        raw_string(o, k < p.agents.size() ? std::string_view(p.agents[k]) : std::string_view());
        o.Put('}');
    }
    raw_literal(o, "],\"by\":");
    raw_string_or_null(o, p.by);
    raw_literal(o, ",\"since\":");
    if (p.since > 0) raw_string(o, stamp(p.since, true).view());
    else raw_literal(o, "null");
    raw_literal(o, ",\"note\":");
    raw_string_or_null(o, p.note);
    raw_literal(o, ",\"due\":");
    raw_string_or_null(o, p.due);
    raw_literal(o, ",\"overdue\":");
    raw_bool(o, p.overdue);
    raw_literal(o, ",\"at_risk\":");
    raw_bool(o, p.at_risk);
    raw_literal(o, ",\"changed_after_done\":");
    raw_bool(o, p.changed_after_done);
    o.Put('}');
}

// The value of a module's "pieces" member: [{"id":..., "title":..., "pairs": [...]}, ...].
void raw_pieces(ReviewJsonOut &o, const std::vector<ReviewPiece> &pieces) {
    o.Put('[');
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        raw_literal(o, i ? ",{\"id\":" : "{\"id\":");
        raw_string(o, pieces[i].id);
        raw_literal(o, ",\"title\":");
        raw_string(o, pieces[i].title);
        raw_literal(o, ",\"pairs\":[");
        for (std::size_t k = 0; k < pieces[i].pairs.size(); ++k) {
            if (k) o.Put(',');
            raw_pair(o, pieces[i].pairs[k]);
        }
        raw_literal(o, "]}");
    }
    o.Put(']');
}

void jstr(JsonWriter &w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void jstr_or_null(JsonWriter &w, std::string_view s) {
    if (s.empty()) w.Null();
    else jstr(w, s);
}
void jprogress(JsonWriter &w, const Progress &p) {
    w.StartObject();
    w.Key("done");
    w.Uint64(p.done);
    w.Key("total");
    w.Uint64(p.total);
    w.Key("percent");
    w.Double(std::floor(p.percent() * 10.0) / 10.0);  // one decimal, rounded down
    w.EndObject();
}
void jkinds(JsonWriter &w, const std::array<std::size_t, 7> &k) {
    w.StartObject();
    for (std::size_t i = 0; i < kKinds.size(); ++i) {
        w.Key(kKinds[i]);
        w.Uint64(k[i]);
    }
    w.EndObject();
}
void jstatuses(JsonWriter &w, const StatusCounts &c) {
    w.StartObject();
    for (std::size_t i = 0; i < kStatus.size(); ++i) {
        jstr(w, kStatus[i].id);
        w.Uint64(c[i]);
    }
    w.EndObject();
}

std::string render_json(const Review &r) {
    const Digest dg(r);
    ReviewJsonOut buf(4096 + r.overall.total * 360);  // ~330 bytes a pair, measured
    JsonWriter w(buf);
    w.StartObject();
    w.Key("coursecrew");
    w.String(COURSECREW_VERSION_STRING);
    w.Key("generated_at");
    jstr(w, format_timestamp(r.generated_at));
    w.Key("course");
    w.StartObject();
    w.Key("id");
    jstr_or_null(w, r.course_id);
    w.Key("title");
    jstr_or_null(w, r.course_title);
    w.Key("format");
    jstr_or_null(w, r.format);
    w.EndObject();
    w.Key("roles");
    w.StartArray();
    for (const Role &role : r.roles) {
        w.StartObject();
        w.Key("id");
        jstr(w, role.id);
        w.Key("title");
        jstr(w, role.title.empty() ? role.id : role.title);
        w.EndObject();
    }
    w.EndArray();
    w.Key("progress");
    jprogress(w, r.overall);

    StatusCounts all{};
    w.Key("modules");
    w.StartArray();
    for (std::size_t i = 0; i < r.modules.size(); ++i) {
        const ReviewModule &m = r.modules[i];
        const StatusCounts sc = count_statuses(m);
        for (std::size_t s = 0; s < all.size(); ++s) all[s] += sc[s];
        w.StartObject();
        w.Key("id");
        jstr(w, m.id);
        w.Key("title");
        jstr(w, m.title);
        w.Key("due");
        jstr_or_null(w, m.due);
        w.Key("progress");
        jprogress(w, m.overall);
        w.Key("by_role");
        w.StartArray();
        for (const auto &[role, p] : m.by_role) {
            w.StartObject();
            w.Key("role");
            jstr(w, role);
            w.Key("progress");
            jprogress(w, p);
            w.EndObject();
        }
        w.EndArray();
        w.Key("by_person");
        w.StartArray();
        for (const auto &[name, p] : m.by_person) {
            w.StartObject();
            w.Key("person");
            jstr(w, name);
            w.Key("progress");
            jprogress(w, p);
            w.EndObject();
        }
        w.EndArray();
        w.Key("summary");
        w.StartObject();
        w.Key("statuses");
        jstatuses(w, sc);
        w.Key("findings");
        jkinds(w, dg.kinds_by_module[i]);
        w.EndObject();
        w.Key("pieces");
        // An empty raw value makes the writer account for the member (the
        // ':' and its count); the array itself goes straight into `buf`.
        w.RawValue("", 0, rapidjson::kArrayType);
        raw_pieces(buf, m.pieces);
        w.EndObject();
    }
    w.EndArray();

    w.Key("findings");
    w.StartArray();
    for (const Finding &f : r.findings) {
        w.StartObject();
        w.Key("kind");
        jstr(w, f.kind);
        w.Key("severity");
        jstr(w, f.severity);
        w.Key("module");
        jstr_or_null(w, f.module);
        w.Key("piece");
        jstr_or_null(w, f.piece);
        w.Key("role");
        jstr_or_null(w, f.role);
        w.Key("person");
        jstr_or_null(w, f.person);
        w.Key("message");
        jstr(w, f.message);
        w.EndObject();
    }
    w.EndArray();
    w.Key("summary");
    w.StartObject();
    w.Key("modules");
    w.Uint64(r.modules.size());
    w.Key("pieces");
    std::size_t pieces = 0;
    for (const ReviewModule &m : r.modules) pieces += m.pieces.size();
    w.Uint64(pieces);
    w.Key("pairs");
    w.Uint64(r.overall.total);
    w.Key("statuses");
    jstatuses(w, all);
    w.Key("findings");
    jkinds(w, dg.kinds);
    w.EndObject();
    w.EndObject();
    return buf.take();
}

// ---------------------------------------------------------------- csv

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

std::string render_csv(const Review &r) {
    std::string o = "module,module_title,piece,piece_title,role,status,people,by,since,due,overdue,at_risk,note\r\n";
    reserve_output(o, o.size() + r.overall.total * 128);
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
                o += "\r\n";
            }
    return o;
}

// ---------------------------------------------------------------- html

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
void html_cell(std::string &o, const ReviewPair &p) {
    const StatusStyle &st = style(p.status);
    o += "<td class=\"c s-";
    o += st.id;
    if (p.overdue) o += " overdue";
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
    o += "<li class=\"late\">\xE2\x9A\xA0 Overdue</li><li class=\"risk\">\xE2\x97\xB7 At risk</li>"
         "</ul>\n</header>\n";

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
                if (const ReviewPair *p = pair_for(piece, role)) html_cell(o, *p);
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

}  // namespace

std::string render_review(const Review &review, ReviewFormat format) {
    switch (format) {
    case ReviewFormat::Table: return render_table(review);
    case ReviewFormat::Json: return render_json(review);
    case ReviewFormat::Csv: return render_csv(review);
    case ReviewFormat::Html: return render_html(review);
    }
    return {};
}

}  // namespace coursecrew
