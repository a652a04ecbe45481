#include "faults.hpp"

namespace konform::reference::oio {

const std::vector<fault_row>& fault_table() {
    static const std::vector<fault_row> table = {
        {{"unknown-uuid-200",
          {"ORG-READ-404"},
          "answers 200 with an empty body for an unknown uuid"},
         &fault_switches::unknown_uuid_200},
        {{"deleted-404", {"ORG-DELETE-410"}, "answers 404 instead of 410 for a deleted object"},
         &fault_switches::deleted_404},
        {{"deleted-still-searchable",
          {"ORG-DELETE-SEARCH"},
          "keeps deleted objects in search results"},
         &fault_switches::deleted_still_searchable},
        {{"passivated-hidden",
          {"ORG-PASSIVATE-SEARCH"},
          "leaves passivated objects out of searches"},
         &fault_switches::passivated_hidden},
        {{"ignore-virkning",
          {"BT-DEFAULT-NOW", "BT-VIRKNINGSTID", "BT-SEARCH-VIRKNING"},
          "ignores valid time in reads and searches"},
         &fault_switches::ignore_virkning},
        {{"mixed-time-accepted",
          {"BT-MIXED-400"},
          "accepts virkningstid together with virkningFra"},
         &fault_switches::mixed_time_accepted},
        {{"paging-off-by-one", {"PAGE-OFFSET"}, "starts foersteresultat one result early"},
         &fault_switches::paging_off_by_one},
        {{"paging-unsorted", {"PAGE-ORDER"}, "orders results by uuid, not brugervendtnoegle"},
         &fault_switches::paging_unsorted},
        {{"case-sensitive-search", {"ORG-SEARCH-CASE"}, "matches search strings case-sensitively"},
         &fault_switches::case_sensitive_search},
        {{"case-sensitive-params",
          {"ORG-SEARCH-PARAM-CASE"},
          "matches parameter names case-sensitively"},
         &fault_switches::case_sensitive_params},
        {{"extra-properties-accepted",
          {"ORG-CREATE-EXTRA"},
          "accepts properties the schema does not allow"},
         &fault_switches::extra_properties_accepted},
        {{"missing-tilstande-accepted",
          {"ORG-CREATE-REQUIRED"},
          "creates objects without attributter or tilstande"},
         &fault_switches::missing_tilstande_accepted},
        {{"bad-urn-accepted", {"ORG-CREATE-URN"}, "accepts a urn that does not start with 'urn:'"},
         &fault_switches::bad_urn_accepted},
        {{"max-items-ignored", {"ORG-CREATE-MAXITEMS"}, "accepts two items in a 0..1 relation"},
         &fault_switches::max_items_ignored},
        {{"empty-body-201", {"ORG-CREATE-EMPTY"}, "creates an object from an empty body"},
         &fault_switches::empty_body_201},
        {{"patch-replaces",
          {"ORG-UPDATE-MERGE", "ORG-UPDATE-REL-KEEP"},
          "PATCH replaces instead of merging"},
         &fault_switches::patch_replaces},
        {{"import-wrong-livscyklus",
          {"ORG-IMPORT-RETTET"},
          "marks an import over an existing object Importeret"},
         &fault_switches::import_wrong_livscyklus},
        {{"mangle-danish", {"ORG-DANISH"}, "answers æ, ø, å as ae, oe, aa"},
         &fault_switches::mangle_danish},
        {{"unknown-params-ignored", {"ORG-ERR-UNKNOWN-PARAM"}, "ignores unknown query parameters"},
         &fault_switches::unknown_params_ignored},
        {{"two-uuids-search-accepted", {"ORG-SEARCH-TWO-UUID"}, "accepts two uuids in a search"},
         &fault_switches::two_uuids_search_accepted},
        {{"malformed-json-500", {"ORG-MALFORMED-JSON"}, "answers 500 to malformed JSON"},
         &fault_switches::malformed_json_500},
        {{"wrong-content-type", {"ORG-JSON-CT"}, "labels JSON responses text/html"},
         &fault_switches::wrong_content_type},
        {{"token-not-checked", {"ORG-AUTH-401"}, "does not check the bearer token"},
         &fault_switches::token_not_checked},
        {{"publiceret-invalid-accepted",
          {"KLAS-PUBLICERET-INVALID"},
          "accepts any publiceret value"},
         &fault_switches::publiceret_invalid_accepted},
        {{"relation-search-ignored",
          {"ORG-SEARCH-REL", "KLAS-SEARCH-FACET"},
          "ignores relation search parameters"},
         &fault_switches::relation_search_ignored}};
    return table;
}

fault_switches switches_for(const std::string& name) {
    fault_switches s;
    for (const auto& row : fault_table())
        if (row.info.name == name) s.*row.on = true;
    return s;
}

} // namespace konform::reference::oio
