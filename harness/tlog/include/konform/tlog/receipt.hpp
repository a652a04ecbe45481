#pragma once

#include "konform/tlog/checkpoint.hpp"
#include "konform/tlog/merkle.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace konform::tlog {

// What a certificate carries to prove, offline, that the log holds it: its entry (the
// exact bytes), the entry's index, the inclusion proof and the signed checkpoint it was
// proven against.
struct receipt {
    std::string entry;
    std::uint64_t index = 0;
    std::vector<hash> proof;
    std::string checkpoint; // the signed note

    nlohmann::json to_json() const;
    // Throws std::invalid_argument naming the member that is missing or malformed.
    static receipt from_json(const nlohmann::json& j);
};

// Why the receipt does not prove that the log whose verifier key is `vkey` holds its entry
// at its index, or "" when it does; `proven` gets the checkpoint it was proven against.
std::string receipt_problem(const receipt& r, const std::string& vkey, checkpoint* proven);

// The checkpoint in the signed note when `vkey` signed it and it names that key's log.
// Throws std::invalid_argument saying which of those fails.
checkpoint open_checkpoint(std::string_view note, const std::string& vkey);

} // namespace konform::tlog
