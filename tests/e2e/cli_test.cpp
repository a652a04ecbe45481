// The konform command line as a user runs it: exit codes, report files, secrets.
#include "e2e_support.hpp"
#include "oio/organisation_system.hpp"
#include "server/http_server.hpp"
#include "system.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

using namespace konform;

namespace {

const std::string bin = KONFORM_BINARY;
const std::string src = KONFORM_SOURCE_DIR;

std::string run_cmd(const std::string& base_url, const std::string& out,
                    const std::string& extra = "") {
    return "GREETINGS_TOKEN=example-token " + bin + " run --profile " + src +
           "/profiles/example --target " + src +
           "/profiles/example/target.example.json --base-url " + base_url + " --out '" + out +
           "' " + extra + " 2>&1";
}

// A run of the OIO REST profile into `out`: against `base_url` with its example target, or
// with `target` when one is given.
std::string oio_run_cmd(const std::string& base_url, const std::string& out,
                        const std::string& extra, const std::string& target = "") {
    const std::string profile = src + "/profiles/oio-rest-organisation";
    return "ORG_TOKEN=oio-demo-token " + bin + " run --profile " + profile + " --target '" +
           (target.empty() ? profile + "/target.example.json' --base-url " + base_url
                           : target + "'") +
           " " + extra + " --out '" + out + "' 2>&1";
}

// A run of the example profile into `out`, signed with the demo key and chain.
std::string signed_run_cmd(const std::string& base_url, const std::string& out,
                           const std::string& extra = "") {
    const std::string keys = src + "/reports/demo-key";
    return run_cmd(base_url, out,
                   "--force --quiet " + extra + " --sign-key " + keys +
                       "/private.pem --sign-cert " + keys + "/signer.pem");
}

} // namespace

TEST_CASE("cli: a conformant run exits 0 and writes report.json and junit.xml") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""));
    server.start();
    test::temp_dir tmp;
    std::string out;
    CHECK(test::shell(run_cmd(server.base_url(), (tmp.path / "out").string()), &out) == 0);
    CHECK(out.find("[1/8] PASS") != std::string::npos);
    CHECK(out.find("CONFORMANT") != std::string::npos);
    auto report = nlohmann::json::parse(test::read_text(tmp.path / "out/report.json"));
    CHECK(report["verdict"] == "conformant");
    CHECK(report["profile"]["id"] == "dk.konform.example.greetings");
    CHECK(report["profile"]["digest"].get<std::string>().size() == 64);
    CHECK(report["summary"]["testcases"]["pass"] == 8);
    CHECK(report["requirements"].size() == 11);
    std::string validation;
    CHECK(test::shell(bin + " validate --schema " + src + "/reports/report.schema.json '" +
                          (tmp.path / "out/report.json").string() + "'",
                      &validation) == 0);
    pugi::xml_document junit;
    REQUIRE(junit.load_file((tmp.path / "out/junit.xml").c_str()));
    CHECK(junit.select_nodes("/testsuites/testsuite").size() == 3);
    CHECK(junit.select_nodes("//testcase").size() == 8);
    CHECK(junit.select_nodes("//failure").empty());
    // The output folder is now not empty: a second run refuses without --force.
    CHECK(test::shell(run_cmd(server.base_url(), (tmp.path / "out").string()), &out) == 2);
    CHECK(out.find("--force") != std::string::npos);
    CHECK(test::shell(run_cmd(server.base_url(), (tmp.path / "out").string(), "--force --quiet"),
                      &out) == 0);
    CHECK(out ==
          "CONFORMANT dk.konform.example.greetings 1.0.0 " + (tmp.path / "out").string() + "\n");
}

TEST_CASE(
    "cli: a failing run exits 1, failures name the requirement, expected, actual and a curl line") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make("unknown-id-200"));
    server.start();
    test::temp_dir tmp;
    std::string out;
    CHECK(test::shell(run_cmd(server.base_url(), tmp.path.string(), "--force"), &out) == 1);
    CHECK(out.find("FAIL EX-READ-404") != std::string::npos);
    CHECK(out.find("expected: status equals 404") != std::string::npos);
    CHECK(out.find("actual:   200") != std::string::npos);
    CHECK(out.find("reproduce: curl -sS -i") != std::string::npos);
    auto report = nlohmann::json::parse(test::read_text(tmp.path / "report.json"));
    CHECK(report["verdict"] == "not-conformant");
    CHECK(test::shell(bin + " validate --schema " + src + "/reports/report.schema.json '" +
                          (tmp.path / "report.json").string() + "'",
                      &out) == 0);
    pugi::xml_document junit;
    REQUIRE(junit.load_file((tmp.path / "junit.xml").c_str()));
    auto failure = junit.select_node("//testcase[starts-with(@name, 'TC-EX-READ-002')]/failure");
    REQUIRE(failure);
    CHECK(std::string(failure.node().attribute("message").value())
              .find("EX-READ-404: expected status equals 404") == 0);
}

TEST_CASE("cli: json mode prints one object per test case and a summary") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""));
    server.start();
    test::temp_dir tmp;
    std::string out;
    CHECK(test::shell(run_cmd(server.base_url(), tmp.path.string(), "--force --json"), &out) == 0);
    std::istringstream lines(out);
    std::string line;
    int testcases = 0, summaries = 0;
    while (std::getline(lines, line)) {
        auto j = nlohmann::json::parse(line);
        if (j["event"] == "testcase") ++testcases;
        if (j["event"] == "summary") {
            ++summaries;
            CHECK(j["verdict"] == "conformant");
        }
    }
    CHECK(testcases == 8);
    CHECK(summaries == 1);
}

