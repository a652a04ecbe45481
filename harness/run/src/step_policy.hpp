#pragma once

#include "konform/run/verdict.hpp"

namespace konform::run::detail {

// Where a step stands in its test case. A class's setup and cleanup run as the setup and
// cleanup of each of its test cases, and take the same rules.
enum class step_phase { setup, main, cleanup };

// The step-verdict policy: every rule about what a step's verdict means, written once and
// asked by every step kind (exchange, paged, for_each, fragment). Pure functions.

// What came of an exchange that gave nothing to judge: an answer the system did send but
// that breaks HTTP or a stated limit is the system's own (fail); no answer at all, or an
// interrupted run, is never blamed on the system (error).
verdict no_answer_verdict(bool answered, bool interrupted);

// The verdict a step takes in its phase, from the worst of its assertions (or of why it
// could not be judged): cleanup proves nothing (pass); a setup that the system failed
// makes the test case inconclusive, since what it stands on did not hold.
verdict step_verdict(step_phase phase, verdict judged);

// Whether a step with this verdict (already through step_verdict) stops the test case: the
// steps after it are not reached. Cleanup never stops anything; it always runs.
bool stops_testcase(step_phase phase, verdict v);

// The verdict the steps not reached after a stopping step take: a failure already counted
// once makes the rest inconclusive, an error stays an error.
verdict not_reached_verdict(verdict stopping);

// Whether a for_each goes on with its next row after a row stopped: every row runs, unless
// the loop says stop_on_failure, the system is unreachable, or the run was interrupted.
bool next_row(bool stop_on_failure, bool unreachable, bool interrupted);

// Whether an expectation that needs another ("after") is judged: only when that one passed;
// otherwise it is not reached, so one fault fails one requirement.
bool needs_met(verdict needed);

} // namespace konform::run::detail
