#include "konform/http/redirect.hpp"

#include <doctest/doctest.h>

using namespace konform;

namespace {

http::exchange answered(int status, const char* location) {
    http::exchange x;
    x.req.url = "http://127.0.0.1:9/a/b?c=1";
    http::response r;
    r.status = status;
    if (location) r.headers.emplace_back("Location", location);
    x.resp = r;
    return x;
}

} // namespace

TEST_CASE("redirect: the next request, resolved against the URL, with the right method") {
    http::request post;
    post.method = "POST";
    post.url = "http://127.0.0.1:9/a/b?c=1";
    post.body = "x";
    post.headers = {{"Content-Type", "text/plain"}};

    auto next = http::redirect_request(post, answered(303, "../d"));
    REQUIRE(next);
    CHECK(next->url == "http://127.0.0.1:9/d");
    CHECK(next->method == "GET");
    CHECK(next->body.empty());

    next = http::redirect_request(post, answered(307, "/e?f=2"));
    REQUIRE(next);
    CHECK(next->url == "http://127.0.0.1:9/e?f=2");
    CHECK(next->method == "POST");
    CHECK(next->body == "x");
    CHECK(next->headers == post.headers);

    CHECK(http::redirect_request(post, answered(302, "http://other.example/"))->url ==
          "http://other.example/");
    CHECK_FALSE(http::redirect_request(post, answered(200, "/x")));
    CHECK_FALSE(http::redirect_request(post, answered(301, nullptr)));
    http::exchange failed;
    CHECK_FALSE(http::redirect_request(post, failed));
}

TEST_CASE("redirect: same_origin is the origin's, whether or not one URL begins with the other") {
    const std::string base = "http://Example.org:80";
    // Under the base URL.
    CHECK(http::same_origin("http://Example.org:80/a?b", base));
    CHECK(http::same_origin("http://Example.org:80", base));
    CHECK(http::same_origin("http://example.org/x", base)); // default port, host's case
    CHECK(http::same_origin("http://x.test/api/v1/a", "http://x.test/api"));
    CHECK(http::same_origin("http://x.test/apiary",
                            "http://x.test/api")); // the path is not the origin
    // Beginning with the base URL's text, another authority.
    CHECK_FALSE(http::same_origin("http://Example.org:8080/a", base));
    CHECK_FALSE(http::same_origin("http://Example.org:800/a", base));
    CHECK_FALSE(http::same_origin("http://x.test.evil/a", "http://x.test"));
    CHECK_FALSE(http::same_origin("http://x.test@evil.test/a", "http://x.test"));
    CHECK_FALSE(http::same_origin("https://x.test/a", "http://x.test"));
    // Asked the other way round, and with a base URL that is not one.
    CHECK(http::same_origin(base, "http://example.org:80/a"));
    CHECK_FALSE(http::same_origin("not a url/a", "not a url"));
    CHECK_FALSE(http::same_origin("/a", ""));
}
