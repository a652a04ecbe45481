#pragma once

#include "konform/run/result.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace konform::report {

// report.html: one self-contained file (no external assets) with a certificate section
// (profile, tested system and its fingerprint, verdict, date, signer key id, how to
// verify), per-class and per-requirement tables, every failure with expected versus
// actual, request and response excerpts and the curl line, filtering by verdict (also
// from the URL: report.html#fail), and a print stylesheet. Made from the report document
// (its steps are not needed) and a list of failures, each
// {testcase, file, pointer, verdict, proves, expected, actual, explanation, exchange,
//  curl, request, response}.
std::string to_html(const nlohmann::json& report, const nlohmann::json& failures);

// The failures of a finished run, with their excerpts.
nlohmann::json failures_of(const run::run_result& r);

// The failures of a written report and its evidence, to render the page again from the
// files alone (after `konform sign`).
nlohmann::json failures_from_files(const nlohmann::json& report, const nlohmann::json& evidence);

} // namespace konform::report
