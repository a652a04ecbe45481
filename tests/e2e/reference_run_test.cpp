// Runs the example profile against its reference system on 127.0.0.1: the suite must pass
// the correct system and catch every injected fault, precisely.
#include "e2e_support.hpp"
#include "example/greetings.hpp"
#include "konform/run/roll_up.hpp"
#include "server/http_server.hpp"
#include "system.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <set>

using namespace konform;
using run::verdict;

namespace {

run::run_result run_against(const std::string& fault, run::run_options opt = {},
                            run::sink* sink = nullptr) {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(fault));
    server.start();
    // The result holds its profile and target: nothing here outlives the call.
    return run::run_profile(test::example_profile(), test::example_target(server.base_url()), opt,
                            sink);
}

std::set<std::string> failed(const run::run_result& r) {
    std::set<std::string> out;
    for (const auto& rr : r.requirements)
        if (rr.v == verdict::fail) out.insert(rr.req->id);
    return out;
}

} // namespace

TEST_CASE("reference: the correct system is conformant, every requirement passes") {
    test::recording_sink sink;
    auto r = run_against("", {}, &sink);
    CHECK(r.overall == run::run_verdict::conformant);
    for (const auto& rr : r.requirements)
        CHECK_MESSAGE(rr.v == verdict::pass, rr.req->id);
    for (const auto& tc : r.testcases)
        CHECK_MESSAGE(tc.v == verdict::pass, tc.id << ": " << tc.reason);
    CHECK(r.binding.server_header == "konform-reference");
    CHECK(r.binding.remote_address.rfind("127.0.0.1:", 0) == 0);
    // Keep-alive: far fewer connections than exchanges.
    int fresh = 0;
    for (const auto& x : sink.exchanges)
        fresh += x.x.reused_connection ? 0 : 1;
    CHECK(fresh < static_cast<int>(sink.exchanges.size()) / 2);
    CHECK(sink.exchanges.size() == r.exchange_count);
}

TEST_CASE("reference: --only and --class make a partial run of the selected test cases") {
    run::run_options opt;
    opt.only = {"TC-EX-READ-001"};
    auto r = run_against("", opt);
    REQUIRE(r.testcases.size() == 1); // the others are neither run nor reported
    CHECK(r.testcases[0].id == "TC-EX-READ-001");
    CHECK(r.overall == run::run_verdict::partial);
    CHECK(r.selected_outcome == verdict::pass);
    CHECK(r.incomplete_reason == "partial run (--only TC-EX-READ-001): 1 of 8 test cases, pass; "
                                 "not a certification");
    for (const auto& rr : r.requirements)
        if (rr.testcases.empty()) CHECK(rr.v == verdict::skipped);
    run::run_options by_class;
    by_class.classes = {"xml"};
    auto x = run_against("xml-invalid", by_class);
    CHECK(x.overall == run::run_verdict::partial);
    CHECK(x.selected_outcome == verdict::fail);
    for (const auto& tc : x.testcases)
        CHECK(tc.cls == "xml");
}

TEST_CASE("reference: an unclaimed class is inapplicable, not failed") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make("xml-invalid"));
    server.start();
    model::target t = test::example_target(server.base_url());
    t.claims = {"write"};
    auto r = run::run_profile(test::example_profile(), t, {});
    CHECK(r.overall == run::run_verdict::conformant);
    for (const auto& tc : r.testcases)
        if (tc.cls == "xml") CHECK(tc.v == verdict::inapplicable);
}

TEST_CASE("unreachable: a closed port gives error verdicts, never fail, and ends early") {
    // Bind and close a server to get a port nobody listens on.
    std::uint16_t port;
    {
        reference::http_server probe(
            0, [](const reference::server_request&) { return reference::server_response{}; });
        port = probe.port();
    }
    const model::target t = test::example_target("http://127.0.0.1:" + std::to_string(port));
    run::run_options opt;
    opt.http.lim.connect_timeout = std::chrono::milliseconds(500);
    test::recording_sink sink;
    auto r = run::run_profile(test::example_profile(), t, opt, &sink);
    CHECK(r.overall == run::run_verdict::incomplete);
    int unreachable = 0;
    for (const auto& tc : r.testcases) {
        CHECK(tc.v == verdict::error);
        unreachable += tc.reason.find("system unreachable") != std::string::npos ? 1 : 0;
    }
    CHECK(unreachable == static_cast<int>(r.testcases.size()) - opt.unreachable_after);
    for (const auto& rr : r.requirements)
        CHECK(rr.v != verdict::fail);
    bool refused = false;
    for (const auto& x : sink.exchanges)
        refused = refused || x.x.explanation.find("connection refused") != std::string::npos;
    CHECK(refused);
}

