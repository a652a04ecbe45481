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
    // A signer certificate for `signer`, valid from `from_days` to `to_days` relative to
    // now, followed by the intermediate: the chain to embed, signer first.
    std::string issue_signer(const sign::key& signer, int from_days, int to_days) const;
};

} // namespace konform::test
