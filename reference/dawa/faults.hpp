#pragma once

#include "fault_table.hpp"

#include <string>
#include <vector>

namespace konform::reference::dawa {

// The address register's injectable non-conformances, one switch each. The correct system
// has every switch off; `--fault NAME` turns one on.
struct fault_switches {
    bool kommune_row_missing = false;
    bool paging_limit_not_enforced = false;
    bool per_side_default_10 = false;
    bool paging_overlap = false;
    bool csv_without_header = false;
    bool geojson_without_crs = false;
    bool danish_mangled_in_csv = false;
    bool ndjson_lf = false;
    bool error_body_shape = false;
    bool historic_as_current = false;
    bool unknown_id_200 = false;
    bool malformed_uuid_400 = false;
    bool json_without_charset = false;
    bool doer_param_ignored = false;
    bool postnr_range_unchecked = false;
    bool jsonp_as_json = false;
    bool postnumre_incomplete = false;
    bool status_filter_ignored = false;
    bool valider_ignored = false;
    bool q_ignored = false;
    bool autocomplete_case_sensitive = false;
    bool henlagt_listed = false;
    bool stormodtagere_listed = false;
    bool geojson_coordinates_shifted = false;
};

// Every fault: its name, the requirements a correct suite must then fail, what it does,
// and its switch.
const std::vector<fault_row<fault_switches>>& fault_table();

} // namespace konform::reference::dawa
