#pragma once

#include "system.hpp"

namespace konform::reference::sf1520 {

// The reference system of profiles/sf1520-cpr-personlookup: Serviceplatformen's CPR
// PersonBaseDataExtended 4 PersonLookup over SOAP 1.1, serving the profile's certification
// data set, behind mutual TLS (the server is set up by the caller), with the injectable
// faults of faults.hpp.
system_info person_lookup_system();

inline constexpr const char* service_path = "/service/CPR/PersonBaseDataExtended/4";
inline constexpr const char* soap_action =
    "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/PersonLookup";
inline constexpr const char* service_uuid = "e6be2436-bf35-4df2-83fe-925142825dc2";

} // namespace konform::reference::sf1520
