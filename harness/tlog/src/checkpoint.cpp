#include "konform/tlog/checkpoint.hpp"

#include "konform/util/sha256.hpp"

#include <openssl/evp.h>
#include <stdexcept>

namespace konform::tlog {

namespace {

const std::string dash = "\xe2\x80\x94"; // U+2014, the signature line's em dash

std::string raw_public(const sign::key& k) {
    std::string out(32, '\0');
    std::size_t n = out.size();
    if (EVP_PKEY_get_raw_public_key(k.native(), reinterpret_cast<unsigned char*>(out.data()), &n) !=
            1 ||
        n != 32)
        throw std::invalid_argument("not an Ed25519 key");
    return out;
}

std::string key_hash(const std::string& name, const std::string& pub) {
    const std::string h = util::sha256_hex(name + "\n" + std::string(1, '\x01') + pub);
    std::string out;
    for (std::size_t i = 0; i < 8; i += 2)
        out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
    return out;
}

std::string hex(std::string_view bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

} // namespace

std::string checkpoint::body() const {
    return origin + "\n" + std::to_string(size) + "\n" + to_base64(root) + "\n";
}

checkpoint checkpoint::parse(std::string_view body) {
    checkpoint c;
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < body.size()) {
        const auto end = body.find('\n', at);
        if (end == std::string_view::npos)
            throw std::invalid_argument("a line without its newline");
        lines.emplace_back(body.substr(at, end - at));
        at = end + 1;
    }
    if (lines.size() < 3)
        throw std::invalid_argument("a checkpoint has origin, size and root lines");
    c.origin = lines[0];
    if (c.origin.empty()) throw std::invalid_argument("the origin line is empty");
    const std::string& size = lines[1];
    if (size.empty() || size.size() > 20 ||
        size.find_first_not_of("0123456789") != std::string::npos ||
        (size.size() > 1 && size[0] == '0'))
        throw std::invalid_argument("the size line is not a decimal number");
    c.size = std::stoull(size);
    c.root = hash_from_base64(lines[2]);
    return c;
}

std::string verifier_key(const std::string& name, const sign::key& k) {
    const std::string pub = raw_public(k);
    return name + "+" + hex(key_hash(name, pub)) + "+" +
           sign::base64_encode(std::string(1, '\x01') + pub);
}

std::string sign_note(const std::string& body, const std::string& name, const sign::key& k) {
    if (body.empty() || body.back() != '\n')
        throw std::invalid_argument("a note ends in a newline");
    const std::string pub = raw_public(k);
    return body + "\n" + dash + " " + name + " " +
           sign::base64_encode(key_hash(name, pub) + k.sign(body)) + "\n";
}

std::optional<std::string> open_note(std::string_view note, const std::string& vkey) {
    try {
        const auto p1 = vkey.find('+'), p2 = vkey.find('+', p1 + 1);
        if (p1 == std::string::npos || p2 == std::string::npos) return std::nullopt;
        const std::string name = vkey.substr(0, p1);
        const std::string key = sign::base64_decode(vkey.substr(p2 + 1));
        if (key.size() != 33 || key[0] != '\x01') return std::nullopt;
        const std::string pub = key.substr(1);
        const std::string id = key_hash(name, pub);
        if (hex(id) != vkey.substr(p1 + 1, p2 - p1 - 1)) return std::nullopt;
        const auto split = note.find("\n\n");
        if (split == std::string_view::npos) return std::nullopt;
        const std::string body(note.substr(0, split + 1));
        // The signature lines: "— name base64", each ending in a newline.
        std::string_view sigs = note.substr(split + 2);
        std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pk(
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                        reinterpret_cast<const unsigned char*>(pub.data()),
                                        pub.size()),
            EVP_PKEY_free);
        if (!pk) return std::nullopt;
        while (!sigs.empty()) {
            const auto end = sigs.find('\n');
            if (end == std::string_view::npos) return std::nullopt;
            const std::string line(sigs.substr(0, end));
            sigs.remove_prefix(end + 1);
            const std::string prefix = dash + " " + name + " ";
            if (line.rfind(prefix, 0) != 0) continue;
            const std::string sig = sign::base64_decode(line.substr(prefix.size()));
            if (sig.size() != 68 || sig.substr(0, 4) != id) continue;
            const std::string value = sig.substr(4);
            EVP_MD_CTX* ctx = EVP_MD_CTX_new();
            const bool ok =
                EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pk.get()) == 1 &&
                EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(value.data()),
                                 value.size(), reinterpret_cast<const unsigned char*>(body.data()),
                                 body.size()) == 1;
            EVP_MD_CTX_free(ctx);
            if (ok) return body;
        }
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

} // namespace konform::tlog
