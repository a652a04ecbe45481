#pragma once

#include "konform/model/problem.hpp"
#include "konform/model/profile.hpp"

namespace konform::model::detail {

// Checks every template of a test case (its variables, step names, requests, expected
// values, selectors, loops and fragment bindings) in the order the steps run: each name
// must be a profile parameter, a test-case variable, a capture of an earlier step, a loop
// variable or a fragment parameter in scope, or a generator; each filter must exist and
// take the arguments given.
void lint_templates(const profile& prof, const testcase& tc, diagnostics& diag);

} // namespace konform::model::detail
