#pragma once

#include "konform/http/exchange.hpp"
#include "konform/model/profile.hpp"
#include "konform/model/target.hpp"
#include "konform/run/verdict.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace konform::run {

inline constexpr std::size_t no_exchange = static_cast<std::size_t>(-1);

struct assertion_result {
    std::string pointer; // where the assertion stands in its test-case file
    std::string subject;
    std::string description;
    std::vector<std::string> proves;
    verdict v = verdict::pass;
    std::string expected;
    // The expectation as written, when it names variables ("equals {{all.2}}"), with the
    // step that captured each variable: how the expected value came to be.
    std::string expected_template;
    std::string actual;
    std::string explanation;
    std::size_t exchange = no_exchange; // index of the exchange in the run's evidence
    std::string step;                   // the step's rendered name
    std::string row;                    // inside a for_each: "row 3: {...}"
    unjudged why = unjudged::none;      // set when it was not judged on an answer
    // An expectation that did not pass, as it was judged (its templates rendered, secrets
    // redacted): {"selector": ..., "predicates": {...}}, for a script that checks it again.
    // Null when it passed, or when it is too large or a rows comparison.
    nlohmann::json check;
};

// A value a step captured, as the story and report.json show it.
struct captured_value {
    std::string variable; // "all", or "created[3]" for an appended one
    std::string value;    // redacted, at most 200 characters shown
    std::string pointer;  // a JSON capture's pointer, rendered: a replay takes it again
};

struct step_result {
    std::string name;
    std::string pointer;
    int iteration = -1; // row index inside a for_each, else -1
    std::string row;    // the row's values, inside a for_each
    verdict v = verdict::pass;
    std::size_t exchange = no_exchange;
    std::string method, url; // the request, when one was sent
    std::optional<int> status;
    double duration_ms = 0;
    std::vector<assertion_result> assertions;
    std::string message; // why the step could not be judged, if so
    std::string curl;    // repeats the request, when an assertion of the step failed
    // What the step captured, in order.
    std::vector<captured_value> captures;
    bool cleanup = false;
    bool setup = false;
    unjudged why = unjudged::none; // set when the step was not judged on an answer
    // A load step's figures (load::recorder::to_json, with the plan): null for other steps.
    nlohmann::json load;
};

// What the console, JUnit and HTML show of a failed exchange: request and response
// excerpts and the curl line that repeats the request.
struct exchange_excerpt {
    std::size_t exchange = no_exchange;
    std::string request;
    std::string response;
    std::string curl;
};

// A test case's outcome as it is kept in memory for the whole run. Its steps in full go
// to the run's sink as they happen (report.json); only what the summaries need stays:
// per-requirement verdicts, and the failing assertions with their evidence (capped).
struct testcase_result {
    std::string id;
    std::string title;
    std::string cls;
    std::string file; // relative to the profile folder
    std::vector<std::string> verifies;
    verdict v = verdict::pass;
    bool advisory = false; // failed, but only SHOULD or MAY requirements (mark_advisory)
    std::string reason;    // for inapplicable, skipped, error and inconclusive
    double duration_ms = 0;
    // Worst verdict of the (non-cleanup) assertions that prove each requirement.
    std::map<std::string, verdict> proven;
    std::vector<assertion_result> failures; // fail and error assertions, at most max_failures
    std::size_t failures_omitted = 0;
    std::vector<exchange_excerpt> evidence; // the exchanges `failures` name
    // With --keep-data: the cleanup requests not sent ("DELETE https://..."), what the test
    // case left in the system.
    std::vector<std::string> kept;
    bool interrupted = false; // the run was interrupted while this test case ran
    std::size_t step_count = 0;
    std::size_t exchange_count = 0;
    // The story of a test case that did not pass: every step in order (setup, steps,
    // cleanup; assertions left out, they are in `failures` and report.json), at most
    // max_story. Emptied once a test case passes.
    std::vector<step_result> story;
    std::size_t story_omitted = 0;
    // Each load step's figures for the report's pages (levels, percentile curve, seconds;
    // the histogram stays in the step): a few KB a load.
    std::vector<nlohmann::json> loads;

    // The excerpt of an exchange a failure names, if kept.
    const exchange_excerpt* excerpt_of(std::size_t exchange) const {
        for (const auto& e : evidence)
            if (e.exchange == exchange) return &e;
        return nullptr;
    }

    static constexpr std::size_t max_failures = 50;
    static constexpr std::size_t max_story = 200;
};

struct requirement_result {
    const model::requirement* req = nullptr;
    verdict v = verdict::inconclusive;
    std::vector<std::string> testcases; // test cases that verify it
    std::string reason;
};

struct class_result {
    const model::conformance_class* cls = nullptr;
    bool applicable = false; // mandatory or claimed
    verdict v = verdict::inconclusive;
};

// An exchange as it is kept in the evidence: secrets already replaced by placeholders.
struct recorded_exchange {
    http::exchange x;
    std::string testcase;
};

// Facts that bind a run to the system that was tested.
struct system_binding {
    std::string url;
    std::string remote_address;
    std::string server_header;
    std::optional<http::tls_facts> tls;
};

struct run_result {
    // The profile and target the run used, owned by the result: `prof` and `tgt` point into
    // them, so a result outlives whatever it was made from. A partial run's profile holds
    // only the selected test cases.
    std::shared_ptr<const model::profile> profile_held;
    std::shared_ptr<const model::target> target_held;
    const model::profile* prof = nullptr;
    const model::target* tgt = nullptr;
    std::chrono::system_clock::time_point started;
    std::chrono::system_clock::time_point finished;
    std::vector<testcase_result> testcases;
    std::vector<requirement_result> requirements;
    std::vector<class_result> classes;
    std::size_t exchange_count = 0;
    system_binding binding;
    run_verdict overall = run_verdict::incomplete;
    std::string incomplete_reason; // also why a run is partial
    bool interrupted = false;
    // A partial run: what was selected ("--only A, B"), how many test cases the profile
    // has, and the worst verdict of the selected ones.
    std::string selection;
    bool production = false; // a production verification: read-only test cases only
    // The placeholders that stand for the run's secrets in everything written
    // ("${ORG_TOKEN}"): report.json lists them, and only these are expanded by a repro
    // script; text of the same shape that the system sent stays text.
    std::vector<std::string> placeholders;
    std::size_t profile_testcases = 0;
    verdict selected_outcome = verdict::pass;
    int jobs = 1;
    std::map<verdict, int> testcase_counts; // advisory ones apart:
    int testcase_advisory = 0;
    int requirement_advisory = 0;
    std::map<verdict, int> requirement_counts;
};

} // namespace konform::run
