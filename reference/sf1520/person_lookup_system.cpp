#include "person_lookup_system.hpp"

#include "faults.hpp"
#include "persons.hpp"
#include "soap_message.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <regex>

namespace konform::reference::sf1520 {

namespace {

// The modulus 11 check of a ten-digit CPR number (weights 4 3 2 7 6 5 4 3 2 1).
bool passes_modulus11(const std::string& pnr) {
    static constexpr int weights[] = {4, 3, 2, 7, 6, 5, 4, 3, 2, 1};
    int sum = 0;
    for (std::size_t i = 0; i < 10; ++i)
        sum += (pnr[i] - '0') * weights[i];
    return sum % 11 == 0;
}

bool ten_digits(const std::string& pnr) {
    return pnr.size() == 10 &&
           std::all_of(pnr.begin(), pnr.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool is_uuid(const std::string& s) {
    static const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    return std::regex_match(s, uuid);
}

// The ASCII spelling some systems fall back to.
std::string mangle(std::string s) {
    static const std::pair<std::string, std::string> table[] = {
        {"æ", "ae"}, {"ø", "oe"}, {"å", "aa"}, {"Æ", "Ae"}, {"Ø", "Oe"},
        {"Å", "Aa"}, {"é", "e"},  {"ë", "e"},  {"ü", "ue"}};
    for (const auto& [from, to] : table)
        for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
            s.replace(at, from.size(), to);
    return s;
}

class person_lookup {
public:
    explicit person_lookup(const std::string& fault) : f_(switches_for(fault_table(), fault)) {}

    server_response handle(const server_request& req) const {
        if (req.path != service_path) return plain(404, "no service at " + req.path);
        if (req.method != "POST") return plain(405, "PersonLookup is POSTed");
        if (req.header("content-type").rfind("text/xml", 0) != 0)
            return plain(415, "SOAP 1.1 requests are text/xml");
        std::string action = req.header("soapaction");
        if (action.size() >= 2 && action.front() == '"' && action.back() == '"')
            action = action.substr(1, action.size() - 2);
        if (action != soap_action && !f_.soap_action_ignored)
            return fault("Client", "unknown SOAPAction: " + action, "SOAP_ACTION");

        pugi::xml_document doc;
        if (!doc.load_buffer(req.body.data(), req.body.size(), pugi::parse_default))
            return fault("Client", "the request is not well-formed XML", "REQUEST");
        pugi::xml_node envelope_node = doc.document_element();
        if (local_name(envelope_node) != "Envelope" || namespace_of(envelope_node) != soap11_ns)
            return fault("Client", "the request is not a SOAP 1.1 envelope", "REQUEST");
        pugi::xml_node body = child_element(envelope_node, soap11_ns, "Body");
        pugi::xml_node request = first_element(body);
        if (!request || local_name(request) != "PersonLookupRequest" ||
            namespace_of(request) != service_ns)
            return fault("Client", "the Body holds no PersonLookupRequest", "REQUEST");

        if (std::string why = invocation_problem(request); !why.empty())
            return fault("Client", why, "INVOCATION_CONTEXT");

        std::string pnr = child_element(request, pnr_ns, "PNR").text().get();
        if (f_.long_pnr_truncated && pnr.size() > 10) pnr.resize(10);
        if (!ten_digits(pnr)) {
            if (f_.malformed_pnr_accepted) return answer(empty_response());
            return fault("Client", "PNR is not ten digits", "PNR_INVALID");
        }
        if (f_.modulus11_refused && !passes_modulus11(pnr))
            return fault("Client", "PNR fails the modulus 11 check", "PNR_INVALID");
        const person* p = find_person(pnr);
        if (!p || (f_.inactive_unknown && p->status >= 20)) {
            if (f_.unknown_person_empty) return answer(empty_response());
            return fault("Client", "PNR not found", "PNR_NOT_FOUND");
        }
        return answer(response_of(*p));
    }

private:
    // What is wrong with the request's caller ("" when nothing is): an InvocationContext
    // naming this service, or an AuthorityContext naming a municipality's CVR number
    // (PersonBaseDataExtendedServiceMsg.xsd offers both).
    std::string invocation_problem(pugi::xml_node request) const {
        pugi::xml_node ctx = child_element(request, invocation_ns, "InvocationContext");
        pugi::xml_node authority = child_element(request, authority_ns, "AuthorityContext");
        if (!ctx && authority) {
            if (f_.authority_context_refused) return "InvocationContext is missing";
            static const std::regex cvr("^[0-9]{8}$");
            const std::string number =
                child_element(authority, authority_ns, "MunicipalityCVR").text().get();
            return std::regex_match(number, cvr) ? "" : "MunicipalityCVR is not a CVR number";
        }
        if (!ctx)
            return f_.invocation_context_optional
                       ? ""
                       : "neither InvocationContext nor AuthorityContext names the caller";
        for (const char* name : {"ServiceAgreementUUID", "UserSystemUUID", "UserUUID"})
            if (!is_uuid(child_element(ctx, invocation_ns, name).text().get()))
                return std::string("InvocationContext ") + name + " is not a UUID";
        const std::string service = child_element(ctx, invocation_ns, "ServiceUUID").text().get();
        if (service != service_uuid && !f_.service_uuid_ignored)
            return "ServiceUUID " + service + " is not this service";
        return "";
    }

    std::string ns() const {
        return f_.wrong_namespace
                   ? "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/3/"
                   : service_ns;
    }

    std::string text(const std::string& s) const {
        return xml_escape(f_.danish_mangled ? mangle(s) : s);
    }

    std::string empty_response() const {
        return "<cpr:PersonLookupResponse xmlns:cpr=\"" + ns() + "\"/>";
    }

    static std::string el(const std::string& name, const std::string& content) {
        return "<cpr:" + name + ">" + content + "</cpr:" + name + ">";
    }

    // A date as CPR writes it: with the offset of Danish time (xsd:date allows one).
    std::string date(const std::string& day) const {
        return f_.birth_date_as_date_time ? day + "T00:00:00" : day + "+01:00";
    }

    // A protection, as beskyttelseType holds it; nothing for a person without it.
    std::string protection(const std::string& name, bool on, const person& p) const {
        if (!on) return "";
        return el(name,
                  el("startdato", p.beskyttelse_startdato + "+01:00") + el("beskyttet", "true"));
    }

    std::string persondata_of(const person& p) const {
        std::string navn = el("personadresseringsnavn", text(p.personadresseringsnavn)) +
                           el("fornavn", text(p.fornavn));
        if (!p.mellemnavn.empty()) navn += el("mellemnavn", text(p.mellemnavn));
        navn += el("efternavn", text(p.efternavn));
        const std::string koen = el("koen", p.koen);
        const std::string children =
            p.antal_boern_under_18 == 0 && f_.children_missing_when_zero
                ? ""
                : el("antalBoernUnder18", std::to_string(p.antal_boern_under_18));
        std::string out = el("personnummer", p.pnr);
        if (!p.gaeldende_personnummer.empty() && !f_.current_number_missing)
            out += el("gaeldendePersonnummer", p.gaeldende_personnummer);
        out += el("navn", navn) + el("foedselsdato", el("dato", date(p.foedselsdato)));
        out += f_.elements_out_of_order ? children + koen : koen + children;
        out += el("status", el("status", std::to_string(f_.status_always_active ? 1 : p.status))) +
               el("civilstand", el("civilstand", p.civilstand));
        if (!p.forsvindingsdato.empty())
            out += el("forsvindingsdato", el("dato", p.forsvindingsdato));
        if (!f_.protection_dropped)
            out += protection("adressebeskyttelse", p.adressebeskyttelse, p);
        if (f_.protection_flags_swapped)
            out += protection("vejviserbeskyttelse",
                              p.vejviserbeskyttelse || p.markedsfoeringsbeskyttelse, p);
        else
            out += protection("vejviserbeskyttelse", p.vejviserbeskyttelse, p) +
                   protection("markedsfoeringsbeskyttelse", p.markedsfoeringsbeskyttelse, p);
        return out;
    }

    // The house number as CPR writes it: its number zero-padded to three digits ("012",
    // "004B"); the contract types it as text, and its clients strip the zeros.
    static std::string padded(const std::string& husnummer) {
        std::size_t digits = 0;
        while (digits < husnummer.size() &&
               std::isdigit(static_cast<unsigned char>(husnummer[digits])))
            ++digits;
        return digits > 0 && digits < 3 ? std::string(3 - digits, '0') + husnummer : husnummer;
    }

    std::string address_of(const person& p) const {
        std::string out;
        if (p.kommunekode != 0) {
            // kommunekode and vejkode are xsd:integer: CPR writes them with four digits.
            char kommune[8], vej[8];
            std::snprintf(kommune, sizeof kommune, "%04d", p.kommunekode);
            std::snprintf(vej, sizeof vej, "%04d", p.vejkode);
            std::string a = el("kommunekode", kommune) + el("vejkode", vej) +
                            el("husnummer", xml_escape(padded(p.husnummer)));
            if (!p.etage.empty()) a += el("etage", xml_escape(p.etage));
            if (!p.sidedoer.empty()) a += el("sidedoer", xml_escape(p.sidedoer));
            a += el("postnummer", xml_escape(p.postnummer)) +
                 el("postdistrikt", text(p.postdistrikt)) + el("vejnavn", text(p.vejnavn));
            out += el("aktuelAdresse", a);
        }
        if (p.udrejselandekode != 0 && !f_.emigration_missing)
            out += el("udrejseoplysninger",
                      el("udrejselandekode", std::to_string(p.udrejselandekode)) +
                          el("udrejsedato", el("dato", p.udrejsedato)));
        return out.empty() ? "" : el("adresse", out);
    }

    std::string relations_of(const person& p) const {
        std::string out;
        if (!p.aegtefaelle.empty()) out += el("aegtefaelle", el("personnummer", p.aegtefaelle));
        if (!f_.children_missing)
            for (const auto& child : p.barn)
                out += el("barn", el("personnummer", child));
        if (!f_.parents_missing) {
            if (!p.mor.empty()) out += el("mor", el("personnummer", p.mor));
            if (!p.far.empty()) out += el("far", el("personnummer", p.far));
        }
        if (!f_.custody_missing)
            for (int type : p.foraeldremyndighed)
                out += el("foraeldremyndighed", el("foraeldremyndighedtype", std::to_string(type)));
        return out.empty() ? "" : el("relationer", out);
    }

    std::string response_of(const person& p) const {
        return "<cpr:PersonLookupResponse xmlns:cpr=\"" + ns() + "\">" +
               el("persondata", persondata_of(p)) + address_of(p) + relations_of(p) +
               "</cpr:PersonLookupResponse>";
    }

    server_response answer(const std::string& body) const { return xml(200, envelope(body)); }

    server_response fault(const std::string& code, const std::string& message,
                          const std::string& error_code) const {
        return xml(f_.fault_200 ? 200 : 500,
                   envelope(fault_body(code, message, error_code, !f_.fault_without_detail)));
    }

    server_response xml(int status, std::string body) const {
        server_response r = server_response::xml(status, std::move(body));
        if (f_.soap12_content_type)
            r.headers = {{"Content-Type", "application/soap+xml; charset=utf-8"}};
        return r;
    }

    static server_response plain(int status, const std::string& message) {
        return {status, {{"Content-Type", "text/plain; charset=utf-8"}}, message + "\n", false};
    }

    fault_switches f_;
};

handler make(const std::string& fault_name) {
    auto state = std::make_shared<const person_lookup>(fault_name);
    return [state](const server_request& req) { return state->handle(req); };
}

} // namespace

system_info person_lookup_system() {
    auto faults = faults_of(fault_table());
    for (auto& f :
         service_level_faults("CPR-SL-LATENCY", "CPR-SL-PEAK-LATENCY", "CPR-SL-PEAK-ERRORS"))
        faults.push_back(std::move(f));
    return {"sf1520-cpr-personlookup", std::move(faults), &make, true};
}

} // namespace konform::reference::sf1520
