#include "konform/sign/report_signature.hpp"

#include "konform/util/jcs.hpp"
#include "konform/util/sha256.hpp"

#include <cctype>
#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <optional>
#include <set>
#include <vector>

namespace konform::sign {

using nlohmann::json;
using util::canonicalize;

namespace {

// id-kp-documentSigning (RFC 9336): the purpose a signer certificate must name.
constexpr const char* document_signing_oid = "1.3.6.1.5.5.7.3.36";

// The same clock as the report's `finished` (std::time may read a coarse clock that lags
// it by a tick, and a signature sealed just after a second boundary would then read as
// back-dated).
std::string now_utc() {
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

using x509_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

std::vector<x509_ptr> parse_certs(const std::string& pem) {
    std::vector<x509_ptr> out;
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
        out.emplace_back(c, X509_free);
    ERR_clear_error();
    return out;
}

// Parsed once: a log's entries and a monitor's checks carry the same chain and root again
// and again, and OpenSSL 3's decoders take most of a verification's time. A few dozen
// texts are kept; each caller gets its own references.
std::vector<x509_ptr> read_certs(const std::string& pem) {
    static std::mutex m;
    static std::map<std::string, std::vector<x509_ptr>> parsed;
    std::lock_guard lock(m);
    auto it = parsed.find(pem);
    if (it == parsed.end()) {
        if (parsed.size() >= 64) parsed.clear();
        it = parsed.emplace(pem, parse_certs(pem)).first;
    }
    std::vector<x509_ptr> out;
    for (const auto& c : it->second) {
        X509_up_ref(c.get());
        out.emplace_back(c.get(), X509_free);
    }
    return out;
}

// The public key in a PEM text, parsed once (as above).
key public_key_of(const std::string& pem) {
    static std::mutex m;
    static std::map<std::string, key> parsed;
    std::lock_guard lock(m);
    auto it = parsed.find(pem);
    if (it != parsed.end()) return it->second;
    if (parsed.size() >= 64) parsed.clear();
    return parsed.emplace(pem, key::from_public_pem(pem)).first->second;
}

std::string subject(X509* c) {
    char buf[512];
    X509_NAME_oneline(X509_get_subject_name(c), buf, sizeof buf);
    return buf;
}

// Checks the chain up to `trust` at time `when`; returns the reason on failure.
// Why a certificate may not sign reports, or nothing: it must be an X.509 v3 end-entity
// certificate (CA:FALSE) whose key usage allows digitalSignature and whose extended key
// usage names document signing (RFC 9336). A TLS server certificate, a CA certificate, a
// keyCertSign-only or a v1 certificate chains to a root as well, but is not a signer.
std::string signer_certificate_problem(X509* cert) {
    if (X509_get_version(cert) != 2)
        return "the signer certificate is not X.509 v3 (it states no key usage)";
    if (X509_check_ca(cert) != 0) return "the signer certificate is a CA certificate";
    if (!(X509_get_extension_flags(cert) & EXFLAG_KUSAGE) ||
        !(X509_get_key_usage(cert) & KU_DIGITAL_SIGNATURE))
        return "the signer certificate's key usage does not allow digitalSignature";
    std::unique_ptr<EXTENDED_KEY_USAGE, decltype(&EXTENDED_KEY_USAGE_free)> eku(
        static_cast<EXTENDED_KEY_USAGE*>(
            X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)),
        EXTENDED_KEY_USAGE_free);
    for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
        char oid[80];
        OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(eku.get(), i), 1);
        if (std::string_view(oid) == document_signing_oid) return {};
    }
    return "the signer certificate's extended key usage does not name document signing "
           "(" +
           std::string(document_signing_oid) + ")";
}

