#include "konform/service/web_listener.hpp"

#include "text_list.hpp"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <thread>
#include <type_traits>

namespace konform::service {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

std::string web_request::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

std::string web_request::query_value(const std::string& name) const {
    for (const auto& [k, v] : query)
        if (k == name) return v;
    return {};
}

std::string web_request::cookie(const std::string& name) const {
    for (const auto& c : detail::split_trimmed(header("cookie"), ';'))
        if (c.size() > name.size() && c.compare(0, name.size(), name) == 0 && c[name.size()] == '=')
            return c.substr(name.size() + 1);
    return {};
}

web_response web_response::json(int status, const std::string& body) {
    return text(status, body, "application/json; charset=utf-8");
}

web_response web_response::html(int status, std::string body) {
    return text(status, std::move(body), "text/html; charset=utf-8");
}

web_response web_response::text(int status, std::string body, const std::string& type) {
    web_response r;
    r.status = status;
    r.headers = {{"Content-Type", type}};
    r.body = std::move(body);
    return r;
}

namespace {

web_request request_of(bhttp::request<bhttp::string_body>& msg, const std::string& peer) {
    web_request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.peer = peer;
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
        req.path = "/";
    }
    return req;
}

// Headers every answer carries: no sniffing, no framing by other sites, no referrer leak.
void harden(bhttp::fields& f) {
    f.set(bhttp::field::server, "konform");
    f.set("X-Content-Type-Options", "nosniff");
    f.set("X-Frame-Options", "DENY");
    f.set("Referrer-Policy", "no-referrer");
}

struct shared_state {
    web_handler h;
    listener_limits lim;
    std::atomic<int> connections{0};
};

template <class Stream> class session : public std::enable_shared_from_this<session<Stream>> {
public:
    session(Stream stream, std::shared_ptr<shared_state> st, std::string peer)
        : stream_(std::move(stream)), st_(std::move(st)), peer_(std::move(peer)),
          timer_(stream_.get_executor()) {
        ++st_->connections;
    }
    ~session() { --st_->connections; }

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
        parser_->header_limit(static_cast<std::uint32_t>(st_->lim.max_header_bytes));
        parser_->body_limit(st_->lim.max_body_bytes);
        beast::get_lowest_layer(stream_).expires_after(st_->lim.read_timeout);
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec == bhttp::error::body_limit)
                                  return self->refuse(413, "request body too large");
                              if (ec == bhttp::error::header_limit)
                                  return self->refuse(431, "request header too large");
                              if (ec) return self->close();
                              self->answer();
                          });
    }

    // Answers a request refused before its body was read, then reads and drops what the
    // client still sends (for a few seconds at most), so it gets to read the answer.
    void refuse(int status, const std::string& why) {
        lingering_ = true;
        web_response r = web_response::json(status, "{\"error\":\"" + why + "\"}");
        send(r, 11, false);
    }

    void linger() {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
        drain_.resize(64 * 1024);
        drain();
    }

    void drain() {
        stream_.async_read_some(asio::buffer(drain_), [self = this->shared_from_this()](
                                                          beast::error_code ec, std::size_t) {
            if (ec) return self->close();
            self->drain();
        });
    }

    void answer() {
        auto& msg = parser_->get();
        const bool keep = msg.keep_alive();
        const unsigned version = msg.version();
        web_request req = request_of(msg, peer_);
        web_response res;
        try {
            res = st_->h(req);
        } catch (const std::exception&) {
            res = web_response::json(500, "{\"error\":\"internal error\"}");
        }
        if (res.events) return stream(std::move(res));
        send(res, version, keep);
    }

    void send(web_response& res, unsigned version, bool keep) {
        response_ = {static_cast<bhttp::status>(res.status), version};
        harden(response_.base());
        for (const auto& [k, v] : res.headers)
            response_.insert(k, v);
        response_.body() = std::move(res.body);
        response_.keep_alive(keep);
        response_.prepare_payload();
        beast::get_lowest_layer(stream_).expires_after(st_->lim.read_timeout);
        bhttp::async_write(stream_, response_,
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               if (!ec && self->lingering_) return self->linger();
                               if (ec || !self->response_.keep_alive()) return self->close();
                               self->read();
                           });
    }

    // Server-sent events: the header, then what the producer gives, until it gives nothing.
    void stream(web_response res) {
        events_ = std::move(res.events);
        interval_ = res.interval;
        stream_until_ = std::chrono::steady_clock::now() + st_->lim.longest_stream;
        bhttp::response<bhttp::empty_body> whole{static_cast<bhttp::status>(res.status), 11};
        auto& head = whole.base();
        harden(head);
        for (const auto& [k, v] : res.headers)
            head.insert(k, v);
        head.set(bhttp::field::content_type, "text/event-stream; charset=utf-8");
        head.set(bhttp::field::cache_control, "no-store");
        head.set(bhttp::field::connection, "close");
        std::ostringstream text;
        text << head;
        out_ = text.str();
        write_event();
    }

    void write_event() {
        beast::get_lowest_layer(stream_).expires_after(st_->lim.read_timeout);
        asio::async_write(stream_, asio::buffer(out_),
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->next_event();
                          });
    }

    void next_event() {
        std::optional<std::string> next;
        try {
            if (std::chrono::steady_clock::now() < stream_until_) next = events_();
        } catch (const std::exception&) {
        }
        if (!next) return close();
        if (!next->empty()) {
            out_ = std::move(*next);
            return write_event();
        }
        timer_.expires_after(interval_);
        timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return self->close();
            self->next_event();
        });
    }

    void close() {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    }

    Stream stream_;
    std::shared_ptr<shared_state> st_;
    std::string peer_;
    asio::steady_timer timer_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    bhttp::response<bhttp::string_body> response_;
    std::function<std::optional<std::string>()> events_;
    std::chrono::milliseconds interval_{500};
    std::chrono::steady_clock::time_point stream_until_;
    std::string out_;
    bool lingering_ = false;
    std::string drain_;
};

} // namespace

