#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace konform::util {

// RFC 8785 JSON Canonicalization Scheme: no white space, object members sorted by their
// names' UTF-16 code units, strings with minimal escaping, numbers as ECMAScript prints
// them (shortest round trip: 1 not 1.0, 1e+23, -0 as 0). Throws std::invalid_argument
// for values JSON cannot carry (NaN, infinity).
std::string canonicalize(const nlohmann::json& value);

// Appends `s` as an RFC 8785 JSON string (quoted, minimal escaping); bytes that are not
// valid UTF-8 become U+FFFD, so the text is always valid JSON.
void append_string(std::string& out, std::string_view s);

// ECMAScript Number::toString of a double.
std::string ecmascript_number(double d);

// Parses JSON text, rejecting duplicate member names (which make a signature ambiguous).
// Throws std::invalid_argument with the reason.
nlohmann::json parse_strict(std::string_view text);

} // namespace konform::util
