#include "konform/run/verdict.hpp"

namespace konform::run {

std::string_view to_string(verdict v) {
    switch (v) {
    case verdict::pass:
        return "pass";
    case verdict::fail:
        return "fail";
    case verdict::inconclusive:
        return "inconclusive";
    case verdict::error:
        return "error";
    case verdict::inapplicable:
        return "inapplicable";
    case verdict::skipped:
        return "skipped";
    }
    return "?";
}

std::string_view to_string(unjudged u) {
    switch (u) {
    case unjudged::none:
        return "judged";
    case unjudged::not_reached:
        return "not reached";
    case unjudged::interrupted:
        return "interrupted";
    case unjudged::no_answer:
        return "no answer";
    case unjudged::refused_before_sending:
        return "refused before sending";
    case unjudged::limit_hit:
        return "limit hit";
    case unjudged::not_built:
        return "not built";
    case unjudged::needs_unmet:
        return "needs unmet";
    }
    return "?";
}

namespace {
int rank(verdict v) {
    switch (v) {
    case verdict::inapplicable:
        return 0;
    case verdict::skipped:
        return 1;
    case verdict::pass:
        return 2;
    case verdict::inconclusive:
        return 3;
    case verdict::fail:
        return 4;
    case verdict::error:
        return 5;
    }
    return 0;
}
} // namespace

verdict worst(verdict a, verdict b) {
    return rank(a) >= rank(b) ? a : b;
}

std::string_view to_string(run_verdict v) {
    switch (v) {
    case run_verdict::conformant:
        return "conformant";
    case run_verdict::not_conformant:
        return "not-conformant";
    case run_verdict::incomplete:
        return "incomplete";
    case run_verdict::partial:
        return "partial";
    }
    return "?";
}

} // namespace konform::run
