// libFuzzer entry point for konform::fuzz::json_parse (see fuzz_targets.hpp).
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return konform::fuzz::json_parse(data, size);
}
