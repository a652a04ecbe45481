#pragma once

#include "konform/report/console_reporter.hpp"
#include "konform/report/evidence_writer.hpp"
#include "konform/report/json_report.hpp"
#include "konform/run/sink.hpp"

#include <filesystem>
#include <optional>

namespace konform::report {

// Every output of a run in one folder: evidence.har and the console progress while the
// run goes (it is the run's sink), then report.json (signed with a sealer), junit.xml and
// report.html. What is written while the run goes is streamed, so memory does not grow
// with the run.
class outputs : public run::sink {
public:
    outputs(const std::filesystem::path& dir, console_reporter& console);

    // Prints every exchange in full to `trace` as it happens (`konform run --trace`).
    void trace_to(std::ostream* trace) { trace_ = trace; }

    void exchange(const http::exchange& x, const std::string& testcase) override;
    void step(std::size_t index, const run::step_result& s) override;
    void load_second(const std::string& testcase, const nlohmann::json& tick) override;
    void testcase(std::size_t index, std::size_t total, const run::testcase_result& tc,
                  const run::run_result& so_far) override;

    // Writes the reports of the finished run.
    void finish(const run::run_result& r, const std::optional<sealer>& seal);

    // Renders report.html in `dir` again from report.json (`report`) and the evidence
    // file it names, when a report.html is there (after `konform sign`).
    static void rerender_html(const std::filesystem::path& dir, const nlohmann::json& report);

private:
    std::filesystem::path dir_;
    console_reporter& console_;
    evidence_writer evidence_;
    step_spool steps_;
    std::ostream* trace_ = nullptr;
};

} // namespace konform::report
