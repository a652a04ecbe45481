#include "konform/report/html_report.hpp"

#include "html_load.hpp"
#include "html_page.hpp"
#include "json_member.hpp"
#include "konform/report/json_report.hpp"
#include "konform/util/text.hpp"

#include <set>

namespace konform::report {

using nlohmann::json;

namespace {

using detail::badge;
using detail::esc;

constexpr auto str = &detail::member_text; // a member as text

std::string excerpt(const std::string& s, std::size_t max = 2000) {
    if (s.size() <= max) return s;
    return s.substr(0, max) + "\n... (" + std::to_string(s.size()) +
           " bytes in all; see evidence.har)";
}

// A SHOULD or MAY not met reads as advisory, never as fail.
std::string shown_verdict(const json& item) {
    return item.value("advisory", false) ? "advisory" : str(item, "verdict");
}

std::string headers_text(const json& headers) {
    std::string out;
    for (const auto& h : headers)
        out += str(h, "name") + ": " + str(h, "value") + "\n";
    return out;
}

// Request and response text of evidence entry `index`, as failures_of makes them.
std::pair<std::string, std::string> entry_text(const json& evidence, const json& index) {
    if (!index.is_number_unsigned() && !index.is_number_integer()) return {};
    if (!evidence.is_object() || !evidence.contains("log") || !evidence["log"].is_object())
        return {};
    const json& entries = evidence["log"]["entries"];
    std::size_t i = index.get<std::size_t>();
    if (!entries.is_array() || i >= entries.size()) return {};
    const json& e = entries[i];
    const json& rq = e["request"];
    const json& rs = e["response"];
    std::string req = str(rq, "method") + " " + str(rq, "url") + "\n" + headers_text(rq["headers"]);
    if (rq.contains("postData")) req += "\n" + excerpt(str(rq["postData"], "text"));
    std::string resp;
    if (rs.value("status", 0) == 0)
        resp = "(no response) " + str(e["_konform"], "error");
    else {
        resp = "HTTP " + str(rs, "status") + " " + str(rs, "statusText") + "\n" +
               headers_text(rs["headers"]);
        resp += "\n" + excerpt(str(rs["content"], "text"));
    }
    return {req, resp};
}

std::string exchange_html(const json& f) {
    if (!f.contains("exchange") || (!f.contains("request") && !f.contains("response"))) return {};
    return "<details><summary>request and response (exchange " + str(f, "exchange") +
           ")</summary>"
           "<div class=\"ex\"><pre>" +
           esc(str(f, "request")) + "</pre><pre>" + esc(str(f, "response")) +
           "</pre></div></details>";
}

// A test case's steps in order, as report.json writes them: one row each, the first that
// did not pass marked.
std::string story_html(const json& f) {
    if (!f.contains("story") || !f["story"].is_array()) return {};
    const json& story = f["story"];
    std::string h = "<details class=\"story\"><summary>the story of " + esc(str(f, "testcase")) +
                    ": " + std::to_string(story.size()) + (story.size() == 1 ? " step" : " steps") +
                    " (every exchange in full is in evidence.har)</summary><table><tr>"
                    "<th></th><th>phase</th><th>step</th><th>request</th><th>status</th>"
                    "<th>captured</th><th>verdict</th></tr>";
    bool marked = false;
    for (const auto& s : story) {
        if (!s.is_object()) continue;
        const std::string v = str(s, "verdict");
        const bool cleanup = s.value("cleanup", false);
        const bool first_bad = !marked && !cleanup && v != "pass";
        marked = marked || first_bad;
        std::string request, status, captured;
        if (s.contains("request") && s["request"].is_object())
            request = str(s["request"], "method") + " " + str(s["request"], "url");
        if (s.contains("response") && s["response"].is_object())
            status = str(s["response"], "status");
        for (const auto& c : s.value("captures", json::array()))
            if (c.is_object())
                captured +=
                    esc(str(c, "variable")) + " = <code>" + esc(str(c, "value")) + "</code><br>";
        h += std::string("<tr") + (first_bad ? " class=\"first-bad\"" : "") + "><td>" +
             (first_bad ? "&#9654;" : "") + "</td><td>" +
             (s.value("setup", false) ? "setup"
              : cleanup               ? "cleanup"
                                      : "step") +
             "</td><td>" + esc(str(s, "name").empty() ? str(s, "pointer") : str(s, "name")) +
             (s.contains("iteration") ? " [row " + esc(str(s, "iteration")) + "]" : "") +
             (v != "pass" && !str(s, "message").empty()
                  ? " <small>(" + esc(str(s, "message")) + ")</small>"
                  : "") +
             "</td><td><code>" + esc(request) + "</code></td><td>" + esc(status) + "</td><td>" +
             captured + "</td><td>" + badge(v) + "</td></tr>";
    }
    return h + "</table></details>";
}

const char* script = R"JS(
(function () {
  var boxes = document.querySelectorAll('.filters input');
  function apply() {
    var shown = {};
    boxes.forEach(function (b) { shown[b.value] = b.checked; });
    document.querySelectorAll('[data-verdict]').forEach(function (row) {
      row.classList.toggle('hidden', !shown[row.getAttribute('data-verdict')]);
    });
  }
  var wanted = location.hash.replace('#', '').split(',').filter(Boolean);
  if (wanted.length) boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  apply();
})();
)JS";

} // namespace

