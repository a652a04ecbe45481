// The web pages: server-rendered HTML from Mustache templates that escape every value,
// in Danish or English as the browser asks, usable without JavaScript.
#include "service_impl.hpp"
#include "text_list.hpp"

#include "konform/util/jcs.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <ctime>
#include <kainjow/mustache.hpp>

namespace konform::service {

using detail::refusal;
using nlohmann::json;
namespace mustache = kainjow::mustache;

namespace detail {
std::string_view asset(std::string_view name); // built in from harness/service/assets/
}

namespace {

// JSON into Mustache's data. Beside each non-empty list `x` it sets `has_x`, for the
// templates' "if any" sections.
mustache::data data_of(const json& j) {
    switch (j.type()) {
    case json::value_t::object: {
        mustache::data d(mustache::data::type::object);
        for (const auto& [k, v] : j.items()) {
            d.set(k, data_of(v));
            if (v.is_array() && !v.empty()) d.set("has_" + k, mustache::data::type::bool_true);
        }
        return d;
    }
    case json::value_t::array: {
        mustache::data d(mustache::data::type::list);
        for (const auto& v : j)
            d.push_back(data_of(v));
        return d;
    }
    case json::value_t::string:
        return mustache::data(j.get<std::string>());
    case json::value_t::boolean:
        return j.get<bool>() ? mustache::data(mustache::data::type::bool_true)
                             : mustache::data(mustache::data::type::bool_false);
    case json::value_t::null:
        return mustache::data(mustache::data::type::bool_false);
    default:
        return mustache::data(j.dump());
    }
}

std::string render(std::string_view name, const json& context) {
    mustache::mustache tmpl{std::string(detail::asset(std::string(name) + ".mustache"))};
    if (!tmpl.is_valid()) throw std::runtime_error(std::string(name) + ": " + tmpl.error_message());
    return tmpl.render(data_of(context));
}

std::string time_text(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%d %H:%M UTC", &tm);
    return out;
}

// The language the browser asks for first among Danish and English (English otherwise);
// ?lang= chooses.
std::string language_of(const web_request& req) {
    const std::string forced = req.query_value("lang");
    if (forced == "da" || forced == "en") return forced;
    for (std::string tag : detail::split_trimmed(req.header("accept-language"), ',')) {
        tag = tag.substr(0, tag.find_first_of(";-_ "));
        for (auto& c : tag)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (tag == "da" || tag == "en") return tag;
    }
    return "en";
}

bool is_hex(const std::string& s, std::size_t n) {
    if (s.size() != n) return false;
    for (char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

// The fields of an application/x-www-form-urlencoded body.
std::map<std::string, std::string> form_of(const web_request& req) {
    std::map<std::string, std::string> out;
    auto q = boost::urls::parse_query(req.body);
    if (!q) throw refusal(400, "the form is not application/x-www-form-urlencoded");
    boost::urls::encoding_opts plus_is_space;
    plus_is_space.space_as_plus = true;
    for (auto p : *q)
        out[p.key.decode(plus_is_space)] = p.value.decode(plus_is_space);
    return out;
}

// The first part named `name` of a multipart/form-data body, and the csrf field.
std::map<std::string, std::string> multipart_of(const web_request& req) {
    std::map<std::string, std::string> out;
    const std::string type = req.header("content-type");
    const auto b = type.find("boundary=");
    if (type.rfind("multipart/form-data", 0) != 0 || b == std::string::npos)
        throw refusal(400, "the form is not multipart/form-data");
    std::string boundary = type.substr(b + 9);
    if (!boundary.empty() && boundary.front() == '"')
        boundary = boundary.substr(1, boundary.find('"', 1) - 1);
    const std::string delim = "--" + boundary;
    std::size_t at = req.body.find(delim);
    while (at != std::string::npos) {
        at += delim.size();
        if (req.body.compare(at, 2, "--") == 0) break;
        const std::size_t head_end = req.body.find("\r\n\r\n", at);
        if (head_end == std::string::npos) break;
        const std::string head = req.body.substr(at, head_end - at);
        const std::size_t next = req.body.find("\r\n" + delim, head_end + 4);
        if (next == std::string::npos) break;
        const auto n = head.find("name=\"");
        if (n != std::string::npos) {
            const std::string name = head.substr(n + 6, head.find('"', n + 6) - n - 6);
            out.emplace(name, req.body.substr(head_end + 4, next - head_end - 4));
        }
        at = next + 2;
    }
    return out;
}

// The secrets of a form's "secrets" field: one NAME=value a line.
json secrets_of_form(const std::map<std::string, std::string>& form) {
    json secrets = json::object();
    if (!form.count("secrets")) return secrets;
    const std::string& text = form.at("secrets");
    for (std::size_t a = 0; a < text.size();) {
        std::size_t e = text.find('\n', a);
        if (e == std::string::npos) e = text.size();
        std::string line = text.substr(a, e - a);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto eq = line.find('=');
        if (eq != std::string::npos && eq > 0) secrets[line.substr(0, eq)] = line.substr(eq + 1);
        a = e + 1;
    }
    return secrets;
}

web_response redirect(const std::string& to) {
    web_response r;
    r.status = 303;
    r.headers = {{"Location", to}};
    return r;
}

// At most `most` bytes of `s`, cut at a character boundary (never inside a UTF-8 sequence).
std::string clip(const std::string& s, std::size_t most) {
    if (s.size() <= most) return s;
    std::size_t end = most;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
        --end;
    return s.substr(0, end) + "…";
}

// The story of each test case that did not pass, from report.json: its steps that did not
// pass and their failed assertions, each text clipped (a hostile system's answers can be
// of any size).
json failures_of(const std::string& report_text) {
    json out = json::array();
    json doc = json::parse(report_text, nullptr, false);
    if (!doc.is_object() || !doc.contains("testcases")) return out;
    for (const auto& tc : doc["testcases"]) {
        const std::string v = tc.value("verdict", "");
        if (v == "pass" || v == "inapplicable" || v == "skipped") continue;
        if (out.size() >= 50) break;
        json story = {{"id", tc.value("id", "")},
                      {"title", clip(tc.value("title", ""), 300)},
                      {"verdict", v},
                      {"reason", clip(tc.value("reason", ""), 1000)}};
        json steps = json::array();
        for (const auto& s : tc.value("steps", json::array())) {
            if (s.value("verdict", "pass") == "pass" || steps.size() >= 20) continue;
            json step = {{"name", clip(s.value("name", ""), 300)},
                         {"verdict", s.value("verdict", "")},
                         {"message", clip(s.value("message", ""), 1000)}};
            if (s.contains("request"))
                step["request"] = {{"method", s["request"].value("method", "")},
                                   {"url", clip(s["request"].value("url", ""), 500)}};
            if (s.contains("response") && s["response"].contains("status"))
                step["response"] = {{"status", s["response"]["status"].dump()}};
            json assertions = json::array();
            for (const auto& a : s.value("assertions", json::array())) {
                if (a.value("verdict", "pass") == "pass" || assertions.size() >= 20) continue;
                assertions.push_back({{"verdict", a.value("verdict", "")},
                                      {"expected", clip(a.value("expected", ""), 500)},
                                      {"actual", clip(a.value("actual", ""), 500)},
                                      {"explanation", clip(a.value("explanation", ""), 500)},
                                      {"proves", a.value("proves", json::array())}});
            }
            step["assertions"] = assertions;
            steps.push_back(step);
        }
        story["steps"] = steps;
        out.push_back(story);
    }
    return out;
}

} // namespace

web_response service::impl::page(const web_request& req, const detail::caller& who) {
    const std::string lang = language_of(req);
    const json texts = json::parse(detail::asset("texts.json"))[lang];
    // Every form carries a token: the session's, or for a visitor an anonymous one that a
    // SameSite=Strict cookie holds too.
    std::vector<std::pair<std::string, std::string>> set_cookies;
    std::string csrf;
    if (who.session) {
        csrf = who.session->csrf;
    } else {
        csrf = req.cookie("konform_csrf");
        if (!is_hex(csrf, 32)) {
            csrf = random_hex(16);
            set_cookies.emplace_back("Set-Cookie", "konform_csrf=" + csrf +
                                                       "; Path=/; HttpOnly; SameSite=Strict" +
                                                       (opt.secure_cookies ? "; Secure" : ""));
        }
    }
    auto show = [&](int status, const std::string& name, const std::string& title,
                    json ctx) -> web_response {
        ctx["t"] = texts;
        ctx["lang"] = lang;
        ctx["csrf"] = csrf;
        json page = {{"t", texts}, {"lang", lang}, {"page_title", title}};
        if (who.org)
            page["user"] = {
                {"name", who.org->name}, {"role", to_string(who.org->r)}, {"csrf", csrf}};
        page["content"] = render(name, ctx);
        web_response r = web_response::html(status, render("layout", page));
        r.headers.emplace_back("Content-Security-Policy",
                               "default-src 'none'; style-src 'self'; script-src 'self'; "
                               "connect-src 'self'; form-action 'self'; frame-ancestors 'none'");
        r.headers.emplace_back("Cache-Control", "no-store");
        for (const auto& c : set_cookies)
            r.headers.push_back(c);
        return r;
    };
    auto check_csrf = [&](const std::map<std::string, std::string>& form) {
        auto it = form.find("csrf");
        if (it == form.end() || it->second != csrf || csrf.empty())
            throw refusal(403, "the form's token does not match: reload the page and try again");
    };
    auto need_login = [&]() {
        if (!who.org) throw refusal(401, "");
    };
    const std::vector<std::string> seg = detail::split_trimmed(req.path, '/');
    const bool post = req.method == "POST";
    if (req.method != "GET" && req.method != "HEAD" && !post)
        return web_response::text(405, "method not allowed\n", "text/plain; charset=utf-8");

    try {
        if (seg.empty()) return show(200, "home", texts["title"], json::object());
        const std::string& top = seg[0];
        if (top == "static" && seg.size() == 2 && (seg[1] == "style.css" || seg[1] == "live.js")) {
            web_response r =
                web_response::text(200, std::string(detail::asset(seg[1])),
                                   seg[1] == "style.css" ? "text/css; charset=utf-8"
                                                         : "text/javascript; charset=utf-8");
            r.headers.emplace_back("Cache-Control", "max-age=3600");
            return r;
        }
        if (top == "login" && seg.size() == 1) {
            if (!post) return show(200, "login", texts["login_title"], json::object());
            const auto form = form_of(req);
            check_csrf(form);
            auto it = form.find("token");
            const auto org = it == form.end() ? std::nullopt : st.authenticate(it->second);
            if (!org) return show(401, "login", texts["login_title"], {{"failed", true}});
            const std::string cookie = st.open_session(*org, std::chrono::hours(8));
            st.audit(org->name, "session.open", org->id);
            web_response r = redirect(org->r == role::municipality ? "/registry" : "/systems");
            r.headers.emplace_back("Set-Cookie", "konform_session=" + cookie +
                                                     "; Path=/; HttpOnly; SameSite=Strict; "
                                                     "Max-Age=28800" +
                                                     (opt.secure_cookies ? "; Secure" : ""));
            return r;
        }
        if (top == "logout" && seg.size() == 1 && post) {
            check_csrf(form_of(req));
            st.close_session(req.cookie("konform_session"));
            web_response r = redirect("/");
            r.headers.emplace_back(
                "Set-Cookie", "konform_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                  std::string(opt.secure_cookies ? "; Secure" : ""));
            return r;
        }
        if (top == "registry") {
            if (seg.size() == 1) {
                json list = json::array();
                for (const auto& c :
                     st.certificates({req.query_value("vendor"), req.query_value("product"),
                                      req.query_value("profile")})) {
                    json j = certificate_json(c);
                    j["regressed"] = c.regressed.has_value();
                    j["issued_text"] = time_text(c.issued);
                    j["valid_until_text"] = time_text(c.valid_until);
                    list.push_back(j);
                }
                return show(200, "registry", texts["registry_title"],
                            {{"certificates", list},
                             {"q",
                              {{"vendor", req.query_value("vendor")},
                               {"product", req.query_value("product")},
                               {"profile", req.query_value("profile")}}}});
            }
            auto c = st.find_certificate(seg[1]);
            if (!c || seg.size() > 3) throw refusal(404, "no such certificate");
            json ctx;
            // KL's status changes, schedules and subscriptions: forms of signed-in users.
            if (seg.size() == 3) {
                if (!post) throw refusal(405, "use the form");
                need_login();
                const auto form = form_of(req);
                check_csrf(form);
                try {
                    if (seg[2] == "status") {
                        json body = {{"event", form.count("event") ? form.at("event") : ""}};
                        if (form.count("reason") && !form.at("reason").empty())
                            body["reason"] = form.at("reason");
                        status_request(who, c->id, body);
                    } else if (seg[2] == "schedule") {
                        web_request as_api = req;
                        if (form.count("stop")) {
                            as_api.method = "DELETE";
                        } else {
                            as_api.method = "PUT";
                            long every = 0;
                            try {
                                every = std::stol(
                                    form.count("every_seconds") ? form.at("every_seconds") : "");
                            } catch (const std::exception&) {
                                throw refusal(422, "every_seconds: a whole number");
                            }
                            as_api.body =
                                json{{"every_seconds", every}, {"secrets", secrets_of_form(form)}}
                                    .dump();
                        }
                        schedule_request(who, c->id, as_api);
                    } else if (seg[2] == "reverify") {
                        reverify_now(who, c->id);
                    } else if (seg[2] == "subscribe") {
                        const json sub =
                            subscribe(who, {{"system", c->system},
                                            {"url", form.count("url") ? form.at("url") : ""}});
                        ctx["subscribed"] = sub;
                    } else {
                        throw refusal(404, "no such form");
                    }
                    if (!ctx.contains("subscribed")) return redirect("/registry/" + c->id);
                } catch (const refusal& x) {
                    if (x.status != 409 && x.status != 422 && x.status != 403) throw;
                    ctx["problem"] = x.what();
                }
                c = st.find_certificate(c->id);
            }
            json j = life_json(*c);
            j["issued_text"] = time_text(c->issued);
            j["valid_until_text"] = time_text(c->valid_until);
            for (auto& h : j["history"])
                h["at_text"] = time_text(h["at"].get<std::int64_t>());
            for (auto& v : j["reverifications"])
                if (v.contains("judged")) v["judged_text"] = time_text(v["judged"]);
            if (j["regressed_since_certification"].is_object())
                j["regressed_since_certification"]["at_text"] =
                    time_text(j["regressed_since_certification"]["at"].get<std::int64_t>());
            if (j.contains("schedule"))
                j["schedule"]["next_text"] = time_text(j["schedule"]["next_at"]);
            ctx["c"] = j;
            ctx["active"] = c->status == "active";
            ctx["is_kl"] = who.is(role::kl);
            ctx["can_schedule"] = c->status == "active" &&
                                  (who.is(role::kl) || (who.org && who.org->id == c->organisation));
            ctx["can_subscribe"] = who.org.has_value();
            ctx["log"] = log.has_value();
            if (log) {
                std::lock_guard lock(log_mutex);
                ctx["log_key"] = log->verifier();
            }
            ctx["base"] = opt.public_url;
            return show(ctx.contains("problem") ? 409 : 200, "certificate", texts["certificate"],
                        ctx);
        }
        if (top == "verify" && seg.size() == 1) {
            if (!post) return show(200, "verify", texts["verify_title"], json::object());
            const auto form = multipart_of(req);
            check_csrf(form);
            auto it = form.find("report");
            const detail::verify_answer v = verify(it == form.end() ? "" : it->second);
            json answer = {{"authentic", v.authentic},
                           {"anchored", v.anchored},
                           {"key_id", v.key_id},
                           {"signer", v.signer},
                           {"reason", v.reason}};
            if (v.registered) answer["registry"] = certificate_json(*v.registered);
            return show(200, "verify", texts["verify_title"], {{"answer", answer}});
        }
        if (top == "profiles") {
            if (seg.size() == 1) {
                json list = json::array();
                for (const auto& p : st.profiles())
                    list.push_back({{"id", p.id},
                                    {"version", p.version},
                                    {"title", p.title},
                                    {"digest", p.digest}});
                return show(200, "profiles", texts["profiles_title"], {{"profiles", list}});
            }
            if (seg.size() != 3) throw refusal(404, "no such profile");
            auto rec = st.find_profile(seg[1], seg[2]);
            if (!rec) throw refusal(404, "no such profile version");
            const auto prof = profile(*rec);
            json p = {{"id", rec->id},
                      {"version", rec->version},
                      {"title", rec->title},
                      {"digest", rec->digest}};
            for (const auto& r : prof->requirements)
                p["requirements"].push_back({{"id", r.id},
                                             {"level", std::string(model::to_string(r.lvl))},
                                             {"text", r.text},
                                             {"ref", r.ref}});
            for (const auto& c : prof->classes)
                p["classes"].push_back(
                    {{"id", c.id}, {"title", c.title}, {"mandatory", c.mandatory}});
            p["certificates"] = json::array();
            for (const auto& c : st.certificates({"", "", rec->id}))
                if (c.profile_version == rec->version)
                    p["certificates"].push_back(certificate_json(c));
            return show(200, "profile", rec->title, {{"p", p}});
        }
        if (top == "systems") {
            need_login();
            if (seg.size() == 1) {
                json ctx = {{"can_register", who.is(role::vendor) || who.is(role::kl)}};
                if (post) {
                    const auto form = form_of(req);
                    check_csrf(form);
                    json body = {{"product", form.count("product") ? form.at("product") : ""},
                                 {"version", form.count("version") ? form.at("version") : ""}};
                    const std::string target = form.count("target") ? form.at("target") : "";
                    body["target"] = json::parse(target, nullptr, false);
                    try {
                        if (body["target"].is_discarded()) throw refusal(422, "target: not JSON");
                        const system_record s = register_system(who, body);
                        return redirect("/systems/" + s.id);
                    } catch (const refusal& r) {
                        if (r.status != 422) throw;
                        ctx["problem"] = r.what();
                        ctx["form"] = {{"product", body["product"]},
                                       {"version", body["version"]},
                                       {"target", target}};
                    }
                }
                json list = json::array();
                for (const auto& s : st.systems(who.is(role::kl) ? "" : who.org->id))
                    list.push_back({{"id", s.id}, {"product", s.product}, {"version", s.version}});
                ctx["systems"] = list;
                return show(post ? 422 : 200, "systems", texts["systems_title"], ctx);
            }
            const system_record s = visible_system(who, seg[1]);
            json ctx = {{"system", {{"id", s.id}, {"product", s.product}, {"version", s.version}}},
                        {"is_kl", who.is(role::kl)}};
            if (seg.size() == 3 && seg[2] == "runs" && post) {
                const auto form = form_of(req);
                check_csrf(form);
                json body = json::object();
                const std::string choice = form.count("profile") ? form.at("profile") : "";
                const auto at = choice.find('@');
                body["profile"] = choice.substr(0, at);
                if (at != std::string::npos) body["version"] = choice.substr(at + 1);
                json only = json::array();
                if (form.count("only"))
                    for (const auto& id : detail::split_trimmed(form.at("only"), ','))
                        only.push_back(id);
                body["only"] = only;
                if (form.count("kind")) body["kind"] = form.at("kind");
                body["secrets"] = secrets_of_form(form);
                try {
                    const run_record r = submit_run(who, s.id, body);
                    return redirect("/runs/" + r.id);
                } catch (const refusal& r) {
                    if (r.status != 422) throw;
                    ctx["problem"] = r.what();
                }
            } else if (seg.size() != 2) {
                throw refusal(404, "no such page");
            }
            json runs = json::array();
            for (const auto& r : st.runs("", s.id, 50))
                runs.push_back({{"id", r.id},
                                {"profile", r.profile},
                                {"version", r.profile_version},
                                {"kind", r.kind},
                                {"state", r.state},
                                {"verdict", r.verdict.value_or("")}});
            ctx["runs"] = runs;
            json profiles = json::array();
            for (const auto& p : st.profiles())
                profiles.push_back({{"id", p.id}, {"version", p.version}, {"title", p.title}});
            ctx["profiles"] = profiles;
            return show(ctx.contains("problem") ? 422 : 200, "system", s.product, ctx);
        }
        if (top == "runs" && seg.size() >= 2) {
            need_login();
            const run_record r = visible_run(who, seg[1]);
            json ctx;
            if (seg.size() == 3 && seg[2] == "certify" && post) {
                const auto form = form_of(req);
                check_csrf(form);
                int days = 365;
                try {
                    days = std::stoi(form.count("valid_days") ? form.at("valid_days") : "365");
                } catch (const std::exception&) {
                    days = 0;
                }
                try {
                    if (days < 1 || days > 3660)
                        throw refusal(422, "valid_days: a whole number from 1 to 3660");
                    certify(who, r.id, std::chrono::hours(24 * days));
                    return redirect("/runs/" + r.id);
                } catch (const refusal& x) {
                    if (x.status != 409 && x.status != 422 && x.status != 503) throw;
                    ctx["problem"] = x.what();
                }
            } else if (seg.size() != 2) {
                throw refusal(404, "no such page");
            }
            json run = run_json(r);
            for (auto& h : run["history"])
                h["at_text"] = time_text(h["at"].get<std::int64_t>());
            const auto sys = st.find_system(r.system);
            ctx["run"] = run;
            ctx["system"] = {{"product", sys ? sys->product : ""},
                             {"version", sys ? sys->version : ""}};
            ctx["files"] = run["files"];
            ctx["live"] = r.state == "queued" || r.state == "running";
            ctx["finished"] = r.state == "done" && r.verdict != "error";
            if (r.state == "done") {
                if (auto problems = st.artefact(r.id, "problems.txt")) ctx["problems"] = *problems;
                if (auto report = st.artefact(r.id, "report.json"))
                    ctx["failures"] = failures_of(*report);
            }
            if (run.contains("certificate")) ctx["certificate"] = run["certificate"];
            ctx["can_certify"] = who.is(role::kl) && r.state == "done" &&
                                 r.verdict == "conformant" && !run.contains("certificate");
            return show(ctx.contains("problem") ? 409 : 200, "run", texts["run_title"], ctx);
        }
        throw refusal(404, "no such page");
    } catch (const refusal& r) {
        if (r.status == 401) return redirect("/login");
        return show(r.status, "error", texts["error_title"], {{"message", r.what()}});
    }
}

} // namespace konform::service
