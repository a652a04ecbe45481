#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace konform::run {

// The secret values of a run and the shell placeholders that stand for them in every
// output ("${ORG_TOKEN}", "$(cat key.txt)"). Assertions judge the exchange as it was;
// redaction happens on everything written (evidence, report, console), so no output ever
// holds a secret. A system may reflect a secret encoded: the base64 (standard and URL
// alphabet), hex (either case), percent- and \u-escaped forms of every secret of 8 bytes
// or more are redacted too, as "<base64 of ${ORG_TOKEN}>" and the like.
class secrets {
public:
    void add(std::string value, std::string placeholder);
    // A value the system issued (an OAuth2 access token): redacted only where konform put
    // it (the Authorization header of its requests, the token response; redact_placed),
    // never in other text, where a token such as "application" would rewrite every
    // Content-Type of the evidence.
    void add_placed(std::string value, std::string placeholder);
    void redact_placed(std::string& text) const;
    std::string redact(std::string_view text) const;
    // The same, without a copy when nothing matches (the hot path).
    void redact_in_place(std::string& text) const;
    // Every placeholder that stands for a secret in what was written ("${ORG_TOKEN}",
    // "$(cat 'key.txt')"), for report.json: what a repro script may expand.
    std::vector<std::string> placeholders() const;
    bool empty() const { return items_.empty() && placed_.empty(); }
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

private:
    std::vector<std::pair<std::string, std::string>> items_;   // longest value first
    std::vector<std::pair<std::string, std::string>> derived_; // encoded forms, longest first
    std::vector<std::pair<std::string, std::string>> placed_;
};

} // namespace konform::run
