#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

namespace konform::check {

// A body that is not what its format says; the message says where (row, line).
struct format_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// CSV with a header row (RFC 4180: quoted cells, doubled quotes, CRLF or LF; a UTF-8 byte
// order mark is skipped): an array of objects, the header's names as keys, every cell a
// string. A row with more or fewer cells than the header, or more than `max_values` cells in
// all, is a format_error.
nlohmann::json csv_records(std::string_view body, std::size_t max_values);

// Newline-delimited JSON: an array of each line's value. Lines end in LF or CRLF; one
// final line end is allowed, an empty line elsewhere is a format_error.
nlohmann::json ndjson_values(std::string_view body, std::size_t max_values);

// JSONP: the JSON value inside `callback(...)` (an optional `;` after it). The callback's name
// must be JavaScript-safe ([$_A-Za-z0-9.]).
nlohmann::json jsonp_value(std::string_view body, std::size_t max_values);

} // namespace konform::check
