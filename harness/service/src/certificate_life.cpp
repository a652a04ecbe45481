// A certificate's life in the service: every certificate and each change of its status is
// a signed entry of the transparency log; certificates expire and are superseded; KL
// suspends, reinstates and revokes them; scheduled read-only re-verifications of the live
// system are judged against the certified run; subscribers hear of each.
#include "service_impl.hpp"

#include "konform/report/report_diff.hpp"
#include "konform/sign/report_signature.hpp"
#include "konform/tlog/certificate_entry.hpp"
#include "konform/tlog/receipt.hpp"
#include "konform/tlog/tile_reader.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/text.hpp"

#include <filesystem>

namespace konform::service {

namespace fs = std::filesystem;
using detail::refusal;
using nlohmann::json;

namespace {

std::string iso(std::int64_t ms) {
    return util::iso8601(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

std::string reason_of(const json& body, bool required) {
    if (!body.contains("reason") || (body["reason"].is_string() && body["reason"].empty())) {
        if (required) throw refusal(422, "reason: required, a non-empty string");
        return "";
    }
    if (!body["reason"].is_string()) throw refusal(422, "reason: a string");
    const std::string r = body["reason"];
    if (r.size() > 500) throw refusal(422, "reason: at most 500 characters");
    for (unsigned char c : r)
        if (c < 0x20 || c == 0x7f) throw refusal(422, "reason: holds a control character");
    return r;
}

} // namespace

void service::impl::open_log() {
    if (!opt.certifier_key || !opt.log_key) return;
    const fs::path dir = opt.data_dir / "log";
    if (!fs::exists(dir / "log.json")) tlog::log_store::init(dir, opt.log_origin, *opt.log_key);
    log.emplace(dir);
    if (log->verifier() != tlog::verifier_key(log->origin(), *opt.log_key))
        throw std::runtime_error((dir / "log.json").string() +
                                 ": the log was made with another key than --log-key");
    flush_log();
    std::lock_guard lock(log_mutex);
    log->publish_checkpoint(*opt.log_key);
}

void service::impl::change_status(const certificate_record& c, tlog::cert_event e,
                                  const std::string& reason, const std::string& actor,
                                  const std::string& by) {
    if (!opt.certifier_key) throw refusal(503, "this service has no certifier key");
    {
        std::lock_guard lock(life_mutex);
        const auto now = st.find_certificate(c.id);
        if (!now) throw refusal(404, "no such certificate");
        const auto current =
            e == tlog::cert_event::issued ? std::nullopt : tlog::cert_status_of(now->status);
        const auto next = tlog::next_status(current, e);
        if (!next)
            throw refusal(409, "certificate " + c.id + " is " + now->status + ": it cannot be " +
                                   tlog::to_string(e));
        const std::int64_t at = now_ms();
        json fields = {{"event", tlog::to_string(e)}, {"certificate", c.id}, {"at", iso(at)}};
        if (!reason.empty()) fields["reason"] = reason;
        if (!by.empty()) fields["by"] = by;
        if (e == tlog::cert_event::issued) {
            const auto report = st.certificate_report(c.id);
            fields["report_sha256"] = sign::report_digest(util::parse_strict(*report));
            fields["system"] = c.system;
            fields["vendor"] = c.vendor;
            fields["product"] = c.product;
            fields["product_version"] = c.product_version;
            fields["profile"] = c.profile;
            fields["profile_version"] = c.profile_version;
            fields["fingerprint"] = c.fingerprint;
            fields["valid_until"] = iso(c.valid_until);
        }
        certificate_event_record rec;
        rec.id = random_hex(8);
        rec.certificate = c.id;
        rec.at = at;
        rec.event = tlog::to_string(e);
        rec.reason = reason;
        rec.actor = actor;
        rec.entry = tlog::make_certificate_entry(fields, *opt.certifier_key, opt.certifier_chain);
        st.add_certificate_event(rec, tlog::to_string(*next));
        st.audit(actor, "certificate." + tlog::to_string(e), c.id, reason);
    }
    flush_log();
    const std::string what = c.product + " " + c.product_version + " (" + c.vendor + "), " +
                             c.profile + " " + c.profile_version;
    std::string title = "Certificate " + c.id + " " + tlog::to_string(e) + ": " + what;
    announce(c, "certificate." + tlog::to_string(e), title,
             reason.empty() ? title : title + ". " + reason);
}

void service::impl::flush_log() {
    if (!log) return;
    std::lock_guard lock(log_mutex);
    const auto pending = st.unlogged_events();
    if (pending.empty()) return;
    // An entry appended just before a stop, but not yet marked: found, never appended twice.
    std::map<std::string, std::uint64_t> tail;
    const auto last = st.last_logged_index();
    tlog::tile_reader reader(tlog::folder_files(log_dir().string()), log->size());
    for (std::uint64_t i = last ? static_cast<std::uint64_t>(*last) + 1 : 0; i < log->size(); ++i)
        tail.emplace(reader.entry(i), i);
    std::vector<std::pair<certificate_event_record, std::uint64_t>> logged;
    std::vector<std::string> texts;
    std::vector<certificate_event_record> fresh;
    for (const auto& e : pending) {
        if (auto it = tail.find(e.entry); it != tail.end())
            logged.emplace_back(e, it->second);
        else {
            fresh.push_back(e);
            texts.push_back(e.entry);
        }
    }
    const std::uint64_t first = log->append(texts);
    const std::string note = log->publish_checkpoint(*opt.log_key);
    for (std::size_t i = 0; i < fresh.size(); ++i)
        logged.emplace_back(fresh[i], first + i);
    for (const auto& [e, index] : logged) {
        st.set_event_logged(e, static_cast<std::int64_t>(index));
        if (e.event != "issued") continue;
        // The certificate's receipt: its entry, proven in the tree just signed.
        const auto c = st.find_certificate(e.certificate);
        json doc = util::parse_strict(*st.certificate_report(e.certificate));
        tlog::receipt r;
        r.entry = e.entry;
        r.index = index;
        r.proof = log->hashes().inclusion_proof(index, log->size());
        r.checkpoint = note;
        doc[sign::receipt_member] = r.to_json();
        const std::string text = util::canonicalize(doc);
        st.set_certificate_report(e.certificate, text);
        if (c) st.add_artefact(c->run, "certificate/report.json", text);
    }
}

void service::impl::announce(const certificate_record& c, const std::string& kind,
                             const std::string& title, const std::string& detail) {
    feed_event e;
    e.id = random_hex(8);
    e.at = now_ms();
    e.system = c.system;
    e.profile = c.profile;
    e.certificate = c.id;
    e.kind = kind;
    e.title = title.substr(0, 500);
    e.detail = detail.substr(0, 2000);
    st.add_feed_event(e);
    st.queue_deliveries(e);
}

certificate_record service::impl::status_request(const detail::caller& who, const std::string& id,
                                                 const json& body) {
    if (!who.is(role::kl)) throw refusal(403, "only KL changes a certificate's status");
    if (!body.is_object()) throw refusal(422, "the body must be a JSON object");
    const auto c = st.find_certificate(id);
    if (!c) throw refusal(404, "no such certificate");
    const std::string event = body.value("event", "");
    const auto e = tlog::cert_event_of(event);
    if (!e || (*e != tlog::cert_event::revoked && *e != tlog::cert_event::suspended &&
               *e != tlog::cert_event::reinstated))
        throw refusal(422, "event: revoked, suspended or reinstated");
    const std::string reason = reason_of(body, *e != tlog::cert_event::reinstated);
    change_status(*c, *e, reason, who.name());
    if (*e != tlog::cert_event::reinstated) st.clear_schedule(c->id);
    return *st.find_certificate(id);
}

json service::impl::schedule_request(const detail::caller& who, const std::string& id,
                                     const web_request& req) {
    const auto c = st.find_certificate(id);
    if (!c) throw refusal(404, "no such certificate");
    const bool owner = who.org && who.org->id == c->organisation;
    if (!who.is(role::kl) && !owner)
        throw refusal(403, "only KL or the certified vendor schedules re-verification");
    if (req.method == "DELETE") {
        st.clear_schedule(id);
        st.audit(who.name(), "schedule.clear", id);
        return life_json(*c);
    }
    if (req.method != "PUT") throw refusal(405, "use PUT or DELETE here");
    const json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) throw refusal(422, "the body must be a JSON object");
    if (c->status != "active") throw refusal(409, "the certificate is " + c->status);
    if (!body.contains("every_seconds") || !body["every_seconds"].is_number_integer())
        throw refusal(422, "every_seconds: required, an integer");
    const std::int64_t every = body["every_seconds"];
    if (every < opt.shortest_schedule.count() || every > 366LL * 24 * 3600)
        throw refusal(422, "every_seconds: from " + std::to_string(opt.shortest_schedule.count()) +
                               " to a year");
    const auto s = st.find_system(c->system);
    const run_secrets secrets = secrets_for(*s, body);
    st.set_schedule(id, every * 1000, now_ms() + every * 1000, box.seal(secrets.to_json()));
    st.audit(who.name(), "schedule.set", id, "every " + std::to_string(every) + " s");
    return life_json(*c);
}

run_record service::impl::start_reverification(const certificate_record& c,
                                               const std::string& sealed) {
    const auto s = st.find_system(c.system);
    const auto p = st.find_profile(c.profile, c.profile_version);
    if (!s || !p) throw refusal(409, "the certified system or profile is gone");
    const json options = {{"only", json::array()}, {"classes", json::array()}};
    run_record r = st.submit_run(*s, s->organisation, *p, options.dump(), "reverification", sealed);
    const auto sched = st.schedule_of(c.id);
    st.schedule_started(c.id, r.id, sched ? now_ms() + sched->every_ms : 0);
    return r;
}

run_record service::impl::reverify_now(const detail::caller& who, const std::string& id) {
    const auto c = st.find_certificate(id);
    if (!c) throw refusal(404, "no such certificate");
    const bool owner = who.org && who.org->id == c->organisation;
    if (!who.is(role::kl) && !owner)
        throw refusal(403, "only KL or the certified vendor starts a re-verification");
    if (c->status != "active") throw refusal(409, "the certificate is " + c->status);
    const auto sealed = st.schedule_secrets(id);
    if (!sealed)
        throw refusal(409, "the certificate has no schedule: PUT one (with its secrets) first");
    run_record r = start_reverification(*c, *sealed);
    st.audit(who.name(), "reverification.start", id, "run " + r.id);
    return r;
}

json service::impl::life_json(const certificate_record& c) {
    json j = certificate_json(c);
    json history = json::array();
    for (const auto& e : st.certificate_events(c.id)) {
        json h = {{"event", e.event}, {"at", e.at}, {"actor", e.actor}};
        if (!e.reason.empty()) h["reason"] = e.reason;
        if (e.log_index) h["log_index"] = *e.log_index;
        history.push_back(h);
    }
    j["history"] = history;
    if (const auto s = st.schedule_of(c.id))
        j["schedule"] = {{"every_seconds", s->every_ms / 1000}, {"next_at", s->next_at}};
    json checks = json::array();
    for (const auto& v : st.reverifications(c.id, 20)) {
        json x = {{"run", v.run}, {"outcome", v.outcome.value_or("pending")}};
        if (v.summary) x["summary"] = *v.summary;
        if (v.judged) x["judged"] = *v.judged;
        checks.push_back(x);
    }
    j["reverifications"] = checks;
    return j;
}

void service::impl::expire_due() {
    const std::int64_t now = now_ms();
    for (const auto& c : st.certificates({}))
        if ((c.status == "active" || c.status == "suspended") && c.valid_until < now) try {
                change_status(c, tlog::cert_event::expired, "its validity ended", "konform");
            } catch (const refusal&) {
                // another process expired it first
            }
}

void service::impl::start_due_reverifications() {
    for (const auto& s : st.due_schedules(now_ms())) {
        const auto c = st.find_certificate(s.certificate);
        const auto sealed = st.schedule_secrets(s.certificate);
        if (!c || c->status != "active" || !sealed) {
            st.clear_schedule(s.certificate);
            continue;
        }
        try {
            const run_record r = start_reverification(*c, *sealed);
            st.audit("konform", "reverification.start", c->id, "scheduled, run " + r.id);
        } catch (const refusal& e) {
            st.clear_schedule(s.certificate);
            st.audit("konform", "schedule.clear", c->id, e.what());
        }
    }
}

void service::impl::judge_reverifications() {
    for (const auto& v : st.unjudged_reverifications()) {
        const auto c = st.find_certificate(v.certificate);
        const auto r = st.find_run(v.run);
        if (!c || !r) continue;
        std::string outcome, summary;
        json comparison;
        const auto fresh = st.artefact(r->id, "report.json");
        const auto certified = st.certificate_report(c->id);
        if (r->state != "done" || r->verdict == "error" || !fresh) {
            outcome = "error";
            summary = "the re-verification could not run to its end (" +
                      r->verdict.value_or(r->state) + ")";
        } else {
            comparison =
                report::compare_reports(util::parse_strict(*certified), util::parse_strict(*fresh));
            const auto& regressed = comparison["regressed"];
            const auto& drift = comparison["drift"];
            if (!regressed.empty()) {
                outcome = "regressed";
                summary = std::to_string(regressed.size()) + " requirement(s) no longer pass:";
                for (const auto& q : regressed)
                    summary += " " + q.value("id", "?");
            } else if (!drift.empty()) {
                outcome = "drifted";
                summary = "the live system is not the one certified:";
                for (const auto& d : drift)
                    summary += " " + d.value("what", "?") + " was " + d.value("certified", "?") +
                               ", is " + d.value("new", "?") + ";";
            } else {
                outcome = "passed";
                summary = "every certified requirement still passes, nothing drifted";
            }
        }
        // Drift quotes what the live system sent (its Server header, its certificate's
        // subject): no control character reaches the feeds, the pages or a webhook.
        summary = util::visible(summary);
        st.judge_reverification(v.run, outcome, summary.substr(0, 2000));
        if (!comparison.is_null()) st.add_artefact(r->id, "comparison.json", comparison.dump(2));
        const std::string what = c->product + " " + c->product_version + " (" + c->vendor + ")";
        if (outcome == "regressed" || outcome == "drifted") {
            st.set_regressed(c->id, now_ms(), summary.substr(0, 2000));
            announce(*c, "reverification." + outcome, what + " " + outcome + " since certification",
                     summary);
        } else if (outcome == "passed") {
            if (c->regressed) st.set_regressed(c->id, std::nullopt, "");
            announce(*c, "reverification.passed", what + " still conforms", summary);
        } else {
            announce(*c, "reverification.error", what + " could not be re-verified", summary);
        }
    }
}

void service::tick() {
    auto& i = *impl_;
    // One process keeps a certificate's life: the one that certifies (and keeps the log).
    // Others on the same database serve pages and the API; two would start a schedule's run
    // or send a webhook twice.
    if (!i.opt.certifier_key) return;
    i.expire_due();
    i.start_due_reverifications();
    i.judge_reverifications();
    i.deliver_due();
}

} // namespace konform::service
