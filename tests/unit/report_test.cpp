// The report layer's writers: canonical step text, HAR entries, the step spool and
// report.json written (and signed) as a stream.
#include "konform/report/evidence_writer.hpp"
#include "konform/report/json_report.hpp"
#include "konform/report/junit_report.hpp"
#include "konform/schema/xml_well_formed.hpp"
#include "konform/sign/report_signature.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/text.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <pugixml.hpp>
#include <unistd.h>

using namespace konform;
using nlohmann::json;

namespace {

struct scratch_dir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("konform-report-" + std::to_string(::getpid()));
    scratch_dir() { std::filesystem::create_directories(path); }
    ~scratch_dir() { std::filesystem::remove_all(path); }
};

run::step_result sample_step() {
    run::step_result s;
    s.name = "read \"it\"\tback";
    s.pointer = "/steps/1";
    s.iteration = 2;
    s.v = run::verdict::fail;
    s.exchange = 7;
    s.method = "GET";
    s.url = "http://127.0.0.1:1/x?q=%C3%B8";
    s.status = 200;
    s.duration_ms = 1.25;
    s.curl = "curl -sS 'http://127.0.0.1:1/x'";
    run::assertion_result a;
    a.pointer = "/steps/1/expect/0";
    a.subject = "json";
    a.proves = {"R1", "R2"};
    a.v = run::verdict::fail;
    a.expected = "/name equals \"Søren\"";
    a.actual = std::string("\"S\xF8ren\" \x01\x1F"); // Latin-1 and control bytes from the system
    a.exchange = 7;
    s.assertions.push_back(a);
    return s;
}

} // namespace

TEST_CASE("report: a step is written as RFC 8785 canonical text, valid UTF-8") {
    const std::string text = report::canonical_step(sample_step());
    json j = util::parse_strict(text);
    CHECK(util::canonicalize(j) == text);
    CHECK(j["name"] == "read \"it\"\tback");
    CHECK(j["iteration"] == 2);
    CHECK(j["exchange"] == 7);
    CHECK(j["response"]["status"] == 200);
    CHECK(j["duration_ms"] == 1.25);
    CHECK(j["curl"] == "curl -sS 'http://127.0.0.1:1/x'");
    CHECK(j["assertions"][0]["actual"] == "\"S\xEF\xBF\xBDren\" \x01\x1F");
    CHECK(j["assertions"][0]["proves"] == json{"R1", "R2"});
    CHECK_FALSE(j.contains("cleanup"));
    run::step_result bare;
    bare.pointer = "/cleanup/0";
    bare.cleanup = true;
    json b = util::parse_strict(report::canonical_step(bare));
    CHECK(b == json{{"assertions", json::array()},
                    {"cleanup", true},
                    {"pointer", "/cleanup/0"},
                    {"verdict", "pass"}});
}

TEST_CASE("report: a HAR entry keeps the exchange, redacts cookies, and is valid JSON") {
    http::exchange x;
    x.req.method = "POST";
    x.req.url = "http://127.0.0.1:8/a?b=1&c=";
    x.req.headers = {{"Content-Type", "application/json"}, {"cookie", "s=secret"}};
    x.req.body = R"({"k":"v"})";
    http::response r;
    r.status = 201;
    r.reason = "Created";
    r.version = "1.1";
    r.headers = {{"Set-Cookie", "s=secret"}, {"Location", "/a/1"}};
    r.body = std::string("\xFF\xFE body");
    x.resp = r;
    x.remote_address = "127.0.0.1:8";
    x.time.total = 1.5;
    const std::string text = report::har_entry(x, "TC-1");
    json e = json::parse(text);
    CHECK(e["request"]["method"] == "POST");
    CHECK(e["request"]["queryString"] ==
          json::parse(R"([{"name":"b","value":"1"},{"name":"c","value":""}])"));
    CHECK(e["request"]["postData"]["text"] == R"({"k":"v"})");
    CHECK(e["request"]["headers"][1]["value"] == "[redacted]");
    CHECK(e["response"]["headers"][0]["value"] == "[redacted]");
    CHECK(e["response"]["redirectURL"] == "/a/1");
    CHECK(e["response"]["content"]["text"] == "\xEF\xBF\xBD\xEF\xBF\xBD body");
    CHECK(e["serverIPAddress"] == "127.0.0.1");
    CHECK(e["_konform"]["testcase"] == "TC-1");
    CHECK(text.find("secret") == std::string::npos);
}

