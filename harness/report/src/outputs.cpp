#include "konform/report/outputs.hpp"

#include "konform/report/html_report.hpp"
#include "konform/report/junit_report.hpp"
#include "konform/report/trace.hpp"
#include "konform/util/file.hpp"

namespace konform::report {

outputs::outputs(const std::filesystem::path& dir, console_reporter& console)
    : dir_(dir), console_(console), evidence_(dir / "evidence.har") {}

void outputs::exchange(const http::exchange& x, const std::string& testcase) {
    if (trace_) trace_exchange(*trace_, x, testcase);
    evidence_.add(x, testcase);
}

void outputs::step(std::size_t index, const run::step_result& s) {
    steps_.add(index, s);
}

void outputs::load_second(const std::string& testcase, const nlohmann::json& tick) {
    console_.load_second(testcase, tick);
}

void outputs::testcase(std::size_t index, std::size_t total, const run::testcase_result& tc,
                       const run::run_result& /*so_far*/) {
    console_.testcase_done(index, total, tc);
}

void outputs::finish(const run::run_result& r, const std::optional<sealer>& seal) {
    const std::string digest = evidence_.finish();
    const nlohmann::json head = report_head(r, {{"file", "evidence.har"}, {"sha256", digest}});
    const nlohmann::json written = write_report_json(dir_ / "report.json", head, steps_, seal);
    util::write_file_atomically(dir_ / "junit.xml", to_junit(r));
    util::write_file_atomically(dir_ / "report.html", to_html(written, failures_of(r)));
}

void outputs::rerender_html(const std::filesystem::path& dir, const nlohmann::json& report) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(dir / "report.html", ec)) return;
    nlohmann::json har = nlohmann::json::object();
    const std::string evidence = report.contains("evidence")
                                     ? report["evidence"].value("file", "evidence.har")
                                     : "evidence.har";
    // Only a file beside the report, whatever name the report gives.
    const fs::path file = dir / fs::path(evidence).filename();
    if (fs::is_regular_file(file, ec))
        har = nlohmann::json::parse(util::read_file(file), nullptr, false);
    util::write_file_atomically(dir / "report.html",
                                to_html(report, failures_from_files(report, har)));
}

} // namespace konform::report
