#pragma once

#include "fault_table.hpp"

#include <string>
#include <vector>

namespace konform::reference::oio {

// The OIO reference system's injectable non-conformances, one switch each. The correct
// system has every switch off; `--fault NAME` turns one on.
struct fault_switches {
    bool unknown_uuid_200 = false;
    bool deleted_404 = false;
    bool deleted_still_searchable = false;
    bool passivated_hidden = false;
    bool ignore_virkning = false;
    bool mixed_time_accepted = false;
    bool paging_off_by_one = false;
    bool paging_unsorted = false;
    bool case_sensitive_search = false;
    bool case_sensitive_params = false;
    bool extra_properties_accepted = false;
    bool missing_tilstande_accepted = false;
    bool bad_urn_accepted = false;
    bool max_items_ignored = false;
    bool empty_body_201 = false;
    bool patch_replaces = false;
    bool import_wrong_livscyklus = false;
    bool mangle_danish = false;
    bool unknown_params_ignored = false;
    bool two_uuids_search_accepted = false;
    bool malformed_json_500 = false;
    bool wrong_content_type = false;
    bool token_not_checked = false;
    bool publiceret_invalid_accepted = false;
    bool relation_search_ignored = false;
};

// Every fault: its name, the requirements a correct suite must then fail, what it does,
// and its switch.
const std::vector<fault_row<fault_switches>>& fault_table();

} // namespace konform::reference::oio
