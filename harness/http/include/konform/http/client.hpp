#pragma once

#include "konform/http/exchange.hpp"

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>

namespace konform::http {

// Explicit limits for every exchange; a system under test cannot extend them.
struct limits {
    std::chrono::milliseconds connect_timeout{5000}; // TCP connect and TLS handshake
    std::chrono::milliseconds read_timeout{15000};   // from request sent to response complete
    std::chrono::milliseconds total_timeout{30000};  // the whole exchange, a hard deadline
    std::uint64_t max_header_bytes = 64 * 1024;      // status line, header and trailer sections
    std::uint64_t max_header_fields = 256;           // header and trailer fields together
    std::uint64_t max_body_bytes = 32 * 1024 * 1024;
    // The bodies all jobs are reading at once, together (the memory they hold): a reader
    // past it waits for the others; the oldest always reads on.
    std::uint64_t max_bodies_in_flight = 64 * 1024 * 1024;
    double max_requests_per_second = 0; // 0: no cap; else exchanges start at most this often
};

struct tls_options {
    std::filesystem::path ca_file;     // empty: the system's trust store
    bool insecure = false;             // accept any certificate (self-tests only)
    std::filesystem::path client_cert; // PEM (with client_key, or holding the key) or PKCS#12
    std::filesystem::path client_key;  // PEM, optionally encrypted
    std::string client_key_password;   // decrypts client_key or opens the PKCS#12 file
    bool has_client_key_password = false;
};

struct client_options {
    limits lim;
    tls_options tls;
    std::string user_agent = "konform";
    // When set (by a signal handler), perform() cancels the exchange under way within
    // 100 ms and refuses new ones: the exchange ends in an error saying so.
    const std::atomic<bool>* stop = nullptr;
};

// An HTTP/1.1 client for http and https with keep-alive connection reuse. It never
// follows redirects itself. Errors are reported in the exchange, never thrown.
class client {
public:
    // Throws std::invalid_argument when the TLS options cannot be used (bad CA file...).
    client(boost::asio::io_context& ioc, client_options options);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // Performs one exchange on this client's io_context. while_waiting, when given, runs
    // once as soon as the request is written, before the answer is read: the caller's
    // own work overlaps the system's time to answer. It must not throw, and its time
    // counts in the exchange's wait (never shown shorter than it was).
    boost::asio::awaitable<exchange> async_perform(request req,
                                                   std::function<void()> while_waiting = {});

    // Runs async_perform to completion on the io_context (which must not be running).
    exchange perform(request req);

    // Cancels every exchange under way (each ends in an error saying the run was
    // interrupted) and refuses new ones.
    void cancel();
    // The most bytes the bodies being read held at once so far (capacity, across every
    // exchange under way): what limits::max_bodies_in_flight bounds.
    std::size_t peak_bodies_in_flight() const;

    boost::asio::io_context& context();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace konform::http
