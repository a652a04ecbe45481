#include "konform/report/story.hpp"

#include "konform/util/text.hpp"

namespace konform::report {

namespace {

const char* phase_of(const run::step_result& s) {
    return s.setup ? "setup  " : s.cleanup ? "cleanup" : "step   ";
}

} // namespace

std::string story_text(const run::testcase_result& tc, const std::string& indent) {
    if (tc.story.empty()) return {};
    std::string out = indent + "story (" + std::to_string(tc.step_count) +
                      (tc.step_count == 1 ? " step" : " steps") +
                      "; every exchange in full is in evidence.har):\n";
    bool marked = false;
    for (const auto& s : tc.story) {
        const bool first_bad = !marked && !s.cleanup && s.v != run::verdict::pass;
        marked = marked || first_bad;
        std::string v = util::ascii_upper(run::to_string(s.v));
        v.resize(std::max<std::size_t>(v.size(), 12), ' ');
        out += indent + (first_bad ? "> " : "  ") + phase_of(s) + " " + v + " " +
               (s.name.empty() ? s.pointer : s.name);
        if (s.iteration >= 0) out += " [row " + std::to_string(s.iteration) + "]";
        if (!s.method.empty()) {
            out += ": " + s.method + " " + s.url;
            out += s.status ? " -> " + std::to_string(*s.status) : std::string(" -> no answer");
        }
        out += '\n';
        for (const auto& c : s.captures)
            out += indent + "      captured " + c.variable + " = " + c.value + '\n';
        if (s.v != run::verdict::pass && !s.message.empty())
            out += indent + "      " + s.message + '\n';
    }
    if (tc.story_omitted)
        out += indent + "  (and " + std::to_string(tc.story_omitted) +
               " more steps; report.json has them all)\n";
    return out;
}

std::string failure_text(const run::assertion_result& a, const std::string& indent) {
    std::string out;
    if (!a.step.empty()) out += indent + "step:     " + a.step + '\n';
    if (!a.row.empty()) out += indent + a.row + '\n';
    if (!a.expected.empty()) out += indent + "expected: " + a.expected + '\n';
    if (!a.expected_template.empty()) out += indent + "written:  " + a.expected_template + '\n';
    if (!a.actual.empty()) out += indent + "actual:   " + a.actual + '\n';
    if (!a.explanation.empty()) out += indent + "why:      " + a.explanation + '\n';
    return out;
}

} // namespace konform::report
