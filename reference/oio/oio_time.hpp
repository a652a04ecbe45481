#pragma once

#include <limits>
#include <optional>
#include <string>

namespace konform::reference::oio {

inline constexpr double infinity = std::numeric_limits<double>::infinity();

// Parses the time forms OIO REST accepts: "infinity", "-infinity", a date ("2015-01-01"),
// or a date and time with optional fractions and offset ("2015-01-01T10:00:00+01:00",
// "2015-01-01 10:00:00Z"). Returns seconds since the epoch (UTC).
std::optional<double> parse_time(const std::string& text);

// "2015-01-01T09:00:00+00:00", or "infinity" / "-infinity".
std::string format_time(double t);

// The current time, strictly increasing between calls (registrations need an order).
double now_unique();

} // namespace konform::reference::oio
