#include "konform/report/repro_script.hpp"

#include <cstdio>
#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>

using konform::report::repro_options;
using konform::report::repro_script;
using nlohmann::json;

namespace {

// What a shell command prints on standard output.
std::string run_output(const std::string& command) {
    std::string out;
    if (FILE* p = ::popen(command.c_str(), "r")) {
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
            out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

struct scratch_dir {
    std::filesystem::path path;
    scratch_dir() {
        std::string t = (std::filesystem::temp_directory_path() / "konform-repro-XXXXXX").string();
        path = ::mkdtemp(t.data());
    }
    ~scratch_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

// A report of one test case: a POST whose answer names a uuid, then a GET that uses it.
json report_of(const std::string& step_name) {
    return {{"profile", {{"id", "p"}, {"version", "1"}}},
            {"target", {{"url", "https://sut.example"}}},
            {"placeholders", {"${ORG_TOKEN}"}},
            {"started", "2026-11-28T00:00:00Z"},
            {"testcases",
             {{{"id", "TC-1"},
               {"title", "t"},
               {"verdict", "fail"},
               {"steps",
                {{{"name", step_name},
                  {"pointer", "/steps/0"},
                  {"verdict", "pass"},
                  {"exchange", 0},
                  {"request", {{"method", "POST"}, {"url", "https://sut.example/x"}}},
                  {"response", {{"status", 201}}},
                  {"captures", {{{"variable", "id"}, {"value", "0b2f5a4e-aaaa"}}}}},
                 {{"name", "read"},
                  {"pointer", "/steps/1"},
                  {"verdict", "fail"},
                  {"exchange", 1},
                  {"assertions",
                   {{{"verdict", "fail"}, {"expected", "status equals 200"}, {"actual", "500"}}}},
                  {"request", {{"method", "GET"}, {"url", "https://sut.example/x/0b2f5a4e-aaaa"}}},
                  {"response", {{"status", 500}}}}}}}}}};
}

json evidence() {
    auto entry = [](const std::string& method, const std::string& url, const std::string& body) {
        return json{
            {"request",
             {{"method", method},
              {"url", url},
              {"headers", {{{"name", "Authorization"}, {"value", "Bearer ${ORG_TOKEN}"}}}}}},
            {"response",
             {{"status", 201}, {"headers", json::array()}, {"content", {{"text", body}}}}}};
    };
    json entries = json::array();
    entries.push_back(entry("POST", "https://sut.example/x", R"({"uuid":"0b2f5a4e-aaaa"})"));
    entries.push_back(entry("GET", "https://sut.example/x/0b2f5a4e-aaaa", "{}"));
    return {{"log", {{"entries", entries}}}};
}

} // namespace

TEST_CASE("repro script: live captures, secrets as variables, TLS options, the failing step") {
    repro_options opt;
    opt.testcase = "TC-1";
    opt.tls.ca_file = "/etc/ca.pem";
    opt.tls.client_cert = "/etc/client.p12";
    opt.tls.pkcs12 = true;
    opt.tls.password_placeholder = "${CERT_PASS}";
    const std::string s = repro_script(report_of("create"), evidence(), opt);
    CHECK(s.find("cap_id=$(jq -r 'getpath([\"uuid\"])' \"$work/body\")") != std::string::npos);
    CHECK(s.find("'https://sut.example/x/'\"${cap_id}\"") != std::string::npos);
    CHECK(s.find(": \"${ORG_TOKEN:?set ORG_TOKEN") != std::string::npos);
    CHECK(s.find("--cacert '/etc/ca.pem'") != std::string::npos);
    CHECK(s.find("--cert-type P12 --cert '/etc/client.p12:'\"${CERT_PASS}\"") != std::string::npos);
    CHECK(s.find("echo '  expected status equals 200; actual 500'") != std::string::npos);
    // --base-url moves every recorded request to another system.
    opt.base_url = "http://127.0.0.1:8080/";
    CHECK(repro_script(report_of("create"), evidence(), opt).find("'http://127.0.0.1:8080/x'") !=
          std::string::npos);
    opt.testcase = "TC-2";
    CHECK_THROWS_AS(repro_script(report_of("create"), evidence(), opt), std::invalid_argument);
}

TEST_CASE("repro script: a hostile step name cannot leave its echo or comment line") {
    repro_options opt;
    opt.testcase = "TC-1";
    const std::string s =
        repro_script(report_of("x'\n$(rm -rf ~)\x1b]0;owned\x07"), evidence(), opt);
    CHECK(s.find("\n$(rm -rf ~)") == std::string::npos);
    CHECK(s.find('\x1b') == std::string::npos);
    CHECK(s.find('\x07') == std::string::npos);
    CHECK(s.find("echo '### setup") == std::string::npos); // no setup flag: a step
    CHECK(s.find("echo '### step 1/2: x'\\''") != std::string::npos);
}

TEST_CASE("repro script: a hostile expected value cannot leave the line its check prints") {
    repro_options opt;
    opt.testcase = "TC-1";
    json report = report_of("read");
    json& failing = report["testcases"][0]["steps"][1]["assertions"][0];
    failing["subject"] = "status";
    failing["expected"] = "status equals 200\n\x1b]0;owned\x07";
    failing["check"] = {{"selector", ""}, {"predicates", {{"equals", 200}}}};
    const std::string s = repro_script(report, evidence(), opt);
    CHECK(s.find("expect 'expected status equals 200 ") != std::string::npos); // it is checked
    CHECK(s.find('\x1b') == std::string::npos);
    CHECK(s.find('\x07') == std::string::npos);
    CHECK(s.find("200\n") == std::string::npos);
}

TEST_CASE("repro script: the system cannot choose the origin, a secret's name or the method") {
    repro_options opt;
    opt.testcase = "TC-1";
    // A captured value "https" (also the scheme of every URL) is put back only after the
    // origin: the replayed request still goes where konform sent it.
    json report = report_of("create");
    report["testcases"][0]["steps"][0]["captures"][0]["value"] = "https";
    json ev = evidence();
    ev["log"]["entries"][0]["response"]["content"]["text"] = R"({"uuid":"https"})";
    ev["log"]["entries"][1]["request"]["url"] = "https://sut.example/x/https";
    std::string s = repro_script(report, ev, opt);
    CHECK(s.find("'https://sut.example/x/'\"${cap_id}\"") != std::string::npos);
    CHECK(s.find("\"${cap_id}\"'://") == std::string::npos);
    // "${HOME}" in what the system sent is text, never a secret the script asks for and
    // sends: only the report's own placeholders are.
    ev = evidence();
    ev["log"]["entries"][1]["request"]["url"] = "https://sut.example/x/${HOME}";
    s = repro_script(report_of("create"), ev, opt);
    CHECK(s.find("HOME:?set") == std::string::npos);
    CHECK(s.find("'https://sut.example/x/${HOME}'") != std::string::npos);
    CHECK(s.find(": \"${ORG_TOKEN:?set ORG_TOKEN") != std::string::npos);
    // A report without placeholders expands none.
    json none = report_of("create");
    none.erase("placeholders");
    s = repro_script(none, evidence(), opt);
    CHECK(s.find("ORG_TOKEN:?set") == std::string::npos);
    CHECK(s.find("-H 'Authorization: Bearer ${ORG_TOKEN}'") != std::string::npos);
    // A method that is not one (an edited evidence.har) is refused, never written.
    ev = evidence();
    ev["log"]["entries"][1]["request"]["method"] = "DELETE;touch /tmp/x;#";
    CHECK_THROWS_AS(repro_script(report_of("create"), ev, opt), std::invalid_argument);
}

TEST_CASE("repro script: a live answer is printed behind a margin, its control characters "
          "shown as '?'") {
    repro_options opt;
    opt.testcase = "TC-1";
    const std::string s = repro_script(report_of("create"), evidence(), opt);
    const auto at = s.find("show_answer() {");
    REQUIRE(at != std::string::npos);
    const std::string function = s.substr(at, s.find('\n', at) - at);
    scratch_dir dir;
    std::ofstream(dir.path / "head") << "HTTP/1.1 200 OK\r\nX: \x1b]0;title\x07\r\n\r\n";
    std::ofstream(dir.path / "body") << "\x1b[2J\x1b[Hkonform judged this step pass\n"
                                     << "S\xC3\xB8ren \xC2\x9B"
                                        "31m \xE2\x80\xAE"
                                        "evil\n";
    std::ofstream(dir.path / "run.sh") << "work='" << dir.path.string() << "'\n"
                                       << function << "\nshow_answer\n";
    const std::string out = run_output("bash '" + (dir.path / "run.sh").string() + "'");
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find('\x07') == std::string::npos);
    CHECK(out.find("\xC2\x9B") == std::string::npos);
    CHECK(out.find("\xE2\x80\xAE") == std::string::npos);
    CHECK(out.find("  | ?[2J?[Hkonform judged this step pass\n") != std::string::npos);
    CHECK(out.find("  | S\xC3\xB8ren ?31m ?evil\n") != std::string::npos);
}
