#pragma once

#include "konform/sign/keys.hpp"
#include "konform/sign/report_signature.hpp"
#include "konform/tlog/certificate_status.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace konform::tlog {

// One entry of a certificate log: a JSON object in RFC 8785 canonical form, signed by the
// certifier (a "signature" block, as reports are signed):
//   {"event": "issued", "certificate": ID, "at": ISO 8601, "report_sha256": HEX, plus what
//    the registry shows: "system", "vendor", "product", "product_version", "profile",
//    "profile_version", "fingerprint", "valid_until"}
//   {"event": "revoked" | "suspended" | "reinstated" | "superseded" | "expired",
//    "certificate": ID, "at": ISO 8601, "reason": TEXT, ["by": ID of the successor]}
struct certificate_entry {
    cert_event event = cert_event::issued;
    std::string certificate, at, reason, report_sha256, by;
    nlohmann::json fields; // the whole entry as read
};

// The canonical, signed entry for `fields` (which must hold "event" and "certificate").
std::string make_certificate_entry(nlohmann::json fields, const sign::key& certifier,
                                   const std::string& chain_pem);
std::string make_certificate_entry(nlohmann::json fields, const sign::document_signer& certifier);

// Reads an entry: canonical JSON with a known event, a certificate id and, when issued,
// the report's digest. Throws std::invalid_argument saying what is wrong. The signature is
// not checked here (sign::verify_report does it, with the trust anchor of the caller).
certificate_entry read_certificate_entry(const std::string& text);

// Every certificate's status, folding entries in log order under next_status.
class status_book {
public:
    // Why `e` cannot follow what came before, or "" (and the status moves on).
    std::string apply(const certificate_entry& e);
    std::optional<cert_status> status(const std::string& certificate) const;
    std::size_t size() const { return status_.size(); }
    const std::map<std::string, cert_status>& all() const { return status_; }
    // What a monitor saw before: no rule is applied.
    void restore(std::string certificate, cert_status s) { status_[std::move(certificate)] = s; }

private:
    std::map<std::string, cert_status> status_;
};

} // namespace konform::tlog
