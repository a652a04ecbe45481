#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace konform::cli {

// What the transparency log says of a certificate (a signed report carrying a receipt).
struct log_verdict {
    bool in_log = false;    // the receipt proves the log holds the certificate's entry
    bool certifies = false; // and nothing the log holds since ends or pauses it
    std::string lines;      // what to print, one finding a line
};

// Checks the receipt offline against the log's verifier key `vkey`: the entry is the
// report's (by digest), signed by the certifier (anchored in `trust` when given), and in
// the tree the signed checkpoint commits to. With `log` (a folder or URL) it also reads the
// log as it is now: the receipt's tree must be a prefix of it, and the certificate's later
// entries give its status. Throws std::runtime_error when the log cannot be read.
log_verdict check_in_log(const nlohmann::json& report, const std::string& vkey,
                         const std::optional<std::string>& trust, const std::string& log);

} // namespace konform::cli