namespace {

// The certificate: what was tested, when, against what, and how to verify it.
std::string certificate_section(const json& r) {
    const std::string verdict = str(r, "verdict");
    std::string h;
    const json& p = r["profile"];
    const json& t = r["target"];
    // The certificate.
    h += "<section class=\"cert\" id=\"certificate\"><h1>Conformance report</h1>";
    h += "<div>" + esc(str(p, "title")) + ", version " + esc(str(p, "version")) + "</div>";
    h += "<div class=\"verdict " + esc(verdict) + "\" id=\"verdict\">" + esc(verdict) + "</div>";
    if (r.contains("verdict_reason")) h += "<div>" + esc(str(r, "verdict_reason")) + "</div>";
    h += "<dl>";
    auto row = [&](const std::string& k, const std::string& v) {
        if (!v.empty()) h += "<dt>" + esc(k) + "</dt><dd>" + esc(v) + "</dd>";
    };
    row("Profile", str(p, "id") + " " + str(p, "version"));
    row("Profile digest (SHA-256)", str(p, "digest"));
    row("Tested system", t.value("product", "") + " " + t.value("product_version", ""));
    row("Vendor", str(t, "vendor"));
    row("URL", str(t, "url"));
    row("Address", str(t, "remote_address"));
    row("Server header", str(t, "server"));
    if (t.contains("tls")) {
        row("TLS certificate (SHA-256)", str(t["tls"], "certificate_sha256"));
        row("TLS certificate subject", str(t["tls"], "subject"));
        row("TLS certificate valid until", str(t["tls"], "not_after"));
        row("TLS", str(t["tls"], "protocol") + " " + str(t["tls"], "cipher"));
        if (t["tls"].contains("client_subject"))
            row("Client certificate presented", str(t["tls"], "client_subject"));
        if (!t["tls"].value("verified", true))
            row("TLS verification", "NOT verified (insecure self-test)");
    }
    std::string claims;
    for (const auto& c : t.value("claims", json::array()))
        claims += (claims.empty() ? "" : ", ") + c.get<std::string>();
    row("Claimed optional classes", claims.empty() ? "none" : claims);
    row("Tested", str(r, "started") + " to " + str(r, "finished"));
    row("konform", str(r["konform"], "version"));
    if (r.contains("evidence")) row("Evidence (SHA-256)", str(r["evidence"], "sha256"));
    if (r.contains("signature")) {
        row("Signed by key", str(r["signature"], "key_id"));
        row("Signed at", str(r["signature"], "signed_at"));
    } else
        row("Signature", "not signed");
    h += "</dl><div class=\"how\">Verify offline: <code>konform verify report.json --trust "
         "ROOT.pem</code> "
         "checks the signature, the signer's certificate chain and the evidence digest. "
         "This page is a rendering; report.json is the signed original.</div></section>";

    return h;
}

// The counts of each verdict, and the filters that show them.
std::string summary_section(const json& r) {
    std::string h;
    // Summary and filters.
    h += "<h2>Summary</h2><table><tr><th></th>";
    const char* verdicts[] = {"pass", "fail", "inconclusive", "error", "inapplicable", "skipped"};
    for (const char* v : verdicts)
        h += std::string("<th>") + v + "</th>";
    h += "</tr>";
    for (const char* what : {"testcases", "requirements"}) {
        h += std::string("<tr><td>") +
             (std::string(what) == "testcases" ? "test cases" : "requirements") + "</td>";
        for (const char* v : verdicts)
            h += "<td>" + str(r["summary"][what], v) + "</td>";
        h += "</tr>";
    }
    h += "</table>";
    h += "<div class=\"filters noprint\" id=\"filters\">Show: ";
    for (const char* v : verdicts)
        h += std::string("<label><input type=\"checkbox\" value=\"") + v + "\" checked> " + v +
             "</label>";
    h += "</div>";

    return h;
}

// The conformance classes and their MUST verdicts.
std::string classes_table(const json& r) {
    std::string h;
    h += "<h2>Conformance classes</h2><table "
         "id=\"classes\"><tr><th>class</th><th>title</th><th>mandatory</th>"
         "<th>applicable</th><th>verdict (MUST)</th></tr>";
    for (const auto& c : r["classes"])
        h += "<tr data-verdict=\"" + esc(str(c, "verdict")) + "\"><td>" + esc(str(c, "id")) +
             "</td><td>" + esc(str(c, "title")) + "</td><td>" +
             (c.value("mandatory", false) ? "yes" : "no") + "</td><td>" +
             (c.value("applicable", false) ? "yes" : "no") + "</td><td>" +
             badge(str(c, "verdict")) + "</td></tr>";
    h += "</table>";

    return h;
}

// Every requirement with its text, reference and verdict.
std::string requirements_table(const json& r) {
    std::string h;
    h += "<h2>Requirements</h2><table "
         "id=\"requirements\"><tr><th>id</th><th>level</th><th>class</th>"
         "<th>requirement</th><th>verified by</th><th>verdict</th></tr>";
    for (const auto& q : r["requirements"]) {
        std::string tcs;
        for (const auto& id : q.value("testcases", json::array()))
            tcs += (tcs.empty() ? "" : ", ") + id.get<std::string>();
        h += "<tr data-verdict=\"" + esc(shown_verdict(q)) + "\"><td>" + esc(str(q, "id")) +
             "</td><td>" + esc(str(q, "level")) + "</td><td>" + esc(str(q, "class")) + "</td><td>" +
             esc(str(q, "text"));
        if (q.contains("ref")) h += "<br><small>" + esc(str(q, "ref")) + "</small>";
        if (q.contains("reason")) h += "<br><small>" + esc(str(q, "reason")) + "</small>";
        h += "</td><td>" + esc(tcs) + "</td><td>" + badge(shown_verdict(q)) + "</td></tr>";
    }
    h += "</table>";

    return h;
}

// Every test case with its time and verdict.
std::string testcases_table(const json& r) {
    std::string h;
    h += "<h2>Test cases</h2><table "
         "id=\"testcases\"><tr><th>id</th><th>title</th><th>class</th><th>time</th>"
         "<th>verdict</th></tr>";
    for (const auto& tc : r["testcases"]) {
        char ms[32];
        std::snprintf(ms, sizeof ms, "%.1f ms", tc.value("duration_ms", 0.0));
        h += "<tr data-verdict=\"" + esc(shown_verdict(tc)) + "\"><td>" + esc(str(tc, "id")) +
             "</td><td>" + esc(str(tc, "title"));
        if (tc.contains("reason")) h += "<br><small>" + esc(str(tc, "reason")) + "</small>";
        h += "</td><td>" + esc(str(tc, "class")) + "</td><td>" + ms + "</td><td>" +
             badge(shown_verdict(tc)) + "</td></tr>";
    }
    h += "</table>";

    return h;
}

// Every failure with its story, exchange excerpt and curl line.
std::string failures_section(const json& failure_list) {
    std::string h;
    h += "<h2>Failures</h2><div id=\"failures\">";
    int failures = 0;
    std::string anchored; // the first failure of each test case is its anchor
    for (const auto& a : failure_list) {
        const std::string v = str(a, "verdict");
        ++failures;
        const std::string tc = str(a, "testcase");
        const std::string anchor =
            tc == anchored ? "" : " id=\"failure-" + esc(tc) + "\""; // konform diff links it
        anchored = tc;
        std::string proves;
        for (const auto& id : a.value("proves", json::array()))
            proves += (proves.empty() ? "" : ", ") + id.get<std::string>();
        h += "<div class=\"failure " + esc(v) + "\"" + anchor + " data-verdict=\"" + esc(v) +
             "\"><div>" + badge(v) + " <b>" + esc(proves) + "</b> in " + esc(str(a, "testcase")) +
             " <small>" + esc(str(a, "file")) + " " + esc(str(a, "pointer")) + "</small></div>";
        if (!str(a, "step").empty()) h += "<div>step: " + esc(str(a, "step")) + "</div>";
        if (!str(a, "row").empty()) h += "<div>" + esc(str(a, "row")) + "</div>";
        if (!str(a, "expected").empty())
            h += "<div>expected: <code>" + esc(str(a, "expected")) + "</code></div>";
        if (!str(a, "written").empty())
            h += "<div>written: <code>" + esc(str(a, "written")) + "</code></div>";
        if (!str(a, "actual").empty())
            h += "<div>actual: <code>" + esc(str(a, "actual")) + "</code></div>";
        if (!str(a, "explanation").empty())
            h += "<div>why: " + esc(str(a, "explanation")) + "</div>";
        if (!str(a, "curl").empty()) h += "<pre>" + esc(str(a, "curl")) + "</pre>";
        if (a.value("same_exchange", false))
            h += "<div><small>the same exchange as the failure above</small></div>";
        h += exchange_html(a);
        h += story_html(a);
        h += "</div>";
    }
    if (failures == 0) h += "<p>None.</p>";
    return h;
}

} // namespace

