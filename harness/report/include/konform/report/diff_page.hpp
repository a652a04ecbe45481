#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace konform::report {

// The HTML page of `konform diff --html`: one self-contained file in report.html's style,
// made from the comparison `konform diff --json` prints (certified, new, outcome,
// regressed, fixed, changed, not_checked, new_requirements, drift). Each regressed
// requirement shows its text and why it failed, and links its failing test case in the new
// report's page at `new_report_page` (a relative URL; none when empty).
std::string diff_html(const nlohmann::json& comparison, const std::string& new_report_page = {});

} // namespace konform::report
