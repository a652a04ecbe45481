#include "konform/report/json_report.hpp"

#include "konform/util/text.hpp"
#include "konform/version.hpp"

#include <ctime>

namespace konform::report {

using nlohmann::json;

namespace {

json counts(const std::map<run::verdict, int>& m) {
    json out = json::object();
    for (auto v : {run::verdict::pass, run::verdict::fail, run::verdict::inconclusive,
                   run::verdict::error, run::verdict::inapplicable, run::verdict::skipped})
        out[std::string(run::to_string(v))] = m.count(v) ? m.at(v) : 0;
    return out;
}

json tls_json(const http::tls_facts& t) {
    return {{"protocol", t.protocol},
            {"cipher", t.cipher},
            {"certificate_sha256", t.peer_sha256},
            {"subject", t.peer_subject},
            {"issuer", t.peer_issuer},
            {"not_after", t.peer_not_after},
            {"verified", t.verified}};
}

json step_json(const run::step_result& s, const run::run_result& r) {
    json j = {{"pointer", s.pointer}, {"verdict", run::to_string(s.v)}};
    if (!s.name.empty()) j["name"] = s.name;
    if (s.iteration >= 0) j["iteration"] = s.iteration;
    if (s.cleanup) j["cleanup"] = true;
    if (!s.message.empty()) j["message"] = s.message;
    if (s.exchange != run::no_exchange) {
        const auto& rx = r.exchanges[s.exchange];
        j["exchange"] = s.exchange;
        j["request"] = {{"method", rx.x.req.method}, {"url", rx.x.req.url}};
        if (rx.x.resp) j["response"] = {{"status", rx.x.resp->status}};
        j["duration_ms"] = rx.x.time.total;
    }
    json asserts = json::array();
    for (const auto& a : s.assertions) {
        json aj = {{"pointer", a.pointer},   {"subject", a.subject},
                   {"proves", a.proves},     {"verdict", run::to_string(a.v)},
                   {"expected", a.expected}, {"actual", a.actual}};
        if (!a.description.empty()) aj["description"] = a.description;
        if (!a.explanation.empty()) aj["explanation"] = a.explanation;
        if (a.exchange != run::no_exchange) {
            aj["exchange"] = a.exchange;
            if (a.v == run::verdict::fail || a.v == run::verdict::error)
                aj["curl"] = r.exchanges[a.exchange].curl;
        }
        asserts.push_back(std::move(aj));
    }
    j["assertions"] = std::move(asserts);
    return j;
}

} // namespace

json to_json(const run::run_result& r) {
    const auto& p = *r.prof;
    const auto& t = *r.tgt;
    json files = json::array();
    for (const auto& f : p.files)
        files.push_back({{"path", f.path}, {"sha256", f.sha256}});
    json target = {{"url", t.base_url},
                   {"product", t.product},
                   {"product_version", t.product_version},
                   {"vendor", t.vendor},
                   {"claims", t.claims},
                   {"remote_address", r.binding.remote_address},
                   {"server", r.binding.server_header}};
    if (r.binding.tls) target["tls"] = tls_json(*r.binding.tls);

    json classes = json::array();
    for (const auto& c : r.classes)
        classes.push_back({{"id", c.cls->id},
                           {"title", c.cls->title},
                           {"mandatory", c.cls->mandatory},
                           {"applicable", c.applicable},
                           {"verdict", run::to_string(c.v)}});
    json reqs = json::array();
    for (const auto& rr : r.requirements) {
        json j = {{"id", rr.req->id},
                  {"level", model::to_string(rr.req->lvl)},
                  {"class", rr.req->cls},
                  {"text", rr.req->text},
                  {"verdict", run::to_string(rr.v)},
                  {"testcases", rr.testcases}};
        if (!rr.req->ref.empty()) j["ref"] = rr.req->ref;
        if (!rr.reason.empty()) j["reason"] = rr.reason;
        reqs.push_back(std::move(j));
    }
    json tcs = json::array();
    for (const auto& tc : r.testcases) {
        json j = {{"id", tc.id},
                  {"title", tc.title},
                  {"class", tc.cls},
                  {"file", tc.file},
                  {"verifies", tc.verifies},
                  {"verdict", run::to_string(tc.v)},
                  {"duration_ms", tc.duration_ms}};
        if (!tc.reason.empty()) j["reason"] = tc.reason;
        json steps = json::array();
        for (const auto& s : tc.steps)
            steps.push_back(step_json(s, r));
        j["steps"] = std::move(steps);
        tcs.push_back(std::move(j));
    }
    json doc = {
        {"konform", {{"version", konform::version}}},
        {"profile",
         {{"id", p.id},
          {"version", p.version},
          {"title", p.title},
          {"digest", p.digest},
          {"files", files}}},
        {"target", target},
        {"started", util::iso8601(r.started)},
        {"finished", util::iso8601(r.finished)},
        {"verdict", run::to_string(r.overall)},
        {"summary",
         {{"testcases", counts(r.testcase_counts)},
          {"requirements", counts(r.requirement_counts)},
          {"exchanges", r.exchanges.size()}}},
        {"classes", classes},
        {"requirements", reqs},
        {"testcases", tcs},
    };
    if (!r.incomplete_reason.empty() && r.overall == run::run_verdict::incomplete)
        doc["verdict_reason"] = r.incomplete_reason;
    return doc;
}

} // namespace konform::report
