#pragma once

#include "konform/run/result.hpp"

#include <cstdio>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace konform::report {

// A step as report.json shows it, as RFC 8785 canonical JSON text (strings from the
// system under test made valid UTF-8).
std::string canonical_step(const run::step_result& s);

// The report document (described by reports/report.schema.json) without the steps of its
// test cases; with `evidence` = {"file": ..., "sha256": ...} when given.
nlohmann::json report_head(const run::run_result& r, const nlohmann::json& evidence);

// Holds the steps of a run, as their canonical JSON, in a temporary file until the
// report is written, so memory does not grow with the run.
class step_spool {
public:
    step_spool();
    ~step_spool();
    step_spool(const step_spool&) = delete;
    step_spool& operator=(const step_spool&) = delete;

    // Steps arrive test case by test case, in order.
    void add(std::size_t testcase, const run::step_result& s);
    // Writes test case i's steps, comma-separated, to `out`.
    void copy(std::size_t testcase, const std::function<void(std::string_view)>& out);

private:
    struct range {
        long begin = 0, end = 0;
    };
    std::FILE* file_;
    long size_ = 0;
    std::vector<range> ranges_;
};

// Seals a report as it is written: a function that makes the signature block without its
// value (called when the report is sealed, so its signed_at is then, after the run
// finished), and one that makes the value from the signed bytes.
struct sealer {
    std::function<nlohmann::json()> metadata;
    std::function<std::string(std::string_view)> sign;
};

// Writes report.json in its RFC 8785 canonical form, streaming the steps from the spool,
// so the signed bytes are the written bytes. With a sealer, the report is signed: the
// signed bytes (the report without "signature", with "signature_metadata") are staged in
// a temporary file and mapped, since Ed25519 signs a message in one piece. Returns the
// head as written (with its signature block).
nlohmann::json write_report_json(const std::filesystem::path& file, const nlohmann::json& head,
                                 step_spool& steps, const std::optional<sealer>& seal);

} // namespace konform::report
