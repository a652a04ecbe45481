#pragma once

#include "konform/sign/keys.hpp"
#include "konform/tlog/merkle.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace konform::tlog {

// A log's state as C2SP tlog-checkpoint writes it: the origin line, the tree size and the
// root hash (base64), each ending in a newline.
struct checkpoint {
    std::string origin;
    std::uint64_t size = 0;
    hash root{};

    std::string body() const;
    // Throws std::invalid_argument naming what is wrong.
    static checkpoint parse(std::string_view body);
};

// A C2SP signed-note verifier key for an Ed25519 key: "<name>+<key hash, 8 hex>+<base64 of
// 0x01 ‖ public key>", the key hash being the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖
// public key).
std::string verifier_key(const std::string& name, const sign::key& k);

// The note `body` signed by `k` under `name`, as C2SP signed-note writes it: the body, an
// empty line, and "— <name> <base64(key hash ‖ signature)>".
std::string sign_note(const std::string& body, const std::string& name, const sign::key& k);

// The body of a signed note when the verifier key `vkey` signed it; nothing when it did not
// (no signature line of that key, a bad signature, a malformed note).
std::optional<std::string> open_note(std::string_view note, const std::string& vkey);

} // namespace konform::tlog
