#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace konform::report::detail {

// What the replay knows of the values its steps captured again from live answers.
struct live_values {
    // A recorded captured text -> the shell variable holding the live text.
    std::map<std::string, std::string> texts;
    // A captured variable ("all") -> the shell variable holding its live value as JSON.
    std::map<std::string, std::string> json;
};

// An expectation konform failed, written again as a bash line the replay runs after the
// step's response is printed: `expect 'what' jq ...`, whose jq program holds exactly when
// the expectation does. Values a step captured are not taken as recorded: an expected
// value written as a template over a captured variable (`{{all | slice(2, 5)}}`) is
// computed again in jq from the live capture, and a recorded captured text inside an
// expected value becomes the live text. Checked: status, a header, a JSON Pointer of the
// JSON body and the body as text, with every predicate but rows. Nothing for anything
// else, or for a template it cannot compute again.
std::optional<std::string> check_line(const std::string& subject, const nlohmann::json& check,
                                      const std::string& what, const live_values& live);

// The lines a replay script starts with to count checks (`expect`), and ends with: exit 1
// while a failure reproduces, 0 once every checked expectation holds, 2 when none could
// be checked.
std::string check_prelude();
std::string check_verdict();

} // namespace konform::report::detail
