#include "konform/report/diff_page.hpp"

#include "html_page.hpp"
#include "json_member.hpp"
#include "konform/util/text.hpp"

namespace konform::report {

namespace {

using detail::badge;
using detail::esc;
using nlohmann::json;

constexpr auto str = &detail::member_text; // a member as text

// A verdict as a badge, other words (absent, "-") as text.
std::string shown(const std::string& v) {
    static const char* verdicts[] = {"pass",    "fail",         "inconclusive", "error",
                                     "skipped", "inapplicable", "advisory"};
    for (const char* known : verdicts)
        if (v == known) return badge(v);
    return esc(v.empty() ? "-" : v);
}

// The regressed requirements: each with its text, why it failed now, and a link to its
// failing test case in the new report's page.
std::string regressions(const json& items, const std::string& page) {
    std::string h = "<h2>Regressed: passed when certified, not now (" +
                    std::to_string(items.is_array() ? items.size() : 0) + ")</h2>";
    if (!items.is_array() || items.empty()) return h + "<p>None.</p>";
    h += "<table id=\"regressed\"><tr><th>requirement</th><th>certified</th><th>new</th>"
         "<th>what it says, and why it failed</th></tr>";
    for (const auto& i : items) {
        h += "<tr><td>" + esc(str(i, "id")) + "</td><td>" + shown(str(i, "certified")) +
             "</td><td>" + shown(str(i, "new")) + "</td><td>" + esc(str(i, "text"));
        if (!str(i, "ref").empty()) h += " <small>(" + esc(str(i, "ref")) + ")</small>";
        if (!str(i, "reason").empty()) h += "<br>why: " + esc(str(i, "reason"));
        const json& ev = i.contains("evidence") ? i["evidence"] : json::object();
        if (!str(ev, "testcase").empty()) {
            const std::string tc = str(ev, "testcase");
            h += "<br>evidence: " + (page.empty() ? esc(tc)
                                                  : "<a href=\"" + esc(page + "#failure-" + tc) +
                                                        "\">" + esc(tc) + " in the new report</a>");
            if (!str(ev, "exchange").empty())
                h += " <small>(exchange " + esc(str(ev, "exchange")) + " of evidence.har)</small>";
        }
        h += "</td></tr>";
    }
    return h + "</table>";
}

std::string section(const char* id, const char* title, const json& items, bool verdicts) {
    std::string h = std::string("<h2>") + title + " (" +
                    std::to_string(items.is_array() ? items.size() : 0) + ")</h2>";
    if (!items.is_array() || items.empty()) return h + "<p>None.</p>";
    h += std::string("<table id=\"") + id + "\"><tr><th>" + (verdicts ? "requirement" : "what") +
         "</th><th>certified</th><th>new</th></tr>";
    for (const auto& i : items) {
        const std::string what = verdicts ? str(i, "id") : str(i, "what");
        h += "<tr><td>" + esc(what) + "</td><td>" +
             (verdicts ? shown(str(i, "certified"))
                       : "<code>" + esc(str(i, "certified")) + "</code>") +
             "</td><td>" +
             (verdicts ? shown(str(i, "new")) : "<code>" + esc(str(i, "new")) + "</code>") +
             "</td></tr>";
    }
    return h + "</table>";
}

} // namespace

std::string diff_html(const json& c, const std::string& new_report_page) {
    const bool regressed = str(c, "outcome") == "regressed";
    const json& o = c.contains("certified") ? c["certified"] : json::object();
    const json& n = c.contains("new") ? c["new"] : json::object();
    std::string h = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>konform "
                    "diff: " +
                    esc(str(c, "profile")) + "</title><style>" + detail::page_style +
                    "</style></head><body><main><div class=\"cert\"><h1>Comparison with the "
                    "certified run</h1><div class=\"verdict " +
                    std::string(regressed ? "not-conformant" : "conformant") + "\">" +
                    (regressed ? "regressed" : "no regression") + "</div><dl>";
    auto row = [&](const char* k, const std::string& v) {
        h += std::string("<dt>") + k + "</dt><dd>" + esc(v) + "</dd>";
    };
    row("Profile", str(c, "profile"));
    row("Certified report", str(o, "file") + " (" + str(o, "verdict") + ")");
    row("Its signature", str(o, "signature"));
    row("New report", str(n, "file") + " (" + str(n, "verdict") + ")");
    row("Its signature", str(n, "signature"));
    h += "</dl><p class=\"how\">Both reports were verified before they were compared. A "
         "requirement the new run did not check (a partial or read-only production run) is "
         "listed apart, never as a regression.</p></div>";
    h += regressions(c.value("regressed", json::array()), new_report_page);
    h += section("drift", "Drift in the profile and the system's fingerprint",
                 c.value("drift", json::array()), false);
    h += section("fixed", "Fixed", c.value("fixed", json::array()), true);
    h += section("changed", "Changed", c.value("changed", json::array()), true);
    h += section("not-checked", "Not checked by the new run", c.value("not_checked", json::array()),
                 true);
    h += section("new-requirements", "New requirements", c.value("new_requirements", json::array()),
                 true);
    h += "</main></body></html>\n";
    return util::xml_safe(h);
}

} // namespace konform::report
