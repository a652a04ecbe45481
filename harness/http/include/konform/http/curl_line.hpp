#pragma once

#include "konform/http/message.hpp"

#include <string>
#include <vector>

namespace konform::http {

// A shell command line that reproduces a request with curl. Shell placeholders for
// secrets ("${ORG_TOKEN}", "$(cat f)") that appear in the request are left for the shell
// to expand; everything else is single-quoted.
std::string curl_line(const request& req, const std::vector<std::string>& placeholders,
                      bool insecure = false);

} // namespace konform::http
