// Golden files: every output of one run (the example profile against its reference system
// with the fault unknown-id-200, one job), normalised, compared byte for byte with
// tests/golden/. After an intended change, regenerate them with
//   KONFORM_UPDATE_GOLDEN=1 build/tests/konform_e2e_tests -tc="golden*"
// and review the diff like any other change.
#include "e2e_support.hpp"
#include "server/http_server.hpp"
#include "system.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

using namespace konform;

namespace {

const std::filesystem::path golden_dir = KONFORM_SOURCE_DIR "/tests/golden";

void check_golden(const std::string& name, const std::string& actual) {
    const auto file = golden_dir / name;
    if (std::getenv("KONFORM_UPDATE_GOLDEN")) {
        std::ofstream(file, std::ios::binary) << actual;
        return;
    }
    REQUIRE_MESSAGE(std::filesystem::exists(file), "no golden file " << file);
    CHECK_MESSAGE(test::first_difference(test::read_text(file), actual) == "",
                  name << " differs from " << file);
}

// The visible text of report.html, one block a line.
std::string html_text(std::string html) {
    html = std::regex_replace(html, std::regex(R"(<(script|style)[^>]*>[\s\S]*?</\1>)"), "");
    html =
        std::regex_replace(html, std::regex(R"(<(br|/tr|/h\d|/p|/div|/pre|/summary)[^>]*>)"), "\n");
    html = std::regex_replace(html, std::regex(R"(<[^>]*>)"), " ");
    html = std::regex_replace(html, std::regex(R"([ \t]+)"), " ");
    html = std::regex_replace(html, std::regex(R"( ?\n ?)"), "\n");
    html = std::regex_replace(html, std::regex(R"(\n+)"), "\n");
    return html;
}

struct golden_run {
    std::string console, report, junit, evidence, html;
};

const golden_run& run_once() {
    static const golden_run out = [] {
        const auto* sys = reference::find_system("example");
        reference::http_server server(0, sys->make("unknown-id-200"));
        server.start();
        test::temp_dir tmp;
        golden_run g;
        test::shell("GREETINGS_TOKEN=example-token " KONFORM_BINARY
                    " run --profile " KONFORM_SOURCE_DIR
                    "/profiles/example --target " KONFORM_SOURCE_DIR
                    "/profiles/example/target.example.json --jobs 1 --base-url " +
                        server.base_url() + " --out '" + tmp.path.string() + "/out' 2>&1",
                    &g.console);
        auto read = [&](const char* f) { return test::read_text(tmp.path / "out" / f); };
        g.report = read("report.json");
        g.junit = read("junit.xml");
        g.evidence = read("evidence.har");
        g.html = read("report.html");
        return g;
    }();
    return out;
}

std::string pretty(const std::string& json_text) {
    return nlohmann::json::parse(json_text).dump(2) + "\n";
}

} // namespace

TEST_CASE("golden: report.json") {
    // A measured duration is the one actual value that differs from run to run.
    static const std::regex duration(
        R"re("actual": "[0-9.e+-]+",(\s+"exchange": \d+,\s+"expected": "duration_ms))re");
    check_golden("report.json",
                 test::normalised(std::regex_replace(pretty(run_once().report), duration,
                                                     "\"actual\": \"<X>\",$1")));
}

TEST_CASE("golden: junit.xml") {
    check_golden("junit.xml", test::normalised(run_once().junit));
}

TEST_CASE("golden: evidence.har") {
    check_golden("evidence.har", test::normalised(pretty(run_once().evidence)));
}

TEST_CASE("golden: report.html text") {
    check_golden("report.html.txt", test::normalised(html_text(run_once().html)));
}

TEST_CASE("golden: console") {
    check_golden("console.txt", test::normalised(run_once().console));
}
