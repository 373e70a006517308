// The burn-up series and the Monte Carlo finish-date forecast (see
// forecast.hpp and docs/forecast.md).
//
// Determinism: every (module, role) forecast draws from its own generator,
// splitmix64 seeded with settings.seed XOR fnv1a64(module, 0x1F, role). The
// samples are drawn with a 64x64->128-bit multiply (Lemire's method, without
// the rejection step: the bias is below 2^-47 for at most 65,536 choices),
// up to four days per draw (see the Monte Carlo below). Nothing
// from the standard library's hashes or distributions is used: those differ
// between standard libraries, and a review must come out the same everywhere.
// Because each forecast has its own generator, a module forecast alone gives
// the same dates as in the whole course, whatever the order.
#include "plugin/forecast/forecast.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <tuple>
#include <string_view>
#include <unordered_map>

namespace coursecrew {

namespace {

// ------------------------------------------------------------ randomness

std::uint64_t fnv1a64(std::string_view a, std::string_view b) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    auto add = [&h](unsigned char c) {
        h ^= c;
        h *= 0x100000001b3ull;
    };
    for (char c : a) add(static_cast<unsigned char>(c));
    add(0x1F);
    for (char c : b) add(static_cast<unsigned char>(c));
    return h;
}

class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n), n >= 1.
    std::uint32_t below(std::uint32_t n) {
        return static_cast<std::uint32_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
    }

private:
    std::uint64_t state_;
};

// ------------------------------------------------------------ series

struct Delta {
    Day day;
    std::int32_t done, total;
};

// Cumulative points, one per day that changed something, ending on as_of.
// `events` must be sorted by day (several per day are summed).
ProgressSeries accumulate(const std::vector<Delta> &events, Day as_of) {
    ProgressSeries out;
    std::int32_t done = 0, total = 0;
    for (const Delta &e : events) {
        if (e.day > as_of) break;
        done += e.done;
        total += e.total;
        if (!out.empty() && out.back().day == e.day) {
            out.back().done = done;
            out.back().total = total;
        } else {
            out.push_back({e.day, done, total});
        }
    }
    if (out.empty() || out.back().day < as_of) out.push_back({as_of, done, total});
    return out;
}

void sort_by_day(std::vector<Delta> &v) {
    std::stable_sort(v.begin(), v.end(), [](const Delta &a, const Delta &b) { return a.day < b.day; });
}

// ------------------------------------------------------------ forecast

// One (module, role): its tallies up to as_of, sorted by day, and who holds it.
struct Group {
    std::string_view module, role;
    std::vector<Delta> events;
    std::vector<std::string_view> holders;  // person keys, unique
};

int percentile_index(int trials, int percent) {  // nearest-rank, 0-based
    const int rank = (trials * percent + 99) / 100;
    return std::max(0, rank - 1);
}

struct RoleRun {
    RoleForecast forecast;
    std::vector<int> finish;  // per trial: working days needed (horizon + 1: not within it)
};

class Forecaster {
public:
    Forecaster(const TimelineInput &in, const WorkCalendar &cal) : in_(in), cal_(cal), s_(in.settings) {
        if (s_.trials < 1) s_.trials = 1;
        if (s_.horizon_days < 1) s_.horizon_days = 1;
        if (s_.window_days < 1) s_.window_days = 1;
        // The working days after as_of the simulation walks, at most the horizon.
        if ((cal.weekdays & 0x7F) != 0) {
            workdays_.reserve(static_cast<std::size_t>(s_.horizon_days));
            Day d = in.as_of;
            while (static_cast<int>(workdays_.size()) < s_.horizon_days) {
                ++d;
                if (cal.working(d)) workdays_.push_back(d);
            }
        }
        for (const auto &[m, date] : in.module_due) module_due_[m] = date;
        for (const auto &[mr, date] : in.role_due) role_due_[mr] = date;
    }

    const ForecastSettings &settings() const { return s_; }

    std::string module_due(const std::string &module) const {
        auto it = module_due_.find(module);
        return it == module_due_.end() ? std::string() : it->second;
    }

    int late_days(const std::string &due, Day p85) const {
        Day d;
        if (due.empty() || !parse_day(due, d) || p85 <= d) return 0;
        return cal_.working_days_between(d, p85);
    }

