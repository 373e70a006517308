// When a course is ready to publish: its files have stopped changing.
//
// An authoring tool writes a course file by file, sometimes over minutes.
// Settler holds, per course, the time of the last write seen under it, and
// hands the course out once nothing was written for `quiet` (a debounce).
// It knows nothing of files or inotify and reads no clock: every call is
// given `now`, so tests drive it with made-up times.
//
// A course handed out is "in flight" until done(): it is never handed out
// twice at once, and a change seen meanwhile is kept, so the course comes
// out once more after that change settles (never lost, never concurrent).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace coursecrew::cli::watch {

class Settler {
public:
    using Clock = std::chrono::steady_clock;
    using Time = Clock::time_point;

    explicit Settler(Clock::duration quiet) : quiet_(quiet) {}

    // Something under `course` was written at `now`: its wait starts again.
    // True when the course was not waiting already (a new round of changes).
    bool changed(const std::string &course, Time now) {
        Course &c = courses_[course];
        const bool fresh = !c.last_change;
        c.last_change = now;
        return fresh;
    }

    // The earliest time take_due() will hand something out; nothing when no
    // course waits (courses in flight wait for done() first).
    std::optional<Time> next_due() const {
        std::optional<Time> due;
        for (const auto &[name, c] : courses_) {
            if (c.in_flight || !c.last_change) continue;
            const Time t = *c.last_change + quiet_;
            if (!due || t < *due) due = t;
        }
        return due;
    }

    // The courses quiet for `quiet` at `now`, in name order; each is in
    // flight until done().
    std::vector<std::string> take_due(Time now) {
        std::vector<std::string> due;
        for (auto &[name, c] : courses_) {
            if (c.in_flight || !c.last_change || now - *c.last_change < quiet_) continue;
            c.last_change.reset();
            c.in_flight = true;
            due.push_back(name);
        }
        return due;
    }

    // The course handed out is dealt with. A change seen while it was in
    // flight makes it wait again, timed from that change.
    void done(const std::string &course) {
        auto it = courses_.find(course);
        if (it == courses_.end()) return;
        it->second.in_flight = false;
        if (!it->second.last_change) courses_.erase(it);
    }

    // Courses waiting or in flight.
    std::size_t size() const { return courses_.size(); }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto &[name, c] : courses_) out.push_back(name);
        return out;
    }

private:
    struct Course {
        std::optional<Time> last_change;  // a write not yet dealt with
        bool in_flight = false;           // handed out, done() not called yet
    };
    Clock::duration quiet_;
    std::map<std::string, Course> courses_;
};

}  // namespace coursecrew::cli::watch
