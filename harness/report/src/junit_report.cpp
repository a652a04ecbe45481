#include "konform/report/junit_report.hpp"

#include "konform/report/story.hpp"
#include "konform/util/text.hpp"

#include <pugixml.hpp>
#include <set>
#include <sstream>

namespace konform::report {

namespace {

std::string seconds(double ms) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(3);
    s << ms / 1000.0;
    return s.str();
}

// The first assertion that decided the test case's verdict.
const run::assertion_result* deciding(const run::testcase_result& tc) {
    for (const auto& a : tc.failures)
        if (a.v == tc.v) return &a;
    return nullptr;
}

std::string details(const run::testcase_result& tc) {
    std::string out = story_text(tc, "");
    {
        std::set<std::size_t> reproduced; // one curl line per exchange
        for (const auto& a : tc.failures) {
            std::string proves;
            for (const auto& id : a.proves)
                proves += (proves.empty() ? "" : ", ") + id;
            out +=
                "[" + std::string(run::to_string(a.v)) + "] " + proves + " at " + a.pointer + "\n";
            out += failure_text(a, "  ");
            if (const auto* e = tc.excerpt_of(a.exchange))
                out += reproduced.insert(a.exchange).second
                           ? "  reproduce: " + e->curl + "\n"
                           : std::string("  reproduce: the same exchange as above\n");
        }
        if (tc.failures_omitted)
            out += "(and " + std::to_string(tc.failures_omitted) + " more failed assertions)\n";
    }
    if (out.empty()) out = tc.reason;
    return out;
}

} // namespace

std::string to_junit(const run::run_result& r) {
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto suites = doc.append_child("testsuites");
    const auto& p = *r.prof;
    suites.append_attribute("name") =
        (p.id + " " + p.version +
         (r.overall == run::run_verdict::partial ? " (partial run: not a certification)" : ""))
            .c_str();
    int all_tests = 0, all_fail = 0, all_err = 0, all_skip = 0;
    double all_time = 0;
    for (const auto& c : p.classes) {
        auto suite = suites.append_child("testsuite");
        suite.append_attribute("name") = c.id.c_str();
        int tests = 0, failures = 0, errors = 0, skipped = 0;
        double time = 0;
        for (const auto& tc : r.testcases) {
            if (tc.cls != c.id) continue;
            ++tests;
            time += tc.duration_ms;
            auto e = suite.append_child("testcase");
            e.append_attribute("classname") = (p.id + "." + c.id).c_str();
            e.append_attribute("name") = (tc.id + ": " + tc.title).c_str();
            e.append_attribute("file") = tc.file.c_str();
            e.append_attribute("time") = seconds(tc.duration_ms).c_str();
            std::string msg;
            if (const auto* a = deciding(tc)) {
                std::string proves;
                for (const auto& id : a->proves)
                    proves += (proves.empty() ? "" : ", ") + id;
                msg = proves + ": expected " + a->expected + ", actual " + a->actual;
                if (!a->explanation.empty()) msg += " (" + a->explanation + ")";
            }
            if (tc.advisory) { // a SHOULD not met: reported, not a failure
                auto p = e.append_child("properties").append_child("property");
                p.append_attribute("name") = "advisory";
                p.append_attribute("value") = "SHOULD or MAY requirement not met";
                e.append_child("system-out").text() =
                    ("advisory (not a failure):\n" + details(tc)).c_str();
                continue;
            }
            switch (tc.v) {
            case run::verdict::pass:
                break;
            case run::verdict::fail: {
                ++failures;
                auto f = e.append_child("failure");
                f.append_attribute("message") = msg.c_str();
                f.append_attribute("type") = "fail";
                f.text() = details(tc).c_str();
                break;
            }
            case run::verdict::error:
            case run::verdict::inconclusive: {
                ++errors;
                auto f = e.append_child("error");
                std::string m = tc.reason.empty() ? msg : tc.reason;
                f.append_attribute("message") = m.c_str();
                f.append_attribute("type") = std::string(run::to_string(tc.v)).c_str();
                f.text() = details(tc).c_str();
                break;
            }
            case run::verdict::inapplicable:
            case run::verdict::skipped: {
                ++skipped;
                auto s = e.append_child("skipped");
                s.append_attribute("message") =
                    (std::string(run::to_string(tc.v)) + ": " + tc.reason).c_str();
                break;
            }
            }
        }
        suite.append_attribute("tests") = tests;
        suite.append_attribute("failures") = failures;
        suite.append_attribute("errors") = errors;
        suite.append_attribute("skipped") = skipped;
        suite.append_attribute("time") = seconds(time).c_str();
        all_tests += tests, all_fail += failures, all_err += errors, all_skip += skipped,
            all_time += time;
    }
    suites.append_attribute("tests") = all_tests;
    suites.append_attribute("failures") = all_fail;
    suites.append_attribute("errors") = all_err;
    suites.append_attribute("skipped") = all_skip;
    suites.append_attribute("time") = seconds(all_time).c_str();
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    // Texts from the system under test may hold bytes XML cannot carry.
    return util::xml_safe(out.str());
}

} // namespace konform::report
