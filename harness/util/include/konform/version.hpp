#pragma once

namespace konform {

// The harness version, written into every report.
inline constexpr const char* version = "0.1.0";

} // namespace konform
