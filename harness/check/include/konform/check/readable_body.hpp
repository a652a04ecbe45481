#pragma once

#include <string>
#include <string_view>

namespace konform::check {

// A response or request body as a person reads it in a report: XML and JSON indented
// (a SOAP envelope on one line becomes one element per line), anything else as it is.
// Bodies over 64 KiB and text that does not parse are left as they are. The caller
// redacts secrets in the result (indenting can turn "\u0073..." into the letters).
std::string readable_body(std::string_view body);

} // namespace konform::check
