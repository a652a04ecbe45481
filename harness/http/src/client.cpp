#include "konform/http/client.hpp"

#include "client_certificate.hpp"
#include "read_header.hpp"
#include "tls_facts.hpp"
#include "wire_request.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/system/result.hpp>
#include <boost/url/parse.hpp>
#include <map>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <optional>
#include <poll.h>
#include <stdexcept>

namespace konform::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr auto use_ec = asio::as_tuple(asio::use_awaitable);

struct origin {
    bool https = false;
    std::string host; // without brackets
    std::string port;
    std::string target;
    bool host_is_ip = false;
    std::string key() const { return (https ? "https://" : "http://") + host + ":" + port; }
};

// The origin and target of an absolute URL, or why it has none.
boost::system::result<origin, std::string> parse_origin(const std::string& url) {
    auto r = boost::urls::parse_absolute_uri(url);
    if (!r) return "not a valid absolute URL: " + url;
    auto u = *r;
    origin out;
    if (u.scheme() == "https")
        out.https = true;
    else if (u.scheme() != "http")
        return "unsupported scheme \"" + std::string(u.scheme()) + "\"";
    if (!u.has_authority() || u.encoded_host().empty()) return "URL has no host: " + url;
    out.host_is_ip = u.host_type() == boost::urls::host_type::ipv4 ||
                     u.host_type() == boost::urls::host_type::ipv6;
    out.host = u.host_type() == boost::urls::host_type::ipv6 ? std::string(u.host_address())
                                                             : std::string(u.host());
    out.port = u.has_port() ? std::string(u.port()) : (out.https ? "443" : "80");
    out.target = std::string(u.encoded_target());
    if (out.target.empty() || out.target.front() != '/') out.target.insert(0, "/");
    return out;
}

// How an explanation names the phase an exchange failed in.
std::string phase_words(phase p) {
    switch (p) {
    case phase::none:
        return "the exchange";
    case phase::resolve:
        return "resolving the name";
    case phase::connect:
        return "connect";
    case phase::tls_handshake:
        return "TLS handshake";
    case phase::send:
        return "sending the request";
    case phase::wait:
        return "waiting for the response";
    case phase::receive:
        return "reading the response body";
    }
    return "the exchange";
}

double ms_since(clock_type::time_point t) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
}

struct connection {
    std::string key;
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;
    std::string remote;
    std::optional<tls_facts> facts;
    bool certificate_requested = false; // seen in the handshake (a CertificateRequest)
    clock_type::time_point idle_since;  // when its last answer was read

    beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
    void close() {
        beast::error_code ignored;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().socket().close(ignored);
    }
};

// An idle kept-alive connection the server has closed (or written to unasked) since its
// last answer: readable without a request. Such a connection is never used again. One
// answered within the last millisecond is taken as it is (a server's idle timeout is
// seconds long): a loop or a load reuses its connection at once, and the check would be
// one system call in four.
bool stale(connection& c) {
    constexpr auto fresh = std::chrono::milliseconds(1);
    if (clock_type::now() - c.idle_since < fresh) return false;
    pollfd p{};
    p.fd = c.lowest().socket().native_handle();
    p.events = POLLIN;
    return ::poll(&p, 1, 0) != 0;
}

std::string fmt_ms(std::chrono::milliseconds ms) {
    return std::to_string(ms.count()) + " ms";
}

} // namespace

struct client::impl {
    asio::io_context& ioc;
    client_options opt;
    // Made on first use: creating an OpenSSL context (cipher tables, and the system's 144
    // trusted certificates) is most of a short run's start-up, and an http:// target
    // never needs it.
    std::optional<asio::ssl::context> ssl;
    std::optional<asio::ssl::context> ssl_without_certificate; // for a step that sends none
    std::map<std::string, asio::ssl::context> ssl_with_other;  // by a step's own certificate
    std::multimap<std::string, std::unique_ptr<connection>> idle;
    // Sockets with an operation under way, for cancellation: a handful (one a connection in
    // use), so a vector, reused without allocating.
    std::vector<tcp::socket*> busy;
    bool cancelled = false;
    clock_type::time_point next_start{}; // for max_requests_per_second
    std::string last_url;                // the last URL parsed, and its origin
    std::optional<origin> last_origin;

