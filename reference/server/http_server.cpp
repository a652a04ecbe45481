#include "http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <optional>

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

struct http_server::impl {
    asio::io_context ioc{1};
    tcp::acceptor acceptor{ioc};
    handler h;

    std::optional<asio::ssl::context> ssl;

    asio::awaitable<void> session(tcp::socket socket) {
        constexpr auto use_ec = asio::as_tuple(asio::use_awaitable);
        if (!ssl) {
            co_await serve(beast::tcp_stream(std::move(socket)));
            co_return;
        }
        beast::ssl_stream<beast::tcp_stream> tls(std::move(socket), *ssl);
        beast::get_lowest_layer(tls).expires_after(std::chrono::seconds(10));
        auto [ec] = co_await tls.async_handshake(asio::ssl::stream_base::server, use_ec);
        if (!ec) co_await serve(std::move(tls));
    }

    // Owns its stream: no reference crosses a coroutine boundary.
    template <class Stream> asio::awaitable<void> serve(Stream stream) {
        constexpr auto use_ec = asio::as_tuple(asio::use_awaitable);
        beast::tcp_stream& lowest = beast::get_lowest_layer(stream);
        beast::flat_buffer buffer;
        for (;;) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(64 * 1024);
            parser.body_limit(8 * 1024 * 1024);
            lowest.expires_after(std::chrono::seconds(30));
            auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, use_ec);
            if (ec) break;
            auto& msg = parser.get();
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
            } catch (const std::exception& e) {
                res = server_response::json(500, std::string("{\"message\":\"internal error\"}"));
            }
            bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status),
                                                    msg.version()};
            out.set(bhttp::field::server, "konform-reference");
            for (const auto& [k, v] : res.headers)
                out.insert(k, v);
            out.body() = std::move(res.body);
            out.keep_alive(msg.keep_alive() && !res.close);
            out.prepare_payload();
            auto [wec, wn] = co_await bhttp::async_write(stream, out, use_ec);
            if (wec || !out.keep_alive()) break;
        }
        beast::error_code ignored;
        lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    asio::awaitable<void> accept_loop() {
        constexpr auto use_ec = asio::as_tuple(asio::use_awaitable);
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(use_ec);
            if (ec) {
                if (ec == asio::error::operation_aborted) co_return;
                continue;
            }
            asio::co_spawn(ioc, session(std::move(socket)), asio::detached);
        }
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
    asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
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
