#pragma once

#include "konform/http/exchange.hpp"
#include "konform/model/profile.hpp"
#include "konform/model/target.hpp"
#include "konform/run/verdict.hpp"

#include <chrono>
#include <cstddef>
#include <map>
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
    std::string actual;
    std::string explanation;
    std::size_t exchange = no_exchange; // index into run_result::exchanges
};

struct step_result {
    std::string name;
    std::string pointer;
    int iteration = -1; // row index inside a for_each, else -1
    verdict v = verdict::pass;
    std::size_t exchange = no_exchange;
    std::vector<assertion_result> assertions;
    std::string message; // why the step could not be judged, if so
    bool cleanup = false;
};

struct testcase_result {
    std::string id;
    std::string title;
    std::string cls;
    std::string file; // relative to the profile folder
    std::vector<std::string> verifies;
    verdict v = verdict::pass;
    std::string reason; // for inapplicable, skipped, error and inconclusive
    std::vector<step_result> steps;
    double duration_ms = 0;
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

// An exchange as it is kept: secrets already replaced by placeholders, with the curl
// command line that reproduces the request.
struct recorded_exchange {
    http::exchange x;
    std::string curl;
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
    const model::profile* prof = nullptr;
    const model::target* tgt = nullptr;
    std::chrono::system_clock::time_point started;
    std::chrono::system_clock::time_point finished;
    std::vector<testcase_result> testcases;
    std::vector<requirement_result> requirements;
    std::vector<class_result> classes;
    std::vector<recorded_exchange> exchanges;
    system_binding binding;
    run_verdict overall = run_verdict::incomplete;
    std::string incomplete_reason;
    bool interrupted = false;
    std::map<verdict, int> testcase_counts;
    std::map<verdict, int> requirement_counts;
};

} // namespace konform::run
