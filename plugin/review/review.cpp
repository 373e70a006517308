// The per-module review (see review.hpp): built from the plan, the role map
// and the stored pair states. The four renderers live beside this file
// (render_table.cpp, render_json.cpp, render_csv.cpp, render_html.cpp);
// review_internal.hpp holds what they share.
//
// Everything here is linear in the number of pairs: pair states are indexed
// by piece in a hash map (then a short walk over that piece's roles), and
// each renderer appends to one pre-sized string.
#include "plugin/review/review.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <unordered_map>
#include <utility>

#include "plugin/model/text_index.hpp"
#include "plugin/review/review_internal.hpp"

namespace coursecrew {

namespace review_detail {

// ---------------------------------------------------------------- dates

bool parse_date(std::string_view s, std::int64_t &days) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    // Each field all digits (from_chars alone would stop early or take a sign).
    auto num = [&](std::size_t at, std::size_t len, unsigned &out) {
        const char *first = s.data() + at, *last = first + len;
        const auto res = std::from_chars(first, last, out);
        return res.ec == std::errc() && res.ptr == last;
    };
    unsigned y = 0, m = 0, d = 0;
    if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return false;
    const std::chrono::year_month_day date{std::chrono::year{static_cast<int>(y)}, std::chrono::month{m},
                                           std::chrono::day{d}};
    if (!date.ok()) return false;  // 2026-02-30, month 13, day 0
    days = std::chrono::sys_days{date}.time_since_epoch().count();
    return true;
}

namespace {
void put_2(Stamp &s, unsigned v) {
    s.text[s.size++] = static_cast<char>('0' + v / 10 % 10);
    s.text[s.size++] = static_cast<char>('0' + v % 10);
}
}  // namespace

Stamp stamp(std::int64_t unix_seconds, bool with_time) {
    using namespace std::chrono;
    const sys_seconds t{seconds{unix_seconds}};
    const sys_days day = floor<days>(t);
    // year_month_day holds years -32767..32767 only; beyond, its fields wrap.
    constexpr sys_days first = year::min() / January / 1, last = year::max() / December / 31;
    const year_month_day date{std::clamp(day, first, last)};
    const hh_mm_ss<seconds> hms{t - day};
    Stamp s;
    int y = static_cast<int>(date.year());
    if (y < 0) {
        s.text[s.size++] = '-';
        y = -y;
    }
    char digits[24];
    auto res = std::to_chars(digits, digits + sizeof digits, y);
    for (std::ptrdiff_t n = res.ptr - digits; n < 4; ++n) s.text[s.size++] = '0';
    for (const char *c = digits; c != res.ptr; ++c) s.text[s.size++] = *c;
    s.text[s.size++] = '-';
    put_2(s, static_cast<unsigned>(date.month()));
    s.text[s.size++] = '-';
    put_2(s, static_cast<unsigned>(date.day()));
    if (with_time) {
        s.text[s.size++] = 'T';
        put_2(s, static_cast<unsigned>(hms.hours().count()));
        s.text[s.size++] = ':';
        put_2(s, static_cast<unsigned>(hms.minutes().count()));
        s.text[s.size++] = ':';
        put_2(s, static_cast<unsigned>(hms.seconds().count()));
        s.text[s.size++] = 'Z';
    }
    return s;
}


std::string format_date(std::int64_t unix_seconds) { return stamp(unix_seconds, false).str(); }
std::string format_timestamp(std::int64_t unix_seconds) { return stamp(unix_seconds, true).str(); }
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

unsigned whole_percent(const Progress &p) {
    return p.total ? static_cast<unsigned>(p.done * 100 / p.total) : 0u;
}

}  // namespace review_detail

