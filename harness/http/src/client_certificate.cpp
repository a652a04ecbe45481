#include "client_certificate.hpp"
#include "konform/http/client_certificate.hpp"
#include "konform/util/file.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509.h>
#include <stdexcept>

namespace konform::http {

bool is_pkcs12(const std::filesystem::path& file) {
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".p12" || ext == ".pfx") return true;
    if (ext == ".pem" || ext == ".crt" || ext == ".cer") return false;
    try {
        return util::read_file(file, 1 << 20).find("-----BEGIN") == std::string::npos;
    } catch (const std::exception&) {
        return false; // unreadable: the PEM loader says so
    }
}

namespace detail {

namespace {

// OpenSSL's reason for the last error, and the error queue emptied.
std::string openssl_reason() {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        out = buf; // the last is the most specific
    }
    return out.empty() ? "unknown reason" : out;
}

// Hands OpenSSL the passphrase, or fails at once: OpenSSL would otherwise ask on the
// terminal ("Enter PEM pass phrase:"), which a certification run must never do.
struct passphrase {
    const tls_options* tls;
    bool asked = false;
};

int give_passphrase(char* buf, int size, int, void* userdata) {
    auto* p = static_cast<passphrase*>(userdata);
    p->asked = true;
    if (!p->tls->has_client_key_password) return -1;
    const auto& pw = p->tls->client_key_password;
    if (pw.size() > static_cast<std::size_t>(size)) return -1;
    std::copy(pw.begin(), pw.end(), buf);
    return static_cast<int>(pw.size());
}

void use_pem(SSL_CTX* ctx, const tls_options& tls) {
    const std::string cert = tls.client_cert.string();
    const std::string key = tls.client_key.empty() ? cert : tls.client_key.string();
    // The callback is in place for every read: no PEM block may reach OpenSSL's prompt.
    passphrase p{&tls};
    SSL_CTX_set_default_passwd_cb(ctx, give_passphrase);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, &p);
    const int chain_ok = SSL_CTX_use_certificate_chain_file(ctx, cert.c_str());
    const int ok =
        chain_ok == 1 ? SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) : 0;
    SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
    SSL_CTX_set_default_passwd_cb(ctx, nullptr);
    if (chain_ok != 1)
        throw std::invalid_argument("tls.client_cert " + cert +
                                    " holds no usable certificate: " + openssl_reason());
    if (ok != 1) {
        const bool mismatch = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
        const std::string reason = openssl_reason();
        if (mismatch)
            throw std::invalid_argument("the client key " + key +
                                        " does not belong to the certificate in " + cert);
        if (p.asked && !tls.has_client_key_password)
            throw std::invalid_argument("the client key " + key +
                                        " is encrypted: set tls.client_key_password in the "
                                        "target (an environment variable or a file)");
        if (p.asked)
            throw std::invalid_argument("tls.client_key_password does not decrypt the client key " +
                                        key);
        throw std::invalid_argument(
            (tls.client_key.empty() ? "tls.client_cert " : "tls.client_key ") + key +
            " holds no usable private key: " + reason);
    }
}

void use_pkcs12(SSL_CTX* ctx, const tls_options& tls) {
    const std::string file = tls.client_cert.string();
    if (!tls.client_key.empty())
        throw std::invalid_argument("tls.client_cert " + file +
                                    " is PKCS#12 and holds its own key: leave tls.client_key out");
    std::string bytes;
    try {
        bytes = util::read_file(tls.client_cert, 1 << 20);
    } catch (const std::exception& e) {
        throw std::invalid_argument("tls.client_cert " + file + " cannot be read: " + e.what());
    }
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())), BIO_free);
    std::unique_ptr<PKCS12, decltype(&PKCS12_free)> p12(d2i_PKCS12_bio(bio.get(), nullptr),
                                                        PKCS12_free);
    if (!p12)
        throw std::invalid_argument("tls.client_cert " + file +
                                    " is neither PEM nor PKCS#12: " + openssl_reason());
    const char* pw = tls.has_client_key_password ? tls.client_key_password.c_str() : "";
    if (PKCS12_verify_mac(p12.get(), pw, -1) != 1 &&
        PKCS12_verify_mac(p12.get(), nullptr, 0) != 1) {
        ERR_clear_error();
        throw std::invalid_argument(
            tls.has_client_key_password
                ? "tls.client_key_password does not open the PKCS#12 file " + file
                : "the PKCS#12 file " + file +
                      " is protected: set tls.client_key_password in the target (an "
                      "environment variable or a file)");
    }
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* chain = nullptr;
    bool parsed = PKCS12_parse(p12.get(), pw, &key, &cert, &chain) == 1;
    if (!parsed) {
        // Older files encrypt with RC2 or 3DES, which OpenSSL 3 keeps in its legacy provider.
        ERR_clear_error();
        OSSL_PROVIDER_load(nullptr, "default");
        if (OSSL_PROVIDER_load(nullptr, "legacy"))
            parsed = PKCS12_parse(p12.get(), pw, &key, &cert, &chain) == 1;
    }
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_owner(key, EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert_owner(cert, X509_free);
    auto free_chain = [](STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); };
    std::unique_ptr<STACK_OF(X509), decltype(free_chain)> chain_owner(chain, free_chain);
    if (!parsed || !key || !cert)
        throw std::invalid_argument("the PKCS#12 file " + file +
                                    " holds no usable certificate and key: " + openssl_reason());
    if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1)
        throw std::invalid_argument("the PKCS#12 file " + file +
                                    " cannot be used: " + openssl_reason());
    for (int i = 0; chain && i < sk_X509_num(chain); ++i)
        SSL_CTX_add1_chain_cert(ctx, sk_X509_value(chain, i));
}

} // namespace

void use_client_certificate(SSL_CTX* ctx, const tls_options& tls) {
    ERR_clear_error();
    if (is_pkcs12(tls.client_cert))
        use_pkcs12(ctx, tls);
    else
        use_pem(ctx, tls);
    if (SSL_CTX_check_private_key(ctx) != 1)
        throw std::invalid_argument("the client key does not belong to the certificate in " +
                                    tls.client_cert.string());
}

} // namespace detail

} // namespace konform::http
