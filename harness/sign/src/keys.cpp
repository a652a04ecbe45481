#include "konform/sign/keys.hpp"

#include "konform/util/file.hpp"
#include "konform/util/sha256.hpp"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace konform::sign {

namespace {

std::string openssl_error() {
    unsigned long e = ERR_get_error();
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return e ? buf : "unknown OpenSSL error";
}

std::string bio_string(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

using bio_ptr = std::unique_ptr<BIO, decltype(&BIO_free)>;

} // namespace

key key::generate() {
    key k;
    EVP_PKEY* p = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    if (!p) throw std::runtime_error("Ed25519 key generation failed: " + openssl_error());
    k.pkey_.reset(p, EVP_PKEY_free);
    return k;
}

key key::load_private(const std::filesystem::path& pem_file, const std::string& passphrase) {
    std::string pem;
    try {
        pem = util::read_file(pem_file); // a regular file: a FIFO or device never hangs here
    } catch (const std::exception& e) {
        throw std::invalid_argument(e.what());
    }
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    // Without a passphrase, an encrypted key must fail rather than prompt on the terminal.
    static char empty[] = "";
    void* pass =
        passphrase.empty() ? static_cast<void*>(empty) : const_cast<char*>(passphrase.c_str());
    EVP_PKEY* p = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, pass);
    if (!p) {
        ERR_clear_error();
        throw std::invalid_argument(
            pem_file.string() +
            ": not a usable PEM private key (wrong or missing passphrase, or not a key)");
    }
    if (EVP_PKEY_get_id(p) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(p);
        throw std::invalid_argument(pem_file.string() + ": not an Ed25519 key");
    }
    key k;
    k.pkey_.reset(p, EVP_PKEY_free);
    return k;
}

key key::from_public_pem(std::string_view pem) {
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    EVP_PKEY* p = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    if (!p) throw std::invalid_argument("not a PEM public key (" + openssl_error() + ")");
    if (EVP_PKEY_get_id(p) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(p);
        throw std::invalid_argument("not an Ed25519 public key");
    }
    key k;
    k.pkey_.reset(p, EVP_PKEY_free);
    return k;
}

std::string key::private_pem(const std::string& passphrase) const {
    bio_ptr bio(BIO_new(BIO_s_mem()), BIO_free);
    const EVP_CIPHER* cipher = passphrase.empty() ? nullptr : EVP_aes_256_cbc();
    auto* pass =
        passphrase.empty() ? nullptr : reinterpret_cast<const unsigned char*>(passphrase.data());
    if (PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey_.get(), cipher,
                                      reinterpret_cast<const char*>(pass),
                                      static_cast<int>(passphrase.size()), nullptr, nullptr) != 1)
        throw std::runtime_error("cannot write private key: " + openssl_error());
    return bio_string(bio.get());
}

std::string key::public_pem() const {
    bio_ptr bio(BIO_new(BIO_s_mem()), BIO_free);
    if (PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1)
        throw std::runtime_error("cannot write public key: " + openssl_error());
    return bio_string(bio.get());
}

std::string key::key_id() const {
    unsigned char* der = nullptr;
    int len = i2d_PUBKEY(pkey_.get(), &der);
    if (len <= 0) throw std::runtime_error("cannot encode public key");
    std::string id = util::sha256_hex(
        std::string_view(reinterpret_cast<char*>(der), static_cast<std::size_t>(len)));
    OPENSSL_free(der);
    return id;
}

std::string key::sign(std::string_view message) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::size_t len = 0;
    if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
        throw std::runtime_error("signing failed: " + openssl_error());
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
        throw std::runtime_error("signing failed: " + openssl_error());
    sig.resize(len);
    return sig;
}

bool key::verify(std::string_view message, std::string_view signature) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) != 1) return false;
    int rc = EVP_DigestVerify(
        ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
        reinterpret_cast<const unsigned char*>(message.data()), message.size());
    ERR_clear_error();
    return rc == 1;
}

std::string write_key_pair(const std::filesystem::path& dir, const std::string& passphrase) {
    key k = key::generate();
    std::filesystem::create_directories(dir);
    const auto priv = dir / "private.pem";
    std::string pem = k.private_pem(passphrase);
    int fd = ::open(priv.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::invalid_argument(priv.string() + ": cannot create (does it exist already?)");
    bool ok = ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
    ok = ::close(fd) == 0 && ok;
    if (!ok) throw std::runtime_error(priv.string() + ": write failed");
    util::write_file_atomically(dir / "public.pem", k.public_pem());
    return k.key_id();
}

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) throw std::invalid_argument("not base64");
    std::string out(3 * text.size() / 4 + 1, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
    if (n < 0) throw std::invalid_argument("not base64");
    std::size_t pad = 0;
    if (!text.empty() && text.back() == '=') ++pad;
    if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
    out.resize(static_cast<std::size_t>(n) - pad);
    // Only the canonical encoding is accepted: unused bits that differ would otherwise let
    // two texts stand for one signature.
    if (base64_encode(out) != text) throw std::invalid_argument("not canonical base64");
    return out;
}

} // namespace konform::sign
