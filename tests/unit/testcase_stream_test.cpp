// The run's ordering core: a test case that is not first in line holds its exchanges and
// steps, and hands them on with global exchange numbers once it goes live.
#include "testcase_stream.hpp"

#include <doctest/doctest.h>

using namespace konform;

TEST_CASE("testcase stream: held until live, then numbered from its base, then written through") {
    run::detail::testcase_stream s;
    std::vector<std::string> exchanges;
    std::vector<std::size_t> step_exchanges, assertion_exchanges;
    http::exchange x;
    x.req.url = "http://127.0.0.1:1/a";
    CHECK(s.add_exchange(x, "TC") == 0);
    run::step_result st;
    st.exchange = 0;
    run::assertion_result a;
    a.exchange = 0;
    st.assertions.push_back(a);
    s.add_step(st);
    CHECK_FALSE(s.live());

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

    x.req.url = "http://127.0.0.1:1/b";
    CHECK(s.add_exchange(x, "TC") == 1); // written at once now
    CHECK(exchanges.size() == 2);
    st.exchange = 1;
    st.assertions.at(0).exchange = run::no_exchange;
    s.add_step(st);
    CHECK(step_exchanges.back() == 41);
    CHECK(assertion_exchanges.back() == run::no_exchange);
    CHECK(s.global(1) == 41);
}