std::string to_html(const json& r, const json& failure_list) {
    const json& p = r["profile"];
    const std::string verdict = str(r, "verdict");
    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    h += "<title>" + esc(str(p, "title") + " " + str(p, "version") + ": " + verdict) + "</title>";
    h += "<style>" + std::string(detail::page_style) + "</style></head><body><main>";

    h += certificate_section(r) + summary_section(r) + classes_table(r) + requirements_table(r) +
         testcases_table(r) + detail::load_section(r) + failures_section(failure_list);
    h += "</div></main><script>" + std::string(script) + "</script></body></html>\n";
    return util::xml_safe(h);
}

json failures_of(const run::run_result& r) {
    json out = json::array();
    for (const auto& tc : r.testcases) {
        std::set<std::size_t> shown; // an exchange's curl line and excerpt once
        bool told = false;           // the story once, with the first failure
        for (const auto& a : tc.failures) {
            json f = {
                {"testcase", tc.id},    {"file", tc.file},
                {"pointer", a.pointer}, {"verdict", tc.advisory ? "advisory" : run::to_string(a.v)},
                {"proves", a.proves},   {"expected", a.expected},
                {"actual", a.actual},   {"explanation", a.explanation},
                {"step", a.step},       {"row", a.row}};
            if (!a.expected_template.empty()) f["written"] = a.expected_template;
            if (!told && !tc.story.empty()) {
                told = true;
                json story = json::array();
                for (const auto& s : tc.story)
                    story.push_back(json::parse(canonical_step(s)));
                f["story"] = std::move(story);
            }
            if (const auto* e = tc.excerpt_of(a.exchange)) {
                f["exchange"] = a.exchange;
                if (shown.insert(a.exchange).second) {
                    f["curl"] = e->curl;
                    f["request"] = e->request;
                    f["response"] = e->response;
                } else
                    f["same_exchange"] = true;
            }
            out.push_back(std::move(f));
        }
    }
    return out;
}

