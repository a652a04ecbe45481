// Certification: KL's key signs a finished run's report inside the service, and anyone can
// ask whether a report is authentic and what the registry says about it.
#include "service_impl.hpp"

#include "konform/report/outputs.hpp"
#include "konform/sign/report_signature.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/sha256.hpp"

#include <filesystem>

namespace konform::service {

namespace fs = std::filesystem;
using detail::refusal;
using nlohmann::json;

certificate_record service::impl::certify(const detail::caller& who, const std::string& run_id,
                                          std::chrono::milliseconds validity) {
    if (!who.is(role::kl)) throw refusal(403, "only KL certifies");
    if (!opt.certifier_key)
        throw refusal(503, "this service has no certifier key: start it with --sign-key");
    const run_record r = visible_run(who, run_id);
    if (r.state != "done") throw refusal(409, "the run has not finished");
    if (r.verdict != "conformant")
        throw refusal(409, "only a conformant run is certified; this one is " +
                               r.verdict.value_or("without a verdict"));
    if (r.kind == "reverification")
        throw refusal(409, "a re-verification is read-only and partial: it is not certified");
    if (st.certificate_of_run(r.id)) throw refusal(409, "the run is certified already");
    const auto report = st.artefact(r.id, "report.json");
    const auto evidence = st.artefact(r.id, "evidence.har");
    const auto html = st.artefact(r.id, "report.html");
    if (!report || !evidence || !html) throw refusal(409, "the run's reports are missing");
    json doc = util::parse_strict(*report);
    // What is signed must be what the run wrote: its verdict follows from its results and
    // its evidence is the one it names.
    std::string why = sign::verdict_problem(doc);
    if (why.empty()) why = sign::evidence_problem(doc, util::sha256_hex(*evidence));
    if (!why.empty()) throw refusal(409, "refusing to sign: " + why);
    sign::sign_report(doc, *opt.certifier_key, opt.certifier_chain);
    const std::string signed_text = util::canonicalize(doc);

    // report.html again, now showing the signature.
    const fs::path dir = opt.data_dir / "tmp" / ("certify-" + random_hex(8));
    fs::create_directories(dir);
    util::write_file_atomically(dir / "evidence.har", *evidence);
    util::write_file_atomically(dir / "report.html", *html);
    report::outputs::rerender_html(dir, doc);
    const std::string signed_html = util::read_file(dir / "report.html");
    fs::remove_all(dir);

    const system_record s = *st.find_system(r.system);
    const auto vendor = st.find_organisation(s.organisation);
    certificate_record c;
    c.run = r.id;
    c.system = s.id;
    c.organisation = s.organisation;
    c.vendor = vendor ? vendor->name : s.organisation;
    c.product = s.product;
    c.product_version = s.version;
    c.profile = r.profile;
    c.profile_version = r.profile_version;
    c.fingerprint = util::sha256_hex(util::canonicalize(doc.value("target", json::object())));
    c.status = "active";
    c.issued = now_ms();
    c.valid_until = c.issued + validity.count();
    st.add_artefact(r.id, "certificate/report.json", signed_text);
    st.add_artefact(r.id, "certificate/report.html", signed_html);
    c = st.add_certificate(c, signed_text);
    st.audit(who.name(), "certificate.issue", c.id,
             "run " + r.id + ", " + c.profile + " " + c.profile_version);
    // Into the log (with its receipt), then the certificates it replaces: the same system
    // against the same standard.
    change_status(c, tlog::cert_event::issued, "", who.name());
    for (const auto& old : st.certificates({}))
        if (old.id != c.id && old.system == c.system && old.profile == c.profile &&
            (old.status == "active" || old.status == "suspended")) {
            change_status(old, tlog::cert_event::superseded,
                          "certificate " + c.id + " (" + c.profile + " " + c.profile_version +
                              ") replaces it",
                          who.name(), c.id);
            st.clear_schedule(old.id);
        }
    return *st.find_certificate(c.id);
}

detail::verify_answer service::impl::verify(const std::string& report_text) {
    detail::verify_answer v;
    json doc;
    try {
        doc = util::parse_strict(report_text);
    } catch (const std::exception& e) {
        v.reason = std::string("not a report.json: ") + e.what();
        return v;
    }
    if (!doc.is_object() || !doc.contains("signature")) {
        v.reason = "the report is not signed";
        return v;
    }
    const auto result = sign::verify_report(
        doc, opt.trust_pem.empty() ? std::nullopt : std::optional<std::string>(opt.trust_pem),
        std::nullopt);
    v.authentic = result.valid;
    v.anchored = result.anchored;
    v.key_id = result.key_id;
    v.signer = result.signer;
    v.reason = result.reason;
    v.registered = st.certificate_by_report(sign::report_digest(doc));
    return v;
}

} // namespace konform::service