TEST_CASE("cli: the token never appears in any output") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make("unknown-id-200"));
    server.start();
    test::temp_dir tmp;
    std::string out;
    test::shell(run_cmd(server.base_url(), tmp.path.string(), "--force"), &out);
    CHECK(out.find("example-token") == std::string::npos);
    CHECK(out.find("${GREETINGS_TOKEN}") != std::string::npos); // the curl line's placeholder
    for (const auto& f : std::filesystem::directory_iterator(tmp.path))
        CHECK_MESSAGE(test::read_text(f.path()).find("example-token") == std::string::npos,
                      f.path());
}

TEST_CASE("cli: an unreachable system exits 3 and still writes the report") {
    test::temp_dir tmp;
    std::string out;
    CHECK(test::shell(
              run_cmd("http://127.0.0.1:9", tmp.path.string(), "--force --connect-timeout 300"),
              &out) == 3);
    auto report = nlohmann::json::parse(test::read_text(tmp.path / "report.json"));
    CHECK(report["verdict"] == "incomplete");
    CHECK(report["summary"]["testcases"]["error"] == 8);
}

TEST_CASE("cli: input errors exit 2 and name the file and place") {
    test::temp_dir tmp;
    std::string out;
    std::ofstream(tmp.path / "target.json")
        << R"({"base_url": "http://127.0.0.1:1", "claims": ["nope"]})";
    CHECK(test::shell(bin + " run --profile " + src + "/profiles/example --target " +
                          (tmp.path / "target.json").string() + " --out " +
                          (tmp.path / "o").string() + " 2>&1",
                      &out) == 2);
    CHECK(out.find("target.json:1: /claims/0: profile dk.konform.example.greetings has no class "
                   "\"nope\"") != std::string::npos);
    CHECK(test::shell(bin + " run --profile /nonexistent --target x.json 2>&1", &out) == 2);
    CHECK(out.find("/nonexistent: no such file") != std::string::npos);
    CHECK(out.find("x.json: no such file") != std::string::npos);
    CHECK(test::shell(bin + " lint /nonexistent 2>&1", &out) == 2);
    CHECK(test::shell(bin + " run --bogus 2>&1", &out) == 2);
    // --base-url is held to the target file's rule.
    CHECK(test::shell("GREETINGS_TOKEN=t " + bin + " run --profile " + src +
                          "/profiles/example --target " + src +
                          "/profiles/example/target.example.json --base-url nonsense --out " +
                          (tmp.path / "o2").string() + " 2>&1",
                      &out) == 2);
    CHECK(out.find("--base-url: nonsense: base URL must start with http:// or https://") !=
          std::string::npos);
    CHECK_FALSE(std::filesystem::exists(tmp.path / "o2"));
}

TEST_CASE("cli: lint warns about a read-only test case over the certification data set that "
          "does not say it needs it; the shipped profiles say so") {
    std::string out;
    for (const char* p : {"example", "dawa-adresser", "sf1520-cpr-personlookup",
                          "oio-rest-organisation", "datafordeler-dar"}) {
        CAPTURE(p);
        CHECK(test::shell(bin + " lint " + src + "/profiles/" + p + " 2>&1", &out) == 0);
        CHECK(out.find("warning:") == std::string::npos);
    }
    test::temp_dir tmp;
    REQUIRE(test::shell("cp -r " + src + "/profiles/example '" + tmp.path.string() +
                        "/p' && sed -i '/\"needs\"/d' '" + tmp.path.string() +
                        "/p/testcases/search.json'") == 0);
    CHECK(test::shell(bin + " lint '" + tmp.path.string() + "/p' 2>&1", &out) == 0);
    CHECK(out.find("warning: read-only test case TC-EX-SEARCH-001 uses data set languages but "
                   "does not say \"needs\": [\"certification-data\"]") != std::string::npos);
}

TEST_CASE("cli: lint prints coverage, validate exits 0, 1 or 2") {
    std::string out;
    CHECK(test::shell(bin + " lint " + src + "/profiles/example", &out) == 0);
    CHECK(out.find("MUST coverage: 10/10") != std::string::npos);
    CHECK(out.find("EX-READ-404 [MUST, core]: TC-EX-READ-002") != std::string::npos);
    test::temp_dir tmp;
    std::ofstream(tmp.path / "good.json")
        << R"({"id": "6f1e2a3b-0000-4000-8000-000000000001", "text": "Hej", "language": "da"})";
    std::ofstream(tmp.path / "bad.json")
        << R"({"id": "x", "text": "Hej", "language": "da", "extra": 1})";
    std::ofstream(tmp.path / "broken.json") << R"({"id": )";
    const std::string schema = src + "/profiles/example/schemas/greeting.schema.json";
    CHECK(
        test::shell(bin + " validate --schema " + schema + " " + (tmp.path / "good.json").string(),
                    &out) == 0);
    CHECK(test::shell(bin + " validate --schema " + schema + " " + (tmp.path / "bad.json").string(),
                      &out) == 1);
    CHECK(out.find("bad.json: /id:") != std::string::npos);
    CHECK(test::shell(bin + " validate --schema " + schema + " " +
                          (tmp.path / "broken.json").string() + " 2>&1",
                      &out) == 2);
    CHECK(test::shell(bin + " --version", &out) == 0);
    CHECK(out.rfind("konform ", 0) == 0);
}

