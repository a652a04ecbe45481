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

// Parses JSON text, rejecting duplicate member names (which make a signature ambiguous)
// and nesting deeper than max_json_depth. Throws std::invalid_argument with the reason.
nlohmann::json parse_strict(std::string_view text);

// The deepest nesting konform reads: no real document comes near it, and nothing
// recursive (printing, comparing, validating) ever walks a deeper one.
inline constexpr std::size_t max_json_depth = 512;

// Thrown by parse_json for a document nested deeper than its limit.
struct json_too_deep : std::invalid_argument {
    json_too_deep() : std::invalid_argument("nests deeper than 512 levels") {}
};

// The most values (objects, arrays, strings, numbers, literals) one document may hold by
// default: a value costs up to ~100 bytes in memory however short its text ("{}" is 2
// bytes), so this bounds a parsed document near 100 MB.
inline constexpr std::size_t default_max_json_values = 1'000'000;

// Thrown by parse_json for a document with more values than its limit.
struct json_too_large : std::invalid_argument {
    explicit json_too_large(std::size_t limit)
        : std::invalid_argument("holds more than " + std::to_string(limit) + " values") {}
};

// Parses JSON text in linear time, refusing nesting deeper than max_json_depth
// (json_too_deep) and more than max_values values (json_too_large); syntax errors throw
// nlohmann::json::parse_error as json::parse does. With `comments`, // and /* */
// comments are read as white space (JSON with comments, as konform's own files allow).
enum class json_comments { refused, allowed };
nlohmann::json parse_json(std::string_view text, std::size_t max_values = default_max_json_values,
                          json_comments comments = json_comments::refused);

} // namespace konform::util
