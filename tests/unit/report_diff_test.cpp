// konform diff's rules, as a function of two reports: what regressed, what the new run did
// not check, and drift in the system's fingerprint.
#include "konform/report/report_diff.hpp"

#include <doctest/doctest.h>

using namespace konform;
using nlohmann::json;
using report::classify;
using report::requirement_change;
using run::verdict;

TEST_CASE("diff rules: a requirement the new run did not judge is never a regression") {
    CHECK(classify(verdict::pass, std::nullopt) == requirement_change::not_checked);
    CHECK(classify(verdict::pass, verdict::skipped) == requirement_change::not_checked);
    CHECK(classify(verdict::pass, verdict::inapplicable) == requirement_change::not_checked);
}

TEST_CASE("diff rules: passed then, anything else now, is a regression") {
    for (verdict now : {verdict::fail, verdict::inconclusive, verdict::error})
        CHECK(classify(verdict::pass, now) == requirement_change::regressed);
    CHECK(classify(verdict::fail, verdict::pass) == requirement_change::fixed);
    CHECK(classify(verdict::fail, verdict::error) == requirement_change::changed);
    CHECK(classify(verdict::fail, verdict::fail) == requirement_change::same);
    CHECK(classify(std::nullopt, verdict::fail) == requirement_change::changed);
    CHECK(report::verdict_named("inconclusive") == verdict::inconclusive);
    CHECK_FALSE(report::verdict_named("PASS"));
}

namespace {

json report_of(const std::string& read, const std::string& search, const std::string& address) {
    return {{"profile", {{"id", "p"}, {"version", "1.0.0"}, {"digest", "d"}}},
            {"target", {{"product", "x"}, {"remote_address", address}}},
            {"requirements",
             {{{"id", "R-READ"}, {"verdict", read}, {"text", "reads"}, {"ref", "§1"}},
              {{"id", "R-SEARCH"}, {"verdict", search}, {"text", "searches"}}}},
            {"testcases",
             {{{"id", "T-READ"},
               {"steps",
                {{{"assertions",
                   {{{"proves", {"R-READ"}},
                     {"verdict", read},
                     {"explanation", "status 200, expected 404"},
                     {"exchange", 7}}}}}}}}}}};
}

} // namespace

TEST_CASE("diff rules: a regression says what the requirement says, why it failed and where") {
    const json c = report::compare_reports(report_of("pass", "pass", "10.0.0.1:443"),
                                           report_of("fail", "skipped", "10.0.0.1:8443"));
    CHECK(c["outcome"] == "regressed");
    REQUIRE(c["regressed"].size() == 1);
    const json& r = c["regressed"][0];
    CHECK(r["id"] == "R-READ");
    CHECK(r["text"] == "reads");
    CHECK(r["ref"] == "§1");
    CHECK(r["reason"] == "status 200, expected 404");
    CHECK(r["evidence"]["testcase"] == "T-READ");
    CHECK(r["evidence"]["exchange"] == 7);
    REQUIRE(c["not_checked"].size() == 1);
    CHECK(c["not_checked"][0]["id"] == "R-SEARCH");
    // The resolved address is compared with its port.
    REQUIRE(c["drift"].size() == 1);
    CHECK(c["drift"][0]["what"] == "resolved address");
    CHECK(c["drift"][0]["new"] == "10.0.0.1:8443");
}

TEST_CASE("diff rules: in a class the certificate covers, every change to not-pass is a "
          "regression") {
    CHECK(classify(verdict::inapplicable, verdict::fail, true) == requirement_change::regressed);
    CHECK(classify(verdict::pass, std::nullopt, true) == requirement_change::regressed);
    CHECK(classify(verdict::pass, verdict::inapplicable, true) == requirement_change::regressed);
    CHECK(classify(verdict::pass, verdict::skipped, true) == requirement_change::not_checked);
    CHECK(classify(verdict::fail, verdict::fail, true) == requirement_change::same);
    CHECK(classify(verdict::inapplicable, verdict::fail, false) == requirement_change::changed);
    // The certificate covers its mandatory classes and its claims, read from the certified
    // report: a renamed failing requirement is a regression, not a new one.
    json certified = report_of("pass", "inapplicable", "a:1");
    certified["classes"] = {{{"id", "core"}, {"mandatory", true}}, {{"id", "search"}}};
    certified["target"]["claims"] = {"search"};
    certified["requirements"][0]["class"] = "core";
    certified["requirements"][1]["class"] = "search";
    json fresh = report_of("pass", "fail", "a:1");
    fresh["requirements"][0]["id"] = "R-READ-RENAMED";
    fresh["requirements"][0]["verdict"] = "fail";
    const json c = report::compare_reports(certified, fresh);
    CHECK(c["outcome"] == "regressed");
    REQUIRE(c["regressed"].size() == 2);
    CHECK(c["regressed"][0]["id"] == "R-READ");
    CHECK(c["regressed"][0]["new"] == "absent");
    CHECK(c["regressed"][0]["reason"] == "the new report has no such requirement (renamed or "
                                         "dropped)");
    CHECK(c["regressed"][1]["id"] == "R-SEARCH");
    CHECK(c["regressed"][1]["certified"] == "inapplicable");
}

TEST_CASE("diff rules: a requirement missing from the new report is not checked; reports of any "
          "shape are read without throwing") {
    json fresh = report_of("pass", "pass", "a:1");
    fresh["requirements"].erase(1);
    const json c = report::compare_reports(report_of("pass", "pass", "a:1"), fresh);
    CHECK(c["outcome"] == "no regression");
    REQUIRE(c["not_checked"].size() == 1);
    CHECK(c["not_checked"][0]["new"] == "absent");
    for (const json& odd : {json(nullptr), json::array(), json{{"requirements", 3}},
                            json{{"requirements", {{{"id", 1}}}}, {"testcases", "x"}}})
        CHECK_NOTHROW((void)report::compare_reports(odd, report_of("fail", "pass", "a:1")));
}
