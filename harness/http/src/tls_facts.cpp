#include "tls_facts.hpp"

#include <array>
#include <memory>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

namespace konform::http::detail {

namespace {

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

std::string name_text(const X509_NAME* name) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
    return bio_text(bio.get());
}

} // namespace

tls_facts read_tls_facts(SSL* ssl, bool verified) {
    tls_facts f;
    f.protocol = SSL_get_version(ssl);
    if (const char* c = SSL_get_cipher_name(ssl)) f.cipher = c;
    f.verified = verified;
    if (X509* mine = SSL_get_certificate(ssl))
        f.client_subject = name_text(X509_get_subject_name(mine));
    std::unique_ptr<X509, decltype(&X509_free)> cert(SSL_get1_peer_certificate(ssl), X509_free);
    if (!cert) return f;
    f.peer_subject = name_text(X509_get_subject_name(cert.get()));
    f.peer_issuer = name_text(X509_get_issuer_name(cert.get()));
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int n = 0;
    if (X509_digest(cert.get(), EVP_sha256(), md.data(), &n) == 1) {
        static constexpr char hex[] = "0123456789abcdef";
        for (unsigned int i = 0; i < n; ++i) {
            f.peer_sha256.push_back(hex[md[i] >> 4]);
            f.peer_sha256.push_back(hex[md[i] & 0xF]);
        }
    }
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    ASN1_TIME_print(bio.get(), X509_get0_notAfter(cert.get()));
    f.peer_not_after = bio_text(bio.get());
    return f;
}

std::string verify_failure(SSL* ssl) {
    long rc = SSL_get_verify_result(ssl);
    if (rc == X509_V_OK) return {};
    return X509_verify_cert_error_string(rc);
}

} // namespace konform::http::detail
