#pragma once

namespace konform::cli {

// The command line's exit codes; scripts and CI tell the outcomes apart by them.
enum class exit_code : int {
    ok = 0,          // conformant, or valid
    not_ok = 1,      // not conformant, or invalid
    input_error = 2, // usage error or unusable input (profile, target, flags)
    incomplete = 3,  // the run could not complete (system unreachable, interrupted, harness error)
};

inline int as_int(exit_code c) {
    return static_cast<int>(c);
}

} // namespace konform::cli
