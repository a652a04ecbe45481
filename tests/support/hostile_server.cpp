#include "hostile_server.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <cstring>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

namespace konform::test {

std::vector<std::pair<hostile_server::mode, std::string>> hostile_server::all_modes() {
    return {{mode::silent, "silent"},
            {mode::close_at_once, "close_at_once"},
            {mode::close_after_request, "close_after_request"},
            {mode::drip, "drip"},
            {mode::drip_headers, "drip_headers"},
            {mode::endless_chunked, "endless_chunked"},
            {mode::huge_content_length, "huge_content_length"},
            {mode::huge_header, "huge_header"},
            {mode::invalid_status_line, "invalid_status_line"},
            {mode::garbage, "garbage"},
            {mode::not_http_banner, "not_http_banner"},
            {mode::truncated_body, "truncated_body"},
            {mode::invalid_chunk, "invalid_chunk"},
            {mode::invalid_utf8_json, "invalid_utf8_json"},
            {mode::deep_json, "deep_json"},
            {mode::xml_entity_bomb, "xml_entity_bomb"},
            {mode::xml_external_entity, "xml_external_entity"},
            {mode::gzip_bomb, "gzip_bomb"},
            {mode::redirect_loop, "redirect_loop"},
            {mode::always_500, "always_500"},
            {mode::tls_stall, "tls_stall"},
            {mode::wrong_length_json, "wrong_length_json"},
            {mode::endless_interim, "endless_interim"},
            {mode::many_fields, "many_fields"},
            {mode::many_trailers, "many_trailers"},
            {mode::long_chunk_line, "long_chunk_line"},
            {mode::drip_body, "drip_body"},
            {mode::wide_json, "wide_json"}};
}

hostile_server::hostile_server(mode m) : mode_(m) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 64) != 0)
        throw std::runtime_error("hostile_server: cannot listen");
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

hostile_server::~hostile_server() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
    {
        std::lock_guard lock(mutex_);
        for (int fd : client_fds_)
            ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : workers_)
        t.join();
    for (int fd : client_fds_)
        ::close(fd); // closed only here, so no number is reused meanwhile
}

void hostile_server::accept_loop() {
    while (!stopping_) {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            if (stopping_) return;
            continue;
        }
        ++connections_;
        std::lock_guard lock(mutex_);
        client_fds_.push_back(fd);
        workers_.emplace_back([this, fd] { serve(fd); });
    }
}

bool hostile_server::send_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size() && !stopping_) {
        ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return done == data.size();
}

