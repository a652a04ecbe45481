#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace konform::test {

// A raw TCP server on 127.0.0.1 that misbehaves in one chosen way, for robustness tests.
// It reads (at most) one request per connection, then does what its mode says.
class hostile_server {
public:
    enum class mode {
        silent,              // accepts, never answers
        close_at_once,       // accepts and closes
        close_after_request, // reads the request, closes without a word
        drip,                // a valid response, one byte a second
        drip_headers,        // the status line, then one header byte a second (slowloris)
        endless_chunked,     // a chunked body that never ends
        huge_content_length, // announces a 10 GB body
        huge_header,         // a 1 MB header
        invalid_status_line, // "HTTP/1.1 abc Whatever"
        garbage,             // bytes that are not HTTP
        not_http_banner,     // another protocol's greeting
        truncated_body,      // Content-Length 100, sends 10, closes
        invalid_chunk,       // a chunk size that is not hex
        invalid_utf8_json,   // 200 application/json with invalid UTF-8
        deep_json,           // JSON nested 100,000 deep
        xml_entity_bomb,     // "billion laughs"
        xml_external_entity, // an entity pointing at /etc/passwd
        gzip_bomb,           // Content-Encoding: gzip, 1 MB of compressed zeros
        redirect_loop,       // 302 to itself, forever
        always_500,          // 500 on every request
        tls_stall,           // https: accepts TCP, never answers the handshake
        wrong_length_json,   // Content-Length larger than the body, then keep-alive silence
        endless_interim,     // "100 Continue", again and again, never the answer
        many_fields,         // 1,000,000 tiny header fields (4 MB, each under any limit)
        many_trailers,       // a chunked body with 1,000,000 tiny trailer fields
        long_chunk_line,     // a chunk size line that never ends
        drip_body,           // a prompt header, then the body one byte a second
        wide_json,           // 200,000 empty objects in an array (600 KB)
        interim_then_ok,     // 100 Continue and 103 Early Hints, then a good answer (not
                             // a misbehaviour: not in all_modes)
        few_trailers,        // a chunked answer with 3 trailer fields, in one write (not a
                             // misbehaviour: not in all_modes)
    };

    explicit hostile_server(mode m);
    ~hostile_server();
    hostile_server(const hostile_server&) = delete;
    hostile_server& operator=(const hostile_server&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url(bool https = false) const {
        return (https ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_);
    }
    int connections() const { return connections_.load(); }

    static std::vector<std::pair<mode, std::string>> all_modes();

private:
    void accept_loop();
    void serve(int fd);
    bool send_all(int fd, const std::string& data);
    void pause(int ms);

    mode mode_;
    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0};
    std::thread acceptor_;
    std::mutex mutex_;
    std::vector<int> client_fds_;
    std::vector<std::thread> workers_;
};

} // namespace konform::test
