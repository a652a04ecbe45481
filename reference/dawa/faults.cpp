#include "faults.hpp"

namespace konform::reference::dawa {

const std::vector<fault_row>& fault_table() {
    static const std::vector<fault_row> table = {
        {{"kommune-row-missing",
          {"DAWA-ADR-KOMMUNE"},
          "leaves one address of Odense out of queries by kommunekode"},
         &fault_switches::kommune_row_missing},
        {{"paging-limit-not-enforced",
          {"DAWA-PAGE-LIMIT"},
          "pages beyond the first 25,000 results"},
         &fault_switches::paging_limit_not_enforced},
        {{"per-side-default-10",
          {"DAWA-PAGE-DEFAULT"},
          "takes per_side to be 10, not 20, when only side is given"},
         &fault_switches::per_side_default_10},
        {{"paging-overlap",
          {"DAWA-PAGE-CONSISTENT", "DAWA-ADR-KOMMUNE"},
          "starts every page after the first one result early"},
         &fault_switches::paging_overlap},
        {{"csv-without-header",
          {"DAWA-FMT-CSV", "DAWA-ENC-CSV"},
          "answers CSV without its header row"},
         &fault_switches::csv_without_header},
        {{"geojson-without-crs", {"DAWA-FMT-GEOJSON"}, "answers GeoJSON without its crs"},
         &fault_switches::geojson_without_crs},
        {{"danish-mangled-in-csv", {"DAWA-ENC-CSV"}, "writes æ, ø, å as ae, oe, aa in CSV only"},
         &fault_switches::danish_mangled_in_csv},
        {{"ndjson-lf", {"DAWA-FMT-NDJSON"}, "separates NDJSON lines with LF instead of CRLF"},
         &fault_switches::ndjson_lf},
        {{"error-body-shape",
          {"DAWA-ERR-400", "DAWA-ERR-FORMAT", "DAWA-ERR-VALIDER"},
          "answers 400 with {\"message\"} instead of {type, title, details}"},
         &fault_switches::error_body_shape},
        {{"historic-as-current",
          {"DAWA-HISTORIC", "DAWA-ADR-KOMMUNE"},
          "serves discontinued addresses as current ones"},
         &fault_switches::historic_as_current},
        {{"unknown-id-200",
          {"DAWA-ERR-404", "DAWA-HISTORIC"},
          "answers an unknown id (and a discontinued one) with 200 and null"},
         &fault_switches::unknown_id_200},
        {{"malformed-uuid-400",
          {"DAWA-ERR-404-FORMAT"},
          "answers a malformed id in the path with 400"},
         &fault_switches::malformed_uuid_400},
        {{"json-without-charset",
          {"DAWA-FMT-JSON-CT"},
          "labels JSON application/json without the charset"},
         &fault_switches::json_without_charset},
        {{"doer-param-ignored",
          {"DAWA-ENC-DOER"},
          "ignores the parameter dør (percent-encoded UTF-8 in its name)"},
         &fault_switches::doer_param_ignored},
        {{"postnr-range-unchecked", {"DAWA-ERR-400"}, "accepts a postnr above 9999 and answers []"},
         &fault_switches::postnr_range_unchecked},
        {{"jsonp-as-json", {"DAWA-FMT-JSONP"}, "labels JSONP application/json"},
         &fault_switches::jsonp_as_json},
        {{"postnumre-incomplete",
          {"DAWA-POSTNUMRE"},
          "leaves the last postal code out of /postnumre"},
         &fault_switches::postnumre_incomplete},
        {{"status-filter-ignored", {"DAWA-SEARCH-STATUS"}, "ignores the status parameter"},
         &fault_switches::status_filter_ignored},
        {{"valider-ignored",
          {"DAWA-ERR-VALIDER"},
          "answers 200 to an unknown parameter also when valider is given"},
         &fault_switches::valider_ignored},
        {{"q-ignored", {"DAWA-SEARCH-Q"}, "ignores the search text q"}, &fault_switches::q_ignored},
        {{"autocomplete-case-sensitive",
          {"DAWA-SEARCH-AUTOCOMPLETE"},
          "autocompletes only text in the case it is registered in"},
         &fault_switches::autocomplete_case_sensitive}};
    return table;
}

fault_switches switches_for(const std::string& name) {
    fault_switches s;
    for (const auto& row : fault_table())
        if (row.info.name == name) s.*row.on = true;
    return s;
}

} // namespace konform::reference::dawa
