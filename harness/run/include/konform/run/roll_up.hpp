#pragma once

#include "konform/run/result.hpp"

namespace konform::run {

// The verdict rules, in one place.

// A class applies when it is mandatory or the target claims it; test cases and
// requirements of other classes are inapplicable.
bool class_applicable(const model::profile& p, const model::target& t, const std::string& cls);

// Adds a judged step to its test case (whose verdict starts as pass): the verdict becomes
// the worst of its steps', the first step message explains it, the requirements the
// assertions prove take their worst verdict, and fail and error assertions are kept for
// the summaries. Cleanup steps prove nothing.
void account_step(testcase_result& tc, const step_result& s);

// Rolls test-case verdicts up to requirements, classes and the run: a requirement is the
// worst of the assertions that prove it; a requirement a test case lists but never
// reached is at best inconclusive; the run is conformant when every MUST requirement of
// core and the claimed classes passes.
void roll_up(run_result& r);

// A failed test case is advisory when every requirement it failed is a SHOULD or MAY: it
// reads as advisory in every output, never as a failure beside the MUST failures.
void mark_advisory(testcase_result& tc, const model::profile& p);

// A requirement's result is advisory when it failed and is a SHOULD or MAY.
bool is_advisory(const requirement_result& rr);

} // namespace konform::run
