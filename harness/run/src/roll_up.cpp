#include "konform/run/roll_up.hpp"

#include <algorithm>

namespace konform::run {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// Worst of two verdicts where `have` may not be set yet.
void fold(std::optional<verdict>& have, verdict v) {
    have = have ? worst(*have, v) : v;
}

} // namespace

bool class_applicable(const model::profile& p, const model::target& t, const std::string& cls) {
    const auto* c = p.find_class(cls);
    return c && (c->mandatory || contains(t.claims, cls));
}

void account_step(testcase_result& tc, const step_result& s) {
    ++tc.step_count;
    if (tc.story.size() < testcase_result::max_story) {
        step_result told = s;
        told.assertions.clear();
        tc.story.push_back(std::move(told));
    } else
        ++tc.story_omitted;
    if (s.why == unjudged::interrupted) tc.interrupted = true;
    if (s.cleanup) return;
    tc.v = worst(tc.v, s.v);
    if (s.v != verdict::pass && tc.reason.empty() && !s.message.empty() &&
        s.why != unjudged::not_reached)
        tc.reason = s.message;
    for (const auto& a : s.assertions) {
        for (const auto& id : a.proves) {
            auto it = tc.proven.find(id);
            if (it == tc.proven.end())
                tc.proven.emplace(id, a.v);
            else
                it->second = worst(it->second, a.v);
        }
        const bool shown =
            a.v == verdict::fail || (a.v == verdict::error && a.why != unjudged::not_reached &&
                                     a.why != unjudged::needs_unmet);
        if (!shown) continue;
        if (tc.failures.size() < testcase_result::max_failures)
            tc.failures.push_back(a);
        else
            ++tc.failures_omitted;
    }
}

void mark_advisory(testcase_result& tc, const model::profile& p) {
    tc.advisory = false;
    if (tc.v != verdict::fail) return;
    bool any = false;
    for (const auto& [id, v] : tc.proven) {
        if (v != verdict::fail) continue;
        const auto* req = p.find_requirement(id);
        if (!req || req->lvl == model::level::must) return;
        any = true;
    }
    tc.advisory = any;
}

bool is_advisory(const requirement_result& rr) {
    return rr.v == verdict::fail && rr.req && rr.req->lvl != model::level::must;
}

namespace {

// One requirement's verdict: the worst of the assertions that prove it, at best
// inconclusive where a test case lists it but never reached an assertion for it.
requirement_result requirement_of(const model::requirement& req, const run_result& r) {
    const model::profile& p = *r.prof;
    requirement_result rr;
    rr.req = &req;
    std::optional<verdict> judged;            // from assertions and unreached test cases
    verdict excluded = verdict::inapplicable; // from test cases that did not run
    for (const auto& tc : r.testcases) {
        if (!contains(tc.verifies, req.id)) continue;
        rr.testcases.push_back(tc.id);
        if (tc.v == verdict::inapplicable || tc.v == verdict::skipped)
            excluded = worst(excluded, tc.v);
        else if (auto it = tc.proven.find(req.id); it != tc.proven.end())
            fold(judged, it->second);
        else // the test case lists it but never reached an assertion for it
            fold(judged, worst(tc.v, verdict::inconclusive));
    }
    if (!class_applicable(p, *r.tgt, req.cls)) {
        rr.v = verdict::inapplicable;
        rr.reason = "class " + req.cls + " is not claimed";
    } else if (rr.testcases.empty() && (!r.selection.empty() || r.production)) {
        rr.v = verdict::skipped;
        rr.reason = r.selection.empty()
                        ? "none of its test cases is read-only (production verification)"
                        : "none of its test cases is selected in this partial run";
    } else if (rr.testcases.empty()) {
        rr.v = verdict::inconclusive;
        rr.reason = "no test case verifies it";
    } else if (judged) {
        rr.v = worst(*judged, excluded);
    } else {
        rr.v = excluded == verdict::inapplicable ? verdict::inconclusive : excluded;
    }
    return rr;
}

// A class: inapplicable unless mandatory or claimed, else the worst of its MUSTs.
class_result class_of(const model::conformance_class& c, const run_result& r) {
    class_result cr;
    cr.cls = &c;
    cr.applicable = class_applicable(*r.prof, *r.tgt, c.id);
    std::optional<verdict> must;
    for (const auto& rr : r.requirements)
        if (rr.req->cls == c.id && rr.req->lvl == model::level::must) fold(must, rr.v);
    cr.v = !cr.applicable ? verdict::inapplicable : must ? *must : verdict::pass;
    return cr;
}

// The run: interrupted, partial (never a certification), not conformant when an applicable
// MUST failed, incomplete when one is not judged, else conformant.
void run_verdict_of(run_result& r) {
    bool failed = false;
    std::string unsure_reason;
    for (const auto& rr : r.requirements) {
        if (rr.req->lvl != model::level::must || !class_applicable(*r.prof, *r.tgt, rr.req->cls))
            continue;
        if (rr.v == verdict::fail)
            failed = true;
        else if (rr.v != verdict::pass && unsure_reason.empty())
            unsure_reason =
                "MUST requirement " + rr.req->id + " is " + std::string(to_string(rr.v));
    }
    if (r.interrupted) {
        r.overall = run_verdict::incomplete;
        r.incomplete_reason = "the run was interrupted";
    } else if (!r.selection.empty() || r.production) {
        // Selected test cases prove nothing about the rest: never a certification.
        std::optional<verdict> outcome;
        for (const auto& tc : r.testcases)
            if (tc.v != verdict::inapplicable && !tc.advisory) fold(outcome, tc.v);
        r.selected_outcome = outcome.value_or(verdict::pass);
        r.overall = run_verdict::partial;
        r.incomplete_reason =
            (r.production ? "production verification (read-only" +
                                (r.selection.empty() ? "" : ", " + r.selection) + ")"
                          : "partial run (" + r.selection + ")") +
            ": " + std::to_string(r.testcases.size()) + " of " +
            std::to_string(r.profile_testcases) + " test cases, " +
            std::string(to_string(r.selected_outcome)) + "; not a certification";
    } else if (failed)
        r.overall = run_verdict::not_conformant;
    else if (!unsure_reason.empty()) {
        r.overall = run_verdict::incomplete;
        r.incomplete_reason = unsure_reason;
    } else
        r.overall = run_verdict::conformant;
}

} // namespace

void roll_up(run_result& r) {
    const model::profile& p = *r.prof;
    r.requirements.clear();
    r.classes.clear();
    r.testcase_counts.clear();
    r.requirement_counts.clear();
    r.testcase_advisory = r.requirement_advisory = 0;
    for (auto& tc : r.testcases) {
        mark_advisory(tc, p);
        if (tc.advisory)
            ++r.testcase_advisory;
        else
            ++r.testcase_counts[tc.v];
    }
    for (const auto& req : p.requirements) {
        requirement_result rr = requirement_of(req, r);
        if (is_advisory(rr))
            ++r.requirement_advisory;
        else
            ++r.requirement_counts[rr.v];
        r.requirements.push_back(std::move(rr));
    }
    for (const auto& c : p.classes)
        r.classes.push_back(class_of(c, r));
    run_verdict_of(r);
}

} // namespace konform::run
