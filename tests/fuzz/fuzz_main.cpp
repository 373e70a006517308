// libFuzzer's entry for one target; CMake builds this file once per target
// with CC_FUZZ_TARGET naming the function in targets.hpp.
#include "tests/fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    return ccfuzz::CC_FUZZ_TARGET(data, size);
}
