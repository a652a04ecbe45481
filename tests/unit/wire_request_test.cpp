// The request as it goes on the wire: the request line, the fields the client adds, and a
// length for every body, in the order the evidence records them.
#include "wire_request.hpp"

#include <doctest/doctest.h>

using namespace konform::http;

TEST_CASE("wire request: a GET is its request line, Host, User-Agent and its own fields") {
    request r;
    r.method = "GET";
    r.headers = {{"Accept", "application/json"}, {"X-Trace", "a b"}};
    const auto w = detail::serialise(r, "/item/1?q=%C3%A6", "x.test:8080", "konform");
    CHECK(w.head == "GET /item/1?q=%C3%A6 HTTP/1.1\r\nHost: x.test:8080\r\nUser-Agent: konform\r\n"
                    "Accept: application/json\r\nX-Trace: a b\r\n\r\n");
    CHECK(w.idempotent);
    CHECK_FALSE(w.is_head);
    // What the evidence records is what was sent, in order.
    REQUIRE(r.headers.size() == 4);
    CHECK(r.headers[0] == std::pair<std::string, std::string>{"Host", "x.test:8080"});
    CHECK(r.headers[1].first == "User-Agent");
    CHECK(r.headers[3] == std::pair<std::string, std::string>{"X-Trace", "a b"});
}

TEST_CASE("wire request: a body states its length; a length or transfer coding of its own is "
          "replaced") {
    request r;
    r.method = "POST";
    r.body = "{\"a\":1}";
    r.headers = {{"content-length", "999"},
                 {"Content-Type", "application/json"},
                 {"Transfer-Encoding", "chunked"}};
    const auto w = detail::serialise(r, "/", "x.test", "konform");
    CHECK(w.head == "POST / HTTP/1.1\r\nHost: x.test\r\nUser-Agent: konform\r\nContent-Type: "
                    "application/json\r\nContent-Length: 7\r\n\r\n");
    CHECK_FALSE(w.idempotent); // never sent twice
    CHECK(r.headers.back() == std::pair<std::string, std::string>{"Content-Length", "7"});

    request empty_put;
    empty_put.method = "PUT";
    CHECK(detail::serialise(empty_put, "/x", "h", "k").head ==
          "PUT /x HTTP/1.1\r\nHost: h\r\nUser-Agent: k\r\nContent-Length: 0\r\n\r\n");
    CHECK(detail::serialise(empty_put, "/x", "h", "k").idempotent);
}

TEST_CASE("wire request: HEAD expects no body; an unknown method is sent as written") {
    request head;
    head.method = "HEAD";
    const auto w = detail::serialise(head, "/", "h", "k");
    CHECK(w.is_head);
    CHECK(w.idempotent);
    request custom;
    custom.method = "PROPFIND";
    custom.headers = {{"Content-Length", "5"}}; // no body: its own field is sent as it is
    const auto c = detail::serialise(custom, "/d", "h", "k");
    CHECK(c.head ==
          "PROPFIND /d HTTP/1.1\r\nHost: h\r\nUser-Agent: k\r\nContent-Length: 5\r\n\r\n");
    CHECK_FALSE(c.idempotent);
    CHECK_FALSE(c.is_head);
}
