#pragma once

#include "konform/http/exchange.hpp"

#include <ostream>
#include <string>

namespace konform::report {

// `konform run --trace`: every exchange printed in full as it happens (request line,
// headers, body; status, headers, body), bodies indented and at most 64 KiB each. The
// exchange comes already redacted; the text goes through util::visible, so nothing the
// system sends can rewrite the terminal.
void trace_exchange(std::ostream& out, const http::exchange& x, const std::string& testcase);

} // namespace konform::report