namespace {

using namespace review_detail;

// Days since 1970-01-01 of a unix time (UTC), rounded down.
std::int64_t day_number(std::int64_t unix_seconds) {
    using namespace std::chrono;
    return floor<days>(sys_seconds{seconds{unix_seconds}}).time_since_epoch().count();
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

// ---------------------------------------------------------------- forecast (issue 14)

// One decimal, locale-free: "1.2".
std::string one_decimal(double v) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
    return std::string(buf, res.ptr);
}

// "3 working days after" or, when the forecast counts none (a due date on a
// day off), just "after".
std::string after_by(int late_days) {
    if (late_days <= 0) return "after";
    return plural(static_cast<std::size_t>(late_days), "working day", "working days") + " after";
}

const RoleForecast *role_forecast(const ModuleForecast &f, const std::string &role) {
    for (const RoleForecast &rf : f.roles)
        if (rf.role == role) return &rf;
    return nullptr;
}

// Copies each module's timeline and forecast into the review and adds the
// "forecast_late" findings: the 85% date after a due date that is not yet
// past (a past one has its overdue findings), for the module against its due
// date and for a role against its own (when it differs from the module's;
// otherwise the module's finding names that role as the bottleneck). A
// stalled or beyond-horizon forecast with such a due date is late too.
void add_forecasts(Review &r, const Timelines &t, std::int64_t today) {
    r.forecasting = true;
    // Sorted by module id as build_timelines makes them; a hand-made one
    // may not be, and is then searched from the start.
    auto sorted = [](const auto &list) {
        return std::is_sorted(list.begin(), list.end(), [](const auto &a, const auto &b) { return a.module < b.module; });
    };
    const bool modules_sorted = sorted(t.modules), forecasts_sorted = sorted(t.forecasts);
    auto find = [](const auto &list, bool is_sorted, const std::string &id) {
        auto it = is_sorted ? std::lower_bound(list.begin(), list.end(), id,
                                               [](const auto &x, const std::string &key) { return x.module < key; })
                            : std::find_if(list.begin(), list.end(), [&](const auto &x) { return x.module == id; });
        return it != list.end() && it->module == id ? &*it : nullptr;
    };
    auto noun = [&](const std::string &role) {
        for (const Role &x : r.roles)
            if (x.id == role) return role_noun(x.title.empty() ? x.id : x.title);
        return role;
    };
    // A due date that is set and not yet past (overdue has its own findings).
    auto pending = [&](const std::string &due, std::int64_t &due_day) {
        return !due.empty() && parse_date(due, due_day) && today <= due_day;
    };
    for (ReviewModule &m : r.modules) {
        if (const ModuleTimeline *tl = find(t.modules, modules_sorted, m.id)) m.timeline = *tl;
        const ModuleForecast *fc = find(t.forecasts, forecasts_sorted, m.id);
        if (!fc) continue;
        m.forecast = *fc;
        const ModuleForecast &f = *m.forecast;
        const std::string &due = f.due.empty() ? m.due : f.due;

        auto say = [&](const std::string &role) {
            r.findings.push_back(Finding{"forecast_late", "warning", m.id, {}, role, {}, {}});
            return Sentence{r.findings.back().message} << m.title << ": ";
        };
        // "the artist has done no pair in the last 20 working days, 12 left"
        auto stalled_text = [&](Sentence s, const RoleForecast *rf, const std::string &role) {
            s << "the " << noun(role) << " has done no pair in the last "
              << plural(static_cast<std::size_t>(f.settings.window_days), "working day", "working days");
            if (rf) s << ", " << std::to_string(rf->remaining) << " left";
        };
        std::int64_t due_day = 0;
        if (pending(due, due_day)) {
            const RoleForecast *bn = f.bottleneck.empty() ? nullptr : role_forecast(f, f.bottleneck);
            if (f.state == ForecastState::Forecast && f.p85 > due_day) {
                Sentence s = say(f.bottleneck);
                s << "85% forecast " << day_str(f.p85) << " is " << after_by(f.late_days) << " the due date " << due;
                if (!f.bottleneck.empty()) {
                    s << "; bottleneck: " << noun(f.bottleneck);
                    if (bn)
                        s << " (" << plural(static_cast<std::size_t>(std::max(0, bn->remaining)), "pair", "pairs")
                          << " left, " << one_decimal(bn->throughput) << " done per working day)";
                }
            } else if (f.state == ForecastState::Stalled) {
                Sentence s = say(f.bottleneck);
                s << "cannot be forecast before the due date " << due << ": ";
                if (f.bottleneck.empty()) s << (f.reason.empty() ? std::string("no pair done lately") : f.reason);
                else stalled_text(s, bn, f.bottleneck);
            } else if (f.state == ForecastState::BeyondHorizon) {
                Sentence s = say(f.bottleneck);
                s << "85% forecast is more than "
                  << plural(static_cast<std::size_t>(f.settings.horizon_days), "working day", "working days")
                  << " away, long after the due date " << due;
                if (!f.bottleneck.empty()) s << "; bottleneck: " << noun(f.bottleneck);
            }
        }
        for (const RoleForecast &rf : f.roles) {
            if (rf.due.empty() || rf.due == due || !pending(rf.due, due_day)) continue;
            if (rf.state == ForecastState::Forecast && rf.p85 > due_day) {
                say(rf.role) << "the " << noun(rf.role) << " work's 85% forecast " << day_str(rf.p85) << " is "
                             << after_by(rf.late_days) << " its due date " << rf.due << " ("
                             << plural(static_cast<std::size_t>(std::max(0, rf.remaining)), "pair", "pairs")
                             << " left, " << one_decimal(rf.throughput) << " done per working day)";
            } else if (rf.state == ForecastState::Stalled) {
                Sentence s = say(rf.role);
                s << "the " << noun(rf.role) << " work cannot be forecast before its due date " << rf.due << ": ";
                stalled_text(s, &rf, rf.role);
            } else if (rf.state == ForecastState::BeyondHorizon) {
                say(rf.role) << "the " << noun(rf.role) << " work's 85% forecast is more than "
                             << plural(static_cast<std::size_t>(f.settings.horizon_days), "working day",
                                       "working days")
                             << " away, long after its due date " << rf.due;
            }
        }
    }
}

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
    r.module = options.module;

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