    // The bodies being read at once, across every job of the run (all on this client's one
    // thread): each reader's ticket and the bytes its body holds (capacity: a string grows
    // by doubling). A reader grows its body only while all of them stay within
    // limits::max_bodies_in_flight; the oldest reader always may, so one always finishes.
    // The most a run holds in bodies is the budget plus one body at its limit, whatever
    // --jobs says.
    struct body_budget {
        std::map<std::uint64_t, std::size_t> held;
        std::uint64_t next = 0;
        std::size_t total = 0, peak = 0;
        void set(std::uint64_t ticket, std::size_t bytes) {
            auto& h = held[ticket];
            total = total - h + bytes;
            h = bytes;
            peak = std::max(peak, total);
        }
        void leave(std::uint64_t ticket) {
            if (auto it = held.find(ticket); it != held.end()) {
                total -= it->second;
                held.erase(it);
            }
        }
        // Whether a reader may reserve `bytes` for its next read, the others' reservations
        // as they stand.
        bool may_grow(std::uint64_t ticket, std::size_t bytes, std::size_t limit) const {
            const std::size_t others = total - held.at(ticket);
            return held.begin()->first == ticket || others + bytes <= limit;
        }
    } bodies;
    struct body_reader {
        body_budget& b;
        std::uint64_t ticket;
        explicit body_reader(body_budget& budget) : b(budget), ticket(budget.next++) {
            b.set(ticket, 0);
        }
        ~body_reader() { b.leave(ticket); }
    };

    // Keeps a socket in `busy` while an operation on it is awaited.
    struct watch {
        impl& self;
        tcp::socket* socket;
        watch(impl& i, tcp::socket& s) : self(i), socket(&s) { self.busy.push_back(socket); }
        ~watch() {
            auto it = std::find(self.busy.begin(), self.busy.end(), socket);
            if (it == self.busy.end()) return;
            *it = self.busy.back();
            self.busy.pop_back();
        }
    };

    void cancel_all() {
        cancelled = true;
        for (auto* s : busy) {
            beast::error_code ignored;
            s->cancel(ignored);
        }
    }

    impl(asio::io_context& io, client_options o) : ioc(io), opt(std::move(o)) {
        // Named TLS files are read now, so a bad one is an input error before the run.
        if (!opt.tls.ca_file.empty() || !opt.tls.client_cert.empty()) tls_context();
    }

    // The context for a request: its own certificate, none, or the configured one. Throws
    // std::invalid_argument when a certificate or key cannot be used.
    asio::ssl::context& tls_context_for(const request& r) {
        if (r.client_cert_file.empty()) return tls_context(r.client_certificate);
        if (auto it = ssl_with_other.find(r.client_cert_file); it != ssl_with_other.end())
            return it->second;
        tls_options own = opt.tls;
        own.client_cert = r.client_cert_file;
        own.client_key = r.client_key_file;
        own.client_key_password.clear();
        own.has_client_key_password = false;
        return ssl_with_other.emplace(r.client_cert_file, make_context(own, true)).first->second;
    }

    // Throws std::invalid_argument when a named CA file or client certificate cannot be used.
    // `with_certificate` false: the same trust, no client certificate.
    asio::ssl::context& tls_context(bool with_certificate = true) {
        if (!with_certificate && opt.tls.client_cert.empty()) with_certificate = true;
        auto& slot = with_certificate ? ssl : ssl_without_certificate;
        if (slot) return *slot;
        return slot.emplace(make_context(opt.tls, with_certificate));
    }

