#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace konform::util {

// Escapes &, <, >, " and ' for XML and HTML text and attribute values.
std::string xml_escape(std::string_view text);

// `s` with every byte sequence that is not valid UTF-8 replaced by U+FFFD.
std::string valid_utf8(std::string_view s);

// `s` as text XML 1.0 allows: valid UTF-8, with the C0 controls other than tab, line
// feed and carriage return, and U+FFFE and U+FFFF, replaced by U+FFFD. For whole
// documents made with bytes from the system under test (junit.xml, report.html).
std::string xml_safe(std::string_view s);

// `s` safe to show to a person on a terminal or a page: valid UTF-8, line feeds and tabs
// kept, every other control character (C0, DEL, C1: escape sequences, carriage returns)
// and every bidirectional-text control (U+202E and its kin, which make "evil" read as
// "live") written as a visible escape ("\x1b", "\u202e").
std::string visible(std::string_view s);

// Every string (and member name) inside `j` made valid UTF-8, so that what is signed and
// what is written are the same bytes.
void sanitize_utf8(nlohmann::json& j);

// `s` as one POSIX shell word that expands to nothing else: single-quoted, with each
// single quote written as '\''.
std::string shell_quote(std::string_view s);

// `s` with the ASCII letters in upper case ("fail" -> "FAIL"); other bytes as they are.
std::string ascii_upper(std::string_view s);

// ISO 8601 in UTC with milliseconds: "2026-11-26T14:54:12.345Z".
std::string iso8601(std::chrono::system_clock::time_point t);

} // namespace konform::util
