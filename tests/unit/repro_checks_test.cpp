// A replay script's checks: an expectation konform failed, as bash + jq, run for real on a
// recorded answer (jq from the test packages).
#include "repro_checks.hpp"

#include <cstdio>
#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>

using konform::report::detail::check_line;
using konform::report::detail::check_prelude;
using konform::report::detail::check_verdict;
using konform::report::detail::live_values;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Runs `lines` after the prelude against an answer (head and body), with shell variables
// set first; returns the script's exit code (0 holds, 1 reproduced, 2 nothing checked).
int run_checks(const std::string& head, const std::string& body, const std::string& lines,
               const std::string& vars = "") {
    const fs::path dir =
        fs::temp_directory_path() / ("konform-checks-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "head") << head;
    std::ofstream(dir / "body") << body;
    std::ofstream(dir / "s.sh") << "work=" << dir.string() << "\n"
                                << vars << check_prelude() << lines << check_verdict();
    const int status = std::system(("bash " + (dir / "s.sh").string() + " >/dev/null").c_str());
    fs::remove_all(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const std::string ok_head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n";

std::string line(const std::string& subject, const json& check, const live_values& live = {}) {
    auto l = check_line(subject, check, "what", live);
    REQUIRE(l);
    return *l;
}

} // namespace

TEST_CASE("replay checks: status and header hold or reproduce as konform judged them") {
    const std::string status =
        line("status", {{"selector", ""}, {"predicates", {{"equals", 404}}}});
    CHECK(run_checks(ok_head, "{}", status) == 1); // 200, expected 404: reproduces
    CHECK(run_checks("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\n\r\n", "{}", status) ==
          0); // the final status counts
    const std::string header = line("header", {{"selector", "Content-Type"},
                                               {"predicates", {{"matches", "^application/json"}}}});
    CHECK(run_checks(ok_head, "{}", header) == 0);
    CHECK(run_checks("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n", "{}", header) == 1);
    const std::string absent =
        line("header", {{"selector", "Location"}, {"predicates", {{"exists", true}}}});
    CHECK(run_checks(ok_head, "{}", absent) == 1);
}

TEST_CASE("replay checks: JSON values, nested predicates and a body that is not JSON") {
    const std::string each = line(
        "json",
        {{"selector", "/results"},
         {"predicates", {{"count", {{"ge", 2}}}, {"each", {{"at", "/lang"}, {"equals", "da"}}}}}});
    CHECK(run_checks(ok_head, R"({"results":[{"lang":"da"},{"lang":"da"}]})", each) == 0);
    CHECK(run_checks(ok_head, R"({"results":[{"lang":"da"},{"lang":"en"}]})", each) == 1);
    CHECK(run_checks(ok_head, R"({"results":[{"lang":"da"}]})", each) == 1);
    CHECK(run_checks(ok_head, "<html>", each) == 1); // no JSON: the expectation fails
    // A text that spells the number equals it, as in konform.
    const std::string n = line("json", {{"selector", "/n"}, {"predicates", {{"equals", 5}}}});
    CHECK(run_checks(ok_head, R"({"n":"5"})", n) == 0);
    const std::string missing =
        line("json", {{"selector", "/gone"}, {"predicates", {{"absent", true}}}});
    CHECK(run_checks(ok_head, R"({"n":1})", missing) == 0);
}

TEST_CASE("replay checks: an expected value over a capture is computed again from the live one") {
    live_values live;
    live.json["all"] = "cap_all_json";
    live.texts["0b2f-recorded"] = "cap_id";
    const json sliced = {{"selector", "/page"},
                         {"predicates", {{"equals", json::array({"c-old", "d-old"})}}},
                         {"written", {{"equals", "{{all | slice(2, 4)}}"}}}};
    const std::string l = line("json", sliced, live);
    const std::string vars = "cap_all_json='[\"a\",\"b\",\"c\",\"d\",\"e\"]'\n";
    CHECK(run_checks(ok_head, R"({"page":["c","d"]})", l, vars) == 0);
    CHECK(run_checks(ok_head, R"({"page":["b","c"]})", l, vars) == 1);
    // A recorded captured text inside an expected value is the live text.
    const std::string url = line(
        "header", {{"selector", "Location"}, {"predicates", {{"equals", "/things/0b2f-recorded"}}}},
        live);
    CHECK(run_checks("HTTP/1.1 201 Created\r\nLocation: /things/live-9\r\n\r\n", "", url,
                     "cap_id=live-9\n") == 0);
}

TEST_CASE("replay checks: what jq cannot judge is left out, and a script with no check says so") {
    CHECK_FALSE(
        check_line("xpath", {{"selector", "/a"}, {"predicates", {{"exists", true}}}}, "w", {}));
    CHECK_FALSE(check_line("json", {{"selector", "/a"}, {"predicates", {{"rows", json::object()}}}},
                           "w", {}));
    live_values live;
    live.json["all"] = "cap_all_json";
    // A filter jq does not have: the expected value cannot be computed again.
    CHECK_FALSE(check_line("json",
                           {{"selector", "/a"},
                            {"predicates", {{"equals", "x"}}},
                            {"written", {{"equals", "{{all | bool}}"}}}},
                           "w", live));
    CHECK(run_checks(ok_head, "{}", "") == 2);
}