TEST_CASE("report: report.json streamed from the spool is canonical, and signed as written") {
    scratch_dir dir;
    report::step_spool spool;
    spool.add(0, sample_step());
    run::step_result second;
    second.pointer = "/steps/2";
    spool.add(0, second);
    spool.add(2, sample_step()); // test case 1 has no steps
    json head = {{"verdict", "conformant"},
                 {"testcases", json::array({{{"id", "A"}}, {{"id", "B"}}, {{"id", "C"}}})},
                 {"requirements", json::array()},
                 {"classes", json::array()}};
    const auto file = dir.path / "report.json";
    report::write_report_json(file, head, spool, std::nullopt);
    const std::string text = util::read_file(file);
    json doc = util::parse_strict(text);
    CHECK(util::canonicalize(doc) == text);
    CHECK(doc["testcases"][0]["steps"].size() == 2);
    CHECK(doc["testcases"][1]["steps"].empty());
    CHECK(doc["testcases"][2]["steps"][0]["pointer"] == "/steps/1");

    // Signed: the value is made over the streamed bytes and verifies over the file.
    sign::key k = sign::key::generate();
    report::sealer seal{[&] { return sign::signature_metadata(k); },
                        [&](std::string_view m) { return sign::signature_value(k, m); }};
    json written = report::write_report_json(file, head, spool, seal);
    const std::string signed_text = util::read_file(file);
    json signed_doc = util::parse_strict(signed_text);
    CHECK(util::canonicalize(signed_doc) == signed_text);
    CHECK(written["signature"]["value"] == signed_doc["signature"]["value"]);
    CHECK(sign::verify_report(signed_doc, std::nullopt, std::nullopt).valid);
    signed_doc["testcases"][2]["steps"][0]["verdict"] = "pass";
    CHECK_FALSE(sign::verify_report(signed_doc, std::nullopt, std::nullopt).valid);
}

TEST_CASE("report: junit.xml stays well-formed XML whatever bytes the system sent") {
    model::profile p;
    p.id = "p";
    p.version = "1";
    p.classes = {{"core", "Core", true, {}}};
    model::target t;
    run::run_result r;
    r.prof = &p;
    r.tgt = &t;
    run::testcase_result tc;
    tc.id = "TC-1";
    tc.title = "a captured value \x1b[2J\x07\x08 in a title"; // an attribute: written as &#27;
    tc.cls = "core";
    tc.v = run::verdict::fail;
    run::assertion_result a;
    a.v = run::verdict::fail;
    a.proves = {"R1"};
    a.expected = "equals \"x\" at /\x1b\x07"; // a member name the system chose
    a.actual = "\x01\x02 \xEF\xBF\xBF \xC3\x28 <b>&";
    tc.failures.push_back(a);
    r.testcases.push_back(tc);
    const std::string xml = report::to_junit(r);
    pugi::xml_document doc;
    CHECK(doc.load_string(xml.c_str()));
    CHECK(xml.find('\x01') == std::string::npos);
    CHECK(xml.find("\xEF\xBF\xBF") == std::string::npos);
    // As a strict XML parser reads it (pugixml reads "&#27;" without a word).
    CHECK(schema::xml_not_well_formed(xml) == std::nullopt);
    CHECK(xml.find("&#27;") == std::string::npos);
    CHECK(util::xml_safe("a\tb\x0B\xEF\xBF\xBE") == "a\tb\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("visible: escape sequences, carriage returns and bidi controls are shown, not obeyed") {
    CHECK(util::visible("ok\n\tline") == "ok\n\tline");
    CHECK(util::visible("\x1b[2J\x1b[HCONFORMANT\r") == "\\x1b[2J\\x1b[HCONFORMANT\\x0d");
    CHECK(util::visible("\xE2\x80\xAE"
                        "evil") == "\\u202eevil"); // RIGHT-TO-LEFT OVERRIDE
    CHECK(util::visible("\xC2\x9B"
                        "31m") == "\\u009b31m");                                      // C1 CSI
    CHECK(util::visible("S\xC3\xB8ren \xE2\x82\xAC") == "S\xC3\xB8ren \xE2\x82\xAC"); // text stays
    CHECK(util::visible("\xFF") == "\xEF\xBF\xBD");
}
