// The step-verdict policy: every rule about what a step's verdict means, in every phase.
#include "step_policy.hpp"

#include <doctest/doctest.h>

using namespace konform::run;
using namespace konform::run::detail;

TEST_CASE("step policy: an answer that breaks HTTP is the system's fail; no answer is error") {
    CHECK(no_answer_verdict(true, false) == verdict::fail);
    CHECK(no_answer_verdict(false, false) == verdict::error);
    // An interrupted run is never blamed on the system, answered or not.
    CHECK(no_answer_verdict(true, true) == verdict::error);
    CHECK(no_answer_verdict(false, true) == verdict::error);
}

TEST_CASE("step policy: cleanup proves nothing, whatever came of it") {
    for (verdict v : {verdict::pass, verdict::fail, verdict::inconclusive, verdict::error}) {
        CAPTURE(to_string(v));
        CHECK(step_verdict(step_phase::cleanup, v) == verdict::pass);
        CHECK_FALSE(stops_testcase(step_phase::cleanup, v));
    }
}

TEST_CASE("step policy: a setup the system failed makes the test case inconclusive") {
    CHECK(step_verdict(step_phase::setup, verdict::fail) == verdict::inconclusive);
    CHECK(step_verdict(step_phase::setup, verdict::pass) == verdict::pass);
    // No answer stays an error: the system could not be asked at all.
    CHECK(step_verdict(step_phase::setup, verdict::error) == verdict::error);
    CHECK(step_verdict(step_phase::setup, verdict::inconclusive) == verdict::inconclusive);
    CHECK(stops_testcase(step_phase::setup, verdict::inconclusive));
}

TEST_CASE("step policy: a main step keeps its verdict, and any but pass stops the test case") {
    for (verdict v : {verdict::fail, verdict::inconclusive, verdict::error}) {
        CAPTURE(to_string(v));
        CHECK(step_verdict(step_phase::main, v) == v);
        CHECK(stops_testcase(step_phase::main, v));
    }
    CHECK(step_verdict(step_phase::main, verdict::pass) == verdict::pass);
    CHECK_FALSE(stops_testcase(step_phase::main, verdict::pass));
}

TEST_CASE("step policy: the steps not reached after a failure are inconclusive, after an error "
          "error") {
    CHECK(not_reached_verdict(verdict::fail) == verdict::inconclusive);
    CHECK(not_reached_verdict(verdict::error) == verdict::error);
    CHECK(not_reached_verdict(verdict::inconclusive) == verdict::inconclusive);
}

TEST_CASE("step policy: a loop's next row runs unless stop_on_failure, unreachable or "
          "interrupted") {
    CHECK(next_row(false, false, false));
    CHECK_FALSE(next_row(true, false, false));
    CHECK_FALSE(next_row(false, true, false));
    CHECK_FALSE(next_row(false, false, true));
}

TEST_CASE("step policy: an expectation that waits for another is judged only after a pass") {
    CHECK(needs_met(verdict::pass));
    for (verdict v : {verdict::fail, verdict::inconclusive, verdict::error})
        CHECK_FALSE(needs_met(v));
}
