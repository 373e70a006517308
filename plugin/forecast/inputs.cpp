#include "plugin/forecast/inputs.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "plugin/roles/rolemap.hpp"
#include "plugin/store/store.hpp"

namespace coursecrew {

ForecastInputs forecast_inputs(const Plan &plan, const RoleMap &map) {
    ForecastInputs in;
    in.calendar = map.calendar;

    // (module, role) -> the pieces that have the role there, and per person
    // the pieces they hold it on.
    struct Cell {
        std::vector<const std::string *> pieces;
        std::map<std::uint32_t, std::vector<const std::string *>> held;  // person index -> pieces
        std::string due;
    };
    std::map<std::pair<std::string, std::string>, Cell> cells;
    for (const PiecePlan &p : plan.pieces)
        for (const Slot &s : p.slots) {
            Cell &c = cells[{p.module_id, s.role}];
            c.pieces.push_back(&p.piece_id);
            for (std::uint32_t person : s.people) c.held[person].push_back(&p.piece_id);
            if (c.due.empty()) c.due = s.due;
        }

    for (const auto &[key, c] : cells) {
        const auto &[module, role] = key;
        for (const auto &[person, pieces] : c.held) {
            const Person &who = map.people[person];
            Holding h{module, role, who.agent.key(), who.name, pieces.size() == c.pieces.size(), {}};
            if (!h.whole)
                for (const std::string *piece : pieces) h.pieces.push_back(*piece);
            in.holdings.push_back(std::move(h));
        }
    }

    // Due dates: the module's own (as the plan picked it from the schedule),
    // and each role's where it differs.
    std::map<std::string, std::string> module_due;
    for (const PiecePlan &p : plan.pieces) module_due.emplace(p.module_id, p.module_due);
    for (const auto &[module, due] : module_due)
        if (!due.empty()) in.module_due.emplace_back(module, due);
    for (const auto &[key, c] : cells) {
        const auto m = module_due.find(key.first);
        if (!c.due.empty() && (m == module_due.end() || m->second != c.due)) in.role_due.emplace_back(key, c.due);
    }
    return in;
}

bool compute_timelines(const Store &store, const std::string &course, const ForecastInputs &in, std::int64_t now,
                       Timelines &out, std::string &error) {
    // The (piece, role) pairs of partial holdings need their own history.
    std::vector<std::pair<std::string, std::string>> partial;
    for (const Holding &h : in.holdings)
        for (const std::string &piece : h.pieces) partial.emplace_back(piece, h.role);
    std::sort(partial.begin(), partial.end());
    partial.erase(std::unique(partial.begin(), partial.end()), partial.end());
    std::vector<DailyTally> tallies;
    std::vector<PairDay> pair_days;
    if (!store.daily_tallies(course, tallies, error)) return false;
    if (!partial.empty() && !store.pair_days(course, partial, pair_days, error)) return false;
    TimelineInput ti;
    ti.tallies = &tallies;
    ti.pair_days = &pair_days;
    ti.holdings = &in.holdings;
    ti.calendar = &in.calendar;
    ti.module_due = in.module_due;
    ti.role_due = in.role_due;
    ti.as_of = day_of(now);
    ti.settings = in.settings;
    out = build_timelines(ti);
    return true;
}

}  // namespace coursecrew
