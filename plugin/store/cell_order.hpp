// The one order of a (piece, role) cell's versions, used wherever two seats'
// versions of it meet: the merge of module documents at the LRS
// (plugin/sync/events.cpp) and the pull's merge into this seat's store
// (plugin/store/team.cpp). Both sides must agree on it, or seats would keep
// different winners.
//
// A real change beats an untouched cell (not_started, set by coursecrew: a
// publish created it; another seat only learnt the piece exists, not that no
// one worked on it). Between real changes the later one wins; between
// untouched cells the earlier (the piece has been there since then, and a
// seat publishing it again changes nothing). A tie (the same second) goes to
// the greater (by, status, note), so every seat picks the same version
// whatever order it saw them in.
#pragma once

#include <cstdint>
#include <string_view>
#include <tuple>

namespace coursecrew {

struct CellVersion {
    std::string_view status, by, note;
    std::int64_t at = 0;  // unix seconds
};

inline bool untouched(const CellVersion &c) { return c.by == "coursecrew" && c.status == "not_started"; }

// < 0 when `a` loses to `b`, 0 when they are the same version, > 0 when `a` wins.
inline int compare_cells(const CellVersion &a, const CellVersion &b) {
    const auto key = [](const CellVersion &c) {
        const bool real = !untouched(c);
        // ~at reverses the order of times for untouched cells (the earlier
        // wins) without overflowing on any value (a missing "at" reads as
        // INT64_MIN, whose negation is undefined).
        return std::make_tuple(real, real ? c.at : ~c.at, c.by, c.status, c.note);
    };
    const auto ka = key(a), kb = key(b);
    return ka < kb ? -1 : kb < ka ? 1 : 0;
}

}  // namespace coursecrew
