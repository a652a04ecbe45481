#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace konform::util {

// Escapes &, <, >, " and ' for XML and HTML text and attribute values.
std::string xml_escape(std::string_view text);

// ISO 8601 in UTC with milliseconds: "2026-11-26T14:54:12.345Z".
std::string iso8601(std::chrono::system_clock::time_point t);

} // namespace konform::util