    const std::int64_t today = day_number(options.now);
    const std::int64_t stale_after = static_cast<std::int64_t>(options.stale_days) * kDay;

    std::unordered_map<std::string_view, std::size_t> module_at;
    std::size_t last_module = SIZE_MAX;
    std::vector<ModuleAcc> macc;
    std::vector<PersonAcc> persons(map.people.size());
    std::vector<std::uint32_t> holders;
    std::vector<std::string> nouns;  // role titles inside sentences, by rank, made on first use

    // The course shell, held by the instructional designer.
    r.tool = course.content.tool;
    for (std::uint32_t f : course.shell) {
        const File &file = course.files[f];
        ++r.shell.files;
        if (file.present) r.shell.bytes += file.size;
        else ++r.shell.missing;
    }
    if (map.find_role("designer")) {
        r.shell.role = "designer";
        for (std::size_t who = 0; who < map.people.size(); ++who)
            if (std::find(map.people[who].roles.begin(), map.people[who].roles.end(), "designer") !=
                map.people[who].roles.end())
                r.shell.people.push_back(names[who]);
    }

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
                p.remote = pairs[i].remote;
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

            // A course in production: files this role makes are not there yet.
            if (!slot.waiting.empty()) {
                if (nouns.size() <= rank) nouns.resize(r.roles.size());
                if (nouns[rank].empty()) nouns[rank] = role_noun(title_at(rank));
                r.findings.push_back(Finding{"waiting", "warning", pp.module_id, pp.piece_id, p.role, {},
                                             piece.title + ": " + waiting_note(slot.waiting) + " (the " +
                                                 nouns[rank] + " makes " +
                                                 (slot.waiting.size() == 1 ? "it" : "them") + ")"});
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
        if (!pp.waiting.empty())  // missing files no role's rules name
            r.findings.push_back(Finding{"waiting", "warning", pp.module_id, pp.piece_id, {}, {},
                                         piece.title + ": " + waiting_note(pp.waiting) +
                                             " (no role's rules name files like these)"});
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

    if (options.timelines) add_forecasts(r, *options.timelines, today);

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

    // The course shell's missing files (its launch page, the player's
    // scripts): owed by whoever holds the shell.
    std::vector<std::string> shell_missing;
    for (std::uint32_t f : course.shell)
        if (!course.files[f].present) shell_missing.emplace_back(course.files[f].path());
    if (!shell_missing.empty()) {
        std::sort(shell_missing.begin(), shell_missing.end());
        const Role *holder = r.shell.role.empty() ? nullptr : map.find_role(r.shell.role);
        r.findings.push_back(Finding{
            "waiting", "warning", "", "", r.shell.role, {},
            "Course shell: " + waiting_note(shell_missing) +
                (holder ? " (the " + role_noun(holder->title.empty() ? holder->id : holder->title) + " makes " +
                              (shell_missing.size() == 1 ? "it" : "them") + ")"
                        : " (no role holds the course shell)")});
    }
    return r;
}

std::string render_review(const Review &review, ReviewFormat format) {
    switch (format) {
    case ReviewFormat::Table: return review_detail::render_table(review);
    case ReviewFormat::Json: return review_detail::render_json(review);
    case ReviewFormat::Csv: return review_detail::render_csv(review);
    case ReviewFormat::Html: return review_detail::render_html(review);
    }
    return {};
}

std::string render_review_series_csv(const Review &review) { return review_detail::render_series_csv(review); }

}  // namespace coursecrew