    RoleRun role(const Group &g) const {
        RoleRun run;
        RoleForecast &f = run.forecast;
        f.role = std::string(g.role);
        const std::string module(g.module);
        auto rd = role_due_.find({module, f.role});
        f.due = rd != role_due_.end() ? rd->second : module_due(module);

        std::int32_t done = 0, total = 0;
        for (const Delta &e : g.events) {
            done += e.done;
            total += e.total;
        }
        f.remaining = std::max(0, total - done);
        if (f.remaining == 0) {
            f.state = ForecastState::Done;
            return run;
        }

        const Day as_of = in_.as_of;
        const Day first = g.events.front().day;
        const int history = cal_.working_days_between(first - 1, as_of - 1);  // working days in [first, as_of)
        if (history < s_.min_history_days) {
            f.state = ForecastState::TooLittleHistory;
            f.reason = "role '" + f.role + "' has " + std::to_string(std::max(0, history)) +
                       " working day" + (history == 1 ? "" : "s") + " of history in this module (since " +
                       day_text(first) + "); a forecast needs at least " +
                       std::to_string(s_.min_history_days);
            return run;
        }

        // The window: the last window_days working days before as_of (not
        // before the role's first day here), a day counting when the
        // calendar has it and not every holder was away.
        std::vector<std::int32_t> samples;
        samples.reserve(static_cast<std::size_t>(s_.window_days));
        auto ev = g.events.rbegin();
        Day window_start = as_of;
        for (Day d = as_of - 1; d >= first && static_cast<int>(samples.size()) < s_.window_days; --d) {
            while (ev != g.events.rend() && ev->day > d) ++ev;
            if (!cal_.working(d) || share_present(g, d) == 0.0) continue;
            std::int32_t n = 0;
            for (auto it = ev; it != g.events.rend() && it->day == d; ++it) n += it->done;
            // More reopened than finished that day: nothing finished.
            samples.push_back(std::max(0, n));
            window_start = d;
        }
        f.sampled_days = static_cast<int>(samples.size());
        for (std::int32_t n : samples) f.done_in_window += n;
        f.throughput = f.sampled_days ? double(f.done_in_window) / f.sampled_days : 0.0;
        if (f.done_in_window == 0 && done == 0) {
            // Nothing to go by yet: the role's work here has not started.
            f.state = ForecastState::Stalled;
            f.reason = "role '" + f.role + "' has not finished a pair in this module yet (" +
                       std::to_string(f.remaining) + " left): no throughput to forecast from";
            return run;
        }
        if (f.done_in_window == 0) {
            f.state = ForecastState::Stalled;
            f.reason = "role '" + f.role + "' finished no pair in the last " + std::to_string(f.sampled_days) +
                       " working days (" + (f.sampled_days ? day_text(window_start) : day_text(as_of)) +
                       " to " + day_text(as_of - 1) + "); " + std::to_string(f.remaining) + " pair" +
                       (f.remaining == 1 ? "" : "s") + " left";
            return run;
        }

        // Monte Carlo. A trial draws its days B at a time: one uniform index
        // below n^B is B sampled days (its base-n digits), and a table holds
        // each combination's sum. While the block cannot finish the work and
        // nobody is away in it, the sum is taken at once; otherwise the
        // digits are walked day by day. Either way it is exactly B days
        // drawn uniformly, and the generator is used the same way whatever
        // the days away.
        const int horizon = static_cast<int>(workdays_.size());
        std::vector<double> share(workdays_.size());  // per working day ahead: the share of holders not away
        std::vector<int> ones(workdays_.size() + 1, 0);  // working days from k on with everybody present
        for (std::size_t k = 0; k < workdays_.size(); ++k) share[k] = share_present(g, workdays_[k]);
        for (std::size_t k = workdays_.size(); k-- > 0;) ones[k] = share[k] == 1.0 ? ones[k + 1] + 1 : 0;
        const auto n = static_cast<std::uint32_t>(samples.size());
        int block = 1;
        std::uint32_t combos = n;
        while (block < 4 && std::uint64_t(combos) * n <= 65536) {
            combos *= n;
            ++block;
        }
        // sums[c]: the days of c's `block` base-n digits, built digit by digit.
        std::vector<std::int32_t> sums(samples.begin(), samples.end()), wider;
        for (int b = 1; b < block; ++b) {
            wider.resize(sums.size() * n);
            for (std::uint32_t c = 0; c < wider.size(); ++c) wider[c] = samples[c % n] + sums[c / n];
            sums.swap(wider);
        }
        SplitMix64 rng(s_.seed ^ fnv1a64(g.module, g.role));
        run.finish.resize(static_cast<std::size_t>(s_.trials));
        for (int t = 0; t < s_.trials; ++t) {
            double left = f.remaining;
            int k = 0;
            while (left > 1e-9 && k < horizon) {
                std::uint32_t c = rng.below(combos);
                if (ones[static_cast<std::size_t>(k)] >= block && left - sums[c] > 1e-9) {
                    left -= sums[c];
                    k += block;
                    continue;
                }
                for (int j = 0; j < block && left > 1e-9 && k < horizon; ++j, c /= n) {
                    left -= samples[c % n] * share[static_cast<std::size_t>(k)];
                    ++k;
                }
            }
            run.finish[static_cast<std::size_t>(t)] = left > 1e-9 ? horizon + 1 : k;
        }
        std::vector<int> sorted = run.finish;
        std::sort(sorted.begin(), sorted.end());
        const int k50 = sorted[static_cast<std::size_t>(percentile_index(s_.trials, 50))];
        const int k85 = sorted[static_cast<std::size_t>(percentile_index(s_.trials, 85))];
        if (k85 > horizon) {
            f.state = ForecastState::BeyondHorizon;
            f.reason = "at " + throughput_text(f.throughput) + " pairs per working day, role '" + f.role +
                       "' needs more than " + std::to_string(s_.horizon_days) +
                       " working days for its " + std::to_string(f.remaining) + " pairs left (85% of the runs)";
            return run;
        }
        f.state = ForecastState::Forecast;
        f.p50 = workday(k50);
        f.p85 = workday(k85);
        f.late_days = late_days(f.due, f.p85);
        return run;
    }

