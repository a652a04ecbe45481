// The HTTP API under /api/v1/: what the web pages do, for vendors' CI and KL's tools.
#include "service_impl.hpp"
#include "text_list.hpp"

#include "konform/util/jcs.hpp"

namespace konform::service {

using detail::refusal;
using nlohmann::json;

namespace detail {
std::string_view asset(std::string_view name); // built in from harness/service/assets/
web_response feed_answer(const std::vector<feed_event>& events, const std::string& title,
                         const std::string& base, const std::string& self, bool atom);
} // namespace detail

namespace {

json body_of(const web_request& req) {
    json j = json::parse(req.body, nullptr, false);
    if (j.is_discarded()) throw refusal(400, "the body is not JSON");
    return j;
}

web_response json_answer(int status, const json& j) {
    return web_response::json(status, j.dump());
}

const char* type_of(const std::string& name) {
    auto ends = [&](const char* s) {
        const std::string suffix(s);
        return name.size() >= suffix.size() &&
               name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends(".json") || ends(".har")) return "application/json; charset=utf-8";
    if (ends(".html")) return "text/html; charset=utf-8";
    if (ends(".xml")) return "application/xml; charset=utf-8";
    return "text/plain; charset=utf-8";
}

// A file of a run or certificate. A report page holds what the system under test sent:
// it may run no script and load nothing.
web_response file_answer(const std::string& name, std::string bytes) {
    web_response r = web_response::text(200, std::move(bytes), type_of(name));
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    if (name.find(".html") == std::string::npos)
        r.headers.emplace_back("Content-Disposition", "attachment");
    return r;
}

void need_method(const web_request& req, const char* method) {
    if (req.method != method) throw refusal(405, "use " + std::string(method) + " here");
}

} // namespace

web_response service::impl::api(const web_request& req, const detail::caller& who) {
    const auto seg = detail::split_trimmed(req.path, '/');
    if (seg.size() < 3 || seg[0] != "api" || seg[1] != "v1") throw refusal(404, "no such API");
    const std::string& what = seg[2];
    const std::size_t n = seg.size();

    if (what == "openapi.json" && n == 3)
        return web_response::json(200, std::string(detail::asset("openapi.json")));

    if (what == "profiles") {
        json list = json::array();
        for (const auto& p : st.profiles()) {
            if (n >= 4 && p.id != seg[3]) continue;
            if (n >= 5 && p.version != seg[4]) continue;
            json j = {
                {"id", p.id}, {"version", p.version}, {"title", p.title}, {"digest", p.digest}};
            if (n == 5) {
                const auto prof = profile(p);
                json reqs = json::array();
                for (const auto& r : prof->requirements)
                    reqs.push_back({{"id", r.id},
                                    {"class", r.cls},
                                    {"level", std::string(model::to_string(r.lvl))},
                                    {"text", r.text},
                                    {"ref", r.ref}});
                json classes = json::array();
                for (const auto& c : prof->classes)
                    classes.push_back(
                        {{"id", c.id}, {"title", c.title}, {"mandatory", c.mandatory}});
                j["requirements"] = reqs;
                j["classes"] = classes;
                json certs = json::array();
                for (const auto& c : st.certificates({"", "", p.id}))
                    if (c.profile_version == p.version) certs.push_back(certificate_json(c));
                j["certificates"] = certs;
                return json_answer(200, j);
            }
            list.push_back(j);
        }
        if (n >= 5) throw refusal(404, "no such profile version");
        return json_answer(200, list);
    }

    if (what == "certificates") {
        if (n == 3) {
            json list = json::array();
            for (const auto& c :
                 st.certificates({req.query_value("vendor"), req.query_value("product"),
                                  req.query_value("profile")}))
                list.push_back(certificate_json(c));
            return json_answer(200, list);
        }
        auto c = st.find_certificate(seg[3]);
        if (!c) throw refusal(404, "no such certificate");
        if (n == 4) return json_answer(200, life_json(*c));
        if (n == 5 && (seg[4] == "status" || seg[4] == "schedule" || seg[4] == "reverify")) {
            if (!who.org) throw refusal(401, "an API token is needed here");
            if (who.session && req.method != "GET")
                throw refusal(403, "a change through the API takes a bearer token");
            if (seg[4] == "status") {
                need_method(req, "POST");
                return json_answer(200, life_json(status_request(who, c->id, body_of(req))));
            }
            if (seg[4] == "schedule") {
                if (req.method == "GET") return json_answer(200, life_json(*c));
                return json_answer(200, schedule_request(who, c->id, req));
            }
            need_method(req, "POST");
            const run_record r = reverify_now(who, c->id);
            web_response res = json_answer(202, {{"id", r.id}, {"state", r.state}});
            res.headers.emplace_back("Location", "/api/v1/runs/" + r.id);
            return res;
        }
        if (n == 5 && seg[4] == "report.json")
            return file_answer("report.json", *st.certificate_report(c->id));
        if (n == 5 && (seg[4] == "report.html" || seg[4] == "evidence.har")) {
            auto html = st.artefact(c->run, seg[4] == "report.html" ? "certificate/report.html"
                                                                    : "evidence.har");
            if (!html) throw refusal(404, "no such file");
            return file_answer(seg[4], *html);
        }
        throw refusal(404, "no such file");
    }

    if (what == "verify" && n == 3) {
        need_method(req, "POST");
        const detail::verify_answer v = verify(req.body);
        json j = {{"authentic", v.authentic},
                  {"anchored", v.anchored},
                  {"key_id", v.key_id},
                  {"signer", v.signer}};
        if (!v.reason.empty()) j["reason"] = v.reason;
        j["registry"] = v.registered ? certificate_json(*v.registered) : json(nullptr);
        return json_answer(200, j);
    }

    // The feeds: /feeds/all, /feeds/systems/ID, /feeds/profiles/ID, each .atom or .json.
    if (what == "feeds" && (n == 4 || n == 5)) {
        std::string last = seg[n - 1];
        const bool atom = last.size() > 5 && last.ends_with(".atom");
        const bool json_feed = last.size() > 5 && last.ends_with(".json");
        if (!atom && !json_feed) throw refusal(404, "a feed ends in .atom or .json");
        last.erase(last.rfind('.'));
        std::string system, profile, title = "konform: every certified system";
        if (n == 4 && last != "all") throw refusal(404, "no such feed");
        if (n == 5 && seg[3] == "systems") {
            system = last;
            title = "konform: system " + last;
        } else if (n == 5 && seg[3] == "profiles") {
            profile = last;
            title = "konform: standard " + last;
        } else if (n == 5) {
            throw refusal(404, "no such feed");
        }
        return detail::feed_answer(st.feed(system, profile, 100), title, opt.public_url, req.path,
                                   atom);
    }

    if (what == "log" && n == 3) {
        if (!log) throw refusal(404, "this service keeps no transparency log");
        std::lock_guard lock(log_mutex);
        return json_answer(200, {{"origin", log->origin()},
                                 {"verifier_key", log->verifier()},
                                 {"size", log->size()},
                                 {"checkpoint", "/log/checkpoint"},
                                 {"tiles", "/log/tile/"}});
    }

    if (!who.org) throw refusal(401, "an API token is needed here (Authorization: Bearer ...)");
    // A signed-in browser reads the API (live progress); changes take a token, so that no
    // other site can make a browser send one.
    if (who.session && req.method != "GET")
        throw refusal(403, "a change through the API takes a bearer token");

    if (what == "systems") {
        if (n == 3 && req.method == "POST") {
            const system_record s = register_system(who, body_of(req));
            return json_answer(201, {{"id", s.id}, {"product", s.product}, {"version", s.version}});
        }
        if (n == 3) {
            need_method(req, "GET");
            json list = json::array();
            for (const auto& s : st.systems(who.is(role::kl) ? "" : who.org->id))
                list.push_back({{"id", s.id}, {"product", s.product}, {"version", s.version}});
            return json_answer(200, list);
        }
        const system_record s = visible_system(who, seg[3]);
        if (n == 4) {
            need_method(req, "GET");
            return json_answer(200, {{"id", s.id},
                                     {"product", s.product},
                                     {"version", s.version},
                                     {"target", json::parse(s.target)}});
        }
        if (n == 5 && seg[4] == "runs") {
            if (req.method == "POST") {
                const run_record r = submit_run(who, s.id, body_of(req));
                web_response res = json_answer(202, {{"id", r.id}, {"state", r.state}});
                res.headers.emplace_back("Location", "/api/v1/runs/" + r.id);
                return res;
            }
            json list = json::array();
            for (const auto& r : st.runs("", s.id, 100))
                list.push_back(run_json(r));
            return json_answer(200, list);
        }
        throw refusal(404, "no such API");
    }

    if (what == "runs") {
        if (n == 3) {
            json list = json::array();
            for (const auto& r : st.runs(who.is(role::kl) ? "" : who.org->id, "", 100))
                list.push_back(run_json(r));
            return json_answer(200, list);
        }
        const run_record r = visible_run(who, seg[3]);
        if (n == 4) return json_answer(200, run_json(r));
        if (n == 5 && seg[4] == "events") return run_events(r);
        if (n == 5 && seg[4] == "certify") {
            need_method(req, "POST");
            std::chrono::milliseconds validity = opt.validity;
            if (!req.body.empty()) {
                const json b = body_of(req);
                if (b.contains("valid_days")) {
                    if (!b["valid_days"].is_number_integer() || b["valid_days"] < 1 ||
                        b["valid_days"] > 3660)
                        throw refusal(422, "valid_days: a whole number from 1 to 3660");
                    validity = std::chrono::hours(24 * b["valid_days"].get<int>());
                }
            }
            return json_answer(201, certificate_json(certify(who, r.id, validity)));
        }
        std::string name;
        for (std::size_t i = 4; i < n; ++i)
            name += (name.empty() ? "" : "/") + seg[i];
        auto bytes = st.artefact(r.id, name);
        if (!bytes) throw refusal(404, "no such file");
        return file_answer(name, std::move(*bytes));
    }

    if (what == "subscriptions") {
        if (n == 3 && req.method == "POST") {
            if (who.session) throw refusal(403, "a change through the API takes a bearer token");
            return json_answer(201, subscribe(who, body_of(req)));
        }
        if (n == 3) {
            json list = json::array();
            for (const auto& s : st.subscriptions(who.is(role::kl) ? "" : who.org->id))
                list.push_back(
                    {{"id", s.id}, {"system", s.system}, {"profile", s.profile}, {"url", s.url}});
            return json_answer(200, list);
        }
        const auto s = st.find_subscription(seg[3]);
        if (!s || (!who.is(role::kl) && s->organisation != who.org->id))
            throw refusal(404, "no such subscription");
        if (n == 4 && req.method == "DELETE") {
            if (who.session) throw refusal(403, "a change through the API takes a bearer token");
            st.remove_subscription(s->id);
            st.audit(who.name(), "subscription.remove", s->id);
            return json_answer(200, {{"removed", s->id}});
        }
        if (n == 5 && seg[4] == "deliveries") {
            json list = json::array();
            for (const auto& a : st.delivery_attempts(s->id, 200)) {
                json j = {
                    {"event", a.event}, {"attempt", a.attempt}, {"at", a.at}, {"detail", a.detail}};
                if (a.status) j["status"] = *a.status;
                list.push_back(j);
            }
            json state = json::array();
            for (const auto& d : st.deliveries(s->id, 200))
                state.push_back({{"event", d.event},
                                 {"state", d.state},
                                 {"attempts", d.attempts},
                                 {"next_at", d.next_at}});
            return json_answer(200, {{"deliveries", state}, {"attempts", list}});
        }
        throw refusal(404, "no such API");
    }

    if (what == "audit" && n == 3) {
        if (!who.is(role::kl)) throw refusal(403, "only KL reads the audit trail");
        json list = json::array();
        for (const auto& a : st.audit_trail(200))
            list.push_back({{"at", std::stoll(a[0])},
                            {"actor", a[1]},
                            {"action", a[2]},
                            {"subject", a[3]},
                            {"detail", a[4]}});
        return json_answer(200, list);
    }
    throw refusal(404, "no such API");
}

} // namespace konform::service
