#pragma once

#include "interpreter.hpp"
#include "step_policy.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace konform::run::detail {

// Where one test case stands while it runs: its variables, its phase, and whether it has
// stopped (a step did not pass) and with which verdict the steps not reached take.
struct interpreter::state {
    const model::testcase* tc = nullptr;
    testcase_result* result = nullptr;
    testcase_stream* out = nullptr;
    variables vars;
    bool stopped = false;
    verdict stop_verdict = verdict::inconclusive;
    bool reached = false;     // some exchange got an answer
    bool unreachable = false; // some exchange could not reach the system at all
    bool interrupted = false; // the run was interrupted: nothing more is sent
    step_phase ph = step_phase::main;
    int iteration = -1; // the row index inside a for_each
    std::string row;    // the row's label inside a for_each
    // The step that last captured each variable, for the story of a failure.
    std::map<std::string, std::string, std::less<>> captured_by;

    bool cleanup() const { return ph == step_phase::cleanup; }
    bool proving() const { return ph == step_phase::main; }
};

// The variable a for_each over a template starts from ("created" in "{{created}}"), if the
// template is one placeholder.
std::optional<std::string> loop_variable(const model::loop_source& src);

// Sets variables for a while (a fragment's parameters, a loop's row) and puts back what
// they were when it ends.
class variable_scope {
public:
    explicit variable_scope(variables& vars) : vars_(vars) {}
    ~variable_scope();
    variable_scope(const variable_scope&) = delete;
    variable_scope& operator=(const variable_scope&) = delete;
    void set(const std::string& name, nlohmann::json value);

private:
    variables& vars_;
    std::vector<std::pair<std::string, std::optional<nlohmann::json>>> saved_;
};

} // namespace konform::run::detail
