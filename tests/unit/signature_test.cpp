#include "konform/sign/report_signature.hpp"
#include "konform/util/jcs.hpp"

#include "konform/util/sha256.hpp"
#include "test_pki.hpp"

#include <doctest/doctest.h>

using namespace konform::sign;
using konform::util::parse_strict;
using nlohmann::json;

namespace {

json sample_report() {
    return json::parse(R"({"konform": {"version": "0.1.0"}, "verdict": "conformant",
      "profile": {"id": "p", "version": "1.0.0", "digest": "ab"},
      "classes": [{"id": "core", "applicable": true}, {"id": "opt", "applicable": false}],
      "requirements": [{"id": "R1", "level": "MUST", "class": "core", "verdict": "pass"},
                       {"id": "R2", "level": "SHOULD", "class": "core", "verdict": "fail"},
                       {"id": "R3", "level": "MUST", "class": "opt", "verdict": "inapplicable"}],
      "summary": {"testcases": {"pass": 12, "fail": 0}}, "duration": 12.5,
      "evidence": {"file": "evidence.har", "sha256": "d3b07384d113edec49eaa6238ad5ff00d3b07384d113edec49eaa6238ad5ff00"}})");
}

} // namespace

TEST_CASE("signature: sign and verify round trip") {
    key k = key::generate();
    json r = sample_report();
    sign_report(r, k);
    auto v = verify_report(r, std::nullopt, std::nullopt);
    CHECK(v.valid);
    CHECK_FALSE(v.anchored);
    CHECK(v.key_id == k.key_id());
    CHECK(r["signature"]["algorithm"] == "Ed25519");
    // Reading the written text back keeps it valid.
    CHECK(verify_report(parse_strict(r.dump(2)), std::nullopt, std::nullopt).valid);
}

TEST_CASE("signature: every changed byte of the report text fails verification") {
    key k = key::generate();
    json r = sample_report();
    sign_report(r, k);
    const std::string text = r.dump(2);
    int changed = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (!std::isalnum(static_cast<unsigned char>(c))) continue;
        std::string t = text;
        t[i] = c == 'a'
                   ? 'b'
                   : (c == '0' ? '1' : (std::isdigit(static_cast<unsigned char>(c)) ? '0' : 'a'));
        bool valid = false;
        try {
            valid = verify_report(parse_strict(t), std::nullopt, std::nullopt).valid;
        } catch (const std::invalid_argument&) {
            valid = false; // not even JSON any more
        }
        CHECK_MESSAGE(!valid, "byte " << i << " ('" << c << "') changed, still valid");
        ++changed;
    }
    CHECK(changed > 500);
}

TEST_CASE("signature: a report signed by another key, or unsigned, fails") {
    key a = key::generate(), b = key::generate();
    json r = sample_report();
    sign_report(r, a);
    json forged = r;
    forged["signature"]["public_key"] = b.public_pem();
    forged["signature"]["key_id"] = b.key_id();
    CHECK_FALSE(verify_report(forged, std::nullopt, std::nullopt).valid);
    CHECK(verify_report(sample_report(), std::nullopt, std::nullopt).reason ==
          "the report is not signed");
}

TEST_CASE("signature: the evidence digest binds the evidence file") {
    key k = key::generate();
    json r = sample_report();
    r["evidence"]["sha256"] = konform::util::sha256_hex("evidence bytes");
    sign_report(r, k);
    CHECK(verify_report(r, std::nullopt, konform::util::sha256_hex("evidence bytes")).valid);
    auto v = verify_report(r, std::nullopt, konform::util::sha256_hex("evidence bytez"));
    CHECK_FALSE(v.valid);
    CHECK(v.reason.find("digest mismatch") == 0);
}

TEST_CASE("signature: chain root -> intermediate -> signer, made at test time") {
    konform::test::pki pki;
    key signer = key::generate();
    auto chain = pki.issue_signer(signer, 0, 30);
    json r = sample_report();
    sign_report(r, signer, chain);
    auto v = verify_report(r, pki.root_pem, std::nullopt);
    CHECK_MESSAGE(v.valid, v.reason);
    CHECK(v.anchored);
    CHECK(v.signer.find("CN=konform test signer") != std::string::npos);

    konform::test::pki other;
    v = verify_report(r, other.root_pem, std::nullopt);
    CHECK_FALSE(v.valid);
    CHECK(v.reason.find("untrusted chain") == 0);

    json unsigned_chain = sample_report();
    sign_report(unsigned_chain, signer);
    v = verify_report(unsigned_chain, pki.root_pem, std::nullopt);
    CHECK_FALSE(v.valid);
    CHECK(v.reason.find("untrusted chain") == 0);
}

TEST_CASE("signature: only a document-signing end-entity certificate may sign") {
    konform::test::pki pki;
    using purpose = konform::test::pki::purpose;
    const std::pair<purpose, const char*> unfit[] = {
        {purpose::tls_server, "does not name document signing"},
        {purpose::ca, "is a CA certificate"},
        {purpose::cert_sign_only, "does not allow digitalSignature"},
        {purpose::v1, "not X.509 v3"},
    };
    for (const auto& [p, words] : unfit) {
        CAPTURE(words);
        key signer = key::generate();
        const std::string chain = pki.issue_signer(signer, 0, 30, p);
        // konform refuses to sign with it...
        json r = sample_report();
        CHECK_THROWS_WITH_AS(sign_report(r, signer, chain), doctest::Contains(words),
                             std::invalid_argument);
        // ...and refuses a report a forger signed with it (the chain itself is sound).
        json forged = sample_report();
        sign_report(forged, signer);
        json block = forged["signature"];
        block.erase("value");
        json chain_pems = json::array();
        for (std::size_t at = 0; (at = chain.find("-----BEGIN", at)) != std::string::npos;) {
            const std::size_t end = chain.find("-----END CERTIFICATE-----", at) + 25;
            chain_pems.push_back(chain.substr(at, end - at) + "\n");
            at = end;
        }
        block["certificate_chain"] = chain_pems;
        forged.erase("signature");
        json message = forged;
        message["signature_metadata"] = block;
        block["value"] = signature_value(signer, konform::util::canonicalize(message));
        forged["signature"] = block;
        auto v = verify_report(forged, pki.root_pem, std::nullopt);
        CHECK_FALSE(v.valid);
        CHECK(v.reason.find(words) != std::string::npos);
    }
}