TEST_CASE("cli: a signed run verifies offline, a changed report or evidence does not") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""));
    server.start();
    test::temp_dir tmp;
    const std::string keys = src + "/reports/demo-key";
    std::string out;
    CHECK(test::shell(signed_run_cmd(server.base_url(), tmp.path.string()), &out) == 0);
    const std::string report = (tmp.path / "report.json").string();
    CHECK(test::shell(bin + " verify '" + report + "' --trust " + keys + "/root.pem", &out) == 0);
    CHECK(out.find("VALID: signature by key") != std::string::npos);
    CHECK(out.find("evidence digest matches") != std::string::npos);
    CHECK(out.find("anchored in") != std::string::npos);
    // Without a trust root a signature proves nothing about who signed: never exit 0.
    CHECK(test::shell(bin + " verify '" + report + "'", &out) == 1);
    CHECK(out.find("NOT A CERTIFICATION") != std::string::npos);
    CHECK(out.find("NOT anchored") != std::string::npos);
    CHECK(out.find("VALID") == std::string::npos);

    // Evidence: the HAR holds every exchange, and one changed byte breaks the binding.
    auto har = nlohmann::json::parse(test::read_text(tmp.path / "evidence.har"));
    auto doc = nlohmann::json::parse(test::read_text(report));
    CHECK(har["log"]["version"] == "1.2");
    CHECK(har["log"]["entries"].size() == doc["summary"]["exchanges"].get<std::size_t>());
    std::string text = test::read_text(tmp.path / "evidence.har");
    text[text.find("\"GET\"") + 1] = 'P';
    std::ofstream(tmp.path / "evidence.har", std::ios::binary) << text;
    CHECK(test::shell(bin + " verify '" + report + "'", &out) == 1);
    CHECK(out.find("digest mismatch") != std::string::npos);
    CHECK(test::shell(bin + " verify '" + report + "' --no-evidence --trust " + keys + "/root.pem",
                      &out) == 0);

    std::string rtext = test::read_text(report);
    rtext.replace(rtext.find("\"conformant\""), 12, "\"incomplete\"");
    std::ofstream(report, std::ios::binary) << rtext;
    CHECK(test::shell(bin + " verify '" + report + "' --no-evidence", &out) == 1);
    CHECK(out.find("signature mismatch") != std::string::npos);
    CHECK(test::shell(bin + " verify /nonexistent.json 2>&1", &out) == 2);

    // `konform sign` vouches only for a report a run wrote: the edited one is refused.
    CHECK(test::shell(bin + " sign '" + report + "' --key " + keys + "/private.pem 2>&1", &out) ==
          2);
    CHECK(out.find("refusing to sign: signature mismatch") != std::string::npos);
}

TEST_CASE("cli: verify checks the signature before it opens any evidence, and never hangs on one") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""));
    server.start();
    test::temp_dir tmp;
    const std::string keys = src + "/reports/demo-key";
    std::string out;
    REQUIRE(test::shell(signed_run_cmd(server.base_url(), tmp.path.string()), &out) == 0);
    const std::string report = (tmp.path / "report.json").string();
    // The evidence is a FIFO: opening it for reading would wait for a writer forever.
    std::filesystem::remove(tmp.path / "evidence.har");
    REQUIRE(test::shell("mkfifo '" + (tmp.path / "evidence.har").string() + "'", &out) == 0);
    CHECK(test::shell("timeout 10 " + bin + " verify '" + report + "' --trust " + keys +
                          "/root.pem 2>&1",
                      &out) == 2);
    CHECK(out.find("not a regular file") != std::string::npos);
    // A changed report is refused on its signature; its evidence is never opened.
    std::string rtext = test::read_text(report);
    rtext.replace(rtext.find("\"conformant\""), 12, "\"incomplete\"");
    std::ofstream(report, std::ios::binary) << rtext;
    CHECK(test::shell("timeout 10 " + bin + " verify '" + report + "' 2>&1", &out) == 1);
    CHECK(out.find("signature mismatch") != std::string::npos);
}

TEST_CASE("cli: a signed run that lasts past a second boundary is stamped when it is sealed") {
    // signed_at has whole seconds and must not precede the run's end: stamped before the
    // run, it did whenever the run crossed a second boundary (and verify refused it).
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""));
    server.set_latency(std::chrono::milliseconds(150));
    server.start();
    test::temp_dir tmp;
    const std::string keys = src + "/reports/demo-key";
    std::string out;
    CHECK(test::shell(signed_run_cmd(server.base_url(), tmp.path.string(), "--jobs 1"), &out) == 0);
    auto doc = nlohmann::json::parse(test::read_text(tmp.path / "report.json"));
    CHECK(doc["started"].get<std::string>().substr(0, 19) !=
          doc["finished"].get<std::string>().substr(0, 19));
    CHECK(test::shell(bin + " verify '" + (tmp.path / "report.json").string() + "' --trust " +
                          keys + "/root.pem",
                      &out) == 0);
}

TEST_CASE("cli: konform sign seals a report a run wrote, which then verifies") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""));
    server.start();
    test::temp_dir tmp;
    const std::string keys = src + "/reports/demo-key";
    std::string out;
    CHECK(test::shell(run_cmd(server.base_url(), tmp.path.string(), "--force --quiet"), &out) == 0);
    const std::string report = (tmp.path / "report.json").string();
    CHECK(test::shell(bin + " sign '" + report + "' --key " + keys + "/private.pem --cert " + keys +
                          "/signer.pem",
                      &out) == 0);
    CHECK(test::shell(bin + " verify '" + report + "' --trust " + keys + "/root.pem", &out) == 0);
    // An unsigned report whose verdict was edited is refused too.
    test::temp_dir other;
    CHECK(test::shell(run_cmd(server.base_url(), other.path.string(), "--force --quiet"), &out) ==
          0);
    const std::string edited = (other.path / "report.json").string();
    std::string text = test::read_text(edited);
    // A MUST requirement failed, but the report still says conformant.
    text.replace(text.find("\"verdict\":\"pass\"", text.find("\"level\":\"MUST\"")), 16,
                 "\"verdict\":\"fail\"");
    std::ofstream(edited, std::ios::binary) << text;
    CHECK(test::shell(bin + " sign '" + edited + "' --key " + keys + "/private.pem 2>&1", &out) ==
          2);
    CHECK(out.find("refusing to sign") != std::string::npos);
}

