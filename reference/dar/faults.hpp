#pragma once

#include "fault_table.hpp"

namespace konform::reference::dar {

// The DAR GraphQL service's injectable non-conformances, one switch each.
struct fault_switches {
    bool status_nullable = false;
    bool first_required = false;
    bool starts_with_undeclared = false;
    bool eq_ignored = false;
    bool starts_with_as_contains = false;
    bool status_filter_ignored = false;
    bool cursor_repeats = false;
    bool first_not_honoured = false;
    bool page_info_incomplete = false;
    bool virkningstid_ignored = false;
    bool registreringstid_ignored = false;
    bool errors_as_500 = false;
    bool errors_with_data = false;
    bool errors_without_locations = false;
    bool auth_not_required = false;
    bool danish_mangled = false;
    bool dawa_status_codes = false;
    bool kommune_row_missing = false;
    bool null_node = false;
};

const std::vector<fault_row<fault_switches>>& fault_table();

} // namespace konform::reference::dar
