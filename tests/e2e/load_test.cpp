// Load test cases end to end against the example reference system on 127.0.0.1: the open
// model counts a stall a closed-model sender would hide, the target's limits cut a load
// (inconclusive, never pass), a production target refuses load unless it allows it, and a
// system that holds every connection fails rather than blurring the figures.
#include "e2e_support.hpp"
#include "server/http_server.hpp"
#include "system.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace konform;
using run::verdict;
namespace fs = std::filesystem;

namespace {

struct load_profile {
    test::temp_dir tmp;
    explicit load_profile(const std::string& load, const std::string& expect) {
        fs::create_directories(tmp.path / "testcases");
        write("profile.json", R"({"id": "load", "version": "1.0.0", "title": "load",
  "classes": [{"id": "core", "title": "Core", "mandatory": true}],
  "requirements": [{"id": "R-LAT", "class": "core", "level": "MUST", "text": "latency"},
                   {"id": "R-ANS", "class": "core", "level": "MUST", "text": "answers"}],
  "testcases": ["testcases/*.json"]})");
        write("testcases/load.json", R"({"id": "T-LOAD", "title": "t", "class": "core",
  "verifies": ["R-LAT", "R-ANS"],
  "steps": [{"name": "greetings", "load": )" +
                                         load + R"(,
    "steps": [{"request": {"method": "GET", "path": "/greetings"},
               "expect": [{"status": 200, "proves": "R-ANS"}]}],
    "expect": )" + expect + "}]}");
    }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(tmp.path / name) << text;
    }
};

struct outcome {
    run::run_result r;
    nlohmann::json load;                       // the load step's figures
    std::vector<run::assertion_result> levels; // its service-level assertions
    verdict v = verdict::pass;
};

outcome run_load(const load_profile& lp, const std::string& latency,
                 void (*adjust)(model::target&) = nullptr) {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""));
    server.set_latency_profile(reference::latency_profile::parse(latency));
    server.start();
    auto p = model::load_profile(lp.tmp.path);
    model::target t = test::example_target(server.base_url());
    if (adjust) adjust(t);
    outcome o;
    // A machine too busy to keep the rate (a sanitized build beside other tests) makes the
    // levels inconclusive, as it should: such a run is made again, at most twice.
    for (int attempt = 0; attempt < 3; ++attempt) {
        test::recording_sink sink;
        o = outcome{};
        o.r = run::run_profile(p, t, {}, &sink);
        bool busy = false;
        for (const auto& [index, s] : sink.steps)
            if (s.load.is_object()) {
                o.load = s.load;
                o.v = s.v;
                for (const auto& a : s.assertions)
                    if (a.subject == "service_level") {
                        o.levels.push_back(a);
                        busy = busy || a.explanation.find("could not keep") != std::string::npos;
                    }
            }
        if (!busy) break;
        MESSAGE("this machine could not keep the load's rate: run again");
    }
    return o;
}

} // namespace

TEST_CASE("load: the open model counts a stall in full, from each request's intended start") {
    // 50 requests a second for 2 s; the system holds every answer 300 ms in every 1,000 ms.
    load_profile lp(R"({"open": {"rate": 50, "duration_s": 2, "connections": 40}})",
                    R"([{"service_level": "p99_ms", "le": 100, "proves": "R-LAT"},
                        {"service_level": "achieved_rate", "ge": 45, "proves": "R-LAT"}])");
    auto o = run_load(lp, "stall=300/1000");
    REQUIRE(o.load.is_object());
    const auto& levels = o.load["levels"];
    // About 30% of requests fall in a stall, waiting up to 300 ms: p99 holds it; p50 not.
    CHECK(levels["p99_ms"].get<double>() >= 200);
    CHECK(levels["p99_ms"].get<double>() <= 450);
    CHECK(levels["p50_ms"].get<double>() < 150);
    CHECK(levels["requests"].get<int>() >= 95);
    CHECK(levels["requests"].get<int>() <= 101);
    CHECK(o.load["histogram"]["total"] == levels["requests"]);
    REQUIRE(o.levels.size() == 2);
    CHECK(o.levels[0].v == verdict::fail); // the stall shows
    CHECK(o.levels[1].v == verdict::pass); // and the rate was applied
    CHECK(o.r.requirements.size() == 2);
    // A sample of exchanges is in the evidence: the first and the slowest.
    CHECK(o.load["samples"].contains("first"));
    CHECK(o.load["samples"]["slowest"]["latency_ms"].get<double>() >= 200);
}

TEST_CASE(
    "load: the correct system passes its service levels, and every answer sampled is judged") {
    load_profile lp(R"({"open": {"rate": 40, "duration_s": 1.5, "ramp_up_s": 0.5}, "sample": 0.5})",
                    R"([{"service_level": "p95_ms", "le": 250, "proves": "R-LAT"},
                        {"service_level": "error_rate", "equals": 0, "proves": "R-LAT"}])");
    auto o = run_load(lp, "base=2,jitter=5");
    REQUIRE(o.levels.size() == 2);
    for (const auto& a : o.levels)
        CHECK_MESSAGE(a.v == verdict::pass, a.expected << " " << a.actual << " " << a.explanation);
    CHECK(o.v == verdict::pass);
    // The ramp-up's requests are sent but not measured.
    INFO(o.load.dump());
    CHECK(o.load["levels"]["requests"].get<int>() >= 55);
    CHECK(o.load["levels"]["requests"].get<int>() <= 61);
}