TEST_CASE("cli: fmt rewrites files in place, --check lists them and changes nothing") {
    test::temp_dir tmp;
    std::filesystem::create_directories(tmp.path / "p/testcases");
    std::filesystem::create_directories(tmp.path / "p/.hidden");
    const std::string messy = "{\n\"title\": \"t\", // why\n\"id\": \"A\"}\n";
    std::ofstream(tmp.path / "p/testcases/t.json") << messy;
    std::ofstream(tmp.path / "p/.hidden/h.json") << messy;
    std::ofstream(tmp.path / "p/ok.json") << "{\"id\": \"B\"}\n";
    std::string out;
    const std::string dir = (tmp.path / "p").string();
    CHECK(test::shell(bin + " fmt --check " + dir, &out) == 1);
    CHECK(out.find("testcases/t.json:2: not in konform fmt style") != std::string::npos);
    CHECK(out.find("1 of 2 file(s) not formatted") != std::string::npos);
    CHECK(test::read_text(tmp.path / "p/testcases/t.json") == messy);
    CHECK(test::shell(bin + " fmt " + dir, &out) == 0);
    CHECK(test::read_text(tmp.path / "p/testcases/t.json") ==
          "{\n  \"id\": \"A\",\n  \"title\": \"t\" // why\n}\n");
    CHECK(test::read_text(tmp.path / "p/.hidden/h.json") == messy); // hidden folders are skipped
    CHECK(test::shell(bin + " fmt --check " + dir, &out) == 0);
    std::ofstream(tmp.path / "p/broken.json") << "{\"id\":\n  [1, }";
    CHECK(test::shell(bin + " fmt " + dir + " 2>&1", &out) == 2);
    CHECK(out.find("broken.json: line 2, column 7: invalid JSON") != std::string::npos);
}

TEST_CASE("cli: fmt reads a file that starts with a byte order mark and goes on to the next") {
    test::temp_dir tmp;
    std::ofstream(tmp.path / "a.json") << "\xEF\xBB\xBF{\"title\": \"t\", \"id\": \"A\"}\n";
    std::ofstream(tmp.path / "b.json") << "{\"title\": \"u\", \"id\": \"B\"}\n";
    std::string out;
    CHECK(test::shell(bin + " fmt " + tmp.path.string() + " 2>&1", &out) == 0);
    CHECK(out.find("2 of 2 file(s) reformatted") != std::string::npos);
    CHECK(test::read_text(tmp.path / "a.json") == "{\"id\": \"A\", \"title\": \"t\"}\n");
    CHECK(test::read_text(tmp.path / "b.json") == "{\"id\": \"B\", \"title\": \"u\"}\n");
}

TEST_CASE("cli: validate takes several documents and resolves $ref to files beside the schema") {
    test::temp_dir tmp;
    std::ofstream(tmp.path / "item.schema.json") << R"({"type": "integer", "minimum": 0})";
    std::ofstream(tmp.path / "list.schema.json")
        << R"({"type": "array", "items": {"$ref": "item.schema.json"}})";
    std::ofstream(tmp.path / "good.json") << "[1, 2]";
    std::ofstream(tmp.path / "bad.json") << "[1, -2]";
    std::string out;
    const std::string schema = (tmp.path / "list.schema.json").string();
    CHECK(
        test::shell(bin + " validate --schema " + schema + " " + (tmp.path / "good.json").string(),
                    &out) == 0);
    CHECK(test::shell(bin + " validate --schema " + schema + " " +
                          (tmp.path / "good.json").string() + " " +
                          (tmp.path / "bad.json").string(),
                      &out) == 1);
    CHECK(out.find("good.json: valid\n") != std::string::npos);
    CHECK(out.find("bad.json: /1: ") != std::string::npos);
    CHECK(out.find("bad.json: invalid\n") != std::string::npos);
    // A $ref out of the schema's folder is refused.
    std::filesystem::create_directories(tmp.path / "sub");
    std::ofstream(tmp.path / "sub/escape.schema.json") << R"({"$ref": "../item.schema.json"})";
    CHECK(test::shell(bin + " validate --schema " + (tmp.path / "sub/escape.schema.json").string() +
                          " " + (tmp.path / "good.json").string() + " 2>&1",
                      &out) == 2);
    CHECK(out.find("is not a file in the schema's folder") != std::string::npos);
}

TEST_CASE("cli: a partial run reports the selected test cases and exits on their outcome") {
    test::temp_dir tmp;
    auto run_only = [&](const std::string& fault, const std::string& id, std::string& out) {
        const auto* sys = reference::find_system("oio-rest-organisation");
        reference::http_server server(0, sys->make(fault));
        server.start();
        return test::shell(oio_run_cmd(server.base_url(), (tmp.path / ("o" + fault)).string(),
                                       "--only " + id + " --force"),
                           &out);
    };
    std::string out;
    // One passing test case: exit 0, verdict "partial", never "conformant".
    CHECK(run_only("", "TC-BT-001", out) == 0);
    CHECK(out.find("PARTIAL: dk.oio.rest.organisation 1.2.0") != std::string::npos);
    CHECK(out.find("partial run (--only TC-BT-001): 1 of 39 test cases, pass; not a "
                   "certification") != std::string::npos);
    CHECK(out.find("] SKIPPED") == std::string::npos); // no line per unselected test case
    CHECK(out.find("[1/1] PASS") != std::string::npos);
    auto report = nlohmann::json::parse(test::read_text(tmp.path / "o/report.json"));
    CHECK(report["verdict"] == "partial");
    CHECK(report["testcases"].size() == 1);
    CHECK(report["verdict_reason"].get<std::string>().find("not a certification") !=
          std::string::npos);
    bool found = false;
    for (const auto& r : report["requirements"])
        if (r["id"] == "ORG-READ-404") {
            found = true;
            CHECK(r["verdict"] == "skipped"); // its test case was not selected
        }
    CHECK(found);
    std::string validation;
    CHECK(test::shell(bin + " validate --schema " + src + "/reports/report.schema.json '" +
                          (tmp.path / "o/report.json").string() + "'",
                      &validation) == 0);
    CHECK(test::read_text(tmp.path / "o/junit.xml").find("partial run: not a certification") !=
          std::string::npos);
    // The selected test case fails under a fault it catches: exit 1.
    CHECK(run_only("paging-off-by-one", "TC-PAGE-003", out) == 1);
    CHECK(out.find("1 of 39 test cases, fail; not a certification") != std::string::npos);
}

