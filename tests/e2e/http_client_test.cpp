// The HTTP client and the authenticator against a server on 127.0.0.1: connection reuse,
// limits, the request-rate cap, cancellation, and one OAuth2 token shared by test cases
// that run at once.
#include "hostile_server.hpp"
#include "konform/http/client.hpp"
#include "konform/run/auth.hpp"
#include "server/http_server.hpp"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdlib>
#include <doctest/doctest.h>
#include <thread>

using namespace konform;
using reference::server_request;
using reference::server_response;

namespace {

http::request get(const std::string& url) {
    http::request r;
    r.url = url;
    return r;
}

// A target with OAuth2 client credentials whose token endpoint is `base_url`/token.
model::target oauth2_target(const std::string& base_url) {
    ::setenv("KONFORM_TEST_CLIENT_SECRET", "s3cret", 1);
    model::target t;
    t.base_url = base_url;
    t.auth.type = model::auth_config::kind::oauth2_client_credentials;
    t.auth.token_url = base_url + "/token";
    t.auth.client_id = "konform";
    t.auth.secret.env = "KONFORM_TEST_CLIENT_SECRET";
    return t;
}

} // namespace

TEST_CASE("http client: keep-alive reuses one connection; the body limit is explicit") {
    reference::http_server server(0, [](const server_request& req) {
        return server_response::json(200, req.path == "/big" ? std::string(5000, ' ') + "{}"
                                                             : std::string("{}"));
    });
    server.start();
    boost::asio::io_context ioc;
    http::client_options o;
    o.lim.max_body_bytes = 1000;
    http::client c(ioc, o);
    auto a = c.perform(get(server.base_url() + "/a"));
    auto b = c.perform(get(server.base_url() + "/b"));
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK_FALSE(a.reused_connection);
    CHECK(b.reused_connection);
    CHECK(b.remote_address.rfind("127.0.0.1:", 0) == 0);
    auto big = c.perform(get(server.base_url() + "/big"));
    CHECK_FALSE(big.ok());
    CHECK(big.explanation.find("larger than the limit of 1000 bytes") != std::string::npos);
}

TEST_CASE("http client: max_requests_per_second spaces the exchanges out") {
    reference::http_server server(
        0, [](const server_request&) { return server_response::json(200, "{}"); });
    server.start();
    boost::asio::io_context ioc;
    http::client_options o;
    o.lim.max_requests_per_second = 40;
    http::client c(ioc, o);
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 9; ++i)
        REQUIRE(c.perform(get(server.base_url() + "/")).ok());
    // Nine exchanges at 40 a second: at least eight gaps of 25 ms (a lower bound only).
    CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(200));
}

TEST_CASE("http client: bodies read at once stay within the budget for bodies in flight") {
    // Eight exchanges read endless bodies at once, each up to its 4 MiB limit.
    auto peak_with = [](std::uint64_t budget) {
        test::hostile_server server(test::hostile_server::mode::endless_chunked);
        boost::asio::io_context ioc;
        http::client_options o;
        o.lim.max_body_bytes = 4 << 20;
        o.lim.max_bodies_in_flight = budget;
        http::client c(ioc, o);
        int failed = 0;
        for (int i = 0; i < 8; ++i)
            boost::asio::co_spawn(ioc, c.async_perform(get(server.url() + "/")),
                                  [&](std::exception_ptr, http::exchange x) {
                                      failed += x.explanation.find("larger than the limit") !=
                                                std::string::npos;
                                  });
        ioc.run();
        CHECK(failed == 8); // every one judged on its own limit, none held back for good
        return c.peak_bodies_in_flight();
    };
    const std::size_t bounded = peak_with(8 << 20);
    const std::size_t unbounded = peak_with(std::uint64_t(1) << 40);
    MESSAGE("bodies in flight: " << bounded / 1024 << " KiB with an 8 MiB budget, "
                                 << unbounded / 1024 << " KiB without");
    // The budget, plus the one reader that may always grow (its capacity: twice its limit).
    CHECK(bounded <= (8u << 20) + (8u << 20));
    CHECK(unbounded > (8u << 20) + (8u << 20));
}

TEST_CASE("http client: an exchange's start time is taken after its wait for a rate slot") {
    reference::http_server server(
        0, [](const server_request&) { return server_response::json(200, "{}"); });
    server.start();
    boost::asio::io_context ioc;
    http::client_options o;
    o.lim.max_requests_per_second = 40;
    http::client c(ioc, o);
    // Nine exchanges begun at once (as --jobs begins them) leave 25 ms apart: the evidence's
    // startedDateTime must show that, not nine requests in one instant.
    std::vector<std::chrono::system_clock::time_point> started;
    for (int i = 0; i < 9; ++i)
        boost::asio::co_spawn(ioc, c.async_perform(get(server.base_url() + "/")),
                              [&](std::exception_ptr, http::exchange x) {
                                  CHECK(x.ok());
                                  started.push_back(x.started);
                              });
    ioc.run();
    REQUIRE(started.size() == 9);
    std::sort(started.begin(), started.end());
    CHECK(started.back() - started.front() >= std::chrono::milliseconds(175));
}