// Why the chain is revoked by one of the lists, or nothing. Each list must be signed by
// the certificate that issued it (one of the chain or the anchors).
std::string revoked(const std::vector<x509_ptr>& chain, const std::vector<x509_ptr>& anchors,
                    const std::string& crl_pem) {
    if (crl_pem.empty()) return {};
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(crl_pem.data(), static_cast<int>(crl_pem.size())), BIO_free);
    std::vector<std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)>> crls;
    while (X509_CRL* c = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr))
        crls.emplace_back(c, X509_CRL_free);
    ERR_clear_error();
    if (crls.empty()) return "the revocation list file holds no PEM CRL";
    for (auto& crl : crls) {
        X509* issuer = nullptr;
        for (const auto* list : {&chain, &anchors})
            for (const auto& c : *list)
                if (!issuer && X509_NAME_cmp(X509_get_subject_name(c.get()),
                                             X509_CRL_get_issuer(crl.get())) == 0)
                    issuer = c.get();
        if (!issuer) continue; // a list for another issuer
        if (X509_CRL_verify(crl.get(), X509_get0_pubkey(issuer)) != 1)
            return "a revocation list's signature does not verify against its issuer " +
                   subject(issuer);
        for (const auto& c : chain) {
            X509_REVOKED* entry = nullptr;
            if (X509_CRL_get0_by_cert(crl.get(), &entry, c.get()) == 1)
                return "revoked certificate in the signer's chain: " + subject(c.get());
        }
    }
    return {};
}

std::string check_chain(const std::vector<x509_ptr>& chain, const std::string& trust_pem,
                        std::time_t when) {
    auto anchors = read_certs(trust_pem);
    if (anchors.empty()) return "the trust anchor holds no certificate";
    std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(),
                                                                  X509_STORE_free);
    for (auto& a : anchors)
        X509_STORE_add_cert(store.get(), a.get());
    std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> untrusted(
        sk_X509_new_null(), [](STACK_OF(X509) * s) { sk_X509_free(s); });
    for (std::size_t i = 1; i < chain.size(); ++i)
        sk_X509_push(untrusted.get(), chain[i].get());
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                        X509_STORE_CTX_free);
    X509_STORE_CTX_init(ctx.get(), store.get(), chain.front().get(), untrusted.get());
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), when);
    if (X509_verify_cert(ctx.get()) == 1) return signer_certificate_problem(chain.front().get());
    int err = X509_STORE_CTX_get_error(ctx.get());
    if (err == X509_V_ERR_CERT_HAS_EXPIRED) return "expired certificate in the signer's chain";
    if (err == X509_V_ERR_CERT_NOT_YET_VALID)
        return "certificate in the signer's chain not yet valid";
    return std::string("untrusted chain: ") + X509_verify_cert_error_string(err);
}

// Seconds since the epoch of an ISO 8601 UTC time ("2026-11-28T05:00:00Z", fractions of a
// second ignored); nothing when it is not one.
std::optional<std::time_t> parse_utc(const std::string& s) {
    std::tm tm{};
    const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!rest) return std::nullopt;
    if (*rest == '.')
        while (std::isdigit(static_cast<unsigned char>(*++rest))) {
        }
    if (std::string_view(rest) != "Z") return std::nullopt;
    return timegm(&tm);
}

} // namespace

json signature_metadata(const key& k, const std::string& chain_pem) {
    json block = {{"algorithm", "Ed25519"},
                  {"canonicalization", "RFC 8785 (JCS), report without this member"},
                  {"key_id", k.key_id()},
                  {"public_key", k.public_pem()},
                  {"signed_at", now_utc()}};
    if (!chain_pem.empty()) {
        auto certs = read_certs(chain_pem);
        if (certs.empty())
            throw std::invalid_argument("the certificate chain holds no PEM certificate");
        if (EVP_PKEY_eq(X509_get0_pubkey(certs.front().get()), k.native()) != 1)
            throw std::invalid_argument(
                "the first certificate of the chain is not for the signing key");
        if (std::string why = signer_certificate_problem(certs.front().get()); !why.empty())
            throw std::invalid_argument(why);
        json chain = json::array();
        for (auto& c : certs) {
            std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
            PEM_write_bio_X509(bio.get(), c.get());
            char* data = nullptr;
            long len = BIO_get_mem_data(bio.get(), &data);
            chain.push_back(std::string(data, static_cast<std::size_t>(len)));
        }
        block["certificate_chain"] = chain;
    }
    return block;
}

