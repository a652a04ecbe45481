#pragma once

#include "konform/http/client.hpp"
#include "konform/run/result.hpp"
#include "konform/run/sink.hpp"
#include "konform/util/jcs.hpp"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace konform::run {

struct run_options {
    std::vector<std::string> only;    // test-case ids to run; empty: all
    std::vector<std::string> classes; // classes to run; empty: all applicable
    http::client_options http;
    // Test cases run at once, each on its own connection (capped by the target's
    // max_connections). Test cases marked `serial` run alone.
    int jobs = 1;
    // After this many consecutive test cases that could not reach the system, the rest
    // are marked `error` ("system unreachable") without being tried.
    int unreachable_after = 3;
    const std::atomic<bool>* stop = nullptr; // set by a signal handler to end the run early
    std::size_t max_json_values = util::default_max_json_values; // in one response body
    // Leaves what test cases create in the system: cleanup steps are not sent, and each
    // test case lists the requests they would have sent.
    bool keep_data = false;
};

// The target's limits (timeouts, sizes, bodies in flight, JSON values) into `opt`.
void apply_target_limits(run_options& opt, const model::target& t);

// Checks that the target fits the profile (claims, required parameters). Problems name
// the target file and place.
void check_target(const model::profile& p, const model::target& t, model::diagnostics& diag);

// Runs the profile against the target: plans applicability, runs the test cases (up to
// opt.jobs at once), streams every step and exchange to `out` in test-case order, and
// rolls verdicts up. Network failures end in `error` verdicts, never in exceptions.
// Throws model::load_error for unusable input (e.g. a bad CA file). The result holds the
// profile and target it points at.
run_result run_profile(std::shared_ptr<const model::profile> p,
                       std::shared_ptr<const model::target> t, const run_options& opt,
                       sink* out = nullptr);

// The same with copies of `p` and `t`, for callers that keep their own.
run_result run_profile(const model::profile& p, const model::target& t, const run_options& opt,
                       sink* out = nullptr);

} // namespace konform::run
