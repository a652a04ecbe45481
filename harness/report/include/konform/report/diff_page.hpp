#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace konform::report {

// The HTML page of `konform diff --html`: one self-contained file in report.html's style,
// made from the comparison `konform diff --json` prints (certified, new, outcome,
// regressed, fixed, changed, not_checked, new_requirements, drift).
std::string diff_html(const nlohmann::json& comparison);

} // namespace konform::report