    Day workday(int k) const { return k <= 0 ? in_.as_of : workdays_[static_cast<std::size_t>(k - 1)]; }
    int horizon() const { return static_cast<int>(workdays_.size()); }

    static std::string throughput_text(double t) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f", t);
        return buf;
    }

private:
    // The share of the role's holders here not away on day d (1 when nobody
    // is known to hold it).
    double share_present(const Group &g, Day d) const {
        if (g.holders.empty() || cal_.away.empty()) return 1.0;
        int present = 0;
        for (std::string_view h : g.holders) present += !cal_.away_on(h, d);
        return double(present) / double(g.holders.size());
    }

    const TimelineInput &in_;
    const WorkCalendar &cal_;
    ForecastSettings s_;
    std::vector<Day> workdays_;
    std::map<std::string, std::string, std::less<>> module_due_;
    std::map<std::pair<std::string, std::string>, std::string> role_due_;
};

ModuleForecast forecast_module(const Forecaster &fc, std::string_view module, const std::vector<const Group *> &groups,
                               Day as_of) {
    ModuleForecast mf;
    mf.module = std::string(module);
    mf.as_of = as_of;
    mf.settings = fc.settings();
    mf.due = fc.module_due(mf.module);

    std::vector<RoleRun> runs;
    runs.reserve(groups.size());
    for (const Group *g : groups) runs.push_back(fc.role(*g));

    const RoleRun *stalled = nullptr, *little = nullptr, *beyond = nullptr;
    bool all_done = true;
    for (const RoleRun &r : runs) {
        const ForecastState s = r.forecast.state;
        if (s != ForecastState::Done) all_done = false;
        if (s == ForecastState::Stalled && !stalled) stalled = &r;
        if (s == ForecastState::TooLittleHistory && !little) little = &r;
        if (s == ForecastState::BeyondHorizon && !beyond) beyond = &r;
    }
    for (RoleRun &r : runs) mf.roles.push_back(r.forecast);

    if (all_done) {
        mf.state = ForecastState::Done;
    } else if (stalled) {
        mf.state = ForecastState::Stalled;
        mf.bottleneck = stalled->forecast.role;
        mf.reason = stalled->forecast.reason;
    } else if (little) {
        mf.state = ForecastState::TooLittleHistory;
        mf.reason = little->forecast.reason;
    } else {
        // The module is done when its last role is, trial by trial.
        const int trials = fc.settings().trials;
        std::vector<int> finish(static_cast<std::size_t>(trials), 0);
        for (const RoleRun &r : runs)
            for (std::size_t t = 0; t < r.finish.size(); ++t) finish[t] = std::max(finish[t], r.finish[t]);
        std::sort(finish.begin(), finish.end());
        const int k50 = finish[static_cast<std::size_t>(percentile_index(trials, 50))];
        const int k85 = finish[static_cast<std::size_t>(percentile_index(trials, 85))];
        // The bottleneck: the role with the latest 85% date (beyond the
        // horizon counts as latest; ties go to the latest 50%, then the
        // first role id).
        const RoleForecast *worst = nullptr;
        auto key = [&](const RoleForecast &f) {
            const int far = fc.horizon() + 1;
            return std::pair<int, int>(f.state == ForecastState::BeyondHorizon ? far : (f.p85 ? f.p85 - as_of : -1),
                                       f.state == ForecastState::BeyondHorizon ? far : (f.p50 ? f.p50 - as_of : -1));
        };
        for (const RoleForecast &f : mf.roles) {
            if (f.state == ForecastState::Done) continue;
            if (!worst || key(f) > key(*worst)) worst = &f;
        }
        if (worst) mf.bottleneck = worst->role;
        if (k85 > fc.horizon() || beyond) {
            mf.state = ForecastState::BeyondHorizon;
            mf.reason = beyond ? beyond->forecast.reason
                               : "the module needs more than " + std::to_string(fc.settings().horizon_days) +
                                     " working days in 85% of the runs";
        } else {
            mf.state = ForecastState::Forecast;
            mf.p50 = fc.workday(k50);
            mf.p85 = fc.workday(k85);
            mf.late_days = fc.late_days(mf.due, mf.p85);
        }
    }
    return mf;
}

}  // namespace

