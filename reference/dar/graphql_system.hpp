#pragma once

#include "system.hpp"

namespace konform::reference::dar {

// The reference system of profiles/datafordeler-dar: DAR's entities (DAR_Adresse,
// DAR_Husnummer, DAR_NavngivenVej, DAR_Postnummer) over GraphQL at /DAR/v3, serving the
// profile's certification data set bitemporally, with cursor paging, eq/in/startsWith/neq
// filters, an API key (apiKey=konform-example-key) and introspection; the faults of
// faults.hpp.
system_info graphql_system();

} // namespace konform::reference::dar
