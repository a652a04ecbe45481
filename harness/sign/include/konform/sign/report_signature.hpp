#pragma once

#include "konform/sign/keys.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace konform::sign {

// The member a certificate's transparency-log receipt is kept in. It proves itself (an
// inclusion proof up to a checkpoint the log signed), so the signature does not cover it:
// the receipt is added after signing, once the log holds the certificate.
inline constexpr const char* receipt_member = "transparency";

// The SHA-256 (lower-case hex) of a signed report as it was signed: its RFC 8785 canonical
// bytes without the receipt. What a log entry and the registry know a certificate by.
std::string report_digest(const nlohmann::json& report);

// Embeds a "signature" block in a report: Ed25519 over the RFC 8785 canonical bytes of
// the report without that block, with the key id, the public key and, optionally, the
// signer's X.509 certificate chain (PEM, signer first). Replaces an existing block.
void sign_report(nlohmann::json& report, const key& k, const std::string& chain_pem = {});

// sign_report for many documents with one key: the key's metadata and the chain are read
// and checked once. Throws std::invalid_argument as signature_metadata does.
class document_signer {
public:
    document_signer(const key& k, const std::string& chain_pem = {});
    void sign(nlohmann::json& doc) const;

private:
    key key_;
    nlohmann::json metadata_;
};

// The two halves of sign_report, for a report written as a stream: the signature block
// without its value (checked against the key and chain), and the base64 value over the
// canonical bytes of the report without "signature" and with "signature_metadata": block.
nlohmann::json signature_metadata(const key& k, const std::string& chain_pem = {});
std::string signature_value(const key& k, std::string_view message);

// Why the report's verdict does not follow from its requirements, or "" when it does: a
// MUST requirement of an applicable class that failed makes it not-conformant, one that
// did not pass makes it incomplete, else it is conformant (an interrupted run is
// incomplete whatever its results).
std::string verdict_problem(const nlohmann::json& report);

// Why the evidence whose SHA-256 is `evidence_sha256` (lower-case hex) is not the report's,
// or nothing.
std::string evidence_problem(const nlohmann::json& report, const std::string& evidence_sha256);

struct verification {
    bool valid = false;    // signature, chain (when anchored) and evidence all hold
    bool anchored = false; // the signer's chain leads to the given trust anchor
    std::string key_id;
    std::string signer; // subject of the signer certificate, if any
    std::string reason; // why it is not valid
};

// Verifies only the signature block of a signed JSON document (a report, a log entry):
// signature, signer chain against `trust_pem` and `crl_pem`, as verify_report does.
verification verify_signature(const nlohmann::json& doc,
                              const std::optional<std::string>& trust_pem,
                              const std::string& crl_pem = {});

// Verifies a report (as parsed with parse_strict). `trust_pem` is a trust anchor (root
// certificate, PEM); without it the signature is checked but the signer is not anchored.
// `evidence_sha256` is the evidence file's digest, checked with evidence_problem.
// `crl_pem` holds certificate revocation lists (PEM, any number): a certificate of the
// signer's chain that one of them revokes makes the report invalid, whenever it was
// signed (signed_at is the signer's own word), and a list whose signature does not verify
// is refused.
verification verify_report(const nlohmann::json& report,
                           const std::optional<std::string>& trust_pem,
                           const std::optional<std::string>& evidence_sha256,
                           const std::string& crl_pem = {});

} // namespace konform::sign