json failures_from_files(const json& report, const json& evidence) {
    json out = json::array();
    if (!report.is_object() || !report.contains("testcases")) return out;
    for (const auto& tc : report["testcases"]) {
        if (!tc.is_object() || !tc.contains("steps") || !tc["steps"].is_array()) continue;
        bool told = false; // the story once, with the first failure
        for (const auto& s : tc["steps"])
            for (const auto& a : s.value("assertions", json::array())) {
                const std::string v = str(a, "verdict");
                if (v != "fail" && !(v == "error" && str(a, "explanation") != "not reached"))
                    continue;
                json f = {{"testcase", str(tc, "id")},
                          {"file", str(tc, "file")},
                          {"pointer", str(a, "pointer")},
                          {"verdict", tc.value("advisory", false) ? "advisory" : v},
                          {"proves", a.value("proves", json::array())},
                          {"expected", str(a, "expected")},
                          {"actual", str(a, "actual")},
                          {"explanation", str(a, "explanation")},
                          {"step", str(s, "name")},
                          {"row", str(s, "row")},
                          {"curl", str(s, "curl")}};
                if (!str(a, "expected_template").empty())
                    f["written"] = str(a, "expected_template");
                if (!told) {
                    told = true;
                    json story = json::array();
                    for (const auto& step : tc["steps"]) {
                        if (story.size() == run::testcase_result::max_story) break;
                        json told_step = step;
                        if (told_step.is_object()) told_step.erase("assertions");
                        story.push_back(std::move(told_step));
                    }
                    f["story"] = std::move(story);
                }
                if (a.contains("exchange")) {
                    auto [rq, rs] = entry_text(evidence, a["exchange"]);
                    f["exchange"] = a["exchange"];
                    f["request"] = rq;
                    f["response"] = rs;
                }
                out.push_back(std::move(f));
            }
    }
    return out;
}

} // namespace konform::report
