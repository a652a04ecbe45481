#pragma once

#include <string_view>

namespace konform::run {

// Verdicts after TTCN-3 and W3C EARL.
enum class verdict {
    pass,         // the system did what the standard asks
    fail,         // the system violates the standard
    inconclusive, // could not tell (a precondition the system did not meet)
    error,        // no answer at all, or the harness failed: never blamed on the system
    inapplicable, // the target does not claim the class
    skipped,      // filtered out by the user
};

std::string_view to_string(verdict v);

// Roll-up: error > fail > inconclusive > pass; inapplicable and skipped give way to any
// verdict that was reached, and skipped outranks inapplicable.
verdict worst(verdict a, verdict b);

// The verdict of a whole run.
// `partial`: a run of selected test cases (--only, --class); never a certification.
enum class run_verdict { conformant, not_conformant, incomplete, partial };
std::string_view to_string(run_verdict v);

} // namespace konform::run
