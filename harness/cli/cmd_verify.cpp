#include "commands.hpp"
#include "konform/sign/report_signature.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/sha256.hpp"
#include "konform/util/text.hpp"
#include "log_verdict.hpp"

#include <filesystem>
#include <iostream>
#include <sstream>

namespace konform::cli {

std::filesystem::path evidence_beside(const std::filesystem::path& report,
                                      const nlohmann::json& doc) {
    std::filesystem::path name = "evidence.har";
    if (doc.contains("evidence") && doc["evidence"].is_object())
        name = std::filesystem::path(doc["evidence"].value("file", "evidence.har")).filename();
    if (name.empty() || name == "." || name == "..") name = "evidence.har";
    return report.parent_path() / name;
}

namespace {

struct verify_args {
    std::string report, trust, evidence, crl, log_key, log;
    bool no_evidence = false;
};

exit_code execute(const verify_args& a) {
    namespace fs = std::filesystem;
    nlohmann::json doc;
    std::optional<std::string> trust;
    std::string crl;
    try {
        doc = util::parse_strict(util::read_file(a.report));
    } catch (const std::invalid_argument& e) {
        std::cout << a.report << ": INVALID: not a well-formed report: " << e.what() << '\n';
        return exit_code::not_ok;
    } catch (const std::exception& e) {
        std::cerr << "konform: " << e.what() << '\n';
        return exit_code::input_error;
    }
    try {
        if (!a.trust.empty()) trust = util::read_file(a.trust);
        if (!a.crl.empty()) crl = util::read_file(a.crl);
    } catch (const std::exception& e) {
        std::cerr << "konform: " << e.what() << '\n';
        return exit_code::input_error;
    }
    // The signature first: a forged report must not make konform open any file it names.
    auto v = sign::verify_report(doc, trust, std::nullopt, crl);
    // Then the evidence, from beside the report whatever path the report names (only its
    // file name is taken), hashed as it is read.
    bool evidence = false;
    const bool names_evidence = doc.contains("evidence") && doc["evidence"].is_object();
    if (v.valid && !a.no_evidence && (names_evidence || !a.evidence.empty())) {
        const fs::path ev =
            a.evidence.empty() ? evidence_beside(a.report, doc) : fs::path(a.evidence);
        std::string digest;
        try {
            digest = util::sha256_file(ev);
        } catch (const std::exception& e) {
            std::cerr << "konform: " << e.what() << '\n';
            return exit_code::input_error;
        }
        v.reason = sign::evidence_problem(doc, digest);
        v.valid = evidence = v.reason.empty();
    }
    // Everything printed comes from the report or its signer's certificate: written
    // through util::visible, so no escape sequence or bidi control can rewrite the screen.
    std::ostringstream out;
    if (!v.valid) {
        out << a.report << ": INVALID: " << v.reason << '\n';
        std::cout << util::visible(out.str());
        return exit_code::not_ok;
    }
    const auto field = [&](const char* object, const char* key) {
        return doc.contains(object) && doc[object].is_object() && doc[object].contains(key) &&
                       doc[object][key].is_string()
                   ? doc[object][key].get<std::string>()
                   : std::string("?");
    };
    const std::string verdict = doc.contains("verdict") && doc["verdict"].is_string()
                                    ? doc["verdict"].get<std::string>()
                                    : "?";
    if (!v.anchored) {
        // A signature anyone can make with a key of their own: intact, but no certificate.
        out << a.report << ": NOT A CERTIFICATION: the signature by key " << v.key_id
            << " is intact, but the signer is NOT anchored in a trust root (pass --trust "
               "ROOT.pem)"
            << (evidence ? "; evidence digest matches" : "") << '\n';
        std::cout << util::visible(out.str());
        return exit_code::not_ok;
    }
    out << a.report << ": VALID: signature by key " << v.key_id << " (" << v.signer << ")"
        << (evidence ? ", evidence digest matches" : ", evidence not checked")
        << ", signer chain anchored in " << a.trust << '\n'
        << "verdict: " << verdict << ", profile " << field("profile", "id") << " "
        << field("profile", "version") << ", target " << field("target", "url") << '\n';
    if (a.log_key.empty()) {
        std::cout << util::visible(out.str());
        return exit_code::ok;
    }
    // The transparency log: the receipt offline, and with --log what the log says now.
    log_verdict lv;
    try {
        lv = check_in_log(doc, a.log_key, trust, a.log);
    } catch (const std::exception& e) {
        out << "status: UNKNOWN: the log cannot be read: " << e.what() << '\n';
        std::cout << util::visible(out.str());
        return exit_code::incomplete;
    }
    out << lv.lines;
    std::cout << util::visible(out.str());
    return lv.in_log && lv.certifies ? exit_code::ok : exit_code::not_ok;
}

} // namespace

action add_verify(CLI::App& app) {
    auto a = std::make_shared<verify_args>();
    auto* cmd = app.add_subcommand(
        "verify", "Verify a signed report offline: signature, signer chain, evidence");
    cmd->add_option("report", a->report, "report.json")->required();
    cmd->add_option("--trust", a->trust, "Trust anchor: root certificate (PEM)");
    cmd->add_option("--crl", a->crl,
                    "Certificate revocation lists (PEM): a revoked signer chain is invalid");
    cmd->add_option("--evidence", a->evidence,
                    "Evidence file (default: the one the report names, beside it)");
    cmd->add_flag("--no-evidence", a->no_evidence, "Do not check the evidence digest");
    cmd->add_option("--log-key", a->log_key,
                    "The transparency log's verifier key: check the report's receipt offline");
    cmd->add_option("--log", a->log,
                    "The log (folder or URL): also check the certificate's status there now")
        ->needs("--log-key");
    return [a] { return execute(*a); };
}

} // namespace konform::cli
