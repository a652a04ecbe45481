// An interrupted run against a live system: nothing is sent after the interrupt, nothing
// is sent twice, the test case under way is never a pass, and what it left in the system
// is listed; a second interrupt ends at once and leaves no temporary file.
#include "e2e_support.hpp"
#include "server/http_server.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

using namespace konform;
namespace fs = std::filesystem;
using reference::server_request;
using reference::server_response;

namespace {

const std::string bin = KONFORM_BINARY;

// A profile whose one test case creates two things (two POSTs) and deletes the first.
struct two_posts {
    test::temp_dir tmp;
    two_posts() {
        fs::create_directories(tmp.path / "testcases");
        std::ofstream(tmp.path / "profile.json") << R"({"id": "posts", "version": "1.0.0",
  "title": "t", "classes": [{"id": "core", "title": "Core", "mandatory": true}],
  "requirements": [{"id": "R", "class": "core", "level": "MUST", "text": "t"}],
  "testcases": ["testcases/*.json"]})";
        std::ofstream(tmp.path / "testcases/t.json") << R"({"id": "T-POSTS", "title": "t",
  "class": "core", "verifies": ["R"],
  "steps": [{"name": "first", "request": {"method": "POST", "path": "/things", "json": {}},
             "expect": [{"status": 201}], "capture": {"id": {"json": "/id"}}},
            {"name": "second", "request": {"method": "POST", "path": "/things", "json": {}},
             "expect": [{"status": 201}]}],
  "cleanup": [{"request": {"method": "DELETE", "path": "/things/{{id}}"}}]})";
        std::ofstream(tmp.path / "target.json") << R"({"base_url": "http://127.0.0.1:1",
  "product": "t", "product_version": "1"})";
    }
};

// Starts konform in the background; returns its pid once it is running.
pid_t start_run(const two_posts& p, const std::string& url, const fs::path& out, int& rc,
                std::string& console, std::thread& runner) {
    const std::string pid_file = (p.tmp.path / "pid").string();
    runner = std::thread([&, pid_file] {
        rc = test::shell("sh -c '" + bin + " run --profile " + p.tmp.path.string() + " --target " +
                             (p.tmp.path / "target.json").string() + " --base-url " + url +
                             " --out " + out.string() + " --jobs 1 & echo $! > " + pid_file +
                             "; wait $!' 2>&1",
                         &console);
    });
    for (int i = 0; i < 500 && !fs::exists(pid_file); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return static_cast<pid_t>(std::stol(test::read_text(pid_file)));
}

} // namespace

TEST_CASE("interruption: the POST under way is not sent again, cleanup is listed as left, the "
          "test case is not a pass") {
    std::atomic<int> posts{0}, deletes{0};
    reference::http_server server(0, [&](const server_request& req) {
        if (req.method == "POST") ++posts;
        if (req.method == "DELETE") ++deletes;
        return server_response::json(201, R"({"id": "a1b2c3d4"})");
    });
    server.set_latency(std::chrono::milliseconds(1500));
    server.start();
    two_posts p;
    int rc = -1;
    std::string console;
    std::thread runner;
    const pid_t pid = start_run(p, server.base_url(), p.tmp.path / "out", rc, console, runner);
    auto waited = std::chrono::steady_clock::now();
    while (posts.load() < 2 && std::chrono::steady_clock::now() - waited < std::chrono::seconds(60))
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(pid, SIGINT); // during the second POST, on the kept-alive connection
    runner.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(500)); // a resent one would be here
    CHECK(rc == 3);
    CHECK(posts.load() == 2);
    CHECK(deletes.load() == 0); // nothing is sent after the interrupt
    auto report = nlohmann::json::parse(test::read_text(p.tmp.path / "out/report.json"));
    CHECK(report["verdict"] == "incomplete");
    const auto& tc = report["testcases"][0];
    CHECK(tc["verdict"] == "error");
    CHECK(tc["interrupted"] == true);
    REQUIRE(tc.contains("kept"));
    CHECK(tc["kept"][0].get<std::string>().find("DELETE http://127.0.0.1:") == 0);
    CHECK(tc["kept"][0].get<std::string>().find("/things/a1b2c3d4") != std::string::npos);
    CHECK(console.find("INTERRUPTED") != std::string::npos);
    CHECK(console.find("left in the system (interrupted; cleanup not sent)") != std::string::npos);
}

TEST_CASE("interruption: a second interrupt ends at once and leaves no temporary file") {
    reference::http_server server(
        0, [&](const server_request&) { return server_response::json(201, R"({"id": "x"})"); });
    server.set_latency(std::chrono::milliseconds(20000));
    server.start();
    two_posts p;
    int rc = -1;
    std::string console;
    std::thread runner;
    const fs::path out = p.tmp.path / "out";
    const pid_t pid = start_run(p, server.base_url(), out, rc, console, runner);
    auto waited = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - waited < std::chrono::seconds(60)) {
        bool spooling = false;
        if (fs::exists(out))
            for (const auto& f : fs::directory_iterator(out))
                spooling = spooling || f.path().string().find(".tmp-") != std::string::npos;
        if (spooling) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // Two different signals, so the second is not merged into the first while pending.
    ::kill(pid, SIGINT);
    ::kill(pid, SIGTERM);
    runner.join();
    CHECK((rc == 128 + SIGTERM || rc == 128 + SIGINT)); // ended at once, not a clean exit 3
    for (const auto& f : fs::directory_iterator(out))
        CHECK_MESSAGE(f.path().string().find(".tmp-") == std::string::npos,
                      "left behind: " << f.path());
}

TEST_CASE("interruption: a load stops at once and its partial figures are written") {
    reference::http_server server(
        0, [&](const server_request&) { return server_response::json(200, R"({"ok": true})"); });
    server.set_latency(std::chrono::milliseconds(5));
    server.start();
    two_posts p;
    std::ofstream(p.tmp.path / "testcases/t.json") << R"({"id": "T-POSTS", "title": "t",
  "class": "core", "verifies": ["R"],
  "steps": [{"name": "a long load", "load": {"open": {"rate": 50, "duration_s": 60}},
             "steps": [{"request": {"method": "GET", "path": "/things"}, "expect": [{"status": 200}]}],
             "expect": [{"service_level": "p99_ms", "le": 1000}]}]})";
    int rc = -1;
    std::string console;
    std::thread runner;
    const pid_t pid = start_run(p, server.base_url(), p.tmp.path / "out", rc, console, runner);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    const auto signalled = std::chrono::steady_clock::now();
    ::kill(pid, SIGINT);
    runner.join();
    const auto took = std::chrono::steady_clock::now() - signalled;
    CHECK(took < std::chrono::seconds(5)); // not the 60 s the load states
    CHECK(rc == 3);
    auto report = nlohmann::json::parse(test::read_text(p.tmp.path / "out/report.json"));
    CHECK(report["verdict"] == "incomplete");
    const auto& tc = report["testcases"][0];
    CHECK(tc["verdict"] == "error");
    const auto& step = tc["steps"][0];
    REQUIRE(step.contains("load"));
    CHECK(step["load"]["requests"].get<int>() >= 40); // the partial figures are kept
    CHECK(step["load"]["histogram"]["total"] == step["load"]["requests"]);
    CHECK(step["message"].get<std::string>().find("interrupted") != std::string::npos);
    CHECK(console.find("load T-POSTS") != std::string::npos); // the line a second
}