    asio::ssl::context make_context(const tls_options& tls, bool with_certificate) {
        asio::ssl::context ctx(asio::ssl::context::tls_client);
        SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
        beast::error_code ec;
        if (opt.tls.insecure)
            ctx.set_verify_mode(asio::ssl::verify_none);
        else {
            ctx.set_verify_mode(asio::ssl::verify_peer);
            if (!opt.tls.ca_file.empty()) {
                ctx.load_verify_file(opt.tls.ca_file.string(), ec);
                if (ec)
                    throw std::invalid_argument("CA file " + opt.tls.ca_file.string() +
                                                " cannot be used: " + ec.message());
            } else
                ctx.set_default_verify_paths(ec); // on failure, verification fails and says so
        }
        if (!tls.client_cert.empty() && with_certificate)
            detail::use_client_certificate(ctx.native_handle(), tls);
        return ctx;
    }

    // Plain words when a response carries more header and trailer fields than the limit.
    template <class Message> std::string too_many_fields(const Message& m) const {
        const auto n = static_cast<std::uint64_t>(std::distance(m.begin(), m.end()));
        if (n <= opt.lim.max_header_fields) return {};
        return "response has " + std::to_string(n) + " header fields, more than the limit of " +
               std::to_string(opt.lim.max_header_fields);
    }

    clock_type::time_point bounded(clock_type::time_point deadline, std::chrono::milliseconds t) {
        return std::min(deadline, clock_type::now() + t);
    }

