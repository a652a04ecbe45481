#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace konform::report {

// report.html: one self-contained file (no external assets) with a certificate section
// (profile, tested system and its fingerprint, verdict, date, signer key id, how to
// verify), per-class and per-requirement tables, every failure with expected versus
// actual, request and response excerpts and the curl line, filtering by verdict (also
// from the URL: report.html#fail), and a print stylesheet. Made from the finished
// report document and the evidence, so it can be rendered again from the files alone.
std::string to_html(const nlohmann::json& report, const nlohmann::json& evidence);

} // namespace konform::report
