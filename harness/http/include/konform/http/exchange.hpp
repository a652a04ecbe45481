#pragma once

#include "konform/http/message.hpp"

#include <boost/system/error_code.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace konform::http {

// Facts about the TLS session, bound into reports so a certification names the system.
struct tls_facts {
    std::string protocol; // "TLSv1.3"
    std::string cipher;
    std::string peer_subject; // server certificate subject, one line
    std::string peer_issuer;
    std::string peer_sha256; // SHA-256 fingerprint of the certificate (DER), hex
    std::string peer_not_after;
    bool verified = false;              // false only with the insecure option
    std::string client_subject;         // the client certificate konform presented, if any
    bool certificate_requested = false; // the server asked for a client certificate
};

// Milliseconds spent in each phase, as HAR 1.2 names them (-1 when not applicable).
struct timings {
    double dns = -1, connect = -1, ssl = -1, send = 0, wait = 0, receive = 0, total = 0;
};

// Where an exchange stopped when it failed.
enum class phase { none, resolve, connect, tls_handshake, send, wait, receive };

// One request and what came of it: a response, or an error with a plain explanation.
struct exchange {
    request req;
    std::optional<response> resp;
    boost::system::error_code error; // set when no complete response was received
    phase failed_in = phase::none;
    std::string explanation; // plain words for `error`
    // Bytes of an answer arrived before the error: the system did answer, and what it sent
    // broke HTTP or a stated limit (as opposed to no answer at all).
    bool answered = false;
    bool timed_out = false;   // a timeout ended it
    bool interrupted = false; // the run was interrupted before or while it was under way
    timings time;
    std::optional<tls_facts> tls;
    std::string remote_address; // "127.0.0.1:8080"
    bool reused_connection = false;
    std::chrono::system_clock::time_point started;

    bool ok() const { return !error && resp.has_value(); }
};

// Whether the exchange ended because the system refused the TLS connection (an alert in
// the handshake, or TLS 1.3's "certificate required" on the first read), with no answer.
bool refused_by_tls(const exchange& x);

} // namespace konform::http
