// Memory for the read path's few large arrays (files, items, resources,
// digests, string arena blocks, the JSON text).
//
// Why: on a VM every first touch of a fresh 4 KiB page is a slow minor fault,
// and a big manifest touches tens of MB. Blocks of kBigBlock or more are
// mapped on 2 MiB boundaries and their whole huge pages marked
// MADV_HUGEPAGE, so that with THP in `madvise` mode one fault brings in 2 MiB. A plugin cannot set the host's
// glibc tunables, so it does this for its own allocations. Where THP is off
// the advice is ignored and this is a plain mmap. Smaller blocks use malloc.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

namespace coursecrew::big {

inline constexpr std::size_t kBigBlock = std::size_t{1} << 20;  // mmap from here up
inline constexpr std::size_t kHugePage = std::size_t{2} << 20;

inline std::size_t mapped_size(std::size_t bytes) { return (bytes + kHugePage - 1) & ~(kHugePage - 1); }

// `bytes` from malloc or, when large, from a 2 MiB-aligned mapping. Never
// null: throws std::bad_alloc. Zero bytes gives a valid, unique pointer.
inline void *allocate(std::size_t bytes) {
    if (bytes < kBigBlock) {
        void *p = std::malloc(bytes ? bytes : 1);
        if (!p) throw std::bad_alloc();
        return p;
    }
    const std::size_t size = mapped_size(bytes);
    if (size < bytes) throw std::bad_alloc();  // overflow
    // Map one huge page more than needed and cut off the unaligned ends: mmap
    // only promises 4 KiB alignment, and a huge page needs 2 MiB.
    const std::size_t span = size + kHugePage;
    void *raw = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + kHugePage - 1) & ~(std::uintptr_t{kHugePage} - 1);
    if (aligned > start) ::munmap(raw, aligned - start);
    const std::uintptr_t tail = start + span - (aligned + size);
    if (tail) ::munmap(reinterpret_cast<void *>(aligned + size), tail);
    void *p = reinterpret_cast<void *>(aligned);
#ifdef MADV_HUGEPAGE
    // Huge pages only where the block fills them: a partly used last huge
    // page would be resident as a whole, so the tail keeps 4 KiB pages.
    // The advice fails harmlessly where THP is unavailable.
    if (const std::size_t whole = bytes & ~(kHugePage - 1)) ::madvise(p, whole, MADV_HUGEPAGE);
#endif
    return p;
}

// Frees what allocate(bytes) returned; `bytes` must be the same.
inline void deallocate(void *p, std::size_t bytes) noexcept {
    if (!p) return;
    if (bytes < kBigBlock) std::free(p);
    else ::munmap(p, mapped_size(bytes));
}

// A standard allocator over allocate/deallocate, for std::vector.
template <class T>
struct Allocator {
    using value_type = T;
    Allocator() noexcept = default;
    template <class U>
    Allocator(const Allocator<U> &) noexcept {}  // NOLINT: rebinding is implicit by design
    T *allocate(std::size_t n) {
        if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_alloc();
        return static_cast<T *>(big::allocate(n * sizeof(T)));
    }
    void deallocate(T *p, std::size_t n) noexcept { big::deallocate(p, n * sizeof(T)); }
    template <class U>
    friend bool operator==(const Allocator &, const Allocator<U> &) noexcept { return true; }
};

template <class T>
using vector = std::vector<T, Allocator<T>>;

// Texts handed to the host, which releases them with free_string(ptr): that
// gets no size, so a header in front of the text records the block's size.
// 16 bytes keep the text as aligned as malloc's.
inline constexpr std::size_t kTextHeader = 16;

// A block for `capacity` bytes of text (NUL included).
inline char *text_allocate(std::size_t capacity) {
    const std::size_t bytes = capacity + kTextHeader;
    if (bytes < capacity) throw std::bad_alloc();
    char *block = static_cast<char *>(allocate(bytes));
    std::memcpy(block, &bytes, sizeof bytes);
    return block + kTextHeader;
}

inline void text_free(char *text) noexcept {
    if (!text) return;
    char *block = text - kTextHeader;
    std::size_t bytes;
    std::memcpy(&bytes, block, sizeof bytes);
    deallocate(block, bytes);
}

// Grows (or shrinks) a text block to `capacity`, keeping its first `used`
// bytes. realloc cannot do this for a mapping, so it copies.
inline char *text_reallocate(char *text, std::size_t used, std::size_t capacity) {
    char *bigger = text_allocate(capacity);
    if (text) {
        std::memcpy(bigger, text, used < capacity ? used : capacity);
        text_free(text);
    }
    return bigger;
}

}  // namespace coursecrew::big