void hostile_server::pause(int ms) {
    for (int waited = 0; waited < ms && !stopping_; waited += 10)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

namespace {

std::string response(int status, const std::string& type, const std::string& body,
                     const std::string& extra = "") {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

std::string read_request(int fd) {
    std::string req;
    char buf[4096];
    while (req.find("\r\n\r\n") == std::string::npos && req.size() < 65536) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        req.append(buf, static_cast<std::size_t>(n));
    }
    return req;
}

std::string gzip_of_zeros(std::size_t n) {
    std::string zeros(n, '\0'), out(n / 100 + 1024, '\0');
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
    z.next_in = reinterpret_cast<Bytef*>(zeros.data());
    z.avail_in = static_cast<uInt>(zeros.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

} // namespace

void hostile_server::serve(int fd) {
    const std::string good = "{\"a\": 1}";
    switch (mode_) {
    case mode::silent:
    case mode::tls_stall:
        while (!stopping_)
            pause(50);
        break;
    case mode::close_at_once:
        break;
    case mode::close_after_request:
        read_request(fd);
        break;
    default: {
        read_request(fd);
        switch (mode_) {
        case mode::drip: {
            std::string r = response(200, "application/json", good);
            for (char c : r) {
                if (!send_all(fd, std::string(1, c))) break;
                pause(1000);
            }
            break;
        }
        case mode::drip_headers: {
            send_all(fd, "HTTP/1.1 200 OK\r\n");
            while (!stopping_ && send_all(fd, "X"))
                pause(1000);
            break;
        }
        case mode::endless_chunked: {
            send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: "
                         "chunked\r\n\r\n");
            std::string chunk = "1000\r\n" + std::string(0x1000, ' ') + "\r\n";
            while (!stopping_ && send_all(fd, chunk)) {
            }
            break;
        }
        case mode::huge_content_length:
            send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         "10000000000\r\n\r\n{");
            while (!stopping_ && send_all(fd, std::string(65536, ' '))) {
            }
            break;
        case mode::huge_header:
            send_all(fd, "HTTP/1.1 200 OK\r\nX-Big: " + std::string(1024 * 1024, 'a') +
                             "\r\nContent-Length: 2\r\n\r\n{}");
            break;
        case mode::invalid_status_line:
            send_all(fd, "HTTP/1.1 abc Whatever\r\nContent-Length: 0\r\n\r\n");
            break;
        case mode::garbage: {
            std::string g;
            for (int i = 0; i < 4096; ++i)
                g += static_cast<char>((i * 7919) % 256);
            send_all(fd, g);
            break;
        }
        case mode::not_http_banner:
            send_all(fd, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
            break;
        case mode::truncated_body:
            send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         "100\r\n\r\n{\"a\": 1, \"b");
            break;
        case mode::invalid_chunk:
            send_all(
                fd,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
            break;
        case mode::invalid_utf8_json:
            send_all(fd, response(200, "application/json", "{\"a\": \"\xff\xfe\xc3\x28\"}"));
            break;
        case mode::deep_json:
            send_all(fd, response(200, "application/json",
                                  std::string(100000, '[') + std::string(100000, ']')));
            break;
        case mode::xml_entity_bomb: {
            std::string dtd = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY l0 \"lol\">";
            for (int i = 1; i < 10; ++i)
                dtd += "<!ENTITY l" + std::to_string(i) + " \"" + [&] {
                    std::string s;
                    for (int k = 0; k < 10; ++k)
                        s += "&l" + std::to_string(i - 1) + ";";
                    return s;
                }() + "\">";
            send_all(fd, response(200, "text/xml", dtd + "]><r>&l9;</r>"));
            break;
        }
        case mode::xml_external_entity:
            send_all(fd, response(200, "text/xml",
                                  "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM "
                                  "\"file:///etc/passwd\">]><r>&x;</r>"));
            break;
        case mode::gzip_bomb:
            send_all(fd, response(200, "application/json", gzip_of_zeros(64 * 1024 * 1024),
                                  "Content-Encoding: gzip\r\n"));
            break;
        case mode::redirect_loop:
            send_all(fd, "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: "
                         "0\r\nConnection: close\r\n\r\n");
            break;
        case mode::endless_interim:
            while (!stopping_ && send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n"))
                pause(10);
            break;
        case mode::many_fields:
        case mode::many_trailers: {
            std::string fields;
            for (int i = 0; i < 1000000; ++i)
                fields += "a:\r\n";
            if (mode_ == mode::many_fields)
                send_all(fd, "HTTP/1.1 200 OK\r\n" + fields + "Content-Length: 2\r\n\r\n{}");
            else
                send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n" +
                                 fields + "\r\n");
            break;
        }
        case mode::wide_json: {
            std::string body = "[{}";
            for (int i = 1; i < 200000; ++i)
                body += ",{}";
            send_all(fd, response(200, "application/json", body + "]"));
            break;
        }
        case mode::long_chunk_line:
            send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n2;ext=");
            while (!stopping_ && send_all(fd, std::string(65536, 'x'))) {
            }
            break;
        case mode::drip_body: {
            send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         "1000\r\n\r\n");
            while (!stopping_ && send_all(fd, " "))
                pause(1000);
            break;
        }
        case mode::interim_then_ok:
            send_all(fd, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: "
                         "</style.css>; rel=preload\r\n\r\n" +
                             response(200, "application/json", "{\"ok\": true}"));
            break;
        case mode::few_trailers:
            send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: "
                         "chunked\r\n\r\n2\r\n{}\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n");
            break;
        case mode::always_500:
            send_all(fd, response(500, "application/json", "{\"message\": \"broken\"}"));
            break;
        case mode::wrong_length_json:
            send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         "50\r\n\r\n{\"a\": 1}");
            while (!stopping_)
                pause(50);
            break;
        default:
            break;
        }
    }
    }
    ::shutdown(fd, SHUT_RDWR);
}

} // namespace konform::test
