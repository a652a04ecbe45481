#include "commands.hpp"
#include "konform/model/profile.hpp"
#include "konform/model/target.hpp"
#include "konform/report/console_reporter.hpp"
#include "konform/report/outputs.hpp"
#include "konform/run/runner.hpp"
#include "konform/sign/report_signature.hpp"
#include "konform/util/file.hpp"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <unistd.h>

namespace konform::cli {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> stop_requested{false};
// The first SIGINT or SIGTERM ends the run cleanly (an `incomplete` report, exit 3); a
// second one ends the process at once, removing the temporary files of the reports first.
extern "C" void on_signal(int sig) {
    if (stop_requested.exchange(true)) {
        util::remove_temporary_files();
        ::_exit(128 + sig);
    }
}

struct run_args {
    std::string profile, target, out = "out", base_url, sign_key, sign_cert, sign_pass_env;
    std::vector<std::string> only, classes;
    bool quiet = false, json = false, force = false, trace = false, keep_data = false;
    int jobs = 4;
    long connect_ms = 0, read_ms = 0, total_ms = 0;
    std::uint64_t max_bodies_in_flight = 0;
    std::uint64_t max_body = 0, max_header = 0, max_header_fields = 0, max_json_values = 0;
};

// The signing key and chain, read before the run so that a bad key costs no run; the key
// is kept in `key` for the sealer the report is signed through.
std::optional<report::sealer> sealer_of(const run_args& a, std::optional<sign::key>& key) {
    if (a.sign_key.empty()) return std::nullopt;
    try {
        std::string pass =
            a.sign_pass_env.empty() ? "" : secret_from_env("--sign-key-pass-env", a.sign_pass_env);
        key = sign::key::load_private(a.sign_key, pass);
        std::string chain = a.sign_cert.empty() ? "" : util::read_file(a.sign_cert);
        sign::signature_metadata(*key, chain); // a chain that does not fit fails now
        return report::sealer{
            [&key, chain] { return sign::signature_metadata(*key, chain); },
            [&key](std::string_view m) { return sign::signature_value(*key, m); }};
    } catch (const std::exception& e) {
        throw model::load_error(a.sign_cert.empty() ? a.sign_key : a.sign_cert, "", e.what());
    }
}

// An empty (or, with --force, any) output folder, made if needed.
fs::path output_folder(const run_args& a) {
    fs::path out = a.out;
    std::error_code ec;
    if (fs::exists(out, ec) && !fs::is_empty(out, ec) && !a.force)
        throw model::load_error(out.string(), "",
                                "output folder exists and is not empty: choose another "
                                "--out or pass --force to replace its reports");
    fs::create_directories(out, ec);
    if (ec)
        throw model::load_error(out.string(), "", "cannot create output folder: " + ec.message());
    return out;
}

// The run's options: the target's limits, then the command line's over them.
run::run_options options_of(const run_args& a, const model::profile& prof,
                            const model::target& tgt) {
    run::run_options opt;
    opt.jobs = a.jobs;
    opt.only = a.only;
    opt.keep_data = a.keep_data;
    opt.classes = a.classes;
    run::apply_target_limits(opt, tgt);
    auto& lim = opt.http.lim;
    if (a.connect_ms > 0) lim.connect_timeout = std::chrono::milliseconds(a.connect_ms);
    if (a.read_ms > 0) lim.read_timeout = std::chrono::milliseconds(a.read_ms);
    if (a.total_ms > 0) lim.total_timeout = std::chrono::milliseconds(a.total_ms);
    if (a.max_body > 0) lim.max_body_bytes = a.max_body;
    if (a.max_bodies_in_flight > 0) lim.max_bodies_in_flight = a.max_bodies_in_flight;
    if (a.max_header > 0) lim.max_header_bytes = a.max_header;
    if (a.max_header_fields > 0) lim.max_header_fields = a.max_header_fields;
    if (a.max_json_values > 0) opt.max_json_values = a.max_json_values;
    for (const auto& id : a.only) {
        bool known = false;
        for (const auto& tc : prof.testcases)
            known = known || tc.id == id;
        if (!known)
            throw model::load_error("--only", id,
                                    "no test case with this id in profile " + prof.id);
    }
    for (const auto& c : a.classes)
        if (!prof.find_class(c))
            throw model::load_error("--class", c, "no such class in profile " + prof.id);
    opt.stop = &stop_requested;
    return opt;
}

// The run's first lines on the console: what is certified against what.
void announce(const run_args& a, const model::profile& prof, const model::target& tgt) {
    std::cout << "konform: " << prof.id << " " << prof.version << " (" << prof.testcases.size()
              << " test cases"
              << (a.only.empty() && a.classes.empty() ? "" : "; a partial run of the selected")
              << ") against " << tgt.base_url
              << (tgt.production ? "\nproduction verification (read-only): only read-only "
                                   "test cases run, no write is sent, requests are capped; "
                                   "not a certification"
                                 : "")
              << "\n\n";
}

exit_code exit_code_of(const run::run_result& result) {
    switch (result.overall) {
    case run::run_verdict::conformant:
        return exit_code::ok;
    case run::run_verdict::not_conformant:
        return exit_code::not_ok;
    case run::run_verdict::incomplete:
        return exit_code::incomplete;
    case run::run_verdict::partial: // judged on the selected test cases alone
        return result.selected_outcome == run::verdict::pass   ? exit_code::ok
               : result.selected_outcome == run::verdict::fail ? exit_code::not_ok
                                                               : exit_code::incomplete;
    }
    return exit_code::incomplete;
}

exit_code execute(const run_args& a) {
    // From the start: a signal while the profile loads still ends in an incomplete report
    // (the run stops before its first test case), not in a killed process without one.
    stop_requested = false;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    model::diagnostics diag;
    model::profile prof = model::load_profile(a.profile, diag);
    model::target tgt = model::load_target(a.target, diag);
    model::throw_if_any(diag);
    if (!a.base_url.empty()) model::override_base_url(tgt, a.base_url, "--base-url");
    run::check_target(prof, tgt, diag);
    model::throw_if_any(diag);
    std::optional<sign::key> key;
    const std::optional<report::sealer> seal = sealer_of(a, key);
    const fs::path out = output_folder(a);
    const run::run_options opt = options_of(a, prof, tgt);

    const report::console_mode mode = a.json    ? report::console_mode::json
                                      : a.quiet ? report::console_mode::quiet
                                                : report::console_mode::normal;
    report::console_reporter console(std::cout, mode);
    if (mode == report::console_mode::normal) announce(a, prof, tgt);
    report::outputs outputs(out, console);
    // The trace is for people: beside --json it goes to stderr, so stdout stays JSON lines.
    if (a.trace) outputs.trace_to(mode == report::console_mode::json ? &std::cerr : &std::cout);
    run::run_result result =
        run::run_profile(std::make_shared<const model::profile>(std::move(prof)),
                         std::make_shared<const model::target>(std::move(tgt)), opt, &outputs);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    outputs.finish(result, seal);
    console.summary(result, out.string());
    return exit_code_of(result);
}

} // namespace

