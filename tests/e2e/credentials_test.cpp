// The target's credentials go only to the target's origin: not to an absolute URL
// elsewhere, not across a redirect; a redirect to another origin is followed only when
// the step allows it.
#include "e2e_support.hpp"
#include "server/http_server.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <mutex>

using namespace konform;
using reference::server_request;
using reference::server_response;

namespace {

// Records the Authorization header of every request it gets.
struct recorder {
    std::mutex m;
    std::vector<std::string> seen; // "path auth"
    reference::handler handler(std::string redirect_to = {}) {
        return [this, redirect_to](const server_request& req) {
            std::lock_guard lock(m);
            seen.push_back(req.path + " " + req.header("authorization"));
            if (req.path == "/start") {
                server_response r = server_response::json(302, "{}");
                r.headers.emplace_back("Location", redirect_to);
                return r;
            }
            return server_response::json(200, "{}");
        };
    }
};

model::profile write_profile(const std::filesystem::path& dir, const std::string& request) {
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "profile.json") << R"({"id": "p", "version": "1.0.0", "title": "t",
      "classes": [{"id": "core", "title": "core", "mandatory": true}],
      "requirements": [{"id": "R1", "class": "core", "level": "MUST", "text": "t"}],
      "testcases": ["tc.json"]})";
    std::ofstream(dir / "tc.json") << R"({"id": "TC-1", "title": "t", "class": "core",
      "verifies": ["R1"], "steps": [{"request": )" +
                                          request + R"(, "expect": [{"status": 200}]}]})";
    return model::load_profile(dir);
}

model::target target_at(const std::string& url) {
    ::setenv("KONFORM_TEST_TOKEN", "tok-secret", 1);
    model::target t;
    t.file = "t.json";
    t.base_url = url;
    t.auth.type = model::auth_config::kind::bearer;
    t.auth.secret.env = "KONFORM_TEST_TOKEN";
    return t;
}

} // namespace

TEST_CASE("credentials: never to another origin, by absolute URL or by redirect") {
    recorder home, other;
    reference::http_server elsewhere(0, other.handler());
    elsewhere.start();
    reference::http_server server(0, home.handler(elsewhere.base_url() + "/landing"));
    server.start();
    test::temp_dir tmp;
    auto t = target_at(server.base_url());

    // An absolute URL to another origin gets no credentials.
    auto p = write_profile(tmp.path / "abs", R"({"method": "GET", "path": ")" +
                                                 elsewhere.base_url() + R"(/direct"})");
    auto r = run::run_profile(p, t, {});
    CHECK(r.testcases[0].v == run::verdict::pass);
    REQUIRE(other.seen.size() == 1);
    CHECK(other.seen[0] == "/direct ");

    // A redirect to another origin is not followed without permission: judged as it is.
    p = write_profile(tmp.path / "deny",
                      R"({"method": "GET", "path": "/start", "follow_redirects": true})");
    r = run::run_profile(p, t, {});
    CHECK(r.testcases[0].v == run::verdict::fail);
    CHECK(r.testcases[0].reason.find("redirect to another origin not followed") !=
          std::string::npos);
    CHECK(other.seen.size() == 1);
    CHECK(home.seen.back() == "/start Bearer tok-secret");

    // Allowed, it is followed, without the credentials.
    p = write_profile(tmp.path / "allow", R"({"method": "GET", "path": "/start",
        "follow_redirects": true, "follow_cross_origin": true})");
    r = run::run_profile(p, t, {});
    CHECK(r.testcases[0].v == run::verdict::pass);
    REQUIRE(other.seen.size() == 2);
    CHECK(other.seen[1] == "/landing ");
}

TEST_CASE("credentials: a redirect within the target's origin keeps them") {
    recorder home;
    reference::http_server server(0, home.handler("/landing"));
    server.start();
    test::temp_dir tmp;
    auto t = target_at(server.base_url());
    auto p = write_profile(tmp.path / "same",
                           R"({"method": "GET", "path": "/start", "follow_redirects": true})");
    auto r = run::run_profile(p, t, {});
    CHECK(r.testcases[0].v == run::verdict::pass);
    REQUIRE(home.seen.size() == 2);
    CHECK(home.seen[1] == "/landing Bearer tok-secret");
}

TEST_CASE("user agent: the target can choose it, so a certification looks like any client") {
    std::mutex m;
    std::vector<std::string> agents;
    reference::http_server server(0, [&](const server_request& req) {
        std::lock_guard lock(m);
        agents.push_back(req.header("user-agent"));
        return server_response::json(200, "{}");
    });
    server.start();
    test::temp_dir tmp;
    auto t = target_at(server.base_url());
    auto p = write_profile(tmp.path / "ua", R"({"method": "GET", "path": "/x"})");
    run::run_profile(p, t, {});
    t.user_agent = "Mozilla/5.0 (X11; Linux x86_64)";
    run::run_profile(p, t, {});
    REQUIRE(agents.size() == 2);
    CHECK(agents[0] == "konform");
    CHECK(agents[1] == "Mozilla/5.0 (X11; Linux x86_64)");
}
