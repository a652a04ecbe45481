#include "konform/run/auth.hpp"

#include "konform/util/text.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <nlohmann/json.hpp>

namespace konform::run {

namespace {

// A failure with its reason, for the authenticator's outcome.
authenticator::outcome fail(std::string why) {
    return {boost::system::in_place_error, std::move(why)};
}

} // namespace

using kind = model::auth_config::kind;

namespace {
std::string base64(std::string_view in) {
    namespace b64 = boost::beast::detail::base64;
    std::string out(b64::encoded_size(in.size()), '\0');
    out.resize(b64::encode(out.data(), in.data(), in.size()));
    return out;
}
std::string form_encode(std::string_view s) {
    return boost::urls::encode(s, boost::urls::unreserved_chars);
}
} // namespace

authenticator::authenticator(const model::target& t, http::client& c, secrets& s)
    : target_(t), client_(c), secrets_(s),
      fetched_(std::make_unique<boost::asio::steady_timer>(
          c.context(), boost::asio::steady_timer::time_point::max())) {
    const auto& a = t.auth;
    if (a.type == kind::none) return;
    value_ = a.secret.resolve(t, "/auth");
    s.add(value_, a.secret.placeholder());
    if (a.type == kind::basic) {
        std::string pass = s.redact(value_);
        s.add(base64(a.username + ":" + value_),
              "$(printf '%s' " + util::shell_quote(a.username) + "\":" + pass + "\" | base64 -w0)");
    }
}

bool authenticator::apply_at_once(http::request& req) const {
    const auto& a = target_.auth;
    switch (a.type) {
    case kind::none:
        return true;
    case kind::bearer:
        req.headers.emplace_back("Authorization", "Bearer " + value_);
        return true;
    case kind::basic:
        req.headers.emplace_back("Authorization", "Basic " + base64(a.username + ":" + value_));
        return true;
    case kind::api_key:
        if (a.query.empty()) {
            req.headers.emplace_back(a.header, value_);
        } else { // as a query parameter (Datafordeleren's apiKey); redacted from every output
            req.url += (req.url.find('?') == std::string::npos ? "?" : "&") + a.query + "=" +
                       form_encode(value_);
        }
        return true;
    case kind::oauth2_client_credentials:
        break;
    }
    return false;
}

boost::asio::awaitable<authenticator::outcome>
authenticator::apply(http::request& req, std::optional<http::exchange>& token_exchange) {
    if (apply_at_once(req)) co_return outcome();
    while (fetching_) { // another test case is fetching: wait for its token
        // Woken by cancel() when the fetch ends; the error code says only that.
        (void)co_await fetched_->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    if (token_.empty() || std::chrono::steady_clock::now() >= token_expiry_) {
        fetching_ = true;
        outcome fetched = co_await fetch_token(token_exchange);
        fetching_ = false;
        fetched_->cancel();
        if (!fetched) co_return fetched;
    }
    req.headers.emplace_back("Authorization", "Bearer " + token_);
    co_return outcome();
}

boost::asio::awaitable<authenticator::outcome>
authenticator::fetch_token(std::optional<http::exchange>& exchange) {
    const auto& a = target_.auth;
    http::request tr;
    tr.method = "POST";
    tr.url = a.token_url;
    tr.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    tr.headers.emplace_back("Accept", "application/json");
    tr.body = "grant_type=client_credentials&client_id=" + form_encode(a.client_id) +
              "&client_secret=" + form_encode(value_);
    secrets_.add(form_encode(value_), secrets_.redact(value_));
    if (!a.scope.empty()) tr.body += "&scope=" + form_encode(a.scope);
    exchange = co_await client_.async_perform(std::move(tr));
    const http::exchange& x = *exchange;
    token_.clear();
    if (!x.ok())
        co_return fail("OAuth2 token request to " + a.token_url + " failed: " + x.explanation);
    if (x.resp->status != 200)
        co_return fail("OAuth2 token request to " + a.token_url + " answered " +
                       std::to_string(x.resp->status));
    try {
        auto j = nlohmann::json::parse(x.resp->body);
        token_ = j.at("access_token").get<std::string>();
        long expires = j.value("expires_in", 3600L);
        // Renew a little early, so a token never expires in flight.
        token_expiry_ =
            std::chrono::steady_clock::now() + std::chrono::seconds(std::max(1L, expires - 10));
    } catch (const std::exception&) {
        token_.clear();
        co_return fail("OAuth2 token response from " + a.token_url + " has no access_token");
    }
    // The token becomes a redaction pattern: a very short one would garble every output
    // (and could not be told apart from ordinary text), so it is refused.
    if (token_.size() < min_token_length) {
        token_.clear();
        co_return fail("OAuth2 token response from " + a.token_url +
                       " has an access_token shorter than " + std::to_string(min_token_length) +
                       " characters: refused");
    }
    secrets_.add_placed(token_, "${KONFORM_OAUTH2_ACCESS_TOKEN}");
    co_return outcome();
}

} // namespace konform::run
