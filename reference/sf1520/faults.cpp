#include "faults.hpp"

namespace konform::reference::sf1520 {

const std::vector<fault_row>& fault_table() {
    static const std::vector<fault_row> table = {
        {{"children-missing-when-zero",
          {"CPR-CHILDREN", "CPR-XSD"},
          "leaves the mandatory antalBoernUnder18 out when it is 0"},
         &fault_switches::children_missing_when_zero},
        {{"wrong-namespace",
          {"CPR-LOOKUP", "CPR-TEXT", "CPR-ADDRESS", "CPR-CHILDREN", "CPR-XSD", "CPR-MOD11"},
          "answers in the namespace of PersonBaseDataExtended 3 instead of 4"},
         &fault_switches::wrong_namespace},
        {{"fault-without-error-list",
          {"CPR-FAULT-DETAIL"},
          "answers faults with an empty ServiceplatformFault (no ErrorList)"},
         &fault_switches::fault_without_error_list},
        {{"fault-200", {"CPR-FAULT-500"}, "answers SOAP faults with HTTP status 200"},
         &fault_switches::fault_200},
        {{"client-certificate-not-required",
          {"CPR-MTLS"},
          "serves clients that present no client certificate",
          true},
         &fault_switches::client_certificate_not_required},
        {{"modulus11-refused", {"CPR-MOD11"}, "refuses CPR numbers that fail the modulus 11 check"},
         &fault_switches::modulus11_refused},
        {{"danish-mangled",
          {"CPR-TEXT"},
          "answers æ, ø, å as ae, oe, aa (and é, ë, ü as e, e, ue)"},
         &fault_switches::danish_mangled},
        {{"soap12-content-type",
          {"CPR-SOAP11"},
          "labels its SOAP 1.1 answers with SOAP 1.2's application/soap+xml"},
         &fault_switches::soap12_content_type},
        {{"soap-action-ignored", {"CPR-ACTION"}, "answers a lookup whatever the SOAPAction says"},
         &fault_switches::soap_action_ignored},
        {{"elements-out-of-order",
          {"CPR-XSD"},
          "writes koen after antalBoernUnder18, against the schema's order"},
         &fault_switches::elements_out_of_order},
        {{"invocation-context-optional",
          {"CPR-INVOCATION"},
          "answers requests without an InvocationContext"},
         &fault_switches::invocation_context_optional},
        {{"service-uuid-ignored",
          {"CPR-SERVICE-UUID"},
          "answers whatever ServiceUUID the InvocationContext names"},
         &fault_switches::service_uuid_ignored},
        {{"unknown-person-empty",
          {"CPR-UNKNOWN", "CPR-FAULT-500", "CPR-FAULT-DETAIL"},
          "answers an unknown number with an empty PersonLookupResponse instead of a fault"},
         &fault_switches::unknown_person_empty},
        {{"malformed-pnr-accepted",
          {"CPR-PNR-MALFORMED"},
          "answers a PNR that is not ten digits with an empty PersonLookupResponse"},
         &fault_switches::malformed_pnr_accepted}};
    return table;
}

fault_switches switches_for(const std::string& name) {
    fault_switches s;
    for (const auto& row : fault_table())
        if (row.info.name == name) s.*row.on = true;
    return s;
}

} // namespace konform::reference::sf1520
