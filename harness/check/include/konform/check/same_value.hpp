#pragma once

#include "konform/model/predicates.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace konform::check {

// The one equality every check of a value asks (`equals`, `not_equals`, `one_of`,
// `contains` in an array, `count`, and each field of `rows`): the expected value's JSON
// type is the contract.
// - Values of one type compare as JSON does (1 and 1.0 are equal numbers).
// - An expected number equals text (a header, an XPath result, a CSV answer's cell) that
//   writes the same number in plain decimal: "825" and "-1.50" do; "0825", " 1", "+1",
//   "0x1", "1e0" and "1." do not.
// - An expected boolean equals the text "true" or "false".
// - Expected text never equals a number: the data set's "0825" is not 825. A data set
//   that means a number declares its column's type (profile.json "types").
bool same_value(const nlohmann::json& actual, const nlohmann::json& expected);

// How a predicate object reads the values it compares, from its modifiers: "as" (the
// contract's type, model::value_type), "within" (numbers agree to within this, absolute)
// and "decimals" (within 10^-n). Nested predicates (each, some, count) read as their
// parent does unless they say otherwise.
struct reading {
    model::value_type as = model::value_type::json;
    std::optional<double> within;

    static reading of(const nlohmann::json& predicates);
    static reading of(const nlohmann::json& predicates, const reading& outer);
    // " (as date)", " (within 1e-07)", "" for the default: shown after what was expected.
    std::string describe() const;
    bool plain() const { return as == model::value_type::json && !within; }
};

// same_value as this reading compares: with "as", both sides are read as the type's lexical
// form (text, or a JSON number for integer and decimal) and compare as values; a side that
// is not of the type equals nothing. With "within", numbers (at any depth of arrays and
// objects of the same shape) are equal when they differ by at most the tolerance.
bool same_value(const nlohmann::json& actual, const nlohmann::json& expected, const reading& how);

// Orders the two values as this reading does for lt, le, gt and ge: numbers numerically,
// two strings lexicographically (ISO dates) unless "as" names a type, then as that type.
// Nothing when they cannot be ordered.
std::optional<int> order_values(const nlohmann::json& actual, const nlohmann::json& expected,
                                const reading& how);

// The number that text writes in plain decimal (-?(0|[1-9][0-9]*)(\.[0-9]+)?), else none.
std::optional<double> decimal_number(std::string_view text);

} // namespace konform::check
