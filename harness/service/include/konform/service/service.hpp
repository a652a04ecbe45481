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
#include <thread>
#include <vector>

namespace konform::service {

struct service_options {
    std::filesystem::path data_dir = "konform-data";
    // KL's signing key (Ed25519, PEM), its passphrase and certificate chain (PEM, signer
    // first): certificates are signed with it inside the service; the key never leaves it.
    std::optional<sign::key> certifier_key;
    std::string certifier_chain;
    // KL's root certificate (PEM): the verify page says whether a report is anchored in it.
    std::string trust_pem;
    std::chrono::milliseconds validity =
        std::chrono::hours(24 * 365); // a certificate's default life
    // Requests a client may send per second (a burst of ten times as many is allowed).
    double requests_per_second = 20;
    // Web pages are served over TLS or behind a proxy that terminates it: cookies are
    // Secure either way.
    bool secure_cookies = true;

    // The transparency log (in data_dir/log), kept when there is a certifier key: every
    // certificate and each change of its status is appended, and its checkpoints are signed
    // with this key (Ed25519) under this origin.
    std::optional<sign::key> log_key;
    std::string log_origin = "konform.local/certificates";
    // How often the service's housekeeping runs (expiry, scheduled re-verifications and
    // their judgement, webhook deliveries); zero: never (a caller runs tick() itself).
    std::chrono::milliseconds housekeeping{1000};
    // The shortest re-verification interval a schedule may ask for.
    std::chrono::seconds shortest_schedule{3600};
    // Webhook deliveries: the waits before each retry (then the delivery has failed), and
    // whether a subscriber's URL may name a loopback or private address (off: refused).
    std::vector<std::chrono::seconds> webhook_retries{
        std::chrono::seconds(10), std::chrono::seconds(60), std::chrono::seconds(600),
        std::chrono::seconds(3600)};
    bool webhooks_to_private_addresses = false;
    // The service's address as its users reach it (for links in feeds), without a slash at
    // the end; empty: links are relative to the feed.
    std::string public_url;
};

// The certification service: the HTTP API, the web pages and the public registry over one
// store. Every answer comes from handle(), which the listener calls on its threads. The
// store and the sealed box must outlive the service (its housekeeping thread uses them
// until the destructor has joined it).
class service {
public:
    service(store& st, const sealed_box& box, service_options opt);
    ~service();

    // Publishes every profile folder in `dir` (each with a profile.json) that loads without
    // a problem; returns what was published. Throws model::load_error for one that does not.
    std::vector<profile_record> publish_profiles(const std::filesystem::path& dir);

    web_response handle(const web_request& req);

    // One round of housekeeping: certificates past their validity expire, due
    // re-verifications start, finished ones are judged, due webhooks are delivered. The
    // service runs it every `housekeeping` on a thread of its own; only a service with a
    // certifier key does anything here (one process keeps a certificate's life).
    void tick();

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

} // namespace konform::service