action add_run(CLI::App& app) {
    auto a = std::make_shared<run_args>();
    auto* cmd = app.add_subcommand(
        "run", "Run a profile's test cases against a live system and write reports");
    cmd->add_option("--profile", a->profile, "Profile folder (or its profile.json)")->required();
    cmd->add_option("--target", a->target, "Target file describing the system under test")
        ->required();
    cmd->add_option("--out", a->out,
                    "Folder for report.json, evidence.har, report.html and junit.xml")
        ->capture_default_str();
    cmd->add_option("--base-url", a->base_url, "Override the target's base URL");
    cmd->add_option("--only", a->only, "Run only these test case ids");
    cmd->add_option("--class", a->classes, "Run only test cases of these classes");
    cmd->add_option("--sign-key", a->sign_key, "Ed25519 private key (PEM) that signs report.json");
    cmd->add_option("--sign-cert", a->sign_cert,
                    "Signer certificate chain (PEM, signer first) to embed")
        ->needs(cmd->get_option("--sign-key"));
    cmd->add_option("--sign-key-pass-env", a->sign_pass_env,
                    "Environment variable holding the signing key's passphrase")
        ->needs(cmd->get_option("--sign-key"));
    cmd->add_flag("--force", a->force, "Replace reports in a non-empty output folder");
    cmd->add_option("--jobs,-j", a->jobs,
                    "Test cases run at once, each on its own connection (test cases marked "
                    "serial run alone; the target's max_connections caps it)")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    auto* q = cmd->add_flag("--quiet,-q", a->quiet, "Print only the verdict line");
    cmd->add_flag("--keep-data", a->keep_data,
                  "Send no cleanup: leave what test cases create in the system, and list the "
                  "cleanup requests not sent");
    cmd->add_flag("--trace", a->trace,
                  "Print every exchange in full as it happens (secrets redacted; bodies up to "
                  "64 KiB)");
    cmd->add_flag("--json", a->json,
                  "Print one JSON object per line (per test case, then a summary)")
        ->excludes(q);
    cmd->add_option("--connect-timeout", a->connect_ms,
                    "Connect and TLS handshake timeout, ms (default 5000)");
    cmd->add_option("--read-timeout", a->read_ms, "Response timeout, ms (default 15000)");
    cmd->add_option("--total-timeout", a->total_ms,
                    "Hard deadline per exchange, ms (default 30000)");
    cmd->add_option("--max-body", a->max_body,
                    "Largest response body accepted, bytes (default 32 MiB)");
    cmd->add_option("--max-bodies-in-flight", a->max_bodies_in_flight,
                    "Response bodies all jobs may hold at once, bytes (default 64 MiB; past it "
                    "a reader waits, the oldest always reads on)");
    cmd->add_option("--max-header", a->max_header,
                    "Largest response header accepted, bytes (default 64 KiB)");
    cmd->add_option("--max-header-fields", a->max_header_fields,
                    "Most header and trailer fields accepted in a response (default 256)");
    cmd->add_option("--max-json-values", a->max_json_values,
                    "Most values a JSON response body may hold (default 1000000)");
    return [a] { return execute(*a); };
}

} // namespace konform::cli
