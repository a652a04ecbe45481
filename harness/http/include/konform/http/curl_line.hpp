#pragma once

#include "konform/http/message.hpp"

#include <string>
#include <vector>

namespace konform::http {

// What curl needs to make the same TLS connection: the CA to trust and the client
// certificate, with the passphrase as a shell placeholder ("${ORG_CERT_PASS}"), never itself.
struct curl_tls {
    bool insecure = false;
    std::string ca_file;
    std::string client_cert; // PEM or PKCS#12 (--cert-type P12)
    std::string client_key;
    bool pkcs12 = false;
    std::string password_placeholder;
};

// A shell command line that reproduces a request with curl. Shell placeholders for
// secrets ("${ORG_TOKEN}", "$(cat f)") that appear in the request are left for the shell
// to expand; everything else is single-quoted.
std::string curl_line(const request& req, const std::vector<std::string>& placeholders,
                      const curl_tls& tls = {});

} // namespace konform::http