TEST_CASE(
    "cli: a failing test case tells its whole story: steps, captures, the expectation as written") {
    test::temp_dir tmp;
    const auto* sys = reference::find_system("oio-rest-organisation");
    reference::http_server server(0, sys->make("paging-off-by-one"));
    server.start();
    std::string out;
    CHECK(test::shell(oio_run_cmd(server.base_url(), (tmp.path / "o").string(),
                                  "--only TC-PAGE-003 --force"),
                      &out) == 1);
    // Every step in order: seven setup rows, the capture, the failing step marked, cleanup.
    CHECK(out.find("story (16 steps; every exchange in full is in evidence.har)") !=
          std::string::npos);
    const auto whole =
        out.find("setup   PASS         the whole result, paged from the first: GET ");
    const auto failing = out.find("> step    FAIL         from the third, three: GET ");
    const auto cleanup = out.find("cleanup PASS         delete unit ");
    REQUIRE(whole != std::string::npos);
    REQUIRE(failing != std::string::npos);
    REQUIRE(cleanup != std::string::npos);
    CHECK(whole < failing);
    CHECK(failing < cleanup);
    CHECK(out.find("      captured all = [\"", whole) < failing);
    CHECK(out.find("written:  /results/0 {\"equals\":\"{{all | slice(2, 5)}}\"} (all: captured by "
                   "step \"the whole result, paged from the first\")") != std::string::npos);
    // One curl line for the one failing exchange; the token stays a variable.
    CHECK(out.find("reproduce: curl") == out.rfind("reproduce: curl"));
    CHECK(out.find("oio-demo-token") == std::string::npos);
    // The same story in report.json (captures, the template) and report.html.
    auto report = nlohmann::json::parse(test::read_text(tmp.path / "o/report.json"));
    const auto& steps = report["testcases"][0]["steps"];
    REQUIRE(steps.size() == 16);
    CHECK(steps[7]["name"] == "the whole result, paged from the first");
    CHECK(steps[7]["captures"][0]["variable"] == "all");
    CHECK(steps[8]["assertions"][0]["expected_template"].get<std::string>().find("{{all") !=
          std::string::npos);
    std::string validation;
    CHECK(test::shell(bin + " validate --schema " + src + "/reports/report.schema.json '" +
                          (tmp.path / "o/report.json").string() + "'",
                      &validation) == 0);
    const std::string html = test::read_text(tmp.path / "o/report.html");
    CHECK(html.find("the story of TC-PAGE-003: 16 steps") != std::string::npos);
    CHECK(html.find("class=\"first-bad\"") != std::string::npos);
}

