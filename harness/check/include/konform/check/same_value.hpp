#pragma once

#include <nlohmann/json.hpp>
#include <optional>
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

// The number that text writes in plain decimal (-?(0|[1-9][0-9]*)(\.[0-9]+)?), else none.
std::optional<double> decimal_number(std::string_view text);

} // namespace konform::check
