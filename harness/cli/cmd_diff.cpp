// konform diff: what changed between a certified run and a new one of the same profile:
// requirements whose verdict changed, the profile's version and digest, and drift in the
// system's fingerprint. Both reports are verified first; a tampered one is refused.
#include "commands.hpp"
#include "konform/report/diff_page.hpp"
#include "konform/report/report_diff.hpp"
#include "konform/sign/report_signature.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/text.hpp"

#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

namespace konform::cli {

namespace {

using nlohmann::json;

struct diff_args {
    std::string certified, fresh, trust, html;
    bool as_json = false;
};

struct loaded {
    json doc;
    std::string signature; // how it was verified, in words
    bool is_signed = false, anchored = false;
};

// Reads and verifies one report; nothing (and `why`) when it is unusable or tampered.
std::optional<loaded> load(const std::string& file, const std::optional<std::string>& trust,
                           std::string& why) {
    loaded l;
    try {
        l.doc = util::parse_strict(util::read_file(file));
    } catch (const std::exception& e) {
        why = file + ": not a well-formed report: " + e.what();
        return std::nullopt;
    }
    if (!l.doc.is_object() || !l.doc.contains("requirements") ||
        !l.doc["requirements"].is_array() || !l.doc.contains("profile")) {
        why = file + ": not a konform report (no profile or requirements)";
        return std::nullopt;
    }
    if (!l.doc.contains("signature")) {
        l.signature = "unsigned";
        return l;
    }
    const auto v = sign::verify_report(l.doc, trust, std::nullopt);
    if (!v.valid) {
        why = file + ": INVALID: " + v.reason;
        return std::nullopt;
    }
    l.is_signed = true;
    l.anchored = v.anchored;
    l.signature = v.anchored ? "signature valid, signer anchored in the trust root"
                             : "signature intact, signer not anchored (pass --trust ROOT.pem)";
    return l;
}

exit_code execute(const diff_args& a) {
    std::optional<std::string> trust;
    if (!a.trust.empty()) {
        try {
            trust = util::read_file(a.trust);
        } catch (const std::exception& e) {
            std::cerr << "konform: " << e.what() << '\n';
            return exit_code::input_error;
        }
    }
    std::string why;
    auto old_report = load(a.certified, trust, why);
    // With a trust root, the certified side is what it claims only when its signature
    // verifies and its signer is anchored there: else any edited report.json would do.
    if (old_report && trust && !old_report->anchored) {
        std::cerr << util::visible("konform: diff: " + a.certified + ": " +
                                   (!old_report->is_signed
                                        ? std::string("unsigned")
                                        : std::string("its signer is not anchored in ") + a.trust) +
                                   ": with --trust, the certified report must be signed by a "
                                   "key the trust root anchors")
                  << '\n';
        return exit_code::input_error;
    }
    auto new_report = why.empty() ? load(a.fresh, trust, why) : std::nullopt;
    if (!old_report || !new_report) {
        std::cerr << util::visible("konform: diff: " + why) << '\n';
        return exit_code::input_error;
    }
    const json& o = old_report->doc;
    const json& n = new_report->doc;
    if (report::report_field(o, {"profile", "id"}) != report::report_field(n, {"profile", "id"})) {
        std::cerr << util::visible("konform: diff: the reports are of different profiles (" +
                                   report::report_field(o, {"profile", "id"}) + ", " +
                                   report::report_field(n, {"profile", "id"}) + ")")
                  << '\n';
        return exit_code::input_error;
    }

    json result = report::compare_reports(o, n);
    result["certified"] = {{"file", a.certified},
                           {"verdict", report::report_field(o, {"verdict"})},
                           {"signature", old_report->signature}};
    result["new"] = {{"file", a.fresh},
                     {"verdict", report::report_field(n, {"verdict"})},
                     {"signature", new_report->signature}};
    const json& regressed = result["regressed"];
    const json& fixed = result["fixed"];
    const json& not_checked = result["not_checked"];
    const json& drift = result["drift"];

    if (!a.html.empty()) {
        // Each regression links the new report's page, where its failure stands.
        namespace fs = std::filesystem;
        const fs::path page = fs::path(a.fresh).parent_path() / "report.html";
        const fs::path from = fs::absolute(a.html).parent_path();
        util::write_file_atomically(
            a.html, report::diff_html(result, fs::relative(fs::absolute(page), from).string()));
    }
    if (a.as_json) {
        // ASCII with \u escapes: a system's U+202E or C1 controls reach no terminal raw.
        std::cout << result.dump(2, ' ', true, json::error_handler_t::replace) << '\n';
    } else {
        std::ostringstream out;
        out << "certified: " << a.certified << " (" << report::report_field(o, {"verdict"}) << "; "
            << old_report->signature << ")\n"
            << "new:       " << a.fresh << " (" << report::report_field(n, {"verdict"}) << "; "
            << new_report->signature << ")\n\n";
        auto list = [&](const char* title, const json& items) {
            if (items.empty()) return;
            out << title << " (" << items.size() << "):\n";
            for (const auto& i : items) {
                out << "  " << i.value("id", i.value("what", "")) << ": "
                    << i.value("certified", "-") << " -> " << i.value("new", "-") << '\n';
                if (!i.value("text", "").empty()) out << "      " << i.value("text", "") << '\n';
                if (!i.value("reason", "").empty())
                    out << "      why: " << i.value("reason", "") << '\n';
            }
        };
        list("REGRESSED", regressed);
        list("fixed", fixed);
        list("changed", result["changed"]);
        list("not checked by the new run", not_checked);
        list("new requirements", result["new_requirements"]);
        list("drift", drift);
        out << (regressed.empty() ? "NO REGRESSION" : "REGRESSED") << ": " << regressed.size()
            << " requirement(s) no longer pass, " << fixed.size() << " fixed, "
            << not_checked.size() << " not checked, " << drift.size() << " fingerprint change(s)\n";
        std::cout << util::visible(out.str());
    }
    return regressed.empty() ? exit_code::ok : exit_code::not_ok;
}

} // namespace

action add_diff(CLI::App& app) {
    auto a = std::make_shared<diff_args>();
    auto* cmd = app.add_subcommand(
        "diff", "Compare a certified report with a new one: verdicts that changed, and drift");
    cmd->add_option("certified", a->certified, "The certified report.json")->required();
    cmd->add_option("new", a->fresh, "The new report.json")->required();
    cmd->add_option("--trust", a->trust, "Trust anchor for signed reports: root certificate (PEM)");
    cmd->add_flag("--json", a->as_json, "Print the comparison as JSON");
    cmd->add_option("--html", a->html,
                    "Also write the comparison as an HTML page in report.html's style");
    return [a] { return execute(*a); };
}

} // namespace konform::cli
