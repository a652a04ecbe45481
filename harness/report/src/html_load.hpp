#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace konform::report::detail {

// The service levels of every load of a report (report.json's head): a table of levels and
// two inline SVG charts each (latency over time, the percentile curve). No script, no CDN.
std::string load_section(const nlohmann::json& report);

} // namespace konform::report::detail