TEST_CASE("http client: cancel() ends the exchange under way and refuses new ones") {
    reference::http_server server(
        0, [](const server_request&) { return server_response::json(200, "{}"); });
    server.set_latency(std::chrono::seconds(5));
    server.start();
    boost::asio::io_context ioc;
    http::client c(ioc, {});
    std::optional<http::exchange> x;
    boost::asio::co_spawn(ioc, c.async_perform(get(server.base_url() + "/")),
                          [&](std::exception_ptr, http::exchange e) { x = std::move(e); });
    boost::asio::steady_timer t(ioc, std::chrono::milliseconds(100));
    t.async_wait([&](auto) { c.cancel(); });
    auto t0 = std::chrono::steady_clock::now();
    ioc.run();
    REQUIRE(x);
    CHECK_FALSE(x->ok());
    CHECK(x->explanation.find("interrupted") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(4));
    auto after = c.perform(get(server.base_url() + "/"));
    CHECK(after.explanation == "not sent: the run was interrupted");
}

TEST_CASE("auth: test cases running at once share one OAuth2 token fetch") {
    std::atomic<int> token_requests{0};
    reference::http_server server(0, [&](const server_request& req) {
        if (req.path == "/token") {
            ++token_requests;
            return server_response::json(200, R"({"access_token":"tok-12345","expires_in":3600})");
        }
        return server_response::json(200, "{}");
    });
    server.set_latency(std::chrono::milliseconds(50));
    server.start();
    model::target t = oauth2_target(server.base_url());
    boost::asio::io_context ioc;
    http::client c(ioc, {});
    run::secrets sec;
    run::authenticator auth(t, c, sec);
    int done = 0, fetched = 0;
    for (int i = 0; i < 5; ++i)
        boost::asio::co_spawn(
            ioc,
            [&]() -> boost::asio::awaitable<void> {
                http::request r = get(server.base_url() + "/x");
                std::optional<http::exchange> token_exchange;
                const auto applied = co_await auth.apply(r, token_exchange);
                CHECK(applied.has_value());
                CHECK(http::find_header(r.headers, "Authorization") == "Bearer tok-12345");
                fetched += token_exchange ? 1 : 0;
                ++done;
            },
            boost::asio::detached);
    ioc.run();
    CHECK(done == 5);
    CHECK(fetched == 1);
    CHECK(token_requests == 1);
    // The issued token is redacted where konform puts it, not in every text.
    std::string header = "Bearer tok-12345";
    sec.redact_placed(header);
    CHECK(header == "Bearer ${KONFORM_OAUTH2_ACCESS_TOKEN}");
    CHECK(sec.redact("tok-12345") == "tok-12345");
}

TEST_CASE("http client: a header value with a line break is never sent") {
    std::atomic<int> requests{0};
    reference::http_server server(0, [&](const server_request&) {
        ++requests;
        return server_response::json(200, "{}");
    });
    server.start();
    boost::asio::io_context ioc;
    http::client c(ioc, {});
    http::request r = get(server.base_url() + "/");
    r.headers.emplace_back("X-Id", "42\r\nHost: evil.example");
    auto x = c.perform(r);
    CHECK_FALSE(x.ok());
    CHECK(x.explanation == "not sent: request header X-Id holds a line break or NUL byte");
    CHECK(requests == 0);
    CHECK(c.perform(get(server.base_url() + "/")).ok());
    CHECK(requests == 1);
}

TEST_CASE("http client: interim 1xx responses are skipped; the answer is the final response") {
    test::hostile_server server(test::hostile_server::mode::interim_then_ok);
    boost::asio::io_context ioc;
    http::client c(ioc, {});
    auto x = c.perform(get(server.url() + "/"));
    REQUIRE(x.ok());
    CHECK(x.resp->status == 200);
    CHECK(x.resp->body == "{\"ok\": true}");
}

TEST_CASE("auth: an access token too short to redact safely is refused") {
    reference::http_server server(0, [&](const server_request& req) {
        if (req.path == "/token")
            return server_response::json(200, R"({"access_token":"a","expires_in":3600})");
        return server_response::json(200, "{}");
    });
    server.start();
    model::target t = oauth2_target(server.base_url());
    boost::asio::io_context ioc;
    http::client c(ioc, {});
    run::secrets sec;
    run::authenticator auth(t, c, sec);
    std::string why;
    boost::asio::co_spawn(
        ioc,
        [&]() -> boost::asio::awaitable<void> {
            http::request r = get(server.base_url() + "/x");
            std::optional<http::exchange> token_exchange;
            const auto applied = co_await auth.apply(r, token_exchange);
            if (!applied) why = applied.error();
        },
        boost::asio::detached);
    ioc.run();
    CHECK(why.find("shorter than 8 characters: refused") != std::string::npos);
    CHECK(sec.redact("a cat") == "a cat"); // "a" did not become a redaction pattern
}

