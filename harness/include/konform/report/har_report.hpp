#pragma once

#include "konform/run/result.hpp"

#include <string>

namespace konform::report {

// Evidence: every exchange of the run as HAR 1.2, in the order they happened; entry N is
// the exchange that report assertions name as "exchange": N. Secrets were replaced by
// placeholders when the exchanges were recorded; cookies are redacted here too.
std::string to_har(const run::run_result& r);

} // namespace konform::report
