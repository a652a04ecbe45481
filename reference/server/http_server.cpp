#include "http_server.hpp"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <type_traits>

namespace konform::reference {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

std::string server_request::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

server_response server_response::json(int status, std::string body) {
    return {status, {{"Content-Type", "application/json; charset=utf-8"}}, std::move(body), false};
}

server_response server_response::xml(int status, std::string body) {
    return {status, {{"Content-Type", "text/xml; charset=utf-8"}}, std::move(body), false};
}

namespace {

// Turns one request into its response through the handler.
bhttp::response<bhttp::string_body> respond(const handler& h,
                                            bhttp::request<bhttp::string_body>& msg) {
    server_request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& f : msg) {
        std::string name(f.name_string());
        for (auto& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        req.headers[name] = std::string(f.value());
    }
    req.body = std::move(msg.body());
    auto u = boost::urls::parse_origin_form(req.target);
    if (u) {
        req.path = std::string(u->path());
        for (auto p : u->params())
            req.query.emplace_back(p.key, p.value);
    } else {
        req.valid_target = false;
        req.path = req.target;
    }
    server_response res;
    try {
        res = h(req);
    } catch (const std::exception&) {
        res = server_response::json(500, std::string("{\"message\":\"internal error\"}"));
    }
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), msg.version()};
    out.set(bhttp::field::server, "konform-reference");
    for (const auto& [k, v] : res.headers)
        out.insert(k, v);
    out.body() = std::move(res.body);
    out.keep_alive(msg.keep_alive() && !res.close);
    out.prepare_payload();
    return out;
}

// Requests being answered now, and the most at one time.
struct concurrency {
    int now = 0;
    std::atomic<int> max{0};
};

// How long one answer is held back, and whether it is replaced by a 503, under `profile`
// with `busy` requests being answered (this one included).
struct hold {
    std::chrono::steady_clock::duration delay{};
    bool unavailable = false;
};
hold hold_for(const latency_profile& p, int busy, std::chrono::steady_clock::time_point started,
              std::minstd_rand& rng) {
    hold h;
    h.delay = p.base;
    if (p.jitter.count() > 0)
        h.delay += std::chrono::microseconds(
            std::uniform_int_distribution<long>(0, p.jitter.count() * 1000)(rng));
    if (p.stall.count() > 0 && p.stall_every.count() > 0) {
        const auto since = std::chrono::steady_clock::now() - started;
        const auto in_cycle = since % p.stall_every;
        // The stall takes the first `stall` of every cycle after the first.
        if (since >= p.stall_every && in_cycle < p.stall) h.delay += p.stall - in_cycle;
    }
    if (p.slow_past > 0 && busy > p.slow_past) h.delay += p.slow;
    h.unavailable = p.errors_past > 0 && busy > p.errors_past;
    return h;
}

// One connection, in Beast's classic completion-handler style: read a request, answer it,
// repeat while the client keeps the connection alive.
template <class Stream> class session : public std::enable_shared_from_this<session<Stream>> {
public:
    session(Stream stream, const handler& h, const latency_profile& latency, concurrency& load,
            std::chrono::steady_clock::time_point started)
        : stream_(std::move(stream)), h_(h), latency_(latency), delay_(stream_.get_executor()),
          load_(load), started_(started),
          rng_(static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(this))) {}

    void start() {
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            read();
        } else {
            beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(10));
            stream_.async_handshake(asio::ssl::stream_base::server,
                                    [self = this->shared_from_this()](beast::error_code ec) {
                                        if (!ec) self->read();
                                    });
        }
    }

private:
    void read() {
        parser_.emplace();
        parser_->header_limit(64 * 1024);
        parser_->body_limit(8 * 1024 * 1024);
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->answer();
                          });
    }

    void answer() {
        load_.max = std::max(load_.max.load(), ++load_.now);
        const hold h = hold_for(latency_, load_.now, started_, rng_);
        if (h.unavailable) {
            server_response busy = server_response::json(
                503, std::string("{\"message\":\"too many requests at once\"}"));
            response_ = respond([&](const server_request&) { return busy; }, parser_->get());
        } else {
            response_ = respond(h_, parser_->get());
        }
        if (h.delay.count() == 0) return write();
        delay_.expires_after(h.delay);
        delay_.async_wait([self = this->shared_from_this()](beast::error_code) { self->write(); });
    }

    void write() {
        bhttp::async_write(stream_, response_,
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               --self->load_.now;
                               if (ec || !self->response_.keep_alive()) return self->close();
                               self->read();
                           });
    }

    void close() {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    Stream stream_;
    const handler& h_;
    const latency_profile& latency_;
    asio::steady_timer delay_;
    concurrency& load_;
    std::chrono::steady_clock::time_point started_;
    std::minstd_rand rng_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    bhttp::response<bhttp::string_body> response_;
};

} // namespace

