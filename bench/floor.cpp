// The floor for konform's design, for scripts/bench: a bare Boost.Beast keep-alive loop
// that performs the same GETs with the same checks (status 200, JSON member /ok is true)
// and nothing else: no templates, no evidence, no reports.
//   konform-bench-floor HOST PORT ROWS_CSV
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: konform-bench-floor HOST PORT ROWS_CSV\n";
        return 2;
    }
    const std::string host = argv[1];
    boost::asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.connect(resolver.resolve(host, argv[2]));
    stream.socket().set_option(tcp::no_delay(true));
    beast::flat_buffer buffer;
    std::ifstream rows(argv[3]);
    std::string n;
    std::getline(rows, n); // header
    long passed = 0, failed = 0;
    while (std::getline(rows, n)) {
        http::request<http::empty_body> req{http::verb::get, "/item/" + n, 11};
        req.set(http::field::host, host);
        http::write(stream, req);
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        auto doc = nlohmann::json::parse(res.body(), nullptr, false);
        const bool ok = res.result_int() == 200 && doc.is_object() && doc.value("ok", false);
        ok ? ++passed : ++failed;
    }
    std::cout << passed << " passed, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}