TEST_CASE("load: a load the target's limits cut is inconclusive, never a pass") {
    load_profile lp(R"({"open": {"rate": 30, "duration_s": 1}})",
                    R"([{"service_level": "p95_ms", "le": 1000, "proves": "R-LAT"}])");
    auto o = run_load(lp, "", [](model::target& t) { t.limits.max_requests_per_second = 10; });
    REQUIRE(o.levels.size() == 1);
    CHECK(o.levels[0].v == verdict::inconclusive);
    CHECK(o.levels[0].explanation.find("max_requests_per_second") != std::string::npos);
    // It ran at the cap: about 10 a second.
    CHECK(o.load["achieved_rate"].get<double>() <= 11);
}

TEST_CASE("load: too few connections for a slow system: arrivals wait, and the wait counts") {
    // 20 a second, 2 connections, 400 ms an answer: at most 5 a second are answered.
    load_profile lp(R"({"open": {"rate": 20, "duration_s": 1.5, "connections": 2}})",
                    R"([{"service_level": "p95_ms", "le": 500, "proves": "R-LAT"}])");
    auto o = run_load(lp, "base=400");
    REQUIRE(o.levels.size() == 1);
    CHECK(o.levels[0].v == verdict::fail); // the system's slowness, not konform's
    CHECK(o.load["levels"]["max_ms"].get<double>() > 1000);
    CHECK(o.load["not_sent"].get<int>() + o.load["requests"].get<int>() >= 29);
}

TEST_CASE("load: a production target runs a load only when it allows load") {
    load_profile lp(R"({"open": {"rate": 5, "duration_s": 1}})",
                    R"([{"service_level": "error_rate", "equals": 0, "proves": "R-LAT"}])");
    auto refused = run_load(lp, "", [](model::target& t) { t.production = true; });
    REQUIRE(refused.r.testcases.size() == 1);
    CHECK(refused.r.testcases[0].v == verdict::skipped);
    CHECK(refused.r.testcases[0].reason.find("allow_load") != std::string::npos);
    CHECK(refused.load.is_null());
    auto allowed = run_load(lp, "", [](model::target& t) {
        t.production = true;
        t.limits.allow_load = true;
    });
    REQUIRE(allowed.levels.size() == 1);
    CHECK(allowed.levels[0].v == verdict::pass);
}

TEST_CASE("load: the closed model keeps its users busy and reports their rate") {
    load_profile lp(R"({"closed": {"users": 4, "think_ms": 20, "duration_s": 1}})",
                    R"([{"service_level": "achieved_rate", "ge": 50, "proves": "R-LAT"}])");
    auto o = run_load(lp, "base=10");
    REQUIRE(o.levels.size() == 1);
    // 4 users, each about 30 ms a round: about 130 a second.
    CHECK_MESSAGE(o.levels[0].v == verdict::pass, o.levels[0].actual);
    CHECK(o.load["achieved_rate"].get<double>() <= 140);
    CHECK(o.load["model"] == "closed");
}

TEST_CASE("load: a service level outside a load, or an unknown one, is a clear load error") {
    load_profile lp(R"({"open": {"rate": 5, "duration_s": 1}})",
                    R"([{"service_level": "p42_ms", "le": 5}])");
    model::diagnostics d;
    model::load_profile(lp.tmp.path, d);
    std::string all;
    for (const auto& p : d.problems())
        all += p.to_string() + "\n";
    CHECK(all.find("load.json") != std::string::npos);
    CHECK(all.find("unknown service level \"p42_ms\"") != std::string::npos);
    lp.write("testcases/plain.json", R"({"id": "T-PLAIN", "title": "t", "class": "core",
      "verifies": ["R-LAT"], "steps": [{"request": {"method": "GET", "path": "/"},
      "expect": [{"service_level": "p95_ms", "le": 5}]}]})");
    model::diagnostics d2;
    model::load_profile(lp.tmp.path, d2);
    all.clear();
    for (const auto& p : d2.problems())
        all += p.to_string() + "\n";
    CHECK(all.find("plain.json") != std::string::npos);
    CHECK(all.find("belongs in a load step") != std::string::npos);
}

TEST_CASE("load: a closed model the target's rate cap holds back is inconclusive") {
    load_profile lp(R"({"closed": {"users": 4, "duration_s": 1}})",
                    R"([{"service_level": "p95_ms", "le": 1000, "proves": "R-LAT"}])");
    auto o = run_load(lp, "", [](model::target& t) { t.limits.max_requests_per_second = 10; });
    REQUIRE(o.levels.size() == 1);
    CHECK(o.levels[0].v == verdict::inconclusive);
    CHECK(o.levels[0].explanation.find("held the users back") != std::string::npos);
}
