// konform diff: what changed between a certified run and a new one of the same profile:
// requirements whose verdict changed, the profile's version and digest, and drift in the
// system's fingerprint. Both reports are verified first; a tampered one is refused.
#include "commands.hpp"
#include "konform/report/diff_page.hpp"
#include "konform/sign/report_signature.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/text.hpp"

#include <iostream>
#include <map>
#include <optional>
#include <sstream>

namespace konform::cli {

namespace {

using nlohmann::json;

struct diff_args {
    std::string certified, fresh, trust, html;
    bool as_json = false;
};

// A string member of an object member ("" when absent or not text).
std::string field(const json& doc, std::initializer_list<const char*> path) {
    const json* at = &doc;
    for (const char* key : path) {
        if (!at->is_object() || !at->contains(key)) return "";
        at = &(*at)[key];
    }
    return at->is_string() ? at->get<std::string>() : at->is_null() ? "" : at->dump();
}

// The host of "address:port" (the port of a test system changes from run to run).
std::string host_of(const std::string& address) {
    const auto colon = address.rfind(':');
    return colon == std::string::npos ? address : address.substr(0, colon);
}

struct loaded {
    json doc;
    std::string signature; // how it was verified, in words
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
    l.signature = v.anchored ? "signature valid, signer anchored in the trust root"
                             : "signature intact, signer not anchored (pass --trust ROOT.pem)";
    return l;
}

std::map<std::string, std::string> verdicts(const json& doc) {
    std::map<std::string, std::string> out;
    for (const auto& r : doc["requirements"])
        if (r.is_object() && r.contains("id") && r["id"].is_string())
            out[r["id"].get<std::string>()] = field(r, {"verdict"});
    return out;
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
    auto new_report = why.empty() ? load(a.fresh, trust, why) : std::nullopt;
    if (!old_report || !new_report) {
        std::cerr << util::visible("konform: diff: " + why) << '\n';
        return exit_code::input_error;
    }
    const json& o = old_report->doc;
    const json& n = new_report->doc;
    if (field(o, {"profile", "id"}) != field(n, {"profile", "id"})) {
        std::cerr << util::visible("konform: diff: the reports are of different profiles (" +
                                   field(o, {"profile", "id"}) + ", " +
                                   field(n, {"profile", "id"}) + ")")
                  << '\n';
        return exit_code::input_error;
    }

    json result = {{"certified",
                    {{"file", a.certified},
                     {"verdict", field(o, {"verdict"})},
                     {"signature", old_report->signature}}},
                   {"new",
                    {{"file", a.fresh},
                     {"verdict", field(n, {"verdict"})},
                     {"signature", new_report->signature}}},
                   {"profile", field(o, {"profile", "id"})}};
    json regressed = json::array(), fixed = json::array(), changed = json::array(),
         not_checked = json::array(), added = json::array(), drift = json::array();
    const auto before = verdicts(o), after = verdicts(n);
    for (const auto& [id, was] : before) {
        auto it = after.find(id);
        const std::string now = it == after.end() ? "" : it->second;
        if (now.empty() || now == "skipped" || now == "inapplicable") {
            not_checked.push_back(
                {{"id", id}, {"certified", was}, {"new", now.empty() ? "absent" : now}});
            continue;
        }
        if (now == was) continue;
        const json change = {{"id", id}, {"certified", was}, {"new", now}};
        if (was == "pass")
            regressed.push_back(change);
        else if (now == "pass")
            fixed.push_back(change);
        else
            changed.push_back(change);
    }
    for (const auto& [id, now] : after)
        if (!before.count(id)) added.push_back({{"id", id}, {"new", now}});
    auto compare = [&](const std::string& what, const std::string& from, const std::string& to) {
        if (from != to) drift.push_back({{"what", what}, {"certified", from}, {"new", to}});
    };
    compare("profile version", field(o, {"profile", "version"}), field(n, {"profile", "version"}));
    compare("profile digest", field(o, {"profile", "digest"}), field(n, {"profile", "digest"}));
    compare("product", field(o, {"target", "product"}), field(n, {"target", "product"}));
    compare("product version", field(o, {"target", "product_version"}),
            field(n, {"target", "product_version"}));
    compare("Server header", field(o, {"target", "server"}), field(n, {"target", "server"}));
    compare("TLS certificate (SHA-256)", field(o, {"target", "tls", "certificate_sha256"}),
            field(n, {"target", "tls", "certificate_sha256"}));
    compare("resolved address", host_of(field(o, {"target", "remote_address"})),
            host_of(field(n, {"target", "remote_address"})));
    result["regressed"] = regressed;
    result["fixed"] = fixed;
    result["changed"] = changed;
    result["not_checked"] = not_checked;
    result["new_requirements"] = added;
    result["drift"] = drift;
    result["outcome"] = regressed.empty() ? "no regression" : "regressed";

    if (!a.html.empty()) util::write_file_atomically(a.html, report::diff_html(result));
    if (a.as_json) {
        std::cout << result.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    } else {
        std::ostringstream out;
        out << "certified: " << a.certified << " (" << field(o, {"verdict"}) << "; "
            << old_report->signature << ")\n"
            << "new:       " << a.fresh << " (" << field(n, {"verdict"}) << "; "
            << new_report->signature << ")\n\n";
        auto list = [&](const char* title, const json& items) {
            if (items.empty()) return;
            out << title << " (" << items.size() << "):\n";
            for (const auto& i : items)
                out << "  " << i.value("id", i.value("what", "")) << ": "
                    << i.value("certified", "-") << " -> " << i.value("new", "-") << '\n';
        };
        list("REGRESSED", regressed);
        list("fixed", fixed);
        list("changed", changed);
        list("not checked by the new run", not_checked);
        list("new requirements", added);
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