std::string signature_value(const key& k, std::string_view message) {
    return base64_encode(k.sign(message));
}

std::string report_digest(const json& report) {
    json without = report;
    if (without.is_object()) without.erase(receipt_member);
    return util::sha256_hex(canonicalize(without));
}

document_signer::document_signer(const key& k, const std::string& chain_pem)
    : key_(k), metadata_(signature_metadata(k, chain_pem)) {}

void document_signer::sign(json& doc) const {
    doc.erase("signature");
    json block = metadata_;
    block["signed_at"] = now_utc();
    json unsigned_doc = doc;
    unsigned_doc.erase(receipt_member);
    unsigned_doc["signature_metadata"] = block;
    block["value"] = signature_value(key_, canonicalize(unsigned_doc));
    doc["signature"] = std::move(block);
}

void sign_report(json& report, const key& k, const std::string& chain_pem) {
    report.erase("signature");
    json block = signature_metadata(k, chain_pem);
    // The signed bytes cover the report and the signature block's own metadata.
    json unsigned_report = report;
    unsigned_report.erase(receipt_member);
    unsigned_report["signature_metadata"] = block;
    block["value"] = signature_value(k, canonicalize(unsigned_report));
    report["signature"] = std::move(block);
}

std::string verdict_problem(const json& report) {
    if (!report.is_object() || !report.contains("requirements") ||
        !report["requirements"].is_array() || !report.contains("classes") ||
        !report["classes"].is_array() || !report.contains("verdict") ||
        !report["verdict"].is_string())
        return "the report has no requirements, classes or verdict";
    std::set<std::string> applicable;
    for (const auto& c : report["classes"])
        if (c.is_object() && c.value("applicable", false) && c.contains("id") &&
            c["id"].is_string())
            applicable.insert(c["id"].get<std::string>());
    bool failed = false, unsure = false;
    for (const auto& r : report["requirements"]) {
        if (!r.is_object() || r.value("level", "") != "MUST" ||
            !applicable.count(r.value("class", "")))
            continue;
        const std::string v = r.value("verdict", "");
        failed = failed || v == "fail";
        unsure = unsure || (v != "pass" && v != "fail");
    }
    // A partial run (its selection is signed with it) is partial, whatever its requirements.
    const bool partial = report.contains("partial");
    const std::string computed = partial  ? "partial"
                                 : failed ? "not-conformant"
                                 : unsure ? "incomplete"
                                          : "conformant";
    const std::string stated = report["verdict"].get<std::string>();
    if (stated == computed) return {};
    if (stated == "incomplete" && report.value("verdict_reason", "") == "the run was interrupted")
        return {};
    return "the verdict \"" + stated + "\" does not follow from the requirements (they make it \"" +
           computed + "\")";
}

