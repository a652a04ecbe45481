#pragma once

#include "konform/run/result.hpp"

#include <ostream>
#include <string>

namespace konform::report {

enum class console_mode { normal, quiet, json };

// Writes progress and the closing summary to a terminal or a log, in one of three modes:
// normal (a line per test case, failures with their evidence, a summary table), quiet
// (only the verdict line) and json (one JSON object per line, for machines).
class console_reporter {
public:
    console_reporter(std::ostream& out, console_mode mode) : term_(out), mode_(mode) {}

    void testcase_done(std::size_t index, std::size_t total, const run::testcase_result& tc);
    // A second of a load under way: one line (normal) or one JSON object (json).
    void load_second(const std::string& testcase, const nlohmann::json& tick);
    void summary(const run::run_result& r, const std::string& out_dir);

private:
    std::ostream& term_;
    console_mode mode_;
};

} // namespace konform::report
