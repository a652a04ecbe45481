#include "test_pki.hpp"

#include <memory>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdexcept>

namespace konform::test {

namespace {

std::string pem_of(X509* c) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_X509(bio.get(), c);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

X509* read_pem(const std::string& pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    return PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) throw std::runtime_error("extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

struct extensions {
    int version = 2; // v3
    const char* basic = nullptr;
    const char* key_usage = nullptr;
    const char* extended = nullptr;
};

std::string make_cert(const std::string& cn, const sign::key& subject, X509* issuer,
                      const sign::key& issuer_key, const extensions& ext, int from_days,
                      int to_days) {
    static long serial = 1;
    std::unique_ptr<X509, decltype(&X509_free)> c(X509_new(), X509_free);
    X509_set_version(c.get(), ext.version);
    ASN1_INTEGER_set(X509_get_serialNumber(c.get()), serial++);
    X509_gmtime_adj(X509_getm_notBefore(c.get()), static_cast<long>(from_days) * 86400 - 60);
    X509_gmtime_adj(X509_getm_notAfter(c.get()), static_cast<long>(to_days) * 86400);
    X509_set_pubkey(c.get(), subject.native());
    X509_NAME* name = X509_get_subject_name(c.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(c.get(), issuer ? X509_get_subject_name(issuer) : name);
    X509* by = issuer ? issuer : c.get();
    if (ext.basic) add_ext(c.get(), by, NID_basic_constraints, ext.basic);
    if (ext.key_usage) add_ext(c.get(), by, NID_key_usage, ext.key_usage);
    if (ext.extended) add_ext(c.get(), by, NID_ext_key_usage, ext.extended);
    if (ext.version == 2) add_ext(c.get(), by, NID_subject_key_identifier, "hash");
    if (X509_sign(c.get(), issuer_key.native(), nullptr) == 0)
        throw std::runtime_error("X509_sign failed");
    return pem_of(c.get());
}

} // namespace

const extensions ca_ext{2, "critical,CA:TRUE", "critical,keyCertSign,cRLSign", nullptr};

pki::pki() {
    root_pem = make_cert("konform test root", root_key, nullptr, root_key, ca_ext, -1, 365);
    std::unique_ptr<X509, decltype(&X509_free)> root(read_pem(root_pem), X509_free);
    intermediate_pem = make_cert("konform test intermediate", intermediate_key, root.get(),
                                 root_key, ca_ext, -1, 365);
}

std::string pki::issue_signer(const sign::key& signer, int from_days, int to_days,
                              purpose p) const {
    constexpr const char* document_signing = "1.3.6.1.5.5.7.3.36";
    extensions ext;
    switch (p) {
    case purpose::document_signer:
        ext = {2, "critical,CA:FALSE", "critical,digitalSignature", document_signing};
        break;
    case purpose::tls_server:
        ext = {2, "critical,CA:FALSE", "critical,digitalSignature", "serverAuth"};
        break;
    case purpose::ca:
        ext = {2, "critical,CA:TRUE", "critical,keyCertSign,digitalSignature", document_signing};
        break;
    case purpose::cert_sign_only:
        ext = {2, "critical,CA:FALSE", "critical,keyCertSign", document_signing};
        break;
    case purpose::v1:
        ext = {0, nullptr, nullptr, nullptr};
        break;
    }
    std::unique_ptr<X509, decltype(&X509_free)> inter(read_pem(intermediate_pem), X509_free);
    return make_cert("konform test signer", signer, inter.get(), intermediate_key, ext, from_days,
                     to_days) +
           intermediate_pem;
}

std::string pki::revocation_list(const std::string& chain_pem, const sign::key* by) const {
    std::unique_ptr<X509, decltype(&X509_free)> inter(read_pem(intermediate_pem), X509_free);
    std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)> crl(X509_CRL_new(), X509_CRL_free);
    X509_CRL_set_version(crl.get(), 1);
    X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(inter.get()));
    std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> now(ASN1_TIME_new(), ASN1_TIME_free);
    X509_gmtime_adj(now.get(), 0);
    X509_CRL_set1_lastUpdate(crl.get(), now.get());
    X509_gmtime_adj(now.get(), 30 * 86400);
    X509_CRL_set1_nextUpdate(crl.get(), now.get());
    if (!chain_pem.empty()) {
        std::unique_ptr<X509, decltype(&X509_free)> cert(read_pem(chain_pem), X509_free);
        X509_REVOKED* r = X509_REVOKED_new();
        X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(cert.get()));
        X509_gmtime_adj(now.get(), 0);
        X509_REVOKED_set_revocationDate(r, now.get());
        X509_CRL_add0_revoked(crl.get(), r);
    }
    X509_CRL_sort(crl.get());
    if (X509_CRL_sign(crl.get(), (by ? *by : intermediate_key).native(), nullptr) == 0)
        throw std::runtime_error("X509_CRL_sign failed");
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_X509_CRL(bio.get(), crl.get());
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

} // namespace konform::test
