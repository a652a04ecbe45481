#pragma once

#include "konform/run/result.hpp"

#include <string>

namespace konform::report {

// JUnit XML: one testsuite per conformance class, one testcase per test case; failure
// messages name the requirement with expected versus actual.
std::string to_junit(const run::run_result& r);

} // namespace konform::report
