#pragma once

#include "system.hpp"

namespace konform::reference::oio {

// The reference system of profiles/oio-rest-organisation: OIO REST Organisation and
// Klassifikation with an in-memory bitemporal store (registrations, virkning periods,
// livscykluskode), bearer-token authentication ("oio-demo-token") and the injectable faults of
// faults.hpp.
system_info organisation_system();

inline constexpr const char* token = "oio-demo-token";

} // namespace konform::reference::oio
