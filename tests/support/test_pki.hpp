#pragma once

#include "konform/sign/keys.hpp"

#include <string>

namespace konform::test {

// A root and an intermediate CA (Ed25519), made in memory for a test; they issue signer
// certificates with chosen validity.
struct pki {
    sign::key root_key = sign::key::generate();
    sign::key intermediate_key = sign::key::generate();
    std::string root_pem;
    std::string intermediate_pem;

    pki();
    // What a signer certificate is for: only document_signer may sign reports.
    enum class purpose {
        document_signer, // v3, CA:FALSE, digitalSignature, extendedKeyUsage documentSigning
        tls_server,      // v3, CA:FALSE, digitalSignature, extendedKeyUsage serverAuth
        ca,              // v3, CA:TRUE, keyCertSign (and documentSigning)
        cert_sign_only,  // v3, CA:FALSE, keyCertSign only (and documentSigning)
        v1,              // X.509 v1: no extensions at all
    };

    // A signer certificate for `signer`, valid from `from_days` to `to_days` relative to
    // now, followed by the intermediate: the chain to embed, signer first.
    std::string issue_signer(const sign::key& signer, int from_days, int to_days,
                             purpose p = purpose::document_signer) const;

    // A revocation list (PEM) in the intermediate's name that revokes the first certificate
    // of `chain_pem` (none when `chain_pem` is empty), signed by `by` (the intermediate's
    // key unless a forger's is given).
    std::string revocation_list(const std::string& chain_pem, const sign::key* by = nullptr) const;
};

} // namespace konform::test
