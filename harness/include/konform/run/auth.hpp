#pragma once

#include "konform/http/client.hpp"
#include "konform/model/target.hpp"
#include "konform/run/secrets.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace konform::run {

// Adds the target's credentials to requests. For OAuth2 client credentials it fetches a
// token once, reuses it, and fetches a new one shortly before it expires.
class authenticator {
public:
    // Registers every secret it resolves in `s`.
    authenticator(const model::target& t, http::client& c, secrets& s);

    // Adds the credentials; returns an explanation when they cannot be obtained.
    std::string apply(http::request& req);

    // The exchange that fetched the last token, if one happened since the last call.
    std::optional<http::exchange> take_token_exchange();

private:
    const model::target& target_;
    http::client& client_;
    secrets& secrets_;
    std::string value_; // resolved secret
    std::string token_;
    std::chrono::steady_clock::time_point token_expiry_{};
    std::optional<http::exchange> token_exchange_;
};

} // namespace konform::run
