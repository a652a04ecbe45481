#pragma once

#include "konform/service/sealed_box.hpp"
#include "konform/service/store.hpp"
#include "konform/service/web_listener.hpp"
#include "konform/sign/keys.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace konform::service {

struct service_options {
    std::filesystem::path data_dir = "konform-data";
    // KL's signing key (Ed25519, PEM), its passphrase and certificate chain (PEM, signer
    // first): certificates are signed with it inside the service; the key never leaves it.
    std::optional<sign::key> certifier_key;
    std::string certifier_chain;
    // KL's root certificate (PEM): the verify page says whether a report is anchored in it.
    std::string trust_pem;
    std::chrono::hours validity{24 * 365}; // a certificate's default life
    // Requests a client may send per second (a burst of ten times as many is allowed).
    double requests_per_second = 20;
    // Web pages are served over TLS or behind a proxy that terminates it: cookies are
    // Secure either way.
    bool secure_cookies = true;
};

// The certification service: the HTTP API, the web pages and the public registry over one
// store. Every answer comes from handle(), which the listener calls on its threads.
class service {
public:
    service(store& st, const sealed_box& box, service_options opt);
    ~service();

    // Publishes every profile folder in `dir` (each with a profile.json) that loads without
    // a problem; returns what was published. Throws model::load_error for one that does not.
    std::vector<profile_record> publish_profiles(const std::filesystem::path& dir);

    web_response handle(const web_request& req);

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

} // namespace konform::service
