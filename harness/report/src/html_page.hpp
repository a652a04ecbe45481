#pragma once

#include <string>

// What konform's HTML pages share (report.html, the diff page): one look, one escaping.
namespace konform::report::detail {

// Escaped for HTML, with control and bidi characters shown as escapes: a Server header
// holding U+202E must not make "evil" read as "live" on a certificate.
std::string esc(const std::string& s);

// A verdict as a coloured badge.
std::string badge(const std::string& verdict);

// The pages' stylesheet, print rules included.
extern const char* const page_style;

} // namespace konform::report::detail
