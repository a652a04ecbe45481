#pragma once

#include "konform/http/curl_line.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace konform::report {

struct repro_options {
    std::string testcase;    // its id
    std::string base_url;    // replaces the recorded target URL ("" keeps it)
    bool cleanup = true;     // false (--no-cleanup): the cleanup steps are left out
    http::curl_tls tls;      // the target's CA and client certificate, as curl takes them
    std::string report_name; // shown in the script's head
};

// A bash script that replays one test case of a written report against a system: its
// setup, steps and cleanup in order, each request as recorded in the evidence (secrets as
// the environment variables the evidence names, "${ORG_TOKEN}"), printing each response.
// A value a step captured is taken again from the live response (jq for JSON, the header
// for a whole header value) and put where the recorded requests used it; a value it cannot
// find is replayed as recorded, and the script says so. The step konform judged first not
// to pass is marked with what konform expected. Throws std::invalid_argument for an
// unknown test case or a report without it.
std::string repro_script(const nlohmann::json& report, const nlohmann::json& evidence,
                         const repro_options& opt);

} // namespace konform::report
