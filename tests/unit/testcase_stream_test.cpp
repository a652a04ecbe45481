// The run's ordering core: a test case that is not first in line holds its exchanges and
// steps, and hands them on with global exchange numbers once it goes live; a live stream
// holds a few until flush() so that they are written while the next request is out.
#include "testcase_stream.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace konform;

namespace {

http::exchange exchange_to(const std::string& path, std::size_t body = 0) {
    http::exchange x;
    x.req.url = "http://127.0.0.1:1" + path;
    x.req.body.assign(body, 'x');
    return x;
}

run::step_result step_of(std::size_t exchange) {
    run::step_result st;
    st.exchange = exchange;
    run::assertion_result a;
    a.exchange = exchange;
    st.assertions.push_back(a);
    return st;
}

// What a stream wrote, in order: "x:<url>" for an exchange, "s:<global exchange>" for a step.
struct sink {
    std::vector<std::string> written;
    bool fail = false;
    void live(run::detail::testcase_stream& s, std::size_t base) {
        s.go_live(
            base,
            [this](const http::exchange& e, const std::string&) {
                if (fail) throw std::runtime_error("disk full");
                written.push_back("x:" + e.req.url.substr(e.req.url.rfind('/')));
            },
            [this](const run::step_result& r) {
                if (fail) throw std::runtime_error("disk full");
                written.push_back("s:" + std::to_string(r.exchange));
            });
    }
};

} // namespace

TEST_CASE("testcase stream: held until live, then numbered from its base, then held until "
          "flushed") {
    run::detail::testcase_stream s;
    std::vector<std::string> exchanges;
    std::vector<std::size_t> step_exchanges, assertion_exchanges;
    http::exchange x = exchange_to("/a");
    CHECK(s.add_exchange(x, "TC") == 0);
    s.add_step(step_of(0));
    CHECK_FALSE(s.live());
    CHECK(s.held() == 2);

    s.go_live(
        40,
        [&](const http::exchange& e, const std::string& tc) {
            exchanges.push_back(tc + e.req.url);
        },
        [&](const run::step_result& r) {
            step_exchanges.push_back(r.exchange);
            assertion_exchanges.push_back(r.assertions.at(0).exchange);
        });
    CHECK(exchanges == std::vector<std::string>{"TChttp://127.0.0.1:1/a"});
    CHECK(step_exchanges == std::vector<std::size_t>{40});
    CHECK(assertion_exchanges == std::vector<std::size_t>{40});
    CHECK(s.held() == 0);

    CHECK(s.next_exchange() == 1);
    CHECK(s.add_exchange(exchange_to("/b"), "TC") == 1); // held until flushed
    auto st = step_of(1);
    st.assertions.at(0).exchange = run::no_exchange;
    s.add_step(st);
    CHECK(exchanges.size() == 1);
    CHECK(s.held() == 2);
    s.flush();
    CHECK(exchanges.size() == 2);
    CHECK(exchanges.back() == "TChttp://127.0.0.1:1/b");
    CHECK(step_exchanges.back() == 41);
    CHECK(assertion_exchanges.back() == run::no_exchange);
    CHECK(s.global(1) == 41);
    CHECK(s.held() == 0);
}

TEST_CASE("testcase stream: a live stream writes through at its limits, in the order given") {
    run::detail::testcase_stream s({.exchanges = 2, .steps = 8, .bytes = 100});
    sink out;
    out.live(s, 0);

    s.add_exchange(exchange_to("/1"), "TC");
    s.add_step(step_of(0));
    s.add_exchange(exchange_to("/2"), "TC");
    CHECK(out.written.empty());
    // A third exchange is over the count: the two held are written first, with their step.
    s.add_exchange(exchange_to("/3"), "TC");
    CHECK(out.written == std::vector<std::string>{"x:/1", "x:/2", "s:0"});
    CHECK(s.held() == 1);

    // Over the bytes: what is held goes first, then the big one is written at once.
    s.add_exchange(exchange_to("/big", 200), "TC");
    CHECK(out.written == std::vector<std::string>{"x:/1", "x:/2", "s:0", "x:/3", "x:/big"});
    CHECK(s.held() == 0);

    // Held bytes add up: two of 60 do not fit together.
    s.add_exchange(exchange_to("/c", 60), "TC");
    CHECK(s.held() == 1);
    s.add_exchange(exchange_to("/d", 60), "TC");
    CHECK(out.written.back() == "x:/c");
    CHECK(s.held() == 1);
    s.flush();
    CHECK(out.written.back() == "x:/d");
}

TEST_CASE("testcase stream: a failure while the client waits is thrown by the next add or flush") {
    run::detail::testcase_stream s;
    sink out;
    out.live(s, 0);
    s.add_exchange(exchange_to("/1"), "TC");
    out.fail = true;
    s.flush_quietly(); // must not throw
    CHECK(s.held() == 0);
    out.fail = false;
    CHECK_THROWS_WITH_AS(s.add_exchange(exchange_to("/2"), "TC"), "disk full", std::runtime_error);
    // Thrown once: the stream goes on.
    s.add_exchange(exchange_to("/3"), "TC");
    s.flush();
    CHECK(out.written == std::vector<std::string>{"x:/3"});

    out.fail = true;
    s.add_step(step_of(0));
    s.flush_quietly();
    out.fail = false;
    CHECK_THROWS_AS(s.flush(), std::runtime_error);
    CHECK_NOTHROW(s.flush());
}

TEST_CASE("testcase stream: flush before live writes nothing") {
    run::detail::testcase_stream s;
    s.add_exchange(exchange_to("/1"), "TC");
    s.flush();
    s.flush_quietly();
    CHECK(s.held() == 1);
    sink out;
    out.live(s, 7);
    CHECK(out.written == std::vector<std::string>{"x:/1"});
}
