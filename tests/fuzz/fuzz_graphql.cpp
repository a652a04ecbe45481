// libFuzzer entry point for konform::fuzz::graphql (see fuzz_targets.hpp).
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return konform::fuzz::graphql(data, size);
}