struct web_listener::impl {
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc};
    std::shared_ptr<shared_state> st = std::make_shared<shared_state>();
    std::optional<asio::ssl::context> ssl;
    std::vector<std::thread> threads;

    void accept() {
        acceptor.async_accept(
            asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
                if (ec == asio::error::operation_aborted) return;
                if (!ec && st->connections < st->lim.max_connections) {
                    beast::error_code pe;
                    auto ep = socket.remote_endpoint(pe);
                    std::string peer = pe ? "" : ep.address().to_string();
                    if (ssl)
                        std::make_shared<session<beast::ssl_stream<beast::tcp_stream>>>(
                            beast::ssl_stream<beast::tcp_stream>(std::move(socket), *ssl), st,
                            std::move(peer))
                            ->start();
                    else
                        std::make_shared<session<beast::tcp_stream>>(
                            beast::tcp_stream(std::move(socket)), st, std::move(peer))
                            ->start();
                }
                accept();
            });
    }
};

web_listener::web_listener(const std::string& address, std::uint16_t port, web_handler h,
                           listener_limits lim)
    : impl_(std::make_unique<impl>()) {
    impl_->st->h = std::move(h);
    impl_->st->lim = lim;
    try {
        tcp::endpoint ep(asio::ip::make_address(address), port);
        impl_->acceptor.open(ep.protocol());
        impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
        impl_->acceptor.bind(ep);
        impl_->acceptor.listen();
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port) + ": " +
                                 e.what());
    }
}

web_listener::~web_listener() {
    stop();
}

void web_listener::use_tls(const std::string& cert_chain_file, const std::string& key_file) {
    impl_->ssl.emplace(asio::ssl::context::tls_server);
    impl_->ssl->set_options(asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    impl_->ssl->use_certificate_chain_file(cert_chain_file);
    impl_->ssl->use_private_key_file(key_file, asio::ssl::context::pem);
}

bool web_listener::tls() const {
    return impl_->ssl.has_value();
}

std::uint16_t web_listener::port() const {
    return impl_->acceptor.local_endpoint().port();
}

void web_listener::start(int threads) {
    impl_->accept();
    for (int i = 0; i < std::max(1, threads); ++i)
        impl_->threads.emplace_back([this] { impl_->ioc.run(); });
}

void web_listener::stop() {
    impl_->ioc.stop();
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
    impl_->threads.clear();
}

} // namespace konform::service
