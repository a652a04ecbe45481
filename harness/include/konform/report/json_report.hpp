#pragma once

#include "konform/run/result.hpp"

#include <nlohmann/json.hpp>

namespace konform::report {

// The report document (described by reports/report.schema.json).
nlohmann::json to_json(const run::run_result& r);

} // namespace konform::report
