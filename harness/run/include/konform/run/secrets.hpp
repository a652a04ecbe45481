#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace konform::run {

// The secret values of a run and the shell placeholders that stand for them in every
// output ("${ORG_TOKEN}", "$(cat key.txt)"). Redaction happens when an exchange is
// recorded, so no report, evidence, log or console line ever holds a secret.
class secrets {
public:
    void add(std::string value, std::string placeholder);
    std::string redact(std::string_view text) const;
    // The same, without a copy when nothing matches (the hot path).
    void redact_in_place(std::string& text) const;
    bool empty() const { return items_.empty(); }
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

private:
    std::vector<std::pair<std::string, std::string>> items_; // longest value first
};

} // namespace konform::run