    // Plain words for an error in a phase of the exchange.
    std::string explain(const beast::error_code& ec, http::phase in, const origin& o,
                        clock_type::time_point deadline, bool with_certificate) {
        const std::string where = o.host + ":" + o.port;
        const std::string phase = phase_words(in);
        if (cancelled) return "the run was interrupted during " + phase + " with " + where;
        if (ec == beast::error::timeout) {
            if (clock_type::now() >= deadline)
                return "no complete answer from " + where + " within the total limit of " +
                       fmt_ms(opt.lim.total_timeout) + " (" + phase + ")";
            auto t = in == http::phase::connect || in == http::phase::tls_handshake
                         ? opt.lim.connect_timeout
                         : opt.lim.read_timeout;
            return phase + " to " + where + " timed out after " + fmt_ms(t);
        }
        if (ec == asio::error::connection_refused) return "connection refused by " + where;
        if (ec == bhttp::error::body_limit)
            return "response body larger than the limit of " +
                   std::to_string(opt.lim.max_body_bytes) + " bytes";
        if (ec == bhttp::error::header_limit)
            return "response header larger than the limit of " +
                   std::to_string(opt.lim.max_header_bytes) + " bytes";
        if (ec == bhttp::error::buffer_overflow) // a chunk line or trailer section
            return "response framing (chunk line or trailer section) larger than the limit "
                   "of " +
                   std::to_string(opt.lim.max_header_bytes) + " bytes";
        if (ec == bhttp::error::end_of_stream || ec == asio::error::eof)
            return "the server at " + where + " closed the connection during " + phase;
        if (ec == bhttp::error::partial_message)
            return "the server at " + where +
                   " closed the connection before the response was complete";
        if (ec.category() == beast::error_code(bhttp::error::bad_version).category())
            return "the answer from " + where + " is not valid HTTP/1.1 (" + ec.message() + ")";
        if (ec.category() == asio::error::get_ssl_category()) {
            const int reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
            // TLS 1.3 says "certificate required"; TLS 1.2 servers end the handshake.
            const bool wants_certificate =
                reason == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED ||
                (opt.tls.client_cert.empty() && reason == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
            if (wants_certificate && !with_certificate)
                return "the system at " + where + " refused a client without a certificate (" +
                       ec.message() + ")";
            if (wants_certificate && opt.tls.client_cert.empty())
                return "the system at " + where +
                       " asks for a client certificate; set tls.client_cert in the target (" +
                       ec.message() + ")";
            if (reason == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED ||
                reason == SSL_R_SSLV3_ALERT_BAD_CERTIFICATE ||
                reason == SSL_R_TLSV1_ALERT_UNKNOWN_CA ||
                reason == SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN)
                return "the system at " + where + " refused the client certificate " +
                       opt.tls.client_cert.string() + " (" + ec.message() + ")";
        }
        return phase + " with " + where + " failed: " + ec.message();
    }

    // An interrupt that came between two operations of an exchange (cancel() finds nothing
    // under way then): the next one is not started. Checked, with no wait in between,
    // before each operation begins.
    bool interrupted_before(phase p, const origin& o, clock_type::time_point deadline, exchange& x,
                            beast::error_code& ec) {
        if (!cancelled) return false;
        ec = asio::error::operation_aborted;
        x.failed_in = p;
        x.explanation = explain(ec, p, o, deadline, x.req.client_certificate);
        return true;
    }

    asio::awaitable<beast::error_code> connect(connection& c, const origin& o,
                                               clock_type::time_point deadline, exchange& x) {
        auto t0 = clock_type::now();
        tcp::resolver resolver(ioc);
        auto [rec, results] = co_await resolver.async_resolve(o.host, o.port, use_ec);
        x.time.dns = ms_since(t0);
        if (rec) {
            x.failed_in = phase::resolve;
            x.explanation = "cannot resolve host " + o.host + ": " + rec.message();
            co_return rec;
        }
        beast::error_code stop;
        if (interrupted_before(phase::connect, o, deadline, x, stop)) co_return stop;
        auto t1 = clock_type::now();
        beast::tcp_stream stream(ioc);
        stream.expires_at(bounded(deadline, opt.lim.connect_timeout));
        std::optional<watch> w(std::in_place, *this, stream.socket());
        auto [cec, ep] = co_await stream.async_connect(results, use_ec);
        w.reset();
        x.time.connect = ms_since(t1);
        if (cec) {
            x.failed_in = phase::connect;
            x.explanation = explain(cec, phase::connect, o, deadline, x.req.client_certificate);
            co_return cec;
        }
        beast::error_code ignored;
        stream.socket().set_option(tcp::no_delay(true), ignored);
        c.remote = ep.address().to_string() + ":" + std::to_string(ep.port());
        if (!o.https) {
            c.plain.emplace(std::move(stream));
            co_return beast::error_code{};
        }
        asio::ssl::context* ctx = nullptr;
        try {
            ctx = &tls_context_for(x.req);
        } catch (const std::invalid_argument& e) { // a step's own certificate cannot be used
            x.failed_in = phase::tls_handshake;
            x.error = boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
            x.explanation = std::string("not sent: ") + e.what();
            co_return x.error;
        }
        c.secure.emplace(std::move(stream), *ctx);
        SSL* handle = c.secure->native_handle();
        if (!o.host_is_ip) SSL_set_tlsext_host_name(handle, o.host.c_str());
        // Whether the server asks for a client certificate: under TLS 1.3 it judges the
        // certificate after the client's handshake is done, so its refusal comes later.
        SSL_set_msg_callback(handle, [](int write_p, int, int content_type, const void* buf,
                                        std::size_t len, SSL*, void* arg) {
            if (!write_p && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
                static_cast<const unsigned char*>(buf)[0] == SSL3_MT_CERTIFICATE_REQUEST)
                *static_cast<bool*>(arg) = true;
        });
        SSL_set_msg_callback_arg(handle, &c.certificate_requested);
        if (!opt.tls.insecure) {
            if (o.host_is_ip)
                X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), o.host.c_str());
            else
                SSL_set1_host(handle, o.host.c_str());
        }
        auto t2 = clock_type::now();
        beast::get_lowest_layer(*c.secure).expires_at(bounded(deadline, opt.lim.connect_timeout));
        if (interrupted_before(phase::tls_handshake, o, deadline, x, stop)) co_return stop;
        watch hw(*this, c.lowest().socket());
        auto [hec] = co_await c.secure->async_handshake(asio::ssl::stream_base::client, use_ec);
        x.time.ssl = ms_since(t2);
        if (hec) {
            x.failed_in = phase::tls_handshake;
            std::string why = detail::verify_failure(handle);
            x.explanation =
                why.empty()
                    ? explain(hec, phase::tls_handshake, o, deadline, x.req.client_certificate)
                    : "TLS certificate of " + o.host + ":" + o.port + " rejected: " + why;
            co_return hec;
        }
        c.facts = detail::read_tls_facts(handle, !opt.tls.insecure);
        c.facts->certificate_requested = c.certificate_requested;
        co_return beast::error_code{};
    }

    // Reads a response's body a read at a time, within the run's budget for bodies in
    // flight: while it may not grow, it waits, and the time it waits does not count
    // against its own timeouts (konform, not the system, held it back).
    template <class Stream>
    asio::awaitable<beast::error_code>
    read_body(Stream& stream, connection& c, bhttp::response_parser<bhttp::string_body>& parser,
              clock_type::time_point& deadline, clock_type::time_point expiry) {
        body_reader reader(bodies);
        while (!parser.is_done()) {
            // What the body may hold after one more read: a string grows by doubling, a read
            // adds up to a buffer's worth, and it never holds more than twice its limit.
            constexpr std::size_t one_read = 64 * 1024;
            const std::size_t held = parser.get().body().capacity();
            const std::size_t after = std::max<std::size_t>(
                held, std::min<std::size_t>(2 * held + one_read, 2 * opt.lim.max_body_bytes));
            bodies.set(reader.ticket, held);
            if (!bodies.may_grow(reader.ticket, after, opt.lim.max_bodies_in_flight)) {
                const auto paused = clock_type::now();
                while (!cancelled &&
                       !bodies.may_grow(reader.ticket, after, opt.lim.max_bodies_in_flight)) {
                    asio::steady_timer pause(ioc, std::chrono::milliseconds(5));
                    co_await pause.async_wait(use_ec);
                }
                if (cancelled) co_return beast::error_code(asio::error::operation_aborted);
                const auto waited = clock_type::now() - paused;
                deadline += waited;
                expiry += waited;
                c.lowest().expires_at(expiry);
            }
            bodies.set(reader.ticket, after); // reserved until the next look
            auto [ec, n] = co_await bhttp::async_read_some(stream, c.buffer, parser, use_ec);
            if (ec) co_return ec;
        }
        co_return beast::error_code{};
    }

    template <class Stream>
    asio::awaitable<beast::error_code>
    roundtrip(Stream& stream, connection& c, const detail::wire_request& req, const origin& o,
              clock_type::time_point deadline, exchange& x, bool& nothing_received,
              std::function<void()>& while_waiting) {
        nothing_received = true;
        watch w(*this, c.lowest().socket());
        beast::error_code stop;
        if (interrupted_before(phase::send, o, deadline, x, stop)) co_return stop;
        auto t0 = clock_type::now();
        c.lowest().expires_at(bounded(deadline, opt.lim.read_timeout));
        const std::array<asio::const_buffer, 2> wire{asio::buffer(req.head),
                                                     asio::buffer(x.req.body)};
        // Over a plain connection the request goes straight into the socket (it is small,
        // and the socket's buffer takes it whole): no completion to wait for, and one
        // trip through the event loop fewer. What the socket does not take is written
        // as any other.
        beast::error_code wec;
        std::size_t written = 0;
        if (!c.secure) {
            auto& socket = c.lowest().socket();
            if (!socket.non_blocking()) socket.non_blocking(true, wec);
            if (!wec) written = socket.write_some(wire, wec);
            if (wec == asio::error::would_block || wec == asio::error::try_again) wec = {};
        }
        if (!wec && written < asio::buffer_size(wire)) {
            beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(wire);
            rest.consume(written);
            auto [aec, n] = co_await asio::async_write(stream, rest, use_ec);
            wec = aec;
        }
        x.time.send = ms_since(t0);
        if (wec) {
            x.failed_in = phase::send;
            x.explanation = explain(wec, phase::send, o, deadline, x.req.client_certificate);
            co_return wec;
        }
        // Interim responses (100 Continue, 103 Early Hints) are not the answer: skip them,
        // at most max_interim, so every later exchange keeps its own response.
        constexpr int max_interim = 10;
        std::optional<bhttp::response_parser<bhttp::string_body>> parser;
        clock_type::time_point read_expiry{};
        auto t1 = clock_type::now();
        // The caller's work while the system answers (a step's evidence): once, after the
        // request is out. Its time counts in the wait, so a wait is never shown shorter
        // than it was.
        if (while_waiting) {
            auto work = std::move(while_waiting);
            while_waiting = nullptr;
            work();
        }
        for (int interim = 0;; ++interim) {
            parser.emplace();
            parser->body_limit(opt.lim.max_body_bytes);
            if (req.is_head) parser->skip(true);
            read_expiry = bounded(deadline, opt.lim.read_timeout);
            c.lowest().expires_at(read_expiry);
            if (interrupted_before(phase::wait, o, deadline, x, stop)) co_return stop;
            const auto [hec, used] = co_await detail::async_read_header_bounded(
                stream, c.buffer, *parser, opt.lim.max_header_bytes);
            if (used > 0 || c.buffer.size() > 0) nothing_received = false;
            x.time.wait = ms_since(t1);
            x.answered = !nothing_received;
            if (hec) {
                x.failed_in = phase::wait;
                x.explanation = explain(hec, phase::wait, o, deadline, x.req.client_certificate);
                co_return hec;
            }
            if (auto why = too_many_fields(parser->get()); !why.empty()) {
                x.failed_in = phase::wait;
                x.explanation = why;
                co_return beast::error_code(bhttp::error::header_limit);
            }
            const unsigned status = parser->get().result_int();
            if (status < 100 || status >= 200 || status == 101) break;
            if (interim == max_interim) {
                x.failed_in = phase::wait;
                x.explanation = "more than " + std::to_string(max_interim) +
                                " interim (1xx) responses from " + o.host + ":" + o.port +
                                " before the answer";
                co_return beast::error_code(bhttp::error::bad_status);
            }
        }
        auto t2 = clock_type::now();
        // A body already read with the header is parsed as it is: no read, no completion
        // to wait for. What it may hold is bounded by the buffer (the header limit).
        // (A chunked body takes a put a chunk, its trailer section another.)
        while (!parser->is_done() && c.buffer.size() > 0) {
            beast::error_code pec;
            const std::size_t used = parser->put(c.buffer.data(), pec);
            c.buffer.consume(used);
            if (pec == bhttp::error::need_more) break;
            if (pec) {
                x.failed_in = phase::receive;
                x.explanation = explain(pec, phase::receive, o, deadline, x.req.client_certificate);
                co_return pec;
            }
            if (used == 0) break;
        }
        if (!parser->is_done()) {
            if (interrupted_before(phase::receive, o, deadline, x, stop)) co_return stop;
            const beast::error_code bec =
                co_await read_body(stream, c, *parser, deadline, read_expiry);
            if (bec) {
                x.failed_in = phase::receive;
                x.time.receive = ms_since(t2);
                x.explanation = explain(bec, phase::receive, o, deadline, x.req.client_certificate);
                co_return bec;
            }
        }
        // Trailer fields join the header, however the body was read: the field limit
        // covers both.
        if (auto why = too_many_fields(parser->get()); !why.empty()) {
            x.failed_in = phase::receive;
            x.explanation = why;
            co_return beast::error_code(bhttp::error::header_limit);
        }
        x.time.receive = ms_since(t2);
        auto& msg = parser->get();
        response r;
        r.status = static_cast<int>(msg.result_int());
        r.reason = std::string(msg.reason());
        r.version = std::to_string(msg.version() / 10) + "." + std::to_string(msg.version() % 10);
        r.headers.reserve(static_cast<std::size_t>(std::distance(msg.begin(), msg.end())));
        for (const auto& f : msg)
            r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        r.body = std::move(msg.body());
        x.resp = std::move(r);
        if (!parser->keep_alive()) c.close();
        co_return beast::error_code{};
    }

    // The Host header for an origin: a port only when it is not the scheme's own.
    static std::string host_header(const origin& o) {
        std::string h = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
        if (!((o.https && o.port == "443") || (!o.https && o.port == "80"))) h += ":" + o.port;
        return h;
    }

    // Waits for the next request slot under max_requests_per_second.
    asio::awaitable<void> wait_for_slot() {
        // The slot is taken before waiting for it: exchanges of test cases that run at
        // once each wait for a slot of their own, so together they keep to the cap.
        const auto now = clock_type::now();
        const auto slot = std::max(now, next_start);
        next_start =
            slot + std::chrono::duration_cast<clock_type::duration>(
                       std::chrono::duration<double>(1.0 / opt.lim.max_requests_per_second));
        if (slot > now) {
            asio::steady_timer pause(ioc, slot);
            co_await pause.async_wait(use_ec);
        }
    }

    // The exchange on a pooled connection or a fresh one; a stale kept-alive connection is
    // dropped, and an idempotent request retried once (RFC 9110 §9.2.2).
    asio::awaitable<void> attempts(exchange& x, const detail::wire_request& req, const origin& o,
                                   clock_type::time_point deadline,
                                   std::function<void()>& while_waiting) {
        // Connections without the client certificate are pooled apart from those with it.
        const std::string pool_key =
            o.key() + (!x.req.client_cert_file.empty()
                           ? " (client certificate " + x.req.client_cert_file + ")"
                       : x.req.client_certificate ? ""
                                                  : " (no client certificate)");
        for (int attempt = 0; attempt < 2; ++attempt) {
            std::unique_ptr<connection> c;
            // A retry always takes a fresh connection: another idle one may be as stale
            // as the first (several are pooled when test cases run at once).
            auto it = attempt == 0 ? idle.find(pool_key) : idle.end();
            while (it != idle.end() && stale(*it->second)) {
                it->second->close();
                idle.erase(it);
                it = idle.find(pool_key);
            }
            if (cancelled) { // interrupted while waiting for a request slot: never sent
                x.error = asio::error::operation_aborted;
                x.explanation = "not sent: the run was interrupted";
                break;
            }
            if (it != idle.end()) {
                c = std::move(it->second);
                idle.erase(it);
                x.reused_connection = true;
                x.time.dns = x.time.connect = x.time.ssl = -1;
            } else {
                x.reused_connection = false;
                c = std::make_unique<connection>();
                c->key = pool_key;
                // What waits unparsed (a header, a chunk line, a trailer section) is bounded.
                c->buffer.max_size(std::max<std::uint64_t>(opt.lim.max_header_bytes, 4096));
                if (auto ec = co_await connect(*c, o, deadline, x)) {
                    x.error = ec;
                    break;
                }
            }
            x.remote_address = c->remote;
            x.tls = c->facts;
            bool nothing = true;
            beast::error_code ec = c->secure ? co_await roundtrip(*c->secure, *c, req, o, deadline,
                                                                  x, nothing, while_waiting)
                                             : co_await roundtrip(*c->plain, *c, req, o, deadline,
                                                                  x, nothing, while_waiting);
            if (!ec) {
                if (c->lowest().socket().is_open()) {
                    c->idle_since = clock_type::now();
                    idle.emplace(pool_key, std::move(c));
                }
                x.error = {};
                x.failed_in = phase::none;
                x.explanation.clear();
                break;
            }
            c->close();
            x.error = ec;
            // A kept-alive connection the server closed as the request went out: an
            // idempotent request is tried once more on a fresh one. Never after an
            // interrupt, a timeout, or any byte of an answer, and never a POST or PATCH:
            // the system may have acted on it (RFC 9110 §9.2.2).
            if (!(attempt == 0 && x.reused_connection && nothing && !cancelled &&
                  ec != beast::error::timeout && req.idempotent && clock_type::now() < deadline))
                break;
            x.explanation.clear();
        }
    }

    asio::awaitable<exchange> perform(request in, std::function<void()> while_waiting) {
        exchange x;
        x.started = std::chrono::system_clock::now();
        x.req = std::move(in);
        auto start = clock_type::now();
        auto deadline = start + opt.lim.total_timeout;
        if (cancelled) {
            x.error = asio::error::operation_aborted;
            x.explanation = "not sent: the run was interrupted";
            x.interrupted = true;
            co_return x;
        }
        // A load sends one URL again and again: the last one parsed is kept.
        if (x.req.url != last_url || !last_origin) {
            auto parsed = parse_origin(x.req.url);
            if (!parsed) {
                x.error =
                    boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
                x.explanation = parsed.error();
                co_return x;
            }
            last_origin = std::move(*parsed);
            last_url = x.req.url;
        }
        const origin o = *last_origin; // a copy: another exchange may parse a new one
        // Header lines come from templates, captured values and issued tokens: a line break
        // in one would add header lines of its own (a second Host) that the evidence would
        // not show as sent. Such a request is never sent.
        constexpr std::string_view breaks("\r\n\0", 3);
        for (const auto& [k, v] : x.req.headers)
            if (k.find_first_of(breaks) != std::string::npos ||
                v.find_first_of(breaks) != std::string::npos) {
                x.error =
                    boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
                x.explanation = "not sent: request header " + k + " holds a line break or NUL byte";
                co_return x;
            }
        // What is sent, with the header fields the client adds, is what the evidence shows.
        const detail::wire_request req =
            detail::serialise(x.req, o.target, host_header(o), opt.user_agent);
        if (opt.lim.max_requests_per_second > 0) {
            co_await wait_for_slot();
            x.started = std::chrono::system_clock::now(); // when it leaves, not when it queued
            start = clock_type::now();
            deadline = start + opt.lim.total_timeout;
        }
        co_await attempts(x, req, o, deadline, while_waiting);
        x.time.total = ms_since(start);
        x.timed_out = x.error == beast::error::timeout;
        x.interrupted = cancelled && x.error && !x.resp;
        co_return x;
    }
};

