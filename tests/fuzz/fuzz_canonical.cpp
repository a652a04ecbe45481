// libFuzzer entry point for konform::fuzz::canonical (see fuzz_targets.hpp).
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return konform::fuzz::canonical(data, size);
}
