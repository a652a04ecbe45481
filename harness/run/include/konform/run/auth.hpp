#pragma once

#include "konform/http/client.hpp"
#include "konform/model/target.hpp"
#include "konform/run/secrets.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace konform::run {

// Adds the target's credentials to requests. For OAuth2 client credentials it fetches a
// token once, reuses it, and fetches a new one shortly before it expires.
class authenticator {
public:
    // Done, or why not.
    using outcome = boost::system::result<void, std::string>;

    // Registers every secret it resolves in `s`.
    authenticator(const model::target& t, http::client& c, secrets& s);

    // Adds the credentials, or says why they cannot be obtained. When it fetched an OAuth2
    // token for this request, `token_exchange` holds that exchange (for the evidence). Test
    // cases running at once share one token fetch.
    boost::asio::awaitable<outcome> apply(http::request& req,
                                          std::optional<http::exchange>& token_exchange);
    // Adds credentials that need no fetch (none, bearer, basic, API key) at once; false for
    // a kind that may have to fetch them (OAuth2), which apply() adds.
    bool apply_at_once(http::request& req) const;

    // The shortest access token accepted from a token endpoint.
    static constexpr std::size_t min_token_length = 8;

private:
    const model::target& target_;
    http::client& client_;
    secrets& secrets_;
    std::string value_; // resolved secret
    std::string token_;
    std::chrono::steady_clock::time_point token_expiry_{};
    bool fetching_ = false;
    std::unique_ptr<boost::asio::steady_timer> fetched_; // wakes those waiting for a fetch

    boost::asio::awaitable<outcome> fetch_token(std::optional<http::exchange>& exchange);
};

} // namespace konform::run
