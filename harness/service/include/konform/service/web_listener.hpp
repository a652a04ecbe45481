#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace konform::service {

// A request as the service's pages and API see it: path and query decoded.
struct web_request {
    std::string method;
    std::string target; // as sent
    std::string path;   // percent-decoded
    std::vector<std::pair<std::string, std::string>> query;
    std::map<std::string, std::string> headers; // names in lower case
    std::string body;
    std::string peer; // the client's address
    bool valid_target = true;

    std::string header(const std::string& lower_name) const;
    std::string query_value(const std::string& name) const; // "" when absent
    std::string cookie(const std::string& name) const;      // "" when absent
};

struct web_response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Set: the answer is a stream of server-sent events. It is asked every `interval` for the
    // next bytes to send ("" for none yet) until it returns nothing; then the connection ends.
    std::function<std::optional<std::string>()> events;
    std::chrono::milliseconds interval{500};

    static web_response json(int status, const std::string& body);
    static web_response html(int status, std::string body);
    static web_response text(int status, std::string body, const std::string& type);
};

using web_handler = std::function<web_response(const web_request&)>;

struct listener_limits {
    std::uint64_t max_header_bytes = 16 * 1024;
    std::uint64_t max_body_bytes = 4 * 1024 * 1024; // larger: 413
    std::chrono::seconds read_timeout{30};
    std::chrono::seconds longest_stream{3600}; // a server-sent event stream ends after this
    int max_connections = 512;                 // more are closed at once
};

// The service's HTTP(S) listener on Boost.Beast: keep-alive, bounded request sizes and
// times, a handler per request run on one of `threads` threads, server-sent event streams.
class web_listener {
public:
    // Binds `address`:`port` (0: a free port). Throws std::runtime_error on failure.
    web_listener(const std::string& address, std::uint16_t port, web_handler h,
                 listener_limits lim = {});
    ~web_listener();
    web_listener(const web_listener&) = delete;
    web_listener& operator=(const web_listener&) = delete;

    // HTTPS with this certificate chain and key (PEM files). Call before start().
    void use_tls(const std::string& cert_chain_file, const std::string& key_file);
    bool tls() const;

    std::uint16_t port() const;
    void start(int threads); // serves on background threads
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace konform::service
