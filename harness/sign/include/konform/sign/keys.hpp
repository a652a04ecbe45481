#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace konform::sign {

// An Ed25519 key (private, or public only), through OpenSSL 3's EVP interface.
class key {
public:
    static key generate();
    // Reads a PEM private key (PKCS#8, encrypted when `passphrase` is given); throws
    // std::invalid_argument naming the file.
    static key load_private(const std::filesystem::path& pem_file,
                            const std::string& passphrase = {});
    static key from_public_pem(std::string_view pem);

    // PKCS#8 PEM; encrypted with AES-256-CBC when `passphrase` is not empty.
    std::string private_pem(const std::string& passphrase = {}) const;
    std::string public_pem() const;
    // SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex.
    std::string key_id() const;

    std::string sign(std::string_view message) const; // raw 64-byte signature
    bool verify(std::string_view message, std::string_view signature) const;

    EVP_PKEY* native() const { return pkey_.get(); }

private:
    std::shared_ptr<EVP_PKEY> pkey_;
};

// Writes private.pem (mode 0600, encrypted when `passphrase` is given) and public.pem
// into `dir`; returns the key id.
std::string write_key_pair(const std::filesystem::path& dir, const std::string& passphrase = {});

std::string base64_encode(std::string_view bytes);
std::string base64_decode(std::string_view text); // throws std::invalid_argument

} // namespace konform::sign