TEST_CASE("cli: diff names the requirements a fault breaks, refuses a tampered report") {
    test::temp_dir tmp;
    const std::string keys = src + "/reports/demo-key";
    auto signed_run = [&](const std::string& fault, const std::string& out,
                          const std::string& extra = "") {
        const auto* sys = reference::find_system("example");
        reference::http_server server(0, sys->make(fault));
        server.start();
        std::string ignored;
        test::shell(signed_run_cmd(server.base_url(), (tmp.path / out).string(), extra), &ignored);
        return (tmp.path / out / "report.json").string();
    };
    const std::string certified = signed_run("", "certified");
    const std::string faulty = signed_run("unknown-id-200", "faulty");
    const std::string partial = signed_run("", "partial", "--only TC-EX-READ-001");
    const std::string trust = " --trust " + keys + "/root.pem";
    std::string out;
    // A fault: exactly its requirement regressed, exit 1.
    const std::string page = (tmp.path / "diff.html").string();
    CHECK(test::shell(bin + " diff " + certified + " " + faulty + trust + " --json --html " + page,
                      &out) == 1);
    auto d = nlohmann::json::parse(out);
    // The same comparison as a page in report.html's style: the regression in its table.
    const std::string html = test::read_text(page);
    CHECK(html.find("<div class=\"verdict not-conformant\">regressed</div>") != std::string::npos);
    const auto table = html.find("<table id=\"regressed\">");
    REQUIRE(table != std::string::npos);
    CHECK(html.find("<td>EX-READ-404</td><td><span class=\"v v-pass\">pass</span></td><td><span "
                    "class=\"v v-fail\">fail</span></td>",
                    table) < html.find("</table>", table));
    // Each regression says what the requirement says, why it failed, and links its failure
    // in the new report's page, which holds that anchor.
    CHECK(html.find("Reading an unknown id answers 404") != std::string::npos);
    CHECK(html.find("why: ") != std::string::npos);
    const auto link = html.find("#failure-TC-EX-READ-002\">TC-EX-READ-002 in the new report</a>");
    REQUIRE(link != std::string::npos);
    const std::string href =
        html.substr(html.rfind("href=\"", link) + 6, link - html.rfind("href=\"", link) - 6);
    CHECK(test::read_text(tmp.path / href).find("id=\"failure-TC-EX-READ-002\"") !=
          std::string::npos);
    CHECK(out.find("why: ") == std::string::npos); // --json prints JSON only
    REQUIRE(d["regressed"].size() == 1);
    CHECK(d["regressed"][0]["id"] == "EX-READ-404");
    CHECK(d["regressed"][0]["evidence"]["testcase"] == "TC-EX-READ-002");
    CHECK(d["regressed"][0]["new"] == "fail");
    CHECK(d["certified"]["signature"] == "signature valid, signer anchored in the trust root");
    // The other way round it is fixed; against itself nothing changed.
    CHECK(test::shell(bin + " diff " + certified + " " + faulty + trust, &out) == 1);
    CHECK(out.find("  EX-READ-404: pass -> fail\n      Reading an unknown id answers 404") !=
          std::string::npos);
    CHECK(test::shell(bin + " diff " + faulty + " " + certified + trust, &out) == 0);
    CHECK(out.find("fixed (1):\n  EX-READ-404: fail -> pass") != std::string::npos);
    CHECK(test::shell(bin + " diff " + certified + " " + certified + trust, &out) == 0);
    CHECK(out.find("NO REGRESSION: 0 requirement(s)") != std::string::npos);
    // A partial run is compared on what it covers and says what it could not check.
    CHECK(test::shell(bin + " diff " + certified + " " + partial + trust + " --json", &out) == 0);
    d = nlohmann::json::parse(out);
    CHECK(d["regressed"].empty());
    CHECK(d["not_checked"].size() >= 5);
    // A signed report whose verdict was edited is refused before anything is compared.
    std::string text = test::read_text(faulty);
    const auto at = text.find("\"verdict\":\"not-conformant\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 26, "\"verdict\":\"conformant\"    ");
    std::ofstream(tmp.path / "tampered.json") << text;
    CHECK(test::shell(bin + " diff " + certified + " " + (tmp.path / "tampered.json").string() +
                          trust + " 2>&1",
                      &out) == 2);
    CHECK(out.find("INVALID") != std::string::npos);
    // Reports of different profiles are not comparable.
    std::ofstream(tmp.path / "other.json")
        << R"({"profile": {"id": "other"}, "requirements": [], "verdict": "conformant"})";
    CHECK(
        test::shell(bin + " diff " + certified + " " + (tmp.path / "other.json").string() + " 2>&1",
                    &out) == 2);
    CHECK(out.find("different profiles") != std::string::npos);
    // With --trust, an unsigned "certified" report is refused: dropping the regressed
    // requirement from an unsigned copy would otherwise read NO REGRESSION.
    auto unsigned_doc = nlohmann::json::parse(test::read_text(certified));
    unsigned_doc.erase("signature");
    auto& reqs = unsigned_doc["requirements"];
    for (auto it = reqs.begin(); it != reqs.end(); ++it)
        if ((*it)["id"] == "EX-READ-404") {
            reqs.erase(it);
            break;
        }
    std::ofstream(tmp.path / "unsigned.json") << unsigned_doc.dump();
    CHECK(test::shell(bin + " diff " + (tmp.path / "unsigned.json").string() + " " + faulty +
                          trust + " 2>&1",
                      &out) == 2);
    CHECK(out.find("unsigned: with --trust, the certified report must be signed") !=
          std::string::npos);
    // --json is ASCII: a right-to-left override or a C1 control in a text is escaped.
    auto odd = nlohmann::json::parse(test::read_text(faulty));
    odd.erase("signature");
    for (auto& r : odd["requirements"])
        if (r["id"] == "EX-READ-404") r["text"] = "evil \u202e\u009b31m text";
    std::ofstream(tmp.path / "odd.json") << odd.dump();
    CHECK(
        test::shell(bin + " diff " + certified + " " + (tmp.path / "odd.json").string() + " --json",
                    &out) == 1);
    CHECK(out.find("\\u202e") != std::string::npos);
    CHECK(out.find("\xE2\x80\xAE") == std::string::npos);
    CHECK(out.find("\xC2\x9B") == std::string::npos);
}

TEST_CASE("cli: --trace prints every exchange in full as it happens, secrets redacted") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""));
    server.start();
    test::temp_dir tmp;
    std::string out;
    CHECK(test::shell(run_cmd(server.base_url(), (tmp.path / "out").string(),
                              "--only TC-EX-READ-001 --trace"),
                      &out) == 0);
    const auto request = out.find(">>> TC-EX-READ-001: GET " + server.base_url() + "/greetings/");
    const auto answer = out.find("<<< HTTP 200 OK");
    const auto verdict = out.find("[1/1] PASS");
    REQUIRE(request != std::string::npos);
    REQUIRE(answer != std::string::npos);
    CHECK(request < answer);
    CHECK(answer < verdict); // printed as it happened, before the test case's line
    CHECK(out.find("\"text\": \"Hej\"") != std::string::npos); // the body, indented
    CHECK(out.find("Authorization: Bearer ${GREETINGS_TOKEN}") != std::string::npos);
    CHECK(out.find("example-token") == std::string::npos);
}

TEST_CASE("cli: --trace beside --json goes to stderr; stdout stays one JSON value a line") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""));
    server.start();
    test::temp_dir tmp;
    std::string out;
    std::string cmd = run_cmd(server.base_url(), (tmp.path / "out").string(),
                              "--only TC-EX-READ-001 --trace --json");
    cmd.replace(cmd.rfind(" 2>&1"), 5, " 2>'" + (tmp.path / "err").string() + "'");
    CHECK(test::shell(cmd, &out) == 0);
    std::istringstream lines(out);
    int events = 0;
    for (std::string line; std::getline(lines, line);) {
        CAPTURE(line);
        CHECK_NOTHROW((void)nlohmann::json::parse(line));
        ++events;
    }
    CHECK(events >= 2);
    CHECK(test::read_text(tmp.path / "err").find(">>> TC-EX-READ-001: GET ") != std::string::npos);
}

