#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

namespace konform::service {

// Encryption at rest of a run's secrets: libsodium's secretbox (XSalsa20-Poly1305) under the
// server's key. What is sealed can only be opened with the same key; a changed byte is
// refused.
class sealed_box {
public:
    // The key in `file` (32 bytes), made with mode 0600 when the file does not exist.
    // Throws std::runtime_error when it cannot be read or made.
    static sealed_box from_key_file(const std::filesystem::path& file);

    std::string seal(std::string_view plain) const; // nonce + ciphertext
    // Throws std::runtime_error when the box was not sealed with this key or was changed.
    std::string open(std::string_view sealed) const;

private:
    std::array<unsigned char, 32> key_{};
};

// Random bytes as lower-case hex (2 characters a byte), for ids and tokens.
std::string random_hex(std::size_t bytes);

// API tokens: "kfm_<id>_<secret>". Only a password hash of the secret is kept (libsodium's
// crypto_pwhash, Argon2id); the token itself is shown once.
struct token_parts {
    std::string id, secret;
};
std::string make_token(const std::string& id, const std::string& secret);
// The parts of a token in that form; empty parts when it is not one.
token_parts split_token(std::string_view token);
std::string hash_secret(const std::string& secret);
bool secret_matches(const std::string& secret, const std::string& hash);

} // namespace konform::service
