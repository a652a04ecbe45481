#include "konform/run/roll_up.hpp"

#include <doctest/doctest.h>

using namespace konform;
using run::verdict;

TEST_CASE("verdict: worst of") {
    CHECK(run::worst(verdict::pass, verdict::fail) == verdict::fail);
    CHECK(run::worst(verdict::fail, verdict::error) == verdict::error);
    CHECK(run::worst(verdict::inconclusive, verdict::pass) == verdict::inconclusive);
    CHECK(run::worst(verdict::fail, verdict::inconclusive) == verdict::fail);
    CHECK(run::worst(verdict::inapplicable, verdict::pass) == verdict::pass);
    CHECK(run::worst(verdict::skipped, verdict::inapplicable) == verdict::skipped);
}

namespace {

struct fixture {
    model::profile p;
    model::target t;
    run::run_result r;

    fixture() {
        p.classes = {{"core", "Core", true, {}}, {"opt", "Optional", false, {}}};
        p.requirements = {{"R1", "core", model::level::must, "t", "", ""},
                          {"R2", "core", model::level::should, "t", "", ""},
                          {"R3", "opt", model::level::must, "t", "", ""},
                          {"R4", "core", model::level::must, "t", "", ""}};
        r.prof = &p;
        r.tgt = &t;
    }

    run::testcase_result& tc(const std::string& id, const std::string& cls,
                             std::vector<std::pair<std::string, verdict>> assertions) {
        run::testcase_result t;
        t.id = id;
        t.cls = cls;
        run::step_result s;
        for (auto& [req, v] : assertions) {
            run::assertion_result a;
            a.proves = {req};
            a.v = v;
            s.v = run::worst(s.v, v);
            s.assertions.push_back(a);
            t.verifies.push_back(req);
        }
        run::account_step(t, s);
        r.testcases.push_back(t);
        return r.testcases.back();
    }

    verdict req(const std::string& id) {
        for (const auto& x : r.requirements)
            if (x.req->id == id) return x.v;
        FAIL("no requirement " << id);
        return verdict::error;
    }
};

} // namespace

TEST_CASE("roll-up: all MUST pass gives conformant, a SHOULD failure is only a warning") {
    fixture f;
    f.tc("A", "core", {{"R1", verdict::pass}, {"R2", verdict::fail}, {"R4", verdict::pass}});
    run::roll_up(f.r);
    CHECK(f.req("R1") == verdict::pass);
    CHECK(f.req("R2") == verdict::fail);
    CHECK(f.req("R3") == verdict::inapplicable); // class opt not claimed
    CHECK(f.r.overall == run::run_verdict::conformant);
}

TEST_CASE("roll-up: a MUST failure gives not-conformant, even beside an error") {
    fixture f;
    f.tc("A", "core", {{"R1", verdict::fail}});
    f.tc("B", "core", {{"R4", verdict::error}});
    run::roll_up(f.r);
    CHECK(f.req("R1") == verdict::fail);
    CHECK(f.req("R4") == verdict::error);
    CHECK(f.r.overall == run::run_verdict::not_conformant);
}

TEST_CASE("roll-up: an error without failures gives incomplete, never conformant") {
    fixture f;
    f.tc("A", "core", {{"R1", verdict::pass}});
    f.tc("B", "core", {{"R4", verdict::error}});
    run::roll_up(f.r);
    CHECK(f.r.overall == run::run_verdict::incomplete);
    CHECK(f.r.incomplete_reason.find("R4") != std::string::npos);
}

TEST_CASE("roll-up: a requirement is the worst over every test case that proves it") {
    fixture f;
    f.tc("A", "core", {{"R1", verdict::pass}, {"R4", verdict::pass}});
    f.tc("B", "core", {{"R1", verdict::fail}});
    run::roll_up(f.r);
    CHECK(f.req("R1") == verdict::fail);
}

TEST_CASE("roll-up: claimed optional classes count, unverified MUST is inconclusive") {
    fixture f;
    f.t.claims = {"opt"};
    f.tc("A", "core", {{"R1", verdict::pass}});
    run::roll_up(f.r);
    CHECK(f.req("R3") == verdict::inconclusive); // claimed, but no test case verifies it
    CHECK(f.req("R4") == verdict::inconclusive);
    CHECK(f.r.overall == run::run_verdict::incomplete);
}

TEST_CASE("roll-up: skipped test cases make the run incomplete, interruption too") {
    fixture f;
    f.tc("A", "core", {{"R1", verdict::pass}});
    auto& b = f.tc("B", "core", {{"R4", verdict::pass}});
    b.v = verdict::skipped;
    run::roll_up(f.r);
    CHECK(f.req("R4") == verdict::skipped);
    CHECK(f.r.overall == run::run_verdict::incomplete);

    fixture g;
    g.tc("A", "core", {{"R1", verdict::pass}, {"R4", verdict::pass}});
    g.r.interrupted = true;
    run::roll_up(g.r);
    CHECK(g.r.overall == run::run_verdict::incomplete);
}

TEST_CASE("account_step: cleanup proves nothing; failures are kept up to the cap") {
    run::testcase_result t;
    run::step_result cleanup;
    cleanup.cleanup = true;
    run::assertion_result a;
    a.proves = {"R1"};
    a.v = verdict::fail;
    cleanup.assertions.push_back(a);
    run::account_step(t, cleanup);
    CHECK(t.v == verdict::pass);
    CHECK(t.proven.empty());
    CHECK(t.step_count == 1);

    run::step_result s;
    s.v = verdict::fail;
    s.message = "capture x failed";
    for (std::size_t i = 0; i < run::testcase_result::max_failures + 3; ++i)
        s.assertions.push_back(a);
    run::account_step(t, s);
    CHECK(t.v == verdict::fail);
    CHECK(t.reason == "capture x failed");
    CHECK(t.proven.at("R1") == verdict::fail);
    CHECK(t.failures.size() == run::testcase_result::max_failures);
    CHECK(t.failures_omitted == 3);

    run::step_result unreached;
    unreached.v = verdict::inconclusive;
    unreached.message = "not reached: an earlier step did not pass";
    run::assertion_result b;
    b.proves = {"R2"};
    b.v = verdict::inconclusive;
    b.explanation = "not reached";
    unreached.assertions.push_back(b);
    run::account_step(t, unreached);
    CHECK(t.reason == "capture x failed");
    CHECK(t.proven.at("R2") == verdict::inconclusive);
}

TEST_CASE("rollup: a test case that fails only a SHOULD is advisory, counted apart from fail") {
    fixture f;
    f.tc("T-SHOULD", "core", {{"R2", verdict::fail}});
    f.tc("T-MUST", "core", {{"R1", verdict::pass}, {"R4", verdict::pass}});
    f.tc("T-BOTH", "core", {{"R2", verdict::fail}, {"R4", verdict::fail}});
    run::roll_up(f.r);
    CHECK(f.r.testcases[0].advisory);
    CHECK_FALSE(f.r.testcases[1].advisory);
    CHECK_FALSE(f.r.testcases[2].advisory); // a MUST failed beside the SHOULD
    CHECK(f.r.testcase_advisory == 1);
    CHECK(f.r.testcase_counts[verdict::fail] == 1);
    CHECK(f.r.requirement_advisory == 1);
    CHECK(f.r.requirement_counts[verdict::fail] == 1); // R4 only
    CHECK(f.r.overall == run::run_verdict::not_conformant);
}
