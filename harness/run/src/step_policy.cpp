#include "step_policy.hpp"

namespace konform::run::detail {

verdict no_answer_verdict(bool answered, bool interrupted) {
    if (interrupted) return verdict::error;
    return answered ? verdict::fail : verdict::error;
}

verdict step_verdict(step_phase phase, verdict judged) {
    if (phase == step_phase::cleanup) return verdict::pass;
    if (phase == step_phase::setup && judged == verdict::fail) return verdict::inconclusive;
    return judged;
}

bool stops_testcase(step_phase phase, verdict v) {
    return phase != step_phase::cleanup && v != verdict::pass;
}

verdict not_reached_verdict(verdict stopping) {
    return stopping == verdict::fail ? verdict::inconclusive : stopping;
}

bool next_row(bool stop_on_failure, bool unreachable, bool interrupted) {
    return !stop_on_failure && !unreachable && !interrupted;
}

bool needs_met(verdict needed) {
    return needed == verdict::pass;
}

} // namespace konform::run::detail
