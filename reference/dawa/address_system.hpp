#pragma once

#include "system.hpp"

namespace konform::reference::dawa {

// The reference system of profiles/dawa-adresser: a DAWA-compatible address register
// (/adresser, /adgangsadresser, /postnumre) serving the profile's certification data set in
// JSON (flat and nested), CSV, GeoJSON, NDJSON and JSONP, with DAWA's paging and error
// bodies, and the injectable faults of faults.hpp.
system_info address_system();

} // namespace konform::reference::dawa
