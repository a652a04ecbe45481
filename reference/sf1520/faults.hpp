#pragma once

#include "system.hpp"

#include <string>
#include <vector>

namespace konform::reference::sf1520 {

// The PersonLookup reference system's injectable non-conformances, one switch each. The
// correct system has every switch off; `--fault NAME` turns one on.
struct fault_switches {
    bool children_missing_when_zero = false;
    bool wrong_namespace = false;
    bool fault_without_error_list = false;
    bool fault_200 = false;
    bool client_certificate_not_required = false;
    bool modulus11_refused = false;
    bool danish_mangled = false;
    bool soap12_content_type = false;
    bool soap_action_ignored = false;
    bool elements_out_of_order = false;
    bool invocation_context_optional = false;
    bool service_uuid_ignored = false;
    bool unknown_person_empty = false;
    bool malformed_pnr_accepted = false;
};

// Every fault: its name, the requirements a correct suite must then fail, what it does,
// and its switch. The one table the reference system, --list-faults and the tests read.
struct fault_row {
    fault info;
    bool fault_switches::*on;
};
const std::vector<fault_row>& fault_table();

// The switches for `name` ("" for the correct system).
fault_switches switches_for(const std::string& name);

} // namespace konform::reference::sf1520