TEST_CASE(
    "http client: two stale kept-alive connections in the pool, the retry takes a fresh one") {
    // The server answers one request per connection and then closes it, without saying so.
    test::hostile_server server(test::hostile_server::mode::always_500);
    boost::asio::io_context ioc;
    http::client c(ioc, {});
    int done = 0;
    for (int i = 0; i < 2; ++i) // two at once: two connections, both pooled when answered
        boost::asio::co_spawn(ioc, c.async_perform(get(server.url() + "/")),
                              [&](std::exception_ptr, http::exchange x) {
                                  CHECK(x.ok());
                                  ++done;
                              });
    ioc.run();
    REQUIRE(done == 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(100)); // both closed by the server
    auto x = c.perform(get(server.url() + "/"));
    CAPTURE(x.explanation);
    CHECK(x.ok());
    CHECK_FALSE(x.reused_connection);
    CHECK(server.connections() == 3);
}

TEST_CASE("http client: an interrupt never sends a request again, and a POST is never retried") {
    std::atomic<int> posts{0};
    std::atomic<bool> release{false};
    // The second POST's answer is held back until the test has interrupted the client: no
    // timing decides the outcome, however slow the machine.
    reference::http_server server(0, [&](const server_request& req) {
        if (req.method == "POST" && ++posts == 2)
            for (int i = 0; i < 2000 && !release; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return server_response::json(201, "{}");
    });
    server.start();
    boost::asio::io_context ioc;
    http::client c(ioc, {});
    http::request post = get(server.base_url() + "/things");
    post.method = "POST";
    post.body = "{}";
    REQUIRE(c.perform(post).ok()); // the connection is kept alive for the next one
    std::optional<http::exchange> second;
    boost::asio::co_spawn(ioc, c.async_perform(post),
                          [&](std::exception_ptr, http::exchange e) { second = std::move(e); });
    // Cancelled once the system has the second POST (not after a fixed time: under
    // sanitizers it may not have been sent yet), while its answer is held back.
    boost::asio::co_spawn(
        ioc,
        [&]() -> boost::asio::awaitable<void> {
            boost::asio::steady_timer t(ioc);
            for (int i = 0; i < 1000 && posts.load() < 2; ++i) {
                t.expires_after(std::chrono::milliseconds(5));
                co_await t.async_wait(boost::asio::use_awaitable);
            }
            c.cancel();
        },
        boost::asio::detached);
    ioc.restart();
    ioc.run();
    release = true;
    REQUIRE(second);
    CHECK(second->reused_connection);
    CHECK_FALSE(second->ok());
    CHECK(second->interrupted);
    std::this_thread::sleep_for(std::chrono::milliseconds(500)); // a retry would arrive by now
    CHECK(posts.load() == 2); // the interrupted POST was not sent a second time
}

TEST_CASE("http client: while_waiting runs once the request is out, and its time is the wait's") {
    std::atomic<int> arrived{0};
    reference::http_server server(0, [&](const server_request&) {
        ++arrived;
        return server_response::json(200, "{}");
    });
    server.start();
    boost::asio::io_context ioc;
    http::client c(ioc, {});
    int calls = 0;
    bool request_was_out = false;
    std::optional<http::exchange> x;
    auto hook = [&] {
        ++calls;
        // The system has the request while the hook runs: it was written before.
        for (int i = 0; i < 400 && arrived.load() == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        request_was_out = arrived.load() == 1;
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
    };
    boost::asio::co_spawn(ioc, c.async_perform(get(server.base_url() + "/"), hook),
                          [&](std::exception_ptr, http::exchange e) { x = std::move(e); });
    ioc.run();
    REQUIRE(x);
    CHECK(x->ok());
    CHECK(calls == 1);
    CHECK(request_was_out);
    // The hook's time is in the wait: the wait is never shown shorter than it was.
    CHECK(x->time.wait >= 150);
    CHECK(x->time.total >= x->time.wait);

    // No connection, no request out: the hook does not run.
    boost::asio::io_context ioc2;
    http::client refused(ioc2, {});
    std::optional<http::exchange> y;
    int refused_calls = 0;
    boost::asio::co_spawn(
        ioc2, refused.async_perform(get("http://127.0.0.1:1/"), [&] { ++refused_calls; }),
        [&](std::exception_ptr, http::exchange e) { y = std::move(e); });
    ioc2.run();
    REQUIRE(y);
    CHECK_FALSE(y->ok());
    CHECK(refused_calls == 0);
}
