#pragma once

#include "konform/http/client.hpp"

#include <openssl/ssl.h>

namespace konform::http::detail {

// Puts the client certificate of `tls` (PEM certificate and key, the key optionally
// encrypted, or one PKCS#12 file) into `ctx`, with the passphrase from the options and
// never from a prompt. Throws std::invalid_argument saying which target field to fix.
void use_client_certificate(SSL_CTX* ctx, const tls_options& tls);

} // namespace konform::http::detail
