#include "commands.hpp"
#include "konform/model/problem.hpp"
#include "konform/report/outputs.hpp"
#include "konform/sign/report_signature.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/sha256.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

namespace konform::cli {

namespace {

struct sign_args {
    std::string report, key, cert, pass_env;
};

exit_code execute(const sign_args& a) {
    nlohmann::json doc;
    sign::key k;
    std::string chain;
    try {
        doc = util::parse_strict(util::read_file(a.report));
    } catch (const std::exception& e) {
        throw model::load_error(a.report, "", e.what());
    }
    // Signing vouches for the report: it must be the one a run wrote. An existing signature
    // must still hold, the evidence beside it must match its digest, and its verdict must
    // follow from its results.
    {
        std::optional<std::string> evidence_sha256;
        std::error_code ec;
        const auto file = evidence_beside(a.report, doc);
        if (doc.contains("evidence") && std::filesystem::is_regular_file(file, ec))
            evidence_sha256 = util::sha256_file(file);
        std::string why;
        if (doc.contains("signature")) {
            auto v = sign::verify_report(doc, std::nullopt, evidence_sha256);
            if (!v.valid) why = v.reason;
        } else if (std::string vp = sign::verdict_problem(doc); !vp.empty())
            why = vp;
        else if (evidence_sha256)
            why = sign::evidence_problem(doc, *evidence_sha256);
        if (!why.empty()) throw model::load_error(a.report, "", "refusing to sign: " + why);
    }
    try {
        std::string pass = a.pass_env.empty() ? "" : secret_from_env("--key-pass-env", a.pass_env);
        k = sign::key::load_private(a.key, pass);
        if (!a.cert.empty()) chain = util::read_file(a.cert);
        sign::sign_report(doc, k, chain);
    } catch (const std::exception& e) {
        throw model::load_error(a.cert.empty() ? a.key : a.cert, "", e.what());
    }
    // Written in canonical form, as `konform run` writes it: the signed bytes are the
    // written bytes.
    util::write_file_atomically(a.report, util::canonicalize(doc));
    // Keep the HTML rendering beside it in step with the new signature.
    report::outputs::rerender_html(std::filesystem::path(a.report).parent_path(), doc);
    std::cout << a.report << ": signed with key " << k.key_id() << '\n';
    return exit_code::ok;
}

} // namespace

action add_sign(CLI::App& app) {
    auto a = std::make_shared<sign_args>();
    auto* cmd = app.add_subcommand("sign", "Sign an existing report.json (replaces its signature)");
    cmd->add_option("report", a->report, "report.json")->required();
    cmd->add_option("--key", a->key, "Ed25519 private key (PEM)")->required();
    cmd->add_option("--cert", a->cert, "Signer certificate chain (PEM, signer first)");
    cmd->add_option("--key-pass-env", a->pass_env,
                    "Environment variable holding the key's passphrase");
    return [a] { return execute(*a); };
}

} // namespace konform::cli
