#include "konform/service/sealed_box.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <stdexcept>

namespace konform::service {

namespace {

void ready() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
}

} // namespace

sealed_box sealed_box::from_key_file(const std::filesystem::path& file) {
    ready();
    sealed_box box;
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        std::error_code ec;
        if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
        fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) throw std::runtime_error("cannot make the server key " + file.string());
        randombytes_buf(box.key_.data(), box.key_.size());
        const bool written =
            ::write(fd, box.key_.data(), box.key_.size()) == static_cast<ssize_t>(box.key_.size());
        ::close(fd);
        if (!written) throw std::runtime_error("cannot write the server key " + file.string());
        return box;
    }
    const auto n = ::read(fd, box.key_.data(), box.key_.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(box.key_.size()))
        throw std::runtime_error("the server key " + file.string() + " is not 32 bytes");
    return box;
}

std::string sealed_box::seal(std::string_view plain) const {
    std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                          key_.data());
    return out;
}

std::string sealed_box::open(std::string_view sealed) const {
    if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        throw std::runtime_error("sealed secrets are cut short");
    const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
    std::string out(sealed.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(
            reinterpret_cast<unsigned char*>(out.data()), nonce + crypto_secretbox_NONCEBYTES,
            sealed.size() - crypto_secretbox_NONCEBYTES, nonce, key_.data()) != 0)
        throw std::runtime_error("sealed secrets do not open with this server key");
    return out;
}

std::string random_hex(std::size_t bytes) {
    ready();
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                   raw.size());
    hex.pop_back();
    return hex;
}

std::string make_token(const std::string& id, const std::string& secret) {
    return "kfm_" + id + "_" + secret;
}

token_parts split_token(std::string_view token) {
    if (token.rfind("kfm_", 0) != 0) return {};
    token.remove_prefix(4);
    const auto sep = token.find('_');
    if (sep == std::string_view::npos || sep == 0 || sep + 1 == token.size()) return {};
    for (char c : token)
        if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '_') return {};
    return {std::string(token.substr(0, sep)), std::string(token.substr(sep + 1))};
}

// The secret is 32 random bytes, so the hash need not be slow to be safe; Argon2id at its
// least cost keeps a stolen table useless and a request fast (well under a millisecond).
std::string hash_secret(const std::string& secret) {
    ready();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, secret.data(), secret.size(), crypto_pwhash_OPSLIMIT_MIN,
                          crypto_pwhash_MEMLIMIT_MIN) != 0)
        throw std::runtime_error("out of memory hashing a token");
    return out;
}

bool secret_matches(const std::string& secret, const std::string& hash) {
    ready();
    return crypto_pwhash_str_verify(hash.c_str(), secret.data(), secret.size()) == 0;
}

} // namespace konform::service