Timelines build_timelines(const TimelineInput &in) {
    Timelines out;
    static const WorkCalendar kDefaultCalendar;
    const WorkCalendar &cal = in.calendar ? *in.calendar : kDefaultCalendar;
    const Day as_of = in.as_of;

    // 1. The tallies up to as_of, by (module, role).
    std::map<std::pair<std::string_view, std::string_view>, Group> groups;
    if (in.tallies)
        for (const DailyTally &t : *in.tallies) {
            if (t.day > as_of) continue;
            Group &g = groups[{t.module, t.role}];
            if (g.events.empty()) {
                g.module = t.module;
                g.role = t.role;
            }
            g.events.push_back({t.day, t.done_delta, t.total_delta});
        }
    for (auto &[key, g] : groups) sort_by_day(g.events);

    // 2. Who holds what: holders per (module, role), holdings per module.
    std::map<std::string_view, std::vector<const Holding *>> holdings_by_module;
    if (in.holdings)
        for (const Holding &h : *in.holdings) {
            holdings_by_module[h.module].push_back(&h);
            auto it = groups.find({h.module, h.role});
            if (it == groups.end()) continue;
            auto &holders = it->second.holders;
            if (std::find(holders.begin(), holders.end(), std::string_view(h.person_key)) == holders.end())
                holders.push_back(h.person_key);
        }
    // Partial holdings' pair rows, by (module, role, piece).
    std::map<std::tuple<std::string_view, std::string_view, std::string_view>, std::vector<Delta>> pair_rows;
    if (in.pair_days && in.holdings)
        for (const PairDay &p : *in.pair_days)
            if (p.day <= as_of) pair_rows[{p.module, p.role, p.piece}].push_back({p.day, p.done_delta, p.total_delta});

    // 3. Per module, in id order (the map's order).
    const Forecaster fc(in, cal);
    auto g = groups.begin();
    while (g != groups.end()) {
        const std::string_view module = g->first.first;
        std::vector<const Group *> mine;
        for (; g != groups.end() && g->first.first == module; ++g) mine.push_back(&g->second);

        ModuleTimeline tl;
        tl.module = std::string(module);
        std::vector<Delta> all;
        for (const Group *r : mine) {
            all.insert(all.end(), r->events.begin(), r->events.end());
            tl.by_role.emplace_back(std::string(r->role), accumulate(r->events, as_of));
        }
        sort_by_day(all);
        tl.overall = accumulate(all, as_of);

        if (auto hm = holdings_by_module.find(module); hm != holdings_by_module.end()) {
            std::map<std::string_view, std::vector<Delta>> by_person;  // display name -> events
            for (const Holding *h : hm->second) {
                std::vector<Delta> &ev = by_person[h->person_name];
                if (h->whole) {
                    auto it = groups.find({h->module, h->role});
                    if (it != groups.end()) ev.insert(ev.end(), it->second.events.begin(), it->second.events.end());
                } else {
                    for (const std::string &piece : h->pieces) {
                        auto it = pair_rows.find({h->module, h->role, piece});
                        if (it != pair_rows.end()) ev.insert(ev.end(), it->second.begin(), it->second.end());
                    }
                }
            }
            for (auto &[name, ev] : by_person) {
                sort_by_day(ev);
                tl.by_person.emplace_back(std::string(name), accumulate(ev, as_of));
            }
        }
        out.modules.push_back(std::move(tl));
        out.forecasts.push_back(forecast_module(fc, module, mine, as_of));
    }
    return out;
}

}  // namespace coursecrew
