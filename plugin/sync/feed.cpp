// The feed. See feed.hpp.
#include "plugin/sync/feed.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <set>
#include <tuple>

#include "plugin/forecast/inputs.hpp"
#include "plugin/sync/outbox.hpp"
#include "plugin/roles/rolemap.hpp"

namespace coursecrew {

namespace {

using Assignment = Outbox::Assignment;

// Who holds which role on which module, according to the plan.
std::vector<Assignment> planned_assignments(const Plan &plan, const RoleMap &map, std::int64_t now) {
    std::set<std::tuple<std::string, std::string, std::uint32_t>> seen;
    for (const PiecePlan &piece : plan.pieces)
        for (const Slot &slot : piece.slots)
            for (std::uint32_t person : slot.people) seen.emplace(piece.module_id, slot.role, person);
    std::vector<Assignment> out;
    out.reserve(seen.size());
    for (const auto &[module, role, person] : seen) {
        const Person &p = map.people[person];
        out.push_back({module, role, p.agent.key(), agent_json(p.agent, p.name), now});
    }
    std::sort(out.begin(), out.end(), [](const Assignment &a, const Assignment &b) {
        return std::tie(a.module, a.role, a.person) < std::tie(b.module, b.role, b.person);
    });
    return out;
}

class Feeder {
public:
    Feeder(sqlite3 *db, const FeedInput &in, FeedResult &out)
        : outbox_(db, sqlite3_db_filename(db, "main")), in_(in), out_(out) {}

    void run(const std::vector<Change> &changes) {
        load_progress();
        if (in_.plan) publish_events();
        status_events(changes);
        if (in_.plan && in_.map) assignment_events();
        for (Assignment &a : outbox_.assignments(in_.course)) people_[a.module].push_back(std::move(a));
        if (in_.plan)
            for (const PiecePlan &p : in_.plan->pieces)
                if (!progress_.count(p.module_id)) touched_.insert(p.module_id);
        for (const std::string &module : touched_) module_update(module);
    }

private:
    void emit(const Event &e) {
        if (outbox_.add_event(in_.course, e, in_.targets.all)) out_.events.push_back(e);
    }

    // The statements' context: the input's, with this store's seat id, which
    // every statement id includes (events.hpp).
    const EventContext &context() {
        if (seat_context_.course_iri.empty()) {
            seat_context_ = in_.context;
            seat_context_.seat = outbox_.seat();
        }
        return seat_context_;
    }

    void load_progress() {
        for (Outbox::Progress &p : outbox_.progress(in_.course)) progress_[p.module] = std::move(p);
    }

    std::string module_title(const std::string &module) const {
        if (auto it = in_.module_titles.find(module); it != in_.module_titles.end()) return it->second;
        if (auto it = progress_.find(module); it != progress_.end() && !it->second.title.empty())
            return it->second.title;
        return module;
    }

    // A version is announced when its content differs from the last one
    // announced (A, B, then A again is three announcements).
    void publish_events() {
        if (outbox_.last_published_was(in_.course, in_.package.digest)) return;
        emit(published_event(context(), in_.package, in_.now, outbox_.next_event_number()));
    }

    void status_events(const std::vector<Change> &changes) {
        std::size_t ordinal = 0;
        for (const Change &c : changes) {
            touched_.insert(c.module);
            const bool reopened = c.kind == "content_changed_after_done";
            if (c.kind != "status" && !reopened) continue;  // added, archived, restored: documents only
            StatusFacts s;
            s.piece = c.piece;
            s.piece_title = title_of(c.piece);
            s.module = c.module;
            s.module_title = module_title(c.module);
            s.role = c.role;
            s.from = to_string(c.from);
            s.to = to_string(c.to);
            s.by = c.by;
            s.note = c.note;
            s.reopened = reopened;
            s.ordinal = ordinal++;
            s.history_id = c.history_id;
            emit(status_event(context(), s, in_.now));
        }
    }

    std::string title_of(const std::string &piece) {
        if (!in_.plan) {
            std::string title = outbox_.piece_title(in_.course, piece);
            return title.empty() ? piece : title;
        }
        if (piece_titles_.empty())
            for (const PiecePlan &p : in_.plan->pieces) piece_titles_[p.piece_id] = p.title;
        auto it = piece_titles_.find(piece);
        return it == piece_titles_.end() || it->second.empty() ? piece : it->second;
    }

