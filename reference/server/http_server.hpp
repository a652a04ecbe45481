#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace konform::reference {

// A request as a reference system sees it: path and query already split and decoded.
struct server_request {
    std::string method;
    std::string target;                                     // raw request target
    std::string path;                                       // percent-decoded path
    std::vector<std::pair<std::string, std::string>> query; // decoded, in order
    std::map<std::string, std::string> headers;             // names in lower case
    std::string body;
    bool valid_target = true;

    std::string header(const std::string& lower_name) const;
};

struct server_response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool close = false;

    static server_response json(int status, std::string body);
    static server_response xml(int status, std::string body);
};

using handler = std::function<server_response(const server_request&)>;

// How long a reference system takes to answer, and how it behaves under load: what the
// service levels of a load test case are measured against.
struct latency_profile {
    std::chrono::milliseconds base{0};   // every answer is held back this long
    std::chrono::milliseconds jitter{0}; // plus up to this much more, evenly spread
    // A stall: from the server's start, every `stall_every` it holds every answer until
    // `stall` has passed (a garbage collection, a lock, a full disk).
    std::chrono::milliseconds stall{0};
    std::chrono::milliseconds stall_every{0};
    // Past `slow_past` requests at once, each answer takes `slow` longer.
    int slow_past = 0;
    std::chrono::milliseconds slow{0};
    // Past `errors_past` requests at once, answers are 503.
    int errors_past = 0;

    // "base=5,jitter=20,stall=1000/5000,slow=8:200,errors=16" (milliseconds; any subset).
    // Throws std::invalid_argument saying what it cannot read.
    static latency_profile parse(const std::string& text);
};

// A small HTTP/1.1 server on 127.0.0.1 for the reference systems and the tests: keep-alive,
// bounded request sizes, a handler per request. It runs on its own thread.
class http_server {
public:
    // Binds 127.0.0.1:port (0 picks a free port). Throws on bind failure.
    http_server(std::uint16_t port, handler h);
    // HTTPS: serves TLS with this certificate chain and key (PEM files).
    http_server(std::uint16_t port, handler h, const std::string& cert_chain_file,
                const std::string& key_file);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    std::uint16_t port() const { return port_; }
    std::string base_url() const {
        return (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_);
    }

    // Mutual TLS: the handshake fails for a client without a certificate that `ca_file`
    // (PEM) issued. HTTPS servers only; call before start() or run().
    void require_client_certificate(const std::string& ca_file);

    // Holds every answer back this long before sending it (connections are still served
    // at once), to stand in for a system that takes time. Set before start() or run().
    void set_latency(std::chrono::milliseconds latency);
    // The same with stalls, jitter, and slowness or errors under load.
    void set_latency_profile(const latency_profile& profile);

    // The most requests that were being answered at one time (read, not yet written).
    int max_concurrent_requests() const;

    void start(); // serve on a background thread
    void run();   // serve on this thread until stop()
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    std::uint16_t port_ = 0;
    bool tls_ = false;
    std::thread thread_;
};

} // namespace konform::reference
