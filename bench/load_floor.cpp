// The floor for konform's load generator, for scripts/bench: a bare Boost.Beast keep-alive
// loop on one thread, N connections as coroutines on one io_context (konform's design),
// each sending GETs one after another for a duration; with `check`, every answer's status
// and JSON member /ok are checked as konform's load checks them. Nothing else: no latency
// histogram, no templates, no evidence.
//   konform-bench-load-floor HOST PORT PATH CONNECTIONS SECONDS [check]
// Prints the requests a second.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

struct shared {
    tcp::endpoint at;
    std::string host, path;
    bool check = false;
    clock_type::time_point end;
    long answered = 0, failed = 0;
};

asio::awaitable<void> connection(shared& s) {
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    co_await stream.async_connect(s.at, asio::use_awaitable);
    stream.socket().set_option(tcp::no_delay(true));
    beast::flat_buffer buffer;
    http::request<http::empty_body> req{http::verb::get, s.path, 11};
    req.set(http::field::host, s.host);
    while (clock_type::now() < s.end) {
        co_await http::async_write(stream, req, asio::use_awaitable);
        http::response<http::string_body> res;
        co_await http::async_read(stream, buffer, res, asio::use_awaitable);
        bool ok = res.result_int() == 200;
        if (s.check) {
            auto doc = nlohmann::json::parse(res.body(), nullptr, false);
            ok = ok && doc.is_object() && doc.value("ok", false);
        }
        ++s.answered;
        if (!ok) ++s.failed;
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 6 && argc != 7) {
        std::cerr << "usage: konform-bench-load-floor HOST PORT PATH CONNECTIONS SECONDS [check]\n";
        return 2;
    }
    shared s;
    s.at = tcp::endpoint(asio::ip::make_address(argv[1]),
                         static_cast<unsigned short>(std::stoi(argv[2])));
    s.host = std::string(argv[1]) + ":" + argv[2];
    s.path = argv[3];
    const int connections = std::stoi(argv[4]);
    const double seconds = std::stod(argv[5]);
    s.check = argc == 7 && std::string(argv[6]) == "check";
    asio::io_context ioc(1);
    const auto start = clock_type::now();
    s.end = start + std::chrono::duration_cast<clock_type::duration>(
                        std::chrono::duration<double>(seconds));
    for (int c = 0; c < connections; ++c)
        asio::co_spawn(ioc, connection(s), asio::detached);
    ioc.run();
    const double took = std::chrono::duration<double>(clock_type::now() - start).count();
    std::cout << static_cast<long>(static_cast<double>(s.answered) / took) << "\n";
    return s.failed == 0 && s.answered > 0 ? 0 : 1;
}