struct http_server::impl {
    asio::io_context ioc{1};
    tcp::acceptor acceptor{ioc};
    handler h;
    std::optional<asio::ssl::context> ssl;
    latency_profile latency;
    concurrency load;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    void accept() {
        acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) {
                if (ssl)
                    std::make_shared<session<beast::ssl_stream<beast::tcp_stream>>>(
                        beast::ssl_stream<beast::tcp_stream>(std::move(socket), *ssl), h, latency,
                        load, started)
                        ->start();
                else
                    std::make_shared<session<beast::tcp_stream>>(
                        beast::tcp_stream(std::move(socket)), h, latency, load, started)
                        ->start();
            }
            accept();
        });
    }
};

http_server::http_server(std::uint16_t port, handler h) : impl_(std::make_unique<impl>()) {
    impl_->h = std::move(h);
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    port_ = impl_->acceptor.local_endpoint().port();
    impl_->accept();
}

http_server::http_server(std::uint16_t port, handler h, const std::string& cert_chain_file,
                         const std::string& key_file)
    : http_server(port, std::move(h)) {
    impl_->ssl.emplace(asio::ssl::context::tls_server);
    impl_->ssl->use_certificate_chain_file(cert_chain_file);
    impl_->ssl->use_private_key_file(key_file, asio::ssl::context::pem);
    tls_ = true;
}

http_server::~http_server() {
    stop();
}

void http_server::require_client_certificate(const std::string& ca_file) {
    if (!impl_->ssl) throw std::logic_error("a client certificate needs an HTTPS server");
    impl_->ssl->load_verify_file(ca_file);
    impl_->ssl->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
}

void http_server::set_latency(std::chrono::milliseconds latency) {
    impl_->latency = latency_profile{};
    impl_->latency.base = latency;
}

void http_server::set_latency_profile(const latency_profile& profile) {
    impl_->latency = profile;
    impl_->started = std::chrono::steady_clock::now();
}

latency_profile latency_profile::parse(const std::string& text) {
    latency_profile p;
    auto ms = [](const std::string& v, const std::string& what) {
        std::size_t used = 0;
        long n = -1;
        try {
            n = std::stol(v, &used);
        } catch (const std::exception&) {
        }
        if (n < 0 || used != v.size() || n > 3'600'000)
            throw std::invalid_argument(what + ": \"" + v + "\" is not a number of milliseconds");
        return n;
    };
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        const std::string item = text.substr(at, comma - at);
        at = comma + 1;
        const std::size_t eq = item.find('=');
        if (eq == std::string::npos)
            throw std::invalid_argument("\"" + item + "\" is not name=value");
        const std::string name = item.substr(0, eq), value = item.substr(eq + 1);
        auto pair = [&](char sep, long& a, long& b) {
            const std::size_t s = value.find(sep);
            if (s == std::string::npos)
                throw std::invalid_argument(name + " takes two numbers: A" + sep + "B");
            a = ms(value.substr(0, s), name);
            b = ms(value.substr(s + 1), name);
        };
        long a = 0, b = 0;
        if (name == "base")
            p.base = std::chrono::milliseconds(ms(value, name));
        else if (name == "jitter")
            p.jitter = std::chrono::milliseconds(ms(value, name));
        else if (name == "stall") {
            pair('/', a, b);
            if (b <= a) throw std::invalid_argument("stall=A/B holds A ms in every B ms: A < B");
            p.stall = std::chrono::milliseconds(a);
            p.stall_every = std::chrono::milliseconds(b);
        } else if (name == "slow") {
            pair(':', a, b);
            p.slow_past = static_cast<int>(a);
            p.slow = std::chrono::milliseconds(b);
        } else if (name == "errors")
            p.errors_past = static_cast<int>(ms(value, name));
        else
            throw std::invalid_argument("unknown latency setting \"" + name +
                                        "\" (base, jitter, stall, slow, errors)");
    }
    return p;
}

int http_server::max_concurrent_requests() const {
    return impl_->load.max.load();
}

void http_server::start() {
    thread_ = std::thread([this] { impl_->ioc.run(); });
}

void http_server::run() {
    impl_->ioc.run();
}

void http_server::stop() {
    impl_->ioc.stop();
    if (thread_.joinable()) thread_.join();
}

} // namespace konform::reference
