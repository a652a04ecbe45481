#include "person_lookup_system.hpp"

#include "faults.hpp"
#include "persons.hpp"
#include "soap_message.hpp"

#include <algorithm>
#include <cctype>
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

        const std::string pnr = child_element(request, pnr_ns, "PNR").text().get();
        if (!ten_digits(pnr)) {
            if (f_.malformed_pnr_accepted) return answer(empty_response());
            return fault("Client", "PNR is not ten digits", "PNR_INVALID");
        }
        if (f_.modulus11_refused && !passes_modulus11(pnr))
            return fault("Client", "PNR fails the modulus 11 check", "PNR_INVALID");
        const person* p = find_person(pnr);
        if (!p) {
            if (f_.unknown_person_empty) return answer(empty_response());
            return fault("Client", "PNR not found", "PNR_NOT_FOUND");
        }
        return answer(response_of(*p));
    }

private:
    // What is wrong with the request's InvocationContext ("" when nothing is).
    std::string invocation_problem(pugi::xml_node request) const {
        pugi::xml_node ctx = child_element(request, invocation_ns, "InvocationContext");
        if (!ctx) return f_.invocation_context_optional ? "" : "InvocationContext is missing";
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

    std::string response_of(const person& p) const {
        auto el = [](const std::string& name, const std::string& content) {
            return "<cpr:" + name + ">" + content + "</cpr:" + name + ">";
        };
        std::string navn = el("personadresseringsnavn", text(p.personadresseringsnavn)) +
                           el("fornavn", text(p.fornavn));
        if (!p.mellemnavn.empty()) navn += el("mellemnavn", text(p.mellemnavn));
        navn += el("efternavn", text(p.efternavn));
        const std::string koen = el("koen", p.koen);
        const std::string children =
            p.antal_boern_under_18 == 0 && f_.children_missing_when_zero
                ? ""
                : el("antalBoernUnder18", std::to_string(p.antal_boern_under_18));
        std::string persondata = el("personnummer", p.pnr) + el("navn", navn) +
                                 el("foedselsdato", el("dato", p.foedselsdato));
        persondata += f_.elements_out_of_order ? children + koen : koen + children;
        persondata += el("status", el("status", std::to_string(p.status))) +
                      el("civilstand", el("civilstand", p.civilstand));
        std::string address = el("kommunekode", std::to_string(p.kommunekode)) +
                              el("vejkode", std::to_string(p.vejkode)) +
                              el("husnummer", xml_escape(p.husnummer));
        if (!p.etage.empty()) address += el("etage", xml_escape(p.etage));
        if (!p.sidedoer.empty()) address += el("sidedoer", xml_escape(p.sidedoer));
        address += el("postnummer", xml_escape(p.postnummer)) +
                   el("postdistrikt", text(p.postdistrikt)) + el("vejnavn", text(p.vejnavn));
        return "<cpr:PersonLookupResponse xmlns:cpr=\"" + ns() + "\">" +
               el("persondata", persondata) + el("adresse", el("aktuelAdresse", address)) +
               "</cpr:PersonLookupResponse>";
    }

    server_response answer(const std::string& body) const { return xml(200, envelope(body)); }

    server_response fault(const std::string& code, const std::string& message,
                          const std::string& error_code) const {
        return xml(f_.fault_200 ? 200 : 500,
                   envelope(fault_body(code, message, error_code, !f_.fault_without_error_list)));
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
    return {"sf1520-cpr-personlookup", faults_of(fault_table()), &make, true};
}

} // namespace konform::reference::sf1520
