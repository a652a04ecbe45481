#include "konform/report/report_diff.hpp"

#include "json_member.hpp"

#include <map>
#include <set>

namespace konform::report {

using nlohmann::json;

namespace {

constexpr auto str = &detail::member_text;

const json& array_member(const json& doc, const char* key) {
    static const json empty = json::array();
    if (!doc.is_object() || !doc.contains(key) || !doc[key].is_array()) return empty;
    return doc[key];
}

// Each requirement of a report by id, with its entry.
std::map<std::string, const json*> requirements(const json& doc) {
    std::map<std::string, const json*> out;
    for (const auto& r : array_member(doc, "requirements"))
        if (r.is_object() && r.contains("id") && r["id"].is_string())
            out[r["id"].get<std::string>()] = &r;
    return out;
}

// The first assertion of the report that did not pass and proves `id`: where its failure
// stands in the evidence, and its explanation.
std::optional<json> first_failure(const json& doc, const std::string& id) {
    for (const auto& tc : array_member(doc, "testcases"))
        for (const auto& step : array_member(tc, "steps"))
            for (const auto& a : array_member(step, "assertions")) {
                const std::string v = str(a, "verdict");
                if (v != "fail" && v != "error") continue;
                bool proves = false;
                for (const auto& p : array_member(a, "proves"))
                    proves = proves || (p.is_string() && p.get<std::string>() == id);
                if (!proves) continue;
                std::string why = str(a, "explanation");
                if (why.empty() && !str(a, "expected").empty())
                    why = "expected " + str(a, "expected") + ", got " + str(a, "actual");
                json out = {{"testcase", str(tc, "id")}, {"explanation", why}};
                if (a.contains("exchange") && a["exchange"].is_number_integer())
                    out["exchange"] = a["exchange"];
                return out;
            }
    return std::nullopt;
}

// A regressed requirement as a municipality reads it: its text, and why it failed now.
json regression(const std::string& id, const std::string& was, const std::string& now,
                const json& entry, const json& fresh) {
    json r = {{"id", id},
              {"certified", was},
              {"new", now},
              {"text", str(entry, "text")},
              {"ref", str(entry, "ref")},
              {"level", str(entry, "level")}};
    const auto failure = first_failure(fresh, id);
    std::string reason = str(entry, "reason");
    if (reason.empty() && failure) reason = failure->value("explanation", "");
    if (!reason.empty()) r["reason"] = reason;
    if (failure) {
        json evidence = {{"testcase", (*failure)["testcase"]}};
        if (failure->contains("exchange")) evidence["exchange"] = (*failure)["exchange"];
        r["evidence"] = evidence;
    }
    return r;
}

// The classes a certificate covers: its profile's mandatory classes and its target's claims.
std::set<std::string> covered_classes(const json& doc) {
    std::set<std::string> out;
    for (const auto& c : array_member(doc, "classes"))
        if (c.is_object() && c.value("mandatory", false) == true && !str(c, "id").empty())
            out.insert(str(c, "id"));
    if (doc.is_object() && doc.contains("target"))
        for (const auto& c : array_member(doc["target"], "claims"))
            if (c.is_string()) out.insert(c.get<std::string>());
    return out;
}

} // namespace

std::string report_field(const json& doc, std::initializer_list<const char*> path) {
    const json* at = &doc;
    for (const char* key : path) {
        if (!at->is_object() || !at->contains(key)) return "";
        at = &(*at)[key];
    }
    return at->is_string() ? at->get<std::string>() : at->is_null() ? "" : at->dump();
}

std::optional<run::verdict> verdict_named(std::string_view text) {
    for (run::verdict v : {run::verdict::pass, run::verdict::fail, run::verdict::inconclusive,
                           run::verdict::error, run::verdict::inapplicable, run::verdict::skipped})
        if (run::to_string(v) == text) return v;
    return std::nullopt;
}

requirement_change classify(std::optional<run::verdict> certified, std::optional<run::verdict> now,
                            bool covered) {
    if (now == run::verdict::skipped) return requirement_change::not_checked;
    if (covered && now != run::verdict::pass)
        return certified == now ? requirement_change::same : requirement_change::regressed;
    if (!now || *now == run::verdict::inapplicable) return requirement_change::not_checked;
    if (certified == now) return requirement_change::same;
    if (certified == run::verdict::pass) return requirement_change::regressed;
    if (*now == run::verdict::pass) return requirement_change::fixed;
    return requirement_change::changed;
}

json compare_reports(const json& o, const json& n) {
    json regressed = json::array(), fixed = json::array(), changed = json::array(),
         not_checked = json::array(), added = json::array(), drift = json::array();
    const auto before = requirements(o), after = requirements(n);
    const auto covered = covered_classes(o);
    for (const auto& [id, old_entry] : before) {
        const std::string was = str(*old_entry, "verdict");
        auto it = after.find(id);
        const std::string now = it == after.end() ? "" : str(*it->second, "verdict");
        const json change = {{"id", id}, {"certified", was}, {"new", now.empty() ? "absent" : now}};
        switch (classify(verdict_named(was), it == after.end() ? std::nullopt : verdict_named(now),
                         covered.count(str(*old_entry, "class")) > 0)) {
        case requirement_change::same:
            break;
        case requirement_change::not_checked:
            not_checked.push_back(change);
            break;
        case requirement_change::regressed:
            if (it == after.end()) {
                json r = regression(id, was, "absent", *old_entry, n);
                r["reason"] = "the new report has no such requirement (renamed or dropped)";
                regressed.push_back(std::move(r));
            } else {
                regressed.push_back(regression(id, was, now, *it->second, n));
            }
            break;
        case requirement_change::fixed:
            fixed.push_back(change);
            break;
        case requirement_change::changed:
            changed.push_back(change);
            break;
        }
    }
    for (const auto& [id, entry] : after)
        if (!before.count(id)) added.push_back({{"id", id}, {"new", str(*entry, "verdict")}});
    auto compare = [&](const std::string& what, std::initializer_list<const char*> path) {
        const std::string from = report_field(o, path), to = report_field(n, path);
        if (from != to) drift.push_back({{"what", what}, {"certified", from}, {"new", to}});
    };
    compare("profile version", {"profile", "version"});
    compare("profile digest", {"profile", "digest"});
    compare("product", {"target", "product"});
    compare("product version", {"target", "product_version"});
    compare("Server header", {"target", "server"});
    compare("TLS certificate (SHA-256)", {"target", "tls", "certificate_sha256"});
    compare("resolved address", {"target", "remote_address"}); // with its port
    return {{"profile", report_field(o, {"profile", "id"})},
            {"regressed", regressed},
            {"fixed", fixed},
            {"changed", changed},
            {"not_checked", not_checked},
            {"new_requirements", added},
            {"drift", drift},
            {"outcome", regressed.empty() ? "no regression" : "regressed"}};
}

} // namespace konform::report
