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

// One connection, in Beast's classic completion-handler style: read a request, answer it,
// repeat while the client keeps the connection alive.
template <class Stream> class session : public std::enable_shared_from_this<session<Stream>> {
public:
    session(Stream stream, const handler& h, std::chrono::milliseconds latency, concurrency& load)
        : stream_(std::move(stream)), h_(h), latency_(latency), delay_(stream_.get_executor()),
          load_(load) {}

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
        response_ = respond(h_, parser_->get());
        if (latency_.count() == 0) return write();
        delay_.expires_after(latency_);
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
    std::chrono::milliseconds latency_;
    asio::steady_timer delay_;
    concurrency& load_;
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
    std::chrono::milliseconds latency{0};
    concurrency load;

    void accept() {
        acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) {
                if (ssl)
                    std::make_shared<session<beast::ssl_stream<beast::tcp_stream>>>(
                        beast::ssl_stream<beast::tcp_stream>(std::move(socket), *ssl), h, latency,
                        load)
                        ->start();
                else
                    std::make_shared<session<beast::tcp_stream>>(
                        beast::tcp_stream(std::move(socket)), h, latency, load)
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
    impl_->latency = latency;
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
