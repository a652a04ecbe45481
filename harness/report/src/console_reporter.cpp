#include "konform/report/console_reporter.hpp"

#include "konform/report/json_report.hpp"
#include "konform/report/story.hpp"
#include "konform/util/text.hpp"

#include <cstdio>
#include <set>
#include <sstream>

namespace konform::report {

using nlohmann::json;

namespace {

std::string pad(std::string s, std::size_t n) {
    if (s.size() < n) s.append(n - s.size(), ' ');
    return s;
}

std::string ms_text(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ms < 10 ? "%.1f ms" : "%.0f ms", ms);
    return buf;
}

// Collects what one call prints and writes it to the terminal through util::visible:
// texts from the system under test never reach it with a raw escape sequence, carriage
// return or bidi control.
struct visible_writer {
    std::ostream& term;
    std::ostringstream text;
    ~visible_writer() { term << util::visible(text.str()) << std::flush; }
};

// The first lines of the answer a failure was judged on (status line, headers cut, the
// body's start): what the system said, without opening the evidence.
std::string answer_excerpt(const std::string& response, const std::string& indent) {
    constexpr std::size_t max_lines = 8, max_line = 160;
    std::string out = indent + "answer:   ";
    std::size_t lines = 0, at = 0;
    bool in_body = false;
    while (at < response.size() && lines < max_lines) {
        auto end = response.find('\n', at);
        std::string line = response.substr(at, end == std::string::npos ? end : end - at);
        at = end == std::string::npos ? response.size() : end + 1;
        if (line.empty()) {
            in_body = true;
            continue;
        }
        const bool status = lines == 0;
        if (!status && !in_body) continue; // headers: in evidence.har and report.html
        if (line.size() > max_line) line = line.substr(0, max_line - 3) + "...";
        out += (lines ? indent + "          " : "") + line + "\n";
        ++lines;
    }
    if (at < response.size()) out += indent + "          ...\n";
    return lines ? out : "";
}

} // namespace

void console_reporter::load_second(const std::string& testcase, const json& tick) {
    if (mode_ == console_mode::quiet) return;
    visible_writer w{term_, {}};
    if (mode_ == console_mode::json) {
        json j = {{"event", "load"}, {"id", testcase}};
        j.update(tick);
        w.text << j.dump(-1, ' ', true, json::error_handler_t::replace) << '\n';
        return;
    }
    char line[256];
    std::snprintf(
        line, sizeof line, "%4d/%gs %-8s %5llu req/s %4llu errors  p99 %.1f ms  max %.1f ms",
        tick.value("elapsed_s", 0), tick.value("of_s", 0.0), tick.value("phase", "").c_str(),
        static_cast<unsigned long long>(tick.value("requests", 0ULL)),
        static_cast<unsigned long long>(tick.value("errors", 0ULL)), tick.value("p99_ms", 0.0),
        tick.value("max_ms", 0.0));
    w.text << "        load " << testcase << " " << line << '\n';
}