TEST_CASE("reference: against a production target a write is refused before it is sent") {
    // A test case that would write, wrongly taken for read-only (the loader refuses such a
    // profile; here it is made in memory), still cannot write to a production system.
    const auto* sys = reference::find_system("example");
    std::size_t writes = 0;
    reference::handler inner = sys->make("");
    reference::http_server server(0, [&](const reference::server_request& req) {
        if (req.method != "GET" && req.method != "HEAD") ++writes;
        return inner(req);
    });
    server.start();
    model::profile p = test::example_profile();
    std::size_t writing = 0;
    for (auto& tc : p.testcases)
        if (tc.eff == model::effect::writes) {
            tc.eff = model::effect::read_only;
            ++writing;
        }
    REQUIRE(writing > 0);
    model::target t = test::example_target(server.base_url());
    t.production = true;
    const run::run_result r = run::run_profile(p, t, {}, nullptr);
    CHECK(writes == 0);
    CHECK(r.overall == run::run_verdict::partial);
    bool refused = false;
    for (const auto& tc : r.testcases)
        if (tc.id == "TC-EX-CREATE-001") {
            refused = true;
            CHECK(tc.v == verdict::error);
            CHECK(tc.reason.find("refused before sending: a production verification sends no "
                                 "write (POST ") != std::string::npos);
        }
    CHECK(refused);
}

TEST_CASE("reference: a production verification re-sends a safe POST only to the target's "
          "origin") {
    std::atomic<int> elsewhere{0};
    reference::http_server other(0, [&](const reference::server_request&) {
        ++elsewhere;
        return reference::server_response::json(200, "{}");
    });
    other.start();
    reference::http_server server(0, [&](const reference::server_request&) {
        reference::server_response r = reference::server_response::json(307, "{}");
        r.headers.emplace_back("Location", other.base_url() + "/collect");
        return r;
    });
    server.start();
    test::temp_dir tmp;
    std::filesystem::create_directories(tmp.path / "testcases");
    std::ofstream(tmp.path / "profile.json") << R"({"id": "p", "version": "1.0.0", "title": "P",
      "classes": [{"id": "core", "title": "Core", "mandatory": true}],
      "requirements": [{"id": "R1", "class": "core", "level": "MUST", "text": "t"}],
      "testcases": ["testcases/*.json"]})";
    std::ofstream(tmp.path / "testcases/lookup.json") << R"({"id": "TC-1", "title": "lookup",
      "class": "core", "verifies": ["R1"], "steps": [{"request": {"method": "POST",
      "path": "/lookup", "safe": true, "body": "q", "follow_redirects": true,
      "follow_cross_origin": true}, "expect": [{"status": 200, "proves": "R1"}]}]})";
    model::diagnostics d;
    auto p = model::load_profile(tmp.path, d);
    REQUIRE_MESSAGE(d.empty(), d.problems().front().to_string());
    model::target t = test::example_target(server.base_url());
    t.production = true;
    const run::run_result r = run::run_profile(p, t, {}, nullptr);
    CHECK(elsewhere == 0);
    REQUIRE(r.testcases.size() == 1);
    CHECK(r.testcases[0].v == verdict::fail); // judged on the 307 it answered
    REQUIRE_FALSE(r.testcases[0].story.empty());
    CHECK(r.testcases[0].story[0].message.find("redirect not followed: a production "
                                               "verification sends POST only to the target's "
                                               "own origin") != std::string::npos);
}

TEST_CASE("reference: a production verification leaves out test cases that need the "
          "certification data set") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""));
    server.start();
    const model::profile p = test::example_profile();
    model::target t = test::example_target(server.base_url());
    t.production = true;
    const run::run_result r = run::run_profile(p, t, {}, nullptr);
    bool seen = false;
    for (const auto& tc : r.testcases)
        if (tc.id == "TC-EX-SEARCH-001") {
            seen = true;
            CHECK(tc.v == verdict::skipped);
            CHECK(tc.reason == "needs the certification data set, which a production system does "
                               "not hold");
        }
    CHECK(seen);
    // Its requirement is not judged (not inconclusive): konform left it out, not the system.
    for (const auto& rr : r.requirements)
        if (rr.req->id == "EX-SEARCH-FILTER") CHECK(rr.v == verdict::skipped);
    // The same test case runs in a certification.
    t.production = false;
    const run::run_result certified = run::run_profile(p, t, {}, nullptr);
    for (const auto& tc : certified.testcases)
        if (tc.id == "TC-EX-SEARCH-001") CHECK(tc.v == verdict::pass);
}

TEST_CASE("reference: a run's result holds the profile and target it points at") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""));
    server.start();
    run::run_result r = [&] {
        // Both made here, gone when the lambda returns: the result keeps its own.
        const model::profile p = test::example_profile();
        const model::target t = test::example_target(server.base_url());
        return run::run_profile(p, t, {});
    }();
    REQUIRE(r.prof == r.profile_held.get());
    REQUIRE(r.tgt == r.target_held.get());
    CHECK(r.prof->id == "dk.konform.example.greetings");
    CHECK(r.tgt->base_url == server.base_url());
    run::roll_up(r); // reads both again
    CHECK(r.overall == run::run_verdict::conformant);
}
