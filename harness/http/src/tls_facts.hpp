#pragma once

#include "konform/http/exchange.hpp"

#include <openssl/ssl.h>
#include <string>

namespace konform::http::detail {

// Reads protocol, cipher and the peer certificate's identity from an established session.
tls_facts read_tls_facts(SSL* ssl, bool verified);

// Plain words for a failed certificate verification, or empty when verification passed.
std::string verify_failure(SSL* ssl);

} // namespace konform::http::detail
