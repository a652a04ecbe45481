#pragma once

#include "fault_table.hpp"

#include <string>
#include <vector>

namespace konform::reference::sf1520 {

// The PersonLookup reference system's injectable non-conformances, one switch each. The
// correct system has every switch off; `--fault NAME` turns one on.
struct fault_switches {
    bool children_missing_when_zero = false;
    bool wrong_namespace = false;
    bool fault_without_detail = false;
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
    bool long_pnr_truncated = false;
    bool birth_date_as_date_time = false;
    bool protection_dropped = false;
    bool protection_flags_swapped = false;
    bool inactive_unknown = false;
    bool status_always_active = false;
    bool emigration_missing = false;
    bool current_number_missing = false;
    bool parents_missing = false;
    bool children_missing = false;
    bool custody_missing = false;
    bool authority_context_refused = false;
};

// Every fault: its name, the requirements a correct suite must then fail, what it does,
// and its switch.
const std::vector<fault_row<fault_switches>>& fault_table();

} // namespace konform::reference::sf1520
