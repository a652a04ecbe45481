#pragma once

#include "konform/http/client.hpp"
#include "konform/run/result.hpp"

#include <atomic>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace konform::run {

struct run_options {
    std::vector<std::string> only;    // test-case ids to run; empty: all
    std::vector<std::string> classes; // classes to run; empty: all applicable
    http::client_options http;
    // After this many consecutive test cases that could not reach the system, the rest
    // are marked `error` ("system unreachable") without being tried.
    int unreachable_after = 3;
    const std::atomic<bool>* stop = nullptr; // set by a signal handler to end the run early
};

// Called once per finished test case, in order: (index, total, the test case, the run so far).
using progress_fn =
    std::function<void(std::size_t, std::size_t, const testcase_result&, const run_result&)>;

// Checks that the target fits the profile (claims, required parameters). Problems name
// the target file and place.
void check_target(const model::profile& p, const model::target& t, model::diagnostics& diag);

// Runs the profile against the target: plans applicability, runs every test case, and
// rolls verdicts up. Network failures end in `error` verdicts, never in exceptions.
// Throws model::load_error for unusable input (e.g. a bad CA file).
run_result run_profile(const model::profile& p, const model::target& t, const run_options& opt,
                       const progress_fn& progress = {});

// Rolls test-case verdicts up to requirements, classes and the run (also used by tests).
void roll_up(run_result& r);

} // namespace konform::run
