#include "konform/tlog/certificate_entry.hpp"

#include "konform/sign/report_signature.hpp"
#include "konform/util/jcs.hpp"

#include <stdexcept>

namespace konform::tlog {

using nlohmann::json;

std::string make_certificate_entry(json fields, const sign::key& certifier,
                                   const std::string& chain_pem) {
    return make_certificate_entry(std::move(fields), sign::document_signer(certifier, chain_pem));
}

std::string make_certificate_entry(json fields, const sign::document_signer& certifier) {
    certifier.sign(fields);
    std::string text = util::canonicalize(fields);
    read_certificate_entry(text); // what is appended is what every reader accepts
    return text;
}

certificate_entry read_certificate_entry(const std::string& text) {
    json doc;
    try {
        doc = util::parse_strict(text);
    } catch (const std::exception& e) {
        throw std::invalid_argument(std::string("not JSON: ") + e.what());
    }
    if (!doc.is_object()) throw std::invalid_argument("not a JSON object");
    if (util::canonicalize(doc) != text) throw std::invalid_argument("not in canonical form");
    const auto text_of = [&](const char* name, bool required) -> std::string {
        if (!doc.contains(name)) {
            if (required) throw std::invalid_argument(std::string("no \"") + name + "\"");
            return "";
        }
        if (!doc[name].is_string())
            throw std::invalid_argument(std::string("\"") + name + "\" is not a string");
        return doc[name].get<std::string>();
    };
    certificate_entry e;
    const std::string event = text_of("event", true);
    const auto ev = cert_event_of(event);
    if (!ev) throw std::invalid_argument("unknown event \"" + event + "\"");
    e.event = *ev;
    e.certificate = text_of("certificate", true);
    if (e.certificate.empty()) throw std::invalid_argument("an empty certificate id");
    e.at = text_of("at", true);
    e.reason = text_of("reason", false);
    e.by = text_of("by", false);
    e.report_sha256 = text_of("report_sha256", e.event == cert_event::issued);
    if (e.event == cert_event::issued && e.report_sha256.size() != 64)
        throw std::invalid_argument("\"report_sha256\" is not a SHA-256");
    if (!doc.contains("signature")) throw std::invalid_argument("the entry is not signed");
    e.fields = std::move(doc);
    return e;
}

std::string status_book::apply(const certificate_entry& e) {
    const auto it = status_.find(e.certificate);
    const std::optional<cert_status> now =
        it == status_.end() ? std::nullopt : std::optional(it->second);
    const auto next = next_status(now, e.event);
    if (!next)
        return "certificate " + e.certificate + " cannot be " + to_string(e.event) +
               " when it is " + (now ? to_string(*now) : std::string("not issued"));
    status_[e.certificate] = *next;
    return "";
}

std::optional<cert_status> status_book::status(const std::string& certificate) const {
    const auto it = status_.find(certificate);
    if (it == status_.end()) return std::nullopt;
    return it->second;
}

} // namespace konform::tlog
