// konform repro: a bash script that replays one test case of a written report against the
// system, with the evidence's requests, live captures, and TLS options of a target file.
#include "commands.hpp"
#include "konform/http/client_certificate.hpp"
#include "konform/model/target.hpp"
#include "konform/report/repro_script.hpp"
#include "konform/sign/report_signature.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/sha256.hpp"
#include "konform/util/text.hpp"

#include <iostream>

namespace konform::cli {

namespace {

struct repro_args {
    std::string report, testcase, target, base_url, out;
    bool no_cleanup = false;
};

exit_code execute(const repro_args& a) {
    nlohmann::json doc, har;
    try {
        doc = util::parse_strict(util::read_file(a.report));
        // The report first: a signed one must be intact, and the evidence the script is
        // written from must be the evidence the report names (its digest), before anything
        // in it becomes a line of a script someone runs.
        if (doc.is_object() && doc.contains("signature")) {
            const auto v = sign::verify_report(doc, std::nullopt, std::nullopt);
            if (!v.valid) throw std::invalid_argument("INVALID: " + v.reason);
        }
        const auto evidence = evidence_beside(a.report, doc);
        if (doc.is_object() && doc.contains("evidence")) {
            const std::string problem = sign::evidence_problem(doc, util::sha256_file(evidence));
            if (!problem.empty()) throw std::invalid_argument(problem);
        }
        har = util::parse_strict(util::read_file(evidence));
    } catch (const std::exception& e) {
        std::cerr << util::visible("konform: " + a.report + ": " + e.what()) << '\n';
        return exit_code::input_error;
    }
    report::repro_options opt;
    opt.testcase = a.testcase;
    opt.base_url = a.base_url;
    opt.cleanup = !a.no_cleanup;
    opt.report_name = std::filesystem::path(a.report).filename().string();
    if (!a.target.empty()) {
        // The target gives the TLS options (CA, client certificate); its secrets stay
        // variables of the script. The script replays against the URL the report tested
        // (or --base-url), never the target's own base_url, which may name another system.
        // Its secrets are not read: the script needs them when it runs, not its writer.
        const model::target t = model::load_target(a.target, model::secrets_read::never);
        opt.tls.insecure = t.tls.insecure;
        if (!t.tls.ca_file.empty())
            opt.tls.ca_file = std::filesystem::absolute(t.tls.ca_file).string();
        if (!t.tls.client_cert.empty()) {
            opt.tls.client_cert = std::filesystem::absolute(t.tls.client_cert).string();
            opt.tls.pkcs12 = http::is_pkcs12(t.tls.client_cert);
        }
        if (!t.tls.client_key.empty())
            opt.tls.client_key = std::filesystem::absolute(t.tls.client_key).string();
        if (!t.tls.client_key_password.empty())
            opt.tls.password_placeholder = t.tls.client_key_password.placeholder();
    }
    std::string script;
    try {
        script = report::repro_script(doc, har, opt);
    } catch (const std::invalid_argument& e) {
        std::cerr << "konform: " << a.report << ": " << e.what() << '\n';
        return exit_code::input_error;
    }
    if (a.out.empty() || a.out == "-") {
        std::cout << script;
        return exit_code::ok;
    }
    util::write_file_atomically(a.out, script);
    std::filesystem::permissions(a.out, std::filesystem::perms::owner_exec,
                                 std::filesystem::perm_options::add);
    std::cerr << "konform: wrote " << a.out << " (bash " << a.out << " replays " << a.testcase
              << ")\n";
    return exit_code::ok;
}

} // namespace

action add_repro(CLI::App& app) {
    auto a = std::make_shared<repro_args>();
    auto* cmd = app.add_subcommand(
        "repro", "Write a bash + curl script that replays one test case of a report");
    cmd->add_option("report", a->report, "report.json (its evidence.har beside it)")->required();
    cmd->add_option("testcase", a->testcase, "The test case's id")->required();
    cmd->add_option("--target", a->target,
                    "Target file: its CA and client certificate go into the script");
    cmd->add_option("--base-url", a->base_url, "Replay against this URL instead");
    cmd->add_option("-o,--out", a->out, "Write the script here (default: standard output)");
    cmd->add_flag("--no-cleanup", a->no_cleanup,
                  "Leave out the cleanup steps: what the test case makes stays in the system");
    return [a] { return execute(*a); };
}

} // namespace konform::cli
