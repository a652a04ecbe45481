#pragma once

#include "konform/run/result.hpp"

#include <nlohmann/json.hpp>

namespace konform::report {

// The report document (described by reports/report.schema.json).
nlohmann::json to_json(const run::run_result& r);

// ISO 8601 UTC with milliseconds.
std::string iso8601(std::chrono::system_clock::time_point t);

} // namespace konform::report
