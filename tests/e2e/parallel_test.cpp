// --jobs: test cases run at once against a slow system, with the same verdicts, report and
// console as one at a time; `serial` test cases never overlap another; the target caps it.
#include "e2e_support.hpp"
#include "server/http_server.hpp"
#include "system.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <fstream>

using namespace konform;

namespace {

const std::string bin = KONFORM_BINARY;

struct outcome {
    int rc = -1;
    std::string console, report, junit;
    double seconds = 0;
};

outcome run_cli(const std::string& base_url, const std::string& extra,
                const std::string& profile = KONFORM_SOURCE_DIR "/profiles/oio-rest-organisation",
                const std::string& target = KONFORM_SOURCE_DIR
                "/profiles/oio-rest-organisation/target.example.json") {
    test::temp_dir tmp;
    outcome o;
    auto t0 = std::chrono::steady_clock::now();
    o.rc = test::shell("ORG_TOKEN=oio-demo-token GREETINGS_TOKEN=example-token " + bin +
                           " run --profile " + profile + " --target " + target + " --base-url " +
                           base_url + " --out '" + tmp.path.string() + "/out' " + extra + " 2>&1",
                       &o.console);
    o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    o.report = test::read_text(tmp.path / "out/report.json");
    o.junit = test::read_text(tmp.path / "out/junit.xml");
    return o;
}

} // namespace

TEST_CASE("parallel: --jobs 8 against a slow system takes under a quarter of the time, with "
          "identical verdicts, report and console") {
    const auto* sys = reference::find_system("oio-rest-organisation");
    reference::http_server server(0, sys->make(""));
    server.set_latency(std::chrono::milliseconds(20));
    server.start();
    outcome one = run_cli(server.base_url(), "--jobs 1");
    REQUIRE(server.max_concurrent_requests() == 1);
    outcome eight = run_cli(server.base_url(), "--jobs 8");
    CHECK(server.max_concurrent_requests() > 1);
    CHECK(server.max_concurrent_requests() <= 8);
    CHECK(one.rc == 0);
    CHECK(eight.rc == 0);
    CHECK(test::first_difference(test::normalised(one.report), test::normalised(eight.report)) ==
          "");
    CHECK(test::first_difference(test::normalised(one.junit), test::normalised(eight.junit)) == "");
    CHECK(test::first_difference(test::normalised(one.console), test::normalised(eight.console)) ==
          "");
    // 154 exchanges at 20 ms each one after the other; the longest test case bounds
    // --jobs. Under the sanitizers CPU time, not latency, dominates both runs, so the
    // ratio is checked in the release build only (scripts/bench measures it properly).
#ifndef KONFORM_SANITIZED
    CHECK_MESSAGE(eight.seconds < one.seconds / 4,
                  "serial " << one.seconds << " s, --jobs 8 " << eight.seconds << " s");
#endif
}

TEST_CASE("parallel: a fault is found the same with --jobs 8") {
    const auto* sys = reference::find_system("oio-rest-organisation");
    reference::http_server server(0, sys->make("paging-off-by-one"));
    server.start();
    outcome one = run_cli(server.base_url(), "--jobs 1");
    outcome eight = run_cli(server.base_url(), "--jobs 8");
    CHECK(one.rc == 1);
    CHECK(eight.rc == 1);
    CHECK(test::first_difference(test::normalised(one.console), test::normalised(eight.console)) ==
          "");
    CHECK(test::first_difference(test::normalised(one.report), test::normalised(eight.report)) ==
          "");
}

TEST_CASE("parallel: serial test cases and the target's max_connections are never exceeded") {
    // The example profile with every test case marked serial.
    test::temp_dir tmp;
    const auto dir = tmp.path / "profiles/example";
    std::filesystem::create_directories(dir.parent_path());
    std::filesystem::copy(KONFORM_SOURCE_DIR "/profiles/example", dir,
                          std::filesystem::copy_options::recursive);
    const auto tcs = dir / "testcases";
    for (const auto& e :
         std::filesystem::directory_iterator(KONFORM_SOURCE_DIR "/profiles/example/testcases")) {
        auto doc = nlohmann::json::parse(test::read_text(e.path()));
        doc["serial"] = true;
        std::ofstream(tcs / e.path().filename()) << doc.dump(2);
    }
    const auto* sys = reference::find_system("example");
    {
        reference::http_server server(0, sys->make(""));
        server.set_latency(std::chrono::milliseconds(5));
        server.start();
        outcome o = run_cli(server.base_url(), "--jobs 8", dir.string(),
                            (dir / "target.example.json").string());
        CHECK_MESSAGE(o.rc == 0, o.console);
        CHECK(server.max_concurrent_requests() == 1);
    }
    // The shipped profile, capped by the target at two connections.
    auto target = nlohmann::json::parse(
        test::read_text(KONFORM_SOURCE_DIR "/profiles/oio-rest-organisation/target.example.json"));
    target["limits"]["max_connections"] = 2;
    const auto capped = tmp.path / "capped-target.json";
    std::ofstream(capped) << target.dump(2);
    reference::http_server server(0, reference::find_system("oio-rest-organisation")->make(""));
    server.set_latency(std::chrono::milliseconds(5));
    server.start();
    outcome o = run_cli(server.base_url(), "--jobs 8",
                        KONFORM_SOURCE_DIR "/profiles/oio-rest-organisation", capped.string());
    CHECK(o.rc == 0);
    CHECK(server.max_concurrent_requests() == 2);
}