TEST_CASE("signature: a revocation list revokes the signer, and a forged list is refused") {
    konform::test::pki pki;
    key signer = key::generate();
    const std::string chain = pki.issue_signer(signer, 0, 30);
    json r = sample_report();
    sign_report(r, signer, chain);
    // A list that revokes another certificate leaves the report valid.
    key other = key::generate();
    CHECK(verify_report(r, pki.root_pem, std::nullopt,
                        pki.revocation_list(pki.issue_signer(other, 0, 30)))
              .valid);
    CHECK(verify_report(r, pki.root_pem, std::nullopt, pki.revocation_list("")).valid);
    auto v = verify_report(r, pki.root_pem, std::nullopt, pki.revocation_list(chain));
    CHECK_FALSE(v.valid);
    CHECK(v.reason.find("revoked certificate in the signer's chain") == 0);
    // A list in the intermediate's name but signed by another key is not believed.
    key forger = key::generate();
    v = verify_report(r, pki.root_pem, std::nullopt, pki.revocation_list("", &forger));
    CHECK_FALSE(v.valid);
    CHECK(v.reason.find("signature does not verify") != std::string::npos);
    CHECK(verify_report(r, pki.root_pem, std::nullopt, "not a CRL").reason ==
          "the revocation list file holds no PEM CRL");
}

TEST_CASE("signature: an expired signer certificate fails with that reason") {
    konform::test::pki pki;
    key signer = key::generate();
    auto chain = pki.issue_signer(signer, -20, -10);
    json r = sample_report();
    sign_report(r, signer, chain);
    auto v = verify_report(r, pki.root_pem, std::nullopt);
    CHECK_FALSE(v.valid);
    CHECK(v.reason.find("expired certificate") == 0);
}

TEST_CASE("signature: a chain for another key is refused when signing") {
    konform::test::pki pki;
    key signer = key::generate(), other = key::generate();
    auto chain = pki.issue_signer(other, 0, 30);
    json r = sample_report();
    CHECK_THROWS_AS(sign_report(r, signer, chain), std::invalid_argument);
}

TEST_CASE("signature: a signing time before the run finished is a back-dated signature") {
    key k = key::generate();
    json r = sample_report();
    r["finished"] = "2020-01-01T10:00:00.999Z"; // the same second as a signing time is fine
    sign_report(r, k);
    CHECK(verify_report(r, std::nullopt, std::nullopt).valid);
    json later = sample_report();
    later["finished"] = "2999-01-01T00:00:00.000Z"; // signed (now) before this run finished
    sign_report(later, k);
    auto v = verify_report(later, std::nullopt, std::nullopt);
    CHECK_FALSE(v.valid);
    CHECK(v.reason.rfind("back-dated signature", 0) == 0);
}

TEST_CASE("signature: a verdict that does not follow from the requirements is refused") {
    CHECK(verdict_problem(sample_report()).empty()); // a SHOULD failure is advisory
    key forger = key::generate();
    json r = sample_report();
    r["requirements"][0]["verdict"] = "fail"; // a MUST of core failed ...
    sign_report(r, forger);                   // ... but the verdict still says conformant
    auto v = verify_report(r, std::nullopt, std::nullopt);
    CHECK_FALSE(v.valid);
    CHECK(v.reason.find("does not follow from the requirements") != std::string::npos);
    CHECK(v.reason.find("not-conformant") != std::string::npos);
    json unsure = sample_report();
    unsure["requirements"][0]["verdict"] = "error";
    CHECK(verdict_problem(unsure).find("\"incomplete\"") != std::string::npos);
    unsure["verdict"] = "incomplete";
    CHECK(verdict_problem(unsure).empty());
    json interrupted = sample_report();
    interrupted["verdict"] = "incomplete";
    interrupted["verdict_reason"] = "the run was interrupted";
    CHECK(verdict_problem(interrupted).empty());
    // A partial run is partial whatever its requirements say: it can never be signed (or
    // edited) into a certification, and a verdict "partial" needs the signed selection.
    json partial = sample_report();
    partial["partial"] = {
        {"selection", "--only TC-1"}, {"testcases", 1}, {"of", 9}, {"outcome", "pass"}};
    CHECK(verdict_problem(partial).find("they make it \"partial\"") != std::string::npos);
    partial["verdict"] = "partial";
    CHECK(verdict_problem(partial).empty());
    partial.erase("partial");
    CHECK_FALSE(verdict_problem(partial).empty());
}

TEST_CASE("keys: a key path that is a device is refused, never read forever") {
    CHECK_THROWS_WITH_AS(key::load_private("/dev/zero", ""),
                         doctest::Contains("not a regular file"), std::invalid_argument);
}
