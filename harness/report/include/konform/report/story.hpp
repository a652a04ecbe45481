#pragma once

#include "konform/run/result.hpp"

#include <string>

namespace konform::report {

// The story of a test case that did not pass, as plain text: every step in order, one line
// each (phase, verdict, rendered name, request line and status), the captures each step
// took with their values, and the first step that did not pass marked with ">". Every line
// starts with `indent`; empty when the test case kept no story (it passed).
std::string story_text(const run::testcase_result& tc, const std::string& indent);

// The expectation of a failed assertion, as the console and JUnit show it: expected (and
// how it was written, when it names variables), actual and why.
std::string failure_text(const run::assertion_result& a, const std::string& indent);

} // namespace konform::report
