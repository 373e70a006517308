// big_alloc.hpp: the huge-page friendly blocks behind the model's big arrays
// and the texts handed to the host.
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "plugin/model/big_alloc.hpp"
#include "plugin/model/course.hpp"

namespace big = coursecrew::big;

BOOST_AUTO_TEST_SUITE(big_alloc)

BOOST_AUTO_TEST_CASE(small_blocks_come_from_malloc) {
    // Zero bytes still gives a usable, freeable pointer.
    void *zero = big::allocate(0);
    BOOST_TEST(zero != nullptr);
    big::deallocate(zero, 0);

    char *p = static_cast<char *>(big::allocate(100));
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(p) % alignof(std::max_align_t) == 0u);
    std::memset(p, 'x', 100);
    big::deallocate(p, 100);

    const std::size_t just_under = big::kBigBlock - 1;
    char *q = static_cast<char *>(big::allocate(just_under));
    q[0] = q[just_under - 1] = 'y';
    big::deallocate(q, just_under);
    big::deallocate(nullptr, 0);
}

BOOST_AUTO_TEST_CASE(large_blocks_are_huge_page_aligned) {
    for (std::size_t bytes : {big::kBigBlock, big::kHugePage, big::kHugePage + 1, 5 * big::kHugePage + 12345}) {
        char *p = static_cast<char *>(big::allocate(bytes));
        BOOST_TEST(reinterpret_cast<std::uintptr_t>(p) % big::kHugePage == 0u);
        // Zeroed (fresh anonymous memory) and writable to the last byte.
        BOOST_TEST(p[0] == 0);
        BOOST_TEST(p[bytes - 1] == 0);
        std::memset(p, 'z', bytes);
        big::deallocate(p, bytes);
    }
}

BOOST_AUTO_TEST_CASE(vector_grows_across_the_threshold) {
    big::vector<std::uint64_t> v;
    const std::size_t n = 3 * big::kHugePage / sizeof(std::uint64_t);  // ends well past 1 MiB
    for (std::size_t i = 0; i < n; ++i) v.push_back(i);
    BOOST_TEST(v.size() == n);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(v.data()) % big::kHugePage == 0u);
    bool intact = true;
    for (std::size_t i = 0; i < n; ++i) intact = intact && v[i] == i;
    BOOST_TEST(intact);
    v.resize(10);
    v.shrink_to_fit();  // back to a malloc'ed block
    BOOST_TEST(v.size() == 10u);
    BOOST_TEST(v[9] == 9u);
    big::vector<std::uint64_t> moved = std::move(v);
    BOOST_TEST(moved.size() == 10u);
}

BOOST_AUTO_TEST_CASE(texts_for_the_host) {
    char *small = big::text_allocate(6);
    std::memcpy(small, "hello", 6);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(small) % 16 == 0u);
    // Grown past the threshold: becomes a mapping, keeps its text.
    char *grown = big::text_reallocate(small, 5, 3 * big::kBigBlock);
    BOOST_TEST(std::string(grown, 5) == "hello");
    grown[3 * big::kBigBlock - 1] = '\0';
    big::text_free(grown);
    big::text_free(nullptr);
    char *empty = big::text_allocate(0);
    big::text_free(empty);
}

BOOST_AUTO_TEST_CASE(string_arena_views_survive_growth_and_moves) {
    coursecrew::StringArena arena;
    std::string_view first = arena.add("first");
    std::string_view last;
    const std::string path(1000, 'p');
    for (int i = 0; i < 10000; ++i) last = arena.add(path);  // ~10 MB: reaches 2 MiB blocks
    std::string_view huge = arena.add(std::string(3 * big::kHugePage, 'h'));  // larger than a block
    coursecrew::StringArena moved = std::move(arena);
    BOOST_TEST(first == "first");
    BOOST_TEST(last == path);
    BOOST_TEST(huge.size() == 3 * big::kHugePage);
    BOOST_TEST(huge.back() == 'h');
    BOOST_TEST(moved.add("").empty());
}

BOOST_AUTO_TEST_SUITE_END()