client::client(asio::io_context& ioc, client_options options)
    : impl_(std::make_unique<impl>(ioc, std::move(options))) {}

client::~client() = default;

std::size_t client::peak_bodies_in_flight() const {
    return impl_->bodies.peak;
}

bool refused_by_tls(const exchange& x) {
    if (!x.error || x.resp || x.answered) return false;
    if (x.error.category() == asio::error::get_ssl_category()) return true;
    // Under TLS 1.3 a server judges the client's certificate after the client's handshake
    // has finished: it refuses with an alert or by dropping the connection before any byte
    // of an answer. When it asked for a certificate, that is its refusal.
    const auto& e = x.error;
    return x.tls && x.tls->certificate_requested && x.tls->protocol == "TLSv1.3" &&
           (e == asio::error::connection_reset || e == asio::error::eof ||
            e == asio::error::broken_pipe || e == asio::ssl::error::stream_truncated ||
            e == bhttp::error::end_of_stream);
}

asio::awaitable<exchange> client::async_perform(request req, std::function<void()> while_waiting) {
    // The impl's own coroutine: no frame of its own.
    return impl_->perform(std::move(req), std::move(while_waiting));
}

exchange client::perform(request req) {
    const auto* stop = impl_->opt.stop;
    if (stop && stop->load()) {
        exchange x;
        x.started = std::chrono::system_clock::now();
        x.req = std::move(req);
        x.error = asio::error::operation_aborted;
        x.explanation = "not sent: the run was interrupted";
        x.interrupted = true;
        return x;
    }
    std::optional<exchange> out;
    std::exception_ptr failure;
    bool done = false;
    asio::co_spawn(impl_->ioc, async_perform(std::move(req)),
                   [&](std::exception_ptr e, exchange x) {
                       failure = e;
                       if (!e) out = std::move(x);
                       done = true;
                   });
    impl_->ioc.restart();
    if (!stop)
        impl_->ioc.run();
    else
        while (!done) {
            impl_->ioc.run_for(std::chrono::milliseconds(100));
            if (!done && stop->load() && !impl_->cancelled) impl_->cancel_all();
            if (impl_->ioc.stopped() && !done) impl_->ioc.restart();
        }
    if (failure) std::rethrow_exception(failure);
    return std::move(*out);
}

void client::cancel() {
    impl_->cancel_all();
}

asio::io_context& client::context() {
    return impl_->ioc;
}

} // namespace konform::http
