#pragma once

#include "system.hpp"

namespace konform::reference::oio {

// The reference system of profiles/oio-rest-organisation: OIO REST Organisation and
// Klassifikation with an in-memory bitemporal store (registrations, virkning periods,
// livscykluskode), bearer-token authentication ("oio-demo-token") and the injectable faults of
// faults.hpp.
system_info organisation_system();

inline constexpr const char* token = "oio-demo-token";

// An organisation unit the system holds from the start (brugervendtnoegle
// "konform-existing-unit"), as a live LoRA holds its municipality's units: the example
// target names it as parameter existing_unit, for the read-only TC-ORG-EXISTING-001.
inline constexpr const char* existing_unit = "5b6a2f1e-8c1d-4e0a-9f3b-2d7c4a1e6b90";

} // namespace konform::reference::oio
