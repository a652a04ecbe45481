#pragma once

#include "e2e_support.hpp"

#include <string>

namespace konform::test {

// A CA, a server certificate for 127.0.0.1 and a client certificate in every form, made with
// openssl in a temporary folder: PEM (client.pem + client.key), an encrypted key
// (client-enc.key) and PKCS#12 (client.p12), both protected by `passphrase`; and stranger.pem
// (+ .key), a certificate from a CA no server trusts.
struct mtls_pki {
    static constexpr const char* passphrase = "Konform-Pass-3317"; // must appear in no output
    temp_dir tmp;
    mtls_pki();
    std::string path(const std::string& name) const { return (tmp.path / name).string(); }
};

// One test CA for the whole test run, made at first use.
const mtls_pki& shared_pki();

// A mutual-TLS profile's example target as shipped, aimed at `base_url`: a copy beside
// certificates/ (its paths are relative to the target file) holding shared_pki()'s CA and
// PKCS#12 client certificate, the passphrase in the environment variable it names.
model::target shipped_mtls_target(const std::string& profile, const std::string& base_url);

} // namespace konform::test
