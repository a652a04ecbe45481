#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace konform::check {

// The outcome of one check: whether it held, and what was expected and found, in words a
// vendor reads in a failure report.
struct outcome {
    bool passed = false;
    std::string expected;
    std::string actual;
    std::string explanation; // set when the value could not be judged as asked
};

// Evaluates an object of predicates (all must hold) against a value that may be missing.
// Predicates: equals, not_equals, matches, not_matches, exists, absent, type, one_of,
// lt, le, gt, ge, contains, count, each, some. See docs/writing-profiles.md.
outcome evaluate_predicates(const nlohmann::json& predicates,
                            const std::optional<nlohmann::json>& actual);
// The same, on a value in place (nullptr: missing): nothing is copied. With
// `describe_held` false, an outcome that held says only that (no expected or actual text:
// a load's sample needs the verdict, and the words only for a failure).
outcome evaluate_predicates(const nlohmann::json& predicates, const nlohmann::json* actual,
                            bool describe_held = true);

// A value as shown in reports: strings as JSON strings, long values shortened.
std::string show(const std::optional<nlohmann::json>& value, std::size_t max = 200);

} // namespace konform::check
