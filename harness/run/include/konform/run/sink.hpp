#pragma once

#include "konform/run/result.hpp"

#include <cstddef>

namespace konform::run {

// Receives a run's details while it runs, in test-case order whatever the number of
// parallel jobs, so reports can be written as a stream and memory does not grow with the
// run. Exchange N is the N-th exchange() call; steps and failures name exchanges by that
// index.
class sink {
public:
    virtual ~sink() = default;
    // An exchange, with secrets already replaced by placeholders.
    virtual void exchange(const http::exchange&, const std::string& /*testcase*/) {}
    // A step of test case `index`, in order.
    virtual void step(std::size_t /*index*/, const step_result&) {}
    // A second of a load under way in test case `testcase`: what it sent and measured so far.
    virtual void load_second(const std::string& /*testcase*/, const nlohmann::json& /*tick*/) {}
    // Test case `index` of `total` is complete (all its steps and exchanges were given).
    virtual void testcase(std::size_t /*index*/, std::size_t /*total*/, const testcase_result&,
                          const run_result& /*so_far*/) {}
};

} // namespace konform::run