TEST_CASE("cli: --keep-data sends no cleanup and lists what it left, which is still there") {
    const auto* sys = reference::find_system("oio-rest-organisation");
    reference::http_server server(0, sys->make(""));
    server.start();
    test::temp_dir tmp;
    std::string out;
    CHECK(test::shell(oio_run_cmd(server.base_url(), (tmp.path / "o").string(),
                                  "--only TC-PAGE-003 --keep-data"),
                      &out) == 0);
    CHECK(out.find("left in the system (--keep-data; cleanup not sent):") != std::string::npos);
    auto report = nlohmann::json::parse(test::read_text(tmp.path / "o/report.json"));
    const auto& kept = report["testcases"][0]["kept"];
    REQUIRE(kept.size() == 7); // the class setup's seven units
    for (const auto& k : kept) {
        const std::string line = k.get<std::string>();
        REQUIRE(line.rfind("DELETE " + server.base_url() + "/organisation/organisationenhed/", 0) ==
                0);
        std::string status;
        test::shell("curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer "
                    "oio-demo-token' '" +
                        line.substr(7) + "'",
                    &status);
        CHECK(status == "200"); // still in the system
    }
}

namespace {

// The JSON body a repro script printed under the step headed `title` ("### step 9/16: ...").
nlohmann::json printed_body(const std::string& out, const std::string& title) {
    // The script prints each line of a live answer behind "  | ": the body follows the
    // header's empty line.
    const auto at = out.find(title);
    if (at == std::string::npos) return nullptr;
    const auto start = out.find("\n  | \n", at);
    if (start == std::string::npos) return nullptr;
    std::string body;
    for (std::size_t line = start + 6; out.compare(line, 4, "  | ") == 0;) {
        const auto end = out.find('\n', line);
        body += out.substr(line + 4, end == std::string::npos ? std::string::npos : end - line - 4);
        if (end == std::string::npos) break;
        line = end + 1;
    }
    return nlohmann::json::parse(body, nullptr, false);
}

} // namespace

TEST_CASE("cli: repro checks the report's signature and evidence digest before writing a line") {
    test::temp_dir tmp;
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make("unknown-id-200"));
    server.start();
    std::string out;
    test::shell(signed_run_cmd(server.base_url(), (tmp.path / "o").string()), &out);
    const std::string report = (tmp.path / "o/report.json").string();
    CHECK(test::shell(bin + " repro '" + report + "' TC-EX-READ-002 -o /dev/null 2>&1", &out) == 0);
    // An evidence.har edited after the run (a method that runs a command) is not the
    // evidence the report names.
    const auto har = tmp.path / "o/evidence.har";
    std::string text = test::read_text(har);
    const auto at = text.find("\"GET\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 5, "\"GET;touch /tmp/konform-owned;#\"");
    std::ofstream(har, std::ios::binary) << text;
    CHECK(test::shell(bin + " repro '" + report + "' TC-EX-READ-002 2>&1", &out) == 2);
    CHECK(out.find("evidence") != std::string::npos);
    CHECK(out.find("curl") == std::string::npos);
    // A signed report whose text was edited is refused too.
    std::string doc = test::read_text(report);
    const auto title = doc.find("\"title\":\"");
    REQUIRE(title != std::string::npos);
    doc.insert(title + 9, "x");
    std::ofstream(tmp.path / "o/edited.json", std::ios::binary) << doc;
    CHECK(test::shell(bin + " repro '" + (tmp.path / "o/edited.json").string() +
                          "' TC-EX-READ-002 2>&1",
                      &out) == 2);
    CHECK(out.find("INVALID") != std::string::npos);
}