    void assignment_events() {
        const std::vector<Assignment> before = outbox_.assignments(in_.course);
        const std::vector<Assignment> after = planned_assignments(*in_.plan, *in_.map, in_.now);
        auto less = [](const Assignment &a, const Assignment &b) {
            return std::tie(a.module, a.role, a.person) < std::tie(b.module, b.role, b.person);
        };
        std::vector<Assignment> added, removed;
        std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                            std::back_inserter(added), less);
        std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                            std::back_inserter(removed), less);
        for (const Assignment &a : added) {
            outbox_.assign(in_.course, a);
            emit(assignment_event(context(), true, a.module, module_title(a.module), a.role, a.agent,
                                  in_.now, outbox_.next_event_number()));
            touched_.insert(a.module);
        }
        for (const Assignment &a : removed) {
            outbox_.unassign(in_.course, a);
            emit(assignment_event(context(), false, a.module, module_title(a.module), a.role, a.agent,
                                  in_.now, outbox_.next_event_number()));
            touched_.insert(a.module);
        }
    }

    // The module's progress (announced when it moved) and its document.
    void module_update(const std::string &module) {
        const std::vector<DocumentCell> cells = outbox_.cells(in_.course, module);
        std::int64_t done = 0, total = 0;  // of the pairs in this version of the package
        for (const DocumentCell &c : cells) {
            if (c.archived) continue;
            done += c.status == "done";
            ++total;
        }
        const std::string title = module_title(module);
        auto it = progress_.find(module);
        const bool known = it != progress_.end();
        if (!known || it->second.done != done || it->second.total != total || it->second.title != title) {
            const bool moved = known ? (it->second.done * 100 / std::max<std::int64_t>(it->second.total, 1)) !=
                                           (done * 100 / std::max<std::int64_t>(total, 1)) ||
                                           it->second.done != done
                                     : done > 0;
            if (moved)
                emit(progress_event(context(), module, title, static_cast<std::size_t>(done),
                                    static_cast<std::size_t>(total), in_.now, outbox_.next_event_number(),
                                    forecast_of(module)));
            outbox_.set_progress(in_.course, {module, title, done, total});
        }
        if (in_.targets.documents.empty()) return;
        std::vector<DocumentRole> roles;
        for (const Assignment &a : people_[module]) {
            if (roles.empty() || roles.back().role != a.role) roles.push_back({a.role, {}, 0});
            roles.back().people_json.push_back(a.agent);
            roles.back().at = std::max(roles.back().at, a.since);
        }
        std::int64_t updated = 0;
        for (const DocumentCell &c : cells) updated = std::max(updated, c.at);
        for (const DocumentRole &r : roles) updated = std::max(updated, r.at);
        const std::string body = module_document(in_.context, module, title, roles, cells, updated, forecast_of(module));
        const std::string activity = module_iri(in_.context, module);
        for (const std::string &t : in_.targets.documents)
            outbox_.put_document(t, in_.course, module, activity, body);
        out_.documents.push_back({module, activity, body});
    }

    // The module's forecast, from the tallies as this transaction leaves
    // them (computed once per feed, for every module). A forecast that
    // cannot be read leaves the statement and document without one: it
    // never stops the publish.
    const ModuleForecast *forecast_of(const std::string &module) {
        const auto &f = in_.forecast;
        if (!f.plan || !f.map || !f.store) return nullptr;
        if (!timelines_) {
            timelines_.emplace();
            std::string ignored;
            if (!compute_timelines(*f.store, in_.course, forecast_inputs(*f.plan, *f.map), in_.now, *timelines_, ignored))
                timelines_->forecasts.clear();
        }
        const auto &all = timelines_->forecasts;
        auto it = std::lower_bound(all.begin(), all.end(), module,
                                   [](const ModuleForecast &m, const std::string &id) { return m.module < id; });
        return it != all.end() && it->module == module ? &*it : nullptr;
    }

    Outbox outbox_;
    std::optional<Timelines> timelines_;
    const FeedInput &in_;
    FeedResult &out_;
    std::map<std::string, Outbox::Progress> progress_;
    std::set<std::string> touched_;
    std::map<std::string, std::vector<Assignment>> people_;  // module -> who holds which role
    std::map<std::string, std::string> piece_titles_;
    EventContext seat_context_;  // in_.context with this store's seat id (context())
};

}  // namespace

WriteHook feed_hook(const FeedInput &input, FeedResult &result) {
    WriteHook hook;
    hook.before_commit = [&input, &result](sqlite3 *db, const std::vector<Change> &changes) {
        Feeder(db, input, result).run(changes);
    };
    return hook;
}

}  // namespace coursecrew