namespace {

// Why a signing time cannot stand, or "": it must be an ISO 8601 UTC time, and not before
// the run finished (the signer's word, but it can at least not precede the run).
std::string signing_time_problem(const json& report, const std::string& signed_at_text,
                                 std::optional<std::time_t>& at) {
    at = parse_utc(signed_at_text);
    if (!at) return "malformed signature block: signed_at is not an ISO 8601 UTC time";
    if (report.contains("finished") && report["finished"].is_string()) {
        const auto finished = parse_utc(report["finished"].get<std::string>());
        if (finished && *at < *finished)
            return "back-dated signature: signed_at " + signed_at_text +
                   " is before the run finished (" + report["finished"].get<std::string>() + ")";
    }
    return {};
}

// The signer's certificate chain from the block, and why it does not fit the key or the
// trust root ("" when it does; `anchored` when a trust root was given and holds).
std::string chain_problem(const json& block, const key& pub,
                          const std::optional<std::string>& trust_pem, const std::string& crl_pem,
                          std::time_t signed_at, verification& v) {
    std::vector<x509_ptr> chain;
    if (block.contains("certificate_chain"))
        for (const auto& pem : block["certificate_chain"])
            for (auto& c : read_certs(pem.get<std::string>()))
                chain.push_back(std::move(c));
    if (!chain.empty()) {
        v.signer = subject(chain.front().get());
        if (EVP_PKEY_eq(X509_get0_pubkey(chain.front().get()), pub.native()) != 1)
            return "the signer certificate is not for the signing key";
    }
    if (!trust_pem) return {};
    if (chain.empty()) return "untrusted chain: the report carries no certificate chain to anchor";
    std::string why = check_chain(chain, *trust_pem, signed_at);
    if (why.empty()) why = revoked(chain, read_certs(*trust_pem), crl_pem);
    v.anchored = why.empty();
    return why;
}

// Why the signature block does not verify the report, or "".
std::string signature_problem(const json& report, const std::optional<std::string>& trust_pem,
                              const std::string& crl_pem, verification& v) {
    json block = report["signature"];
    if (block.value("algorithm", "") != "Ed25519") return "unsupported signature algorithm";
    key pub = public_key_of(block.at("public_key").get<std::string>());
    v.key_id = pub.key_id();
    if (block.value("key_id", "") != v.key_id)
        return "signature mismatch: the key id does not belong to the embedded public key";
    std::string sig = base64_decode(block.at("value").get<std::string>());
    json unsigned_report = report;
    unsigned_report.erase("signature");
    unsigned_report.erase(receipt_member);
    block.erase("value");
    unsigned_report["signature_metadata"] = block;
    if (!pub.verify(canonicalize(unsigned_report), sig))
        return "signature mismatch: the report was changed after it was signed, or signed by "
               "another key";
    std::optional<std::time_t> signed_at;
    if (std::string why = signing_time_problem(report, block.value("signed_at", ""), signed_at);
        !why.empty())
        return why;
    return chain_problem(block, pub, trust_pem, crl_pem, *signed_at, v);
}

} // namespace

verification verify_signature(const json& doc, const std::optional<std::string>& trust_pem,
                              const std::string& crl_pem) {
    verification v;
    if (!doc.is_object() || !doc.contains("signature") || !doc["signature"].is_object()) {
        v.reason = "the report is not signed";
        return v;
    }
    try {
        v.reason = signature_problem(doc, trust_pem, crl_pem, v);
    } catch (const std::exception& e) {
        v.reason = std::string("malformed signature block: ") + e.what();
    }
    v.anchored = v.anchored && v.reason.empty();
    v.valid = v.reason.empty();
    return v;
}

verification verify_report(const json& report, const std::optional<std::string>& trust_pem,
                           const std::optional<std::string>& evidence_sha256,
                           const std::string& crl_pem) {
    verification v = verify_signature(report, trust_pem, crl_pem);
    if (!v.reason.empty() && v.reason == "the report is not signed") return v;
    if (v.reason.empty()) v.reason = verdict_problem(report);
    if (v.reason.empty() && evidence_sha256) v.reason = evidence_problem(report, *evidence_sha256);
    v.anchored = v.anchored && v.reason.empty();
    v.valid = v.reason.empty();
    return v;
}

std::string evidence_problem(const json& report, const std::string& evidence_sha256) {
    const std::string want = report.contains("evidence") && report["evidence"].is_object()
                                 ? report["evidence"].value("sha256", "")
                                 : "";
    if (want.empty()) return "the report names no evidence digest";
    if (evidence_sha256 != want)
        return "digest mismatch: the evidence file is not the one the report was signed with";
    return {};
}

} // namespace konform::sign