TEST_CASE("cli: repro replays a failing test case and shows the same wrong answer") {
    test::temp_dir tmp;
    const auto* sys = reference::find_system("oio-rest-organisation");
    std::string out;
    {
        reference::http_server server(0, sys->make("paging-off-by-one"));
        server.start();
        REQUIRE(test::shell(oio_run_cmd(server.base_url(), (tmp.path / "o").string(),
                                        "--only TC-PAGE-003 --force"),
                            &out) == 1);
    }
    const std::string report = (tmp.path / "o/report.json").string();
    // Replays against a fresh system: the units are made anew, their uuids captured live.
    auto replay = [&](const std::string& fault, const std::string& flags, int expected_rc) {
        reference::http_server server(0, sys->make(fault));
        server.start();
        const std::string script = (tmp.path / ("repro-" + fault + ".sh")).string();
        CHECK(test::shell(bin + " repro '" + report + "' TC-PAGE-003 --base-url " +
                              server.base_url() + " " + flags + " -o '" + script + "' 2>&1",
                          &out) == 0);
        const std::string text = test::read_text(script);
        CHECK(text.find("oio-demo-token") == std::string::npos); // the secret stays a variable
        CHECK(text.find("${ORG_TOKEN}") != std::string::npos);
        std::string printed;
        // The script checks what konform expected: 1 while the failure reproduces, 0 fixed.
        CHECK(test::shell("ORG_TOKEN=oio-demo-token bash '" + script + "' 2>&1", &printed) ==
              expected_rc);
        return std::make_pair(text, printed);
    };
    const auto [faulty_script, faulty] = replay("paging-off-by-one", "", 1);
    CHECK(faulty.find("  REPRODUCED: expected ") != std::string::npos);
    CHECK(faulty.find("THE FAILURE REPRODUCES") != std::string::npos);
    const auto whole = printed_body(faulty, "### setup 8/16: the whole result");
    const auto page = printed_body(faulty, "### step 9/16: from the third, three");
    REQUIRE(whole.is_object());
    REQUIRE(page.is_object());
    const auto& all = whole["results"][0];
    REQUIRE(all.size() == 7);
    // The same wrong answer: the page starts one result early.
    CHECK(page["results"][0][0] == all[1]);
    CHECK(faulty.find("konform judged this step fail:") != std::string::npos);
    // Cleanup deleted the seven units made by this replay, by their live uuids.
    std::size_t deleted = 0;
    for (auto at = faulty.find("HTTP/1.1 202"); at != std::string::npos;
         at = faulty.find("HTTP/1.1 202", at + 1))
        ++deleted;
    CHECK(deleted == 7);
    CHECK(faulty_script.find("/organisationenhed/'\"${cap_created_0}\"") != std::string::npos);

    // Against a conformant system the same script shows the right page.
    const auto [script, right] = replay("", "--no-cleanup", 0);
    CHECK(right.find("REPRODUCED") == std::string::npos);
    CHECK(right.find("FIXED: every failed expectation holds now") != std::string::npos);
    const auto right_whole = printed_body(right, "### setup 8/16: the whole result");
    const auto right_page = printed_body(right, "### step 9/16: from the third, three");
    REQUIRE(right_whole.is_object());
    REQUIRE(right_page.is_object());
    CHECK(right_page["results"][0][0] == right_whole["results"][0][2]);
    CHECK(script.find("-X DELETE") == std::string::npos);
    CHECK(script.find("cleanup steps left out") != std::string::npos);

    // With --target and no secret set: the script is written (it needs the secret, its
    // writer does not), and it replays against the URL the report tested.
    const std::string target = src + "/profiles/oio-rest-organisation/target.example.json";
    CHECK(test::shell("env -u ORG_TOKEN " + bin + " repro '" + report + "' TC-PAGE-003 --target '" +
                          target + "' -o '" + (tmp.path / "t.sh").string() + "' 2>&1",
                      &out) == 0);
    const std::string with_target = test::read_text(tmp.path / "t.sh");
    const auto recorded = nlohmann::json::parse(test::read_text(report))["target"]["url"];
    CHECK(with_target.find("'" + recorded.get<std::string>() + "/organisation") !=
          std::string::npos);
    CHECK(with_target.find("127.0.0.1:8080") == std::string::npos); // the target's own URL
    // An unknown test case is refused.
    CHECK(test::shell(bin + " repro '" + report + "' TC-NOPE 2>&1", &out) == 2);
    CHECK(out.find("no test case TC-NOPE") != std::string::npos);
}

TEST_CASE("cli: a production verification sends no write, stays under its rate cap, and "
          "is not a certification") {
    test::temp_dir tmp;
    const auto* sys = reference::find_system("oio-rest-organisation");
    // The reference system, counting what it is sent: every write, and when each request came.
    std::mutex m;
    std::size_t writes = 0;
    std::vector<std::chrono::steady_clock::time_point> arrivals;
    reference::handler inner = sys->make("");
    reference::http_server server(0, [&](const reference::server_request& req) {
        {
            std::lock_guard lock(m);
            if (req.method != "GET" && req.method != "HEAD") ++writes;
            arrivals.push_back(std::chrono::steady_clock::now());
        }
        return inner(req);
    });
    server.start();
    // A unit the live system already holds: the reference system's own, so not one write
    // reaches it from the start.
    const std::string existing = reference::oio::existing_unit;
    const auto target = tmp.path / "production.json";
    std::ofstream(target) << nlohmann::json{
        {"base_url", server.base_url()},
        {"environment", "production"},
        {"claims", {"access", "write", "klassifikation", "bitemporal", "paging"}},
        {"parameters", {{"existing_unit", existing}}},
        {"auth", {{"type", "bearer"}, {"token", {{"env", "ORG_TOKEN"}}}}}};
    std::string out;
    CHECK(test::shell(oio_run_cmd("", (tmp.path / "o").string(), "--force", target.string()),
                      &out) == 0);
    INFO(out);
    // Not one write reached the system; only the read-only test cases ran.
    std::unique_lock lock(m);
    CHECK(writes == 0);
    CHECK(out.find("PASS         TC-ORG-EXISTING-001") != std::string::npos);
    CHECK(out.find("TC-ORG-CREATE-001") == std::string::npos);
    CHECK(out.find("PARTIAL: dk.oio.rest.organisation") != std::string::npos);
    CHECK(out.find("production verification (read-only): 9 of 39 test cases, pass; not a "
                   "certification") != std::string::npos);
    // At most 5 requests in any second (the default cap), so the run took its time.
    REQUIRE(arrivals.size() > 10);
    std::size_t most = 0;
    for (std::size_t i = 0; i < arrivals.size(); ++i) {
        std::size_t in_window = 0;
        for (std::size_t j = i;
             j < arrivals.size() && arrivals[j] - arrivals[i] < std::chrono::milliseconds(1000);
             ++j)
            ++in_window;
        most = std::max(most, in_window);
    }
    CHECK(most <= 6); // five a second, and the first of the next second at its edge
    auto report = nlohmann::json::parse(test::read_text(tmp.path / "o/report.json"));
    CHECK(report["verdict"] == "partial");
    CHECK(report["partial"]["production"] == true);
    for (const auto& r : report["requirements"])
        if (r["id"] == "ORG-CREATE-201") CHECK(r["verdict"] == "skipped");
    // A writing test case named with --only is not run, and the run says why; with nothing
    // judged the run is not complete (exit 3).
    writes = 0;
    lock.unlock();
    CHECK(test::shell(oio_run_cmd("", (tmp.path / "w").string(), "--only TC-ORG-CREATE-001 --force",
                                  target.string()),
                      &out) == 3);
    lock.lock();
    CHECK(writes == 0);
    CHECK(out.find("SKIPPED      TC-ORG-CREATE-001  Create an organisation unit — writes to the "
                   "system: a production verification runs only read-only test cases") !=
          std::string::npos);
}
