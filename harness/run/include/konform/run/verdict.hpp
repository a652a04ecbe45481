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

// Why a step or assertion was not judged on an answer of the system. Typed, so that no rule
// reads a sentence; the sentence for people is the result's explanation or message.
enum class unjudged {
    none,                   // judged
    not_reached,            // an earlier step of the test case did not pass
    interrupted,            // the run was interrupted (SIGINT, SIGTERM) before or during it
    no_answer,              // the system could not be reached or did not answer at all
    refused_before_sending, // a production verification never sends a write
    limit_hit,              // one of konform's bounds (redirects, rows, pages) was reached
    not_built,              // the request, an assertion or the rows could not be built
    needs_unmet,            // an expectation it needs did not pass ("after")
};
std::string_view to_string(unjudged u);

// Roll-up: error > fail > inconclusive > pass; inapplicable and skipped give way to any
// verdict that was reached, and skipped outranks inapplicable.
verdict worst(verdict a, verdict b);

// The verdict of a whole run.
// `partial`: a run of selected test cases (--only, --class); never a certification.
enum class run_verdict { conformant, not_conformant, incomplete, partial };
std::string_view to_string(run_verdict v);

} // namespace konform::run
