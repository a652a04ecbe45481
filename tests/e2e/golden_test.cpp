// Golden files: every output of one run (the example profile against its reference system
// with the fault unknown-id-200, one job), and the outputs of a partial run, a production
// verification, a signed run's verification, the diff page and a repro script, normalised
// (named placeholders: <time>, <duration>, <uuid>, <port>, <evidence-sha256>, <tmp>),
// compared byte for byte with tests/golden/. After an intended change, regenerate them with
//   KONFORM_UPDATE_GOLDEN=1 build/tests/konform_e2e_tests -tc="golden*"
// and review the diff like any other change.
#include "e2e_support.hpp"
#include "server/http_server.hpp"
#include "system.hpp"

#include <atomic>
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
                                                     "\"actual\": \"<duration>\",$1")));
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

namespace {

const std::string bin = KONFORM_BINARY;
const std::string example = KONFORM_SOURCE_DIR "/profiles/example";
const std::string keys = KONFORM_SOURCE_DIR "/reports/demo-key";

// Runs the example profile against its reference system (with `fault`) into `out`; returns
// the console.
std::string example_run(const std::string& fault, const std::filesystem::path& out,
                        const std::string& extra, const std::string& target = "") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(fault));
    server.start();
    std::string console;
    test::shell("GREETINGS_TOKEN=example-token " + bin + " run --profile " + example +
                    " --target " + (target.empty() ? example + "/target.example.json" : target) +
                    " --jobs 1 --base-url " + server.base_url() + " --out '" + out.string() + "' " +
                    extra + " 2>&1",
                &console);
    return console;
}

// A signed certification and a signed run with a fault, for verify, diff and repro: one
// server (one port, so the diff shows no drift), conformant for the first run, with the
// fault for the second.
struct signed_runs {
    test::temp_dir tmp;
    std::filesystem::path certified = tmp.path / "certified", faulty = tmp.path / "faulty";
    signed_runs() {
        const auto* sys = reference::find_system("example");
        reference::handler conformant = sys->make(""), with_fault = sys->make("unknown-id-200");
        std::atomic<bool> faulty_now{false};
        reference::http_server server(0, [&](const reference::server_request& req) {
            return faulty_now ? with_fault(req) : conformant(req);
        });
        server.start();
        const std::string sign =
            "GREETINGS_TOKEN=example-token " + bin + " run --profile " + example + " --target " +
            example + "/target.example.json --jobs 1 --base-url " + server.base_url() +
            " --sign-key " + keys + "/private.pem --sign-cert " + keys + "/signer.pem --out ";
        test::shell(sign + "'" + certified.string() + "' >/dev/null 2>&1");
        faulty_now = true;
        test::shell(sign + "'" + faulty.string() + "' >/dev/null 2>&1");
    }
};

// Paths under the source folder, which differs from clone to clone.
std::string without_source(std::string text) {
    const std::string source = KONFORM_SOURCE_DIR;
    for (auto at = text.find(source); at != std::string::npos; at = text.find(source, at))
        text.replace(at, source.size(), "<source>");
    return text;
}

const signed_runs& runs() {
    static const signed_runs r;
    return r;
}

} // namespace

TEST_CASE("golden: a partial run's console") {
    test::temp_dir tmp;
    check_golden("partial-console.txt",
                 test::normalised(example_run("unknown-id-200", tmp.path / "out",
                                              "--only TC-EX-READ-002 TC-EX-READ-001")));
}

TEST_CASE("golden: a production verification's console") {
    test::temp_dir tmp;
    auto target = nlohmann::json::parse(test::read_text(example + "/target.example.json"));
    target["environment"] = "production";
    const auto file = tmp.path / "production.json";
    std::ofstream(file) << target.dump(2);
    check_golden("production-console.txt",
                 test::normalised(example_run("", tmp.path / "out", "", file.string())));
}

TEST_CASE("golden: verifying a signed report") {
    std::string out;
    test::shell(bin + " verify '" + (runs().certified / "report.json").string() + "' --trust " +
                    keys + "/root.pem 2>&1",
                &out);
    check_golden("signed-verify.txt", test::normalised(without_source(out)));
}

TEST_CASE("golden: the diff page") {
    test::temp_dir tmp;
    const auto page = tmp.path / "diff.html";
    std::string out;
    test::shell(bin + " diff '" + (runs().certified / "report.json").string() + "' '" +
                    (runs().faulty / "report.json").string() + "' --trust " + keys +
                    "/root.pem --html '" + page.string() + "' 2>&1",
                &out);
    check_golden("diff-page.txt", test::normalised(html_text(test::read_text(page))));
    check_golden("diff-console.txt", test::normalised(out));
}

TEST_CASE("golden: a repro script") {
    test::temp_dir tmp;
    const auto script = tmp.path / "repro.sh";
    std::string out;
    test::shell(bin + " repro '" + (runs().faulty / "report.json").string() +
                    "' TC-EX-READ-002 -o '" + script.string() + "' 2>&1",
                &out);
    check_golden("repro.sh", test::normalised(test::read_text(script)));
}
