// An index from text keys to item numbers, for the hot paths that look up
// tens of thousands of pieces by identifier (the publish diff, the review).
//
// The keys stay where they are (in the items); the index is one array of
// slots, each holding 32 bits of the key's hash and the item's number, with
// open addressing at a load of at most one half. A lookup costs one hash and
// usually one slot read, and compares a key (a likely cache miss) only when
// the hash bits agree. A slot's place comes from its 32 hash bits alone, so
// growing the table moves slots without hashing or comparing any key. Building it for 20,000 items is one allocation,
// where std::unordered_map makes 20,000 nodes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace coursecrew {

// KeyOf: std::string_view(std::uint32_t item), the key of an item.
template <class KeyOf>
class TextIndex {
public:
    static constexpr std::uint32_t kAbsent = UINT32_MAX;

    // Room for `items` items, numbered 0 to items - 1.
    TextIndex(std::size_t items, KeyOf key_of) : key_of_(std::move(key_of)) {
        std::size_t cap = 16;
        while (cap < items * 2) cap *= 2;
        slots_.assign(cap, kEmpty);
    }

    // Files `item` under its key. Returns the item filed under that key
    // before (which `item` now replaces), or kAbsent.
    std::uint32_t put(std::uint32_t item) {
        const std::string_view key = key_of_(item);
        const std::size_t hash = std::hash<std::string_view>()(key);
        std::uint64_t &slot = slots_[slot_of(key, hash)];
        const std::uint32_t before = slot == kEmpty ? kAbsent : static_cast<std::uint32_t>(slot);
        if (slot == kEmpty) ++filled_;
        slot = (static_cast<std::uint64_t>(tag(hash)) << 32) | item;
        return before;
    }

    // Files `item` unless an item is filed under its key already, and
    // returns that item (which stays) or kAbsent. Unlike put(), grows the
    // table as it fills, so the number of items need not be known up front.
    std::uint32_t insert(std::uint32_t item) {
        const std::string_view key = key_of_(item);
        const std::size_t hash = std::hash<std::string_view>()(key);
        std::size_t at = slot_of(key, hash);
        if (slots_[at] != kEmpty) return static_cast<std::uint32_t>(slots_[at]);
        if ((filled_ + 1) * 2 > slots_.size()) {
            grow();
            at = slot_of(key, hash);
        }
        slots_[at] = (static_cast<std::uint64_t>(tag(hash)) << 32) | item;
        ++filled_;
        return kAbsent;
    }

    // The item last filed under `key`, or kAbsent.
    std::uint32_t find(std::string_view key) const {
        const std::uint64_t slot = slots_[slot_of(key, std::hash<std::string_view>()(key))];
        return slot == kEmpty ? kAbsent : static_cast<std::uint32_t>(slot);
    }

private:
    static constexpr std::uint64_t kEmpty = UINT64_MAX;
    static std::uint32_t tag(std::size_t hash) { return static_cast<std::uint32_t>(hash); }

    // The slot holding `key`, or the empty slot where it belongs.
    std::size_t slot_of(std::string_view key, std::size_t hash) const {
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t at = tag(hash) & mask;; at = (at + 1) & mask) {
            const std::uint64_t s = slots_[at];
            if (s == kEmpty) return at;
            if (static_cast<std::uint32_t>(s >> 32) == tag(hash) &&
                key_of_(static_cast<std::uint32_t>(s)) == key)
                return at;
        }
    }

    // Doubles the table. Keys are distinct, so each slot goes to the first
    // empty place from where its hash bits point.
    void grow() {
        std::vector<std::uint64_t> old(slots_.size() * 2, kEmpty);
        old.swap(slots_);
        const std::size_t mask = slots_.size() - 1;
        for (const std::uint64_t s : old) {
            if (s == kEmpty) continue;
            std::size_t at = (s >> 32) & mask;
            while (slots_[at] != kEmpty) at = (at + 1) & mask;
            slots_[at] = s;
        }
    }

    KeyOf key_of_;
    std::vector<std::uint64_t> slots_;
    std::size_t filled_ = 0;
};

}  // namespace coursecrew
