// The service's front door: who is asking, how fast, and which part answers.
#include "service_impl.hpp"

#include "konform/model/target.hpp"
#include "konform/run/runner.hpp"
#include "konform/service/worker.hpp"
#include "konform/util/file.hpp"

#include <filesystem>
#include <regex>

namespace konform::service {

namespace fs = std::filesystem;
using detail::refusal;
using nlohmann::json;

namespace detail {

bool rate_limiter::allow(const std::string& peer) {
    if (rate_ <= 0) return true;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(m_);
    if (buckets_.size() > 100000) buckets_.clear(); // bounded, whatever the addresses
    auto [it, fresh] = buckets_.try_emplace(peer);
    bucket& b = it->second;
    const double burst = rate_ * 10;
    if (fresh) {
        b = {burst, now};
    } else {
        b.tokens =
            std::min(burst, b.tokens + rate_ * std::chrono::duration<double>(now - b.at).count());
        b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
}

} // namespace detail

namespace {

// The secret names ({"env": NAME}) and the secrets read from files ({"file": ...}) in a
// target, with where they are.
void secrets_in(const json& j, const std::string& where, std::vector<std::string>& env,
                std::vector<std::string>& files) {
    if (j.is_object()) {
        if (j.contains("env") && j["env"].is_string()) env.push_back(j["env"]);
        if (j.contains("file")) files.push_back(where);
        for (const auto& [k, v] : j.items())
            secrets_in(v, where + "/" + k, env, files);
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i)
            secrets_in(j[i], where + "/" + std::to_string(i), env, files);
    }
}

const char* const tls_files[] = {"ca_file", "client_cert", "client_key"};

std::string plain_text(const json& body, const std::string& name, std::size_t most) {
    if (!body.contains(name) || !body[name].is_string() || body[name].get<std::string>().empty())
        throw refusal(422, name + ": required, a non-empty string");
    std::string v = body[name];
    if (v.size() > most)
        throw refusal(422, name + ": at most " + std::to_string(most) + " characters");
    for (unsigned char c : v)
        if (c < 0x20 || c == 0x7f) throw refusal(422, name + ": holds a control character");
    return v;
}

std::vector<std::string> string_list(const json& body, const std::string& name) {
    if (!body.contains(name)) return {};
    const json& v = body[name];
    if (v.is_string()) return {v.get<std::string>()};
    if (!v.is_array()) throw refusal(422, name + ": a string or a list of strings");
    std::vector<std::string> out;
    for (const auto& e : v) {
        if (!e.is_string()) throw refusal(422, name + ": a string or a list of strings");
        out.push_back(e);
    }
    return out;
}

// The target as konform reads it, to check it before anything runs: loaded from a folder of
// its own where each TLS file it names stands as an empty file (the bytes come with each
// run). Problems are named "target/POINTER: ...", never by the service's folders.
model::target checked_target(const fs::path& data_dir, const json& target,
                             model::diagnostics& diag) {
    const fs::path dir = data_dir / "tmp" / ("target-" + random_hex(8));
    fs::create_directories(dir);
    struct remover {
        fs::path d;
        ~remover() {
            std::error_code ec;
            fs::remove_all(d, ec);
        }
    } cleanup{dir};
    if (target.contains("tls") && target["tls"].is_object())
        for (const char* key : tls_files)
            if (target["tls"].contains(key) && target["tls"][key].is_string())
                util::write_file_atomically(dir / fs::path(target["tls"][key].get<std::string>()),
                                            "");
    util::write_file_atomically(dir / "target.json", target.dump());
    return model::load_target(dir / "target.json", diag, model::secrets_read::never);
}

std::string problems_text(const model::diagnostics& diag) {
    std::string why;
    for (const auto& p : diag.problems())
        why += (why.empty() ? "" : "; ") + std::string("target") + p.where + ": " + p.message;
    return why;
}

} // namespace

service::service(store& st, const sealed_box& box, service_options opt)
    : impl_(std::make_unique<impl>(st, box, std::move(opt))) {
    impl_->open_log();
    if (impl_->opt.housekeeping.count() > 0)
        impl_->housekeeper = std::thread([this] {
            auto& i = *impl_;
            while (!i.stopping) {
                try {
                    tick();
                } catch (const std::exception& e) {
                    // A database that is away now may be back at the next round.
                    i.st.audit("konform", "housekeeping.error", "", e.what());
                } catch (...) {
                }
                for (auto waited = std::chrono::milliseconds(0);
                     waited < i.opt.housekeeping && !i.stopping;
                     waited += std::chrono::milliseconds(50))
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        });
}

service::~service() {
    impl_->stopping = true;
    if (impl_->housekeeper.joinable()) impl_->housekeeper.join();
}

std::vector<profile_record> service::publish_profiles(const fs::path& dir) {
    std::vector<profile_record> out;
    std::vector<fs::path> folders;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_directory() && fs::exists(e.path() / "profile.json")) folders.push_back(e.path());
    std::sort(folders.begin(), folders.end());
    for (const auto& folder : folders) {
        model::profile p = model::load_profile(folder);
        std::vector<std::pair<std::string, std::string>> files;
        for (const auto& f : p.files)
            files.emplace_back(f.path, util::read_file(p.dir / f.path));
        profile_record rec{p.id, p.version, p.digest, p.title, fs::absolute(p.dir).string()};
        impl_->st.publish_profile(rec, files);
        out.push_back(rec);
    }
    return out;
}

std::shared_ptr<const model::profile> service::impl::profile(const profile_record& p) {
    std::lock_guard lock(profiles_mutex);
    auto it = loaded.find(p.digest);
    if (it != loaded.end()) return it->second;
    model::profile prof = model::load_profile(p.folder);
    if (prof.digest != p.digest)
        throw refusal(500, "profile " + p.id + " " + p.version +
                               " changed on disk since it was published");
    auto held = std::make_shared<const model::profile>(std::move(prof));
    loaded[p.digest] = held;
    return held;
}

detail::caller service::impl::caller_of(const web_request& req) {
    detail::caller who;
    const std::string auth = req.header("authorization");
    if (auth.rfind("Bearer ", 0) == 0) {
        who.org = st.authenticate(auth.substr(7));
        if (!who.org) throw refusal(401, "the API token is not valid");
        return who;
    }
    const std::string cookie = req.cookie("konform_session");
    if (!cookie.empty()) {
        who.session = st.find_session(cookie);
        if (who.session) who.org = st.find_organisation(who.session->organisation);
        if (!who.org) who.session.reset();
    }
    return who;
}

system_record service::impl::register_system(const detail::caller& who, const json& body) {
    if (!who.is(role::vendor) && !who.is(role::kl))
        throw refusal(403, "only a vendor (or KL) registers systems");
    if (!body.is_object()) throw refusal(422, "the body must be a JSON object");
    const std::string product = plain_text(body, "product", 200);
    const std::string version = plain_text(body, "version", 100);
    if (!body.contains("target") || !body["target"].is_object())
        throw refusal(422, "target: required, the target file's JSON object");
    const json& target = body["target"];
    std::vector<std::string> env, from_files;
    secrets_in(target, "", env, from_files);
    if (!from_files.empty())
        throw refusal(422, "target" + from_files.front() +
                               ": a secret in the service is given with each run, by an "
                               "environment-variable name (\"env\"), never read from a file");
    if (target.contains("tls") && target["tls"].is_object())
        for (const char* key : tls_files)
            if (target["tls"].contains(key)) {
                const json& v = target["tls"][key];
                if (!v.is_string() ||
                    fs::path(v.get<std::string>()).filename() != v.get<std::string>())
                    throw refusal(422, std::string("target/tls/") + key +
                                           ": a bare file name, whose bytes each run supplies");
            }
    // The target must load as konform reads it.
    model::diagnostics diag;
    checked_target(opt.data_dir, target, diag);
    if (!diag.empty()) throw refusal(422, problems_text(diag));
    system_record s = st.add_system(who.org->id, product, version, target.dump());
    st.audit(who.name(), "system.register", s.id, product + " " + version);
    return s;
}

system_record service::impl::visible_system(const detail::caller& who, const std::string& id) {
    auto s = st.find_system(id);
    if (!s || !who.org || (who.org->r != role::kl && s->organisation != who.org->id))
        throw refusal(404, "no such system");
    return *s;
}

run_record service::impl::visible_run(const detail::caller& who, const std::string& id) {
    auto r = st.find_run(id);
    if (!r || !who.org || (who.org->r != role::kl && r->organisation != who.org->id))
        throw refusal(404, "no such run");
    return *r;
}

run_record service::impl::submit_run(const detail::caller& who, const std::string& system,
                                     const json& body) {
    if (!who.is(role::vendor) && !who.is(role::kl))
        throw refusal(403, "only a vendor (or KL) runs a system");
    const system_record s = visible_system(who, system);
    if (!body.is_object()) throw refusal(422, "the body must be a JSON object");
    const std::string profile_id = plain_text(body, "profile", 200);
    std::string version = body.value("version", "");
    std::optional<profile_record> p;
    if (version.empty()) { // the newest published version
        for (const auto& q : st.profiles())
            if (q.id == profile_id) p = q;
    } else {
        p = st.find_profile(profile_id, version);
    }
    if (!p) throw refusal(422, "profile: " + profile_id + " " + version + " is not published");
    const auto prof = profile(*p);
    json options = {{"only", string_list(body, "only")}, {"classes", string_list(body, "class")}};
    for (const auto& id : options["only"]) {
        bool known = false;
        for (const auto& tc : prof->testcases)
            known = known || tc.id == id.get<std::string>();
        if (!known) throw refusal(422, "only: no test case " + id.get<std::string>());
    }
    for (const auto& c : options["classes"])
        if (!prof->find_class(c.get<std::string>()))
            throw refusal(422, "class: no class " + c.get<std::string>());
    std::string kind = body.value("kind", who.is(role::kl) ? "certification" : "self-test");
    if (kind != "self-test" && kind != "certification")
        throw refusal(422, "kind: self-test or certification");
    if (kind == "certification" && !who.is(role::kl))
        throw refusal(403, "only KL starts a certification run");

    const run_secrets secrets = secrets_for(s, body);
    const json target = json::parse(s.target);
    // The target must fit the profile (claims, parameters) before the run is queued.
    {
        model::diagnostics diag;
        const model::target t = checked_target(opt.data_dir, target, diag);
        if (diag.empty()) run::check_target(*prof, t, diag);
        if (!diag.empty()) throw refusal(422, problems_text(diag));
    }
    run_record r =
        st.submit_run(s, who.org->id, *p, options.dump(), kind, box.seal(secrets.to_json()));
    st.audit(who.name(), "run.submit", r.id,
             kind + " of system " + s.id + " against " + p->id + " " + p->version);
    return r;
}

run_secrets service::impl::secrets_for(const system_record& s, const json& body) {
    // Every secret the target names, and nothing else; every file it names.
    run_secrets secrets;
    const json target = json::parse(s.target);
    std::vector<std::string> env, unused;
    secrets_in(target, "", env, unused);
    if (body.contains("secrets")) {
        if (!body["secrets"].is_object()) throw refusal(422, "secrets: an object of strings");
        for (const auto& [k, v] : body["secrets"].items()) {
            if (!v.is_string()) throw refusal(422, "secrets/" + k + ": a string");
            if (std::find(env.begin(), env.end(), k) == env.end())
                throw refusal(422, "secrets/" + k + ": the target names no such secret");
            secrets.env[k] = v;
        }
    }
    for (const auto& name : env)
        if (!secrets.env.count(name) || secrets.env[name].empty())
            throw refusal(422, "secrets/" + name + ": the target needs it for this run");
    if (body.contains("files")) {
        if (!body["files"].is_object()) throw refusal(422, "files: an object of base64 strings");
        for (const auto& [k, v] : body["files"].items()) {
            try {
                secrets.files[k] = sign::base64_decode(v.get<std::string>());
            } catch (const std::exception&) {
                throw refusal(422, "files/" + k + ": not base64");
            }
        }
    }
    if (target.contains("tls") && target["tls"].is_object())
        for (const char* key : tls_files)
            if (target["tls"].contains(key) &&
                !secrets.files.count(target["tls"][key].get<std::string>()))
                throw refusal(422, "files/" + target["tls"][key].get<std::string>() +
                                       ": the target's tls/" + key + " names it");
    return secrets;
}

json service::impl::run_json(const run_record& r) {
    json j = {{"id", r.id},           {"system", r.system},
              {"profile", r.profile}, {"version", r.profile_version},
              {"kind", r.kind},       {"state", r.state},
              {"attempt", r.attempt}, {"submitted", r.submitted}};
    if (r.verdict) j["verdict"] = *r.verdict;
    if (r.started) j["started"] = *r.started;
    if (r.finished) j["finished"] = *r.finished;
    if (r.progress) j["progress"] = json::parse(*r.progress, nullptr, false);
    json hist = json::array();
    for (const auto& h : st.history(r.id))
        hist.push_back({{"at", h.at}, {"attempt", h.attempt}, {"event", h.event}});
    j["history"] = hist;
    json files = json::array();
    for (const auto& n : st.artefact_names(r.id))
        files.push_back({{"name", n}, {"href", "/api/v1/runs/" + r.id + "/" + n}});
    j["files"] = files;
    if (auto c = st.certificate_of_run(r.id)) j["certificate"] = certificate_json(*c);
    return j;
}

json service::impl::certificate_json(const certificate_record& c) {
    json j = {{"id", c.id},
              {"system", c.system},
              {"vendor", c.vendor},
              {"product", c.product},
              {"product_version", c.product_version},
              {"profile", c.profile},
              {"profile_version", c.profile_version},
              {"fingerprint", c.fingerprint},
              {"status", c.status},
              {"issued", c.issued},
              {"valid_until", c.valid_until},
              {"report_json", "/api/v1/certificates/" + c.id + "/report.json"},
              {"report_html", "/api/v1/certificates/" + c.id + "/report.html"},
              {"evidence", "/api/v1/certificates/" + c.id + "/evidence.har"},
              {"page", "/registry/" + c.id}};
    if (c.log_index) j["log_index"] = *c.log_index;
    j["regressed_since_certification"] =
        c.regressed ? json{{"at", *c.regressed}, {"what", c.regression}} : json(nullptr);
    return j;
}

web_response service::impl::run_events(const run_record& r) {
    web_response res;
    res.status = 200;
    // What was sent last, and whether the end was: each poll sends only what changed.
    struct stream_state {
        std::string last;
        bool ended = false;
    };
    auto sent = std::make_shared<stream_state>();
    const std::string id = r.id;
    res.events = [this, id, sent]() -> std::optional<std::string> {
        if (sent->ended) return std::nullopt;
        auto now = st.find_run(id);
        if (!now) return std::nullopt;
        json j = {{"state", now->state}, {"attempt", now->attempt}};
        if (now->verdict) j["verdict"] = *now->verdict;
        if (now->progress) j["progress"] = json::parse(*now->progress, nullptr, false);
        std::string text = j.dump();
        if (text == sent->last) return std::string();
        sent->ended = now->state == "done" || now->state == "interrupted";
        sent->last = text;
        return std::string("event: ") + (sent->ended ? "end" : "progress") + "\ndata: " + text +
               "\n\n";
    };
    return res;
}

web_response service::impl::log_file(const web_request& req) {
    // Only the names C2SP tlog-tiles gives: nothing else of the folder is served.
    static const std::regex name(
        R"(/log/(checkpoint|tile/(entries|[0-9]{1,2})/(x[0-9]{3}/)*[0-9]{3}(\.p/[0-9]{1,3})?))");
    if (!log || !std::regex_match(req.path, name)) throw refusal(404, "no such log file");
    if (req.method != "GET" && req.method != "HEAD") throw refusal(405, "use GET here");
    const fs::path file = log_dir() / req.path.substr(5);
    std::string bytes;
    try {
        bytes = util::read_file(file);
    } catch (const std::exception&) {
        throw refusal(404, "no such log file");
    }
    const bool checkpoint = req.path == "/log/checkpoint";
    web_response r =
        web_response::text(200, std::move(bytes),
                           checkpoint ? "text/plain; charset=utf-8" : "application/octet-stream");
    // A full tile never changes; a partial one is replaced by a wider one under another name.
    r.headers.emplace_back("Cache-Control",
                           checkpoint ? "no-cache" : "public, max-age=31536000, immutable");
    r.headers.emplace_back("Access-Control-Allow-Origin", "*");
    return r;
}

web_response service::handle(const web_request& req) {
    try {
        if (!req.valid_target) throw refusal(400, "the request target is not a valid path");
        if (!impl_->limiter.allow(req.peer))
            throw refusal(429, "too many requests from this address: slow down");
        if (req.path.rfind("/log/", 0) == 0) return impl_->log_file(req);
        const detail::caller who = impl_->caller_of(req);
        if (req.path.rfind("/api/", 0) == 0) return impl_->api(req, who);
        return impl_->page(req, who);
    } catch (const refusal& r) {
        web_response res = web_response::json(r.status, json{{"error", r.what()}}.dump());
        if (r.status == 429) res.headers.emplace_back("Retry-After", "1");
        return res;
    } catch (const database_error& e) {
        return web_response::json(503, json{{"error", "the database is not available"}}.dump());
    }
}

} // namespace konform::service
