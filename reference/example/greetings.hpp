#pragma once

#include "system.hpp"

namespace konform::reference::example {

// The reference system of profiles/example: a small greetings API with a JSON interface,
// a SOAP 1.1 lookup, and bearer-token authentication ("example-token").
system_info greetings_system();

inline constexpr const char* token = "example-token";

} // namespace konform::reference::example
