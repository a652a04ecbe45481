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

namespace {

// What a suite counts.
struct tally {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    double time = 0;
    void add(const tally& t) {
        tests += t.tests, failures += t.failures, errors += t.errors, skipped += t.skipped;
        time += t.time;
    }
    void write(pugi::xml_node n) const {
        n.append_attribute("tests") = tests;
        n.append_attribute("failures") = failures;
        n.append_attribute("errors") = errors;
        n.append_attribute("skipped") = skipped;
        n.append_attribute("time") = seconds(time).c_str();
    }
};

// The failure message: the deciding assertion, what it expected and got.
std::string message_of(const run::testcase_result& tc) {
    const auto* a = deciding(tc);
    if (!a) return {};
    std::string proves;
    for (const auto& id : a->proves)
        proves += (proves.empty() ? "" : ", ") + id;
    std::string msg = proves + ": expected " + a->expected + ", actual " + a->actual;
    if (!a->explanation.empty()) msg += " (" + a->explanation + ")";
    return msg;
}

// One test case as a <testcase> with its outcome; counted into `t`.
void write_testcase(pugi::xml_node suite, const model::profile& p, const std::string& cls,
                    const run::testcase_result& tc, tally& t) {
    ++t.tests;
    t.time += tc.duration_ms;
    auto e = suite.append_child("testcase");
    e.append_attribute("classname") = (p.id + "." + cls).c_str();
    e.append_attribute("name") = (tc.id + ": " + tc.title).c_str();
    e.append_attribute("file") = tc.file.c_str();
    e.append_attribute("time") = seconds(tc.duration_ms).c_str();
    if (tc.advisory) { // a SHOULD not met: reported, not a failure
        auto prop = e.append_child("properties").append_child("property");
        prop.append_attribute("name") = "advisory";
        prop.append_attribute("value") = "SHOULD or MAY requirement not met";
        e.append_child("system-out").text() = ("advisory (not a failure):\n" + details(tc)).c_str();
        return;
    }
    switch (tc.v) {
    case run::verdict::pass:
        break;
    case run::verdict::fail: {
        ++t.failures;
        auto f = e.append_child("failure");
        f.append_attribute("message") = message_of(tc).c_str();
        f.append_attribute("type") = "fail";
        f.text() = details(tc).c_str();
        break;
    }
    case run::verdict::error:
    case run::verdict::inconclusive: {
        ++t.errors;
        auto f = e.append_child("error");
        f.append_attribute("message") = (tc.reason.empty() ? message_of(tc) : tc.reason).c_str();
        f.append_attribute("type") = std::string(run::to_string(tc.v)).c_str();
        f.text() = details(tc).c_str();
        break;
    }
    case run::verdict::inapplicable:
    case run::verdict::skipped: {
        ++t.skipped;
        auto sk = e.append_child("skipped");
        sk.append_attribute("message") =
            (std::string(run::to_string(tc.v)) + ": " + tc.reason).c_str();
        break;
    }
    }
}

// Every value in the tree made fit for XML 1.0 before it is written: pugixml writes a
// control character in an attribute as a character reference ("&#27;"), which XML 1.0
// forbids as much as the byte, so cleaning the written text afterwards misses it.
void make_xml_safe(pugi::xml_node root) {
    std::vector<pugi::xml_node> stack{root};
    while (!stack.empty()) {
        pugi::xml_node n = stack.back();
        stack.pop_back();
        for (auto a = n.first_attribute(); a; a = a.next_attribute())
            a.set_value(util::xml_safe(a.value()).c_str());
        if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata)
            n.set_value(util::xml_safe(n.value()).c_str());
        for (auto c = n.first_child(); c; c = c.next_sibling())
            stack.push_back(c);
    }
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
    tally all;
    for (const auto& c : p.classes) {
        auto suite = suites.append_child("testsuite");
        suite.append_attribute("name") = c.id.c_str();
        tally t;
        for (const auto& tc : r.testcases)
            if (tc.cls == c.id) write_testcase(suite, p, c.id, tc, t);
        t.write(suite);
        all.add(t);
    }
    all.write(suites);
    make_xml_safe(doc);
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    // Texts from the system under test may hold bytes XML cannot carry.
    return util::xml_safe(out.str());
}

} // namespace konform::report