void console_reporter::testcase_done(std::size_t index, std::size_t total,
                                     const run::testcase_result& tc) {
    if (mode_ == console_mode::quiet) return;
    visible_writer w{term_, {}};
    auto& out_ = w.text;
    if (mode_ == console_mode::json) {
        json j = {{"event", "testcase"},
                  {"index", index + 1},
                  {"total", total},
                  {"id", tc.id},
                  {"class", tc.cls},
                  {"verdict", run::to_string(tc.v)},
                  {"duration_ms", tc.duration_ms}};
        if (!tc.reason.empty()) j["reason"] = tc.reason;
        out_ << j.dump(-1, ' ', true, json::error_handler_t::replace) << '\n';
        return;
    }
    const std::string width = std::to_string(total);
    std::string counter = std::to_string(index + 1);
    counter.insert(0, width.size() - counter.size(), ' ');
    const std::string shown = tc.interrupted && tc.v == run::verdict::error ? "interrupted"
                              : tc.advisory                                 ? "advisory"
                                            : std::string(run::to_string(tc.v));
    out_ << "[" << counter << "/" << total << "] " << pad(util::ascii_upper(shown), 12) << " "
         << pad(tc.id, 18) << " " << tc.title;
    if (tc.v != run::verdict::inapplicable && tc.v != run::verdict::skipped)
        out_ << " (" << ms_text(tc.duration_ms) << ")";
    else
        out_ << " — " << tc.reason;
    out_ << '\n';
    if (!tc.kept.empty()) {
        out_ << (tc.interrupted ? "        left in the system (interrupted; cleanup not sent):\n"
                                : "        left in the system (--keep-data; cleanup not sent):\n");
        for (const auto& k : tc.kept)
            out_ << "          " << k << '\n';
    }
    if (tc.v == run::verdict::fail || tc.v == run::verdict::error ||
        tc.v == run::verdict::inconclusive) {
        out_ << story_text(tc, "        ");
        bool shown = false;
        std::set<std::size_t> reproduced; // one curl line per exchange, not per assertion
        for (const auto& a : tc.failures) {
            std::string proves;
            for (const auto& id : a.proves)
                proves += (proves.empty() ? "" : ", ") + id;
            out_ << "        "
                 << (tc.advisory ? "NOT MET (advisory)" : util::ascii_upper(run::to_string(a.v)))
                 << " " << proves << " (" << a.pointer << ")\n";
            out_ << failure_text(a, "          ");
            if (const auto* e = tc.excerpt_of(a.exchange)) {
                if (reproduced.insert(a.exchange).second) {
                    out_ << answer_excerpt(e->response, "          ");
                    out_ << "          reproduce: " << e->curl << '\n';
                } else
                    out_ << "          reproduce: the same exchange as above\n";
            }
            shown = true;
        }
        if (tc.failures_omitted)
            out_ << "        (and " << tc.failures_omitted << " more failed assertions)\n";
        if (!shown && !tc.reason.empty()) out_ << "          why: " << tc.reason << '\n';
    }
}

void console_reporter::summary(const run::run_result& r, const std::string& out_dir) {
    visible_writer w{term_, {}};
    auto& out_ = w.text;
    if (mode_ == console_mode::json) {
        json doc = report_head(r, nullptr);
        json j = {{"event", "summary"},
                  {"verdict", doc["verdict"]},
                  {"summary", doc["summary"]},
                  {"profile", {{"id", r.prof->id}, {"version", r.prof->version}}},
                  {"out", out_dir}};
        if (doc.contains("verdict_reason")) j["verdict_reason"] = doc["verdict_reason"];
        out_ << j.dump(-1, ' ', true, json::error_handler_t::replace) << '\n';
        return;
    }
    const std::string verdict = util::ascii_upper(run::to_string(r.overall));
    if (mode_ == console_mode::quiet) {
        out_ << verdict << " " << r.prof->id << " " << r.prof->version << " " << out_dir << '\n';
        return;
    }
    // Advisories (a SHOULD or MAY not met) have a column of their own: every test case and
    // requirement is counted once, in one column.
    auto row = [&](const char* what, const std::map<run::verdict, int>& m, int advisory) {
        out_ << pad(what, 14);
        for (auto v : {run::verdict::pass, run::verdict::fail, run::verdict::inconclusive,
                       run::verdict::error, run::verdict::inapplicable, run::verdict::skipped})
            out_ << pad(std::to_string(m.count(v) ? m.at(v) : 0), 14);
        out_ << advisory << '\n';
    };
    out_ << '\n' << pad("", 14);
    for (const char* h : {"pass", "fail", "inconclusive", "error", "inapplicable", "skipped"})
        out_ << pad(h, 14);
    out_ << "advisory\n";
    row("test cases", r.testcase_counts, r.testcase_advisory);
    row("requirements", r.requirement_counts, r.requirement_advisory);
    if (r.testcase_advisory || r.requirement_advisory)
        out_ << "advisory: " << r.requirement_advisory << " SHOULD/MAY requirement(s) not met, in "
             << r.testcase_advisory
             << " test case(s); they do not decide conformance and are not counted as fail\n";
    out_ << '\n';
    for (const auto& c : r.classes)
        out_ << "  class " << pad(c.cls->id, 16) << pad(util::ascii_upper(run::to_string(c.v)), 14)
             << c.cls->title << '\n';
    out_ << '\n'
         << verdict << ": " << r.prof->id << " " << r.prof->version << " against "
         << r.tgt->base_url;
    if ((r.overall == run::run_verdict::incomplete || r.overall == run::run_verdict::partial) &&
        !r.incomplete_reason.empty())
        out_ << " (" << r.incomplete_reason << ")";
    out_ << '\n';
    if (!out_dir.empty()) out_ << "reports in " << out_dir << '\n';
}

} // namespace konform::report
