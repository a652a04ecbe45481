#include "konform/run/auth.hpp"

#include <boost/beast/core/detail/base64.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <nlohmann/json.hpp>

namespace konform::run {

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
    : target_(t), client_(c), secrets_(s) {
    const auto& a = t.auth;
    if (a.type == kind::none) return;
    value_ = a.secret.resolve(t.file.string(), "/auth");
    s.add(value_, a.secret.placeholder());
    if (a.type == kind::basic) {
        std::string pass = s.redact(value_);
        s.add(base64(a.username + ":" + value_),
              "$(printf '%s' \"" + a.username + ":" + pass + "\" | base64 -w0)");
    }
}

std::string authenticator::apply(http::request& req) {
    const auto& a = target_.auth;
    switch (a.type) {
    case kind::none:
        return {};
    case kind::bearer:
        req.headers.emplace_back("Authorization", "Bearer " + value_);
        return {};
    case kind::basic:
        req.headers.emplace_back("Authorization", "Basic " + base64(a.username + ":" + value_));
        return {};
    case kind::api_key:
        req.headers.emplace_back(a.header, value_);
        return {};
    case kind::oauth2_client_credentials:
        break;
    }
    if (token_.empty() || std::chrono::steady_clock::now() >= token_expiry_) {
        http::request tr;
        tr.method = "POST";
        tr.url = a.token_url;
        tr.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
        tr.headers.emplace_back("Accept", "application/json");
        tr.body = "grant_type=client_credentials&client_id=" + form_encode(a.client_id) +
                  "&client_secret=" + form_encode(value_);
        secrets_.add(form_encode(value_), secrets_.redact(value_));
        if (!a.scope.empty()) tr.body += "&scope=" + form_encode(a.scope);
        http::exchange x = client_.perform(std::move(tr));
        token_exchange_ = x;
        if (!x.ok()) return "OAuth2 token request to " + a.token_url + " failed: " + x.explanation;
        if (x.resp->status != 200)
            return "OAuth2 token request to " + a.token_url + " answered " +
                   std::to_string(x.resp->status);
        try {
            auto j = nlohmann::json::parse(x.resp->body);
            token_ = j.at("access_token").get<std::string>();
            long expires = j.value("expires_in", 3600L);
            // Renew a little early, so a token never expires in flight.
            token_expiry_ =
                std::chrono::steady_clock::now() + std::chrono::seconds(std::max(1L, expires - 10));
        } catch (const std::exception&) {
            return "OAuth2 token response from " + a.token_url + " has no access_token";
        }
        secrets_.add(token_, "${KONFORM_OAUTH2_ACCESS_TOKEN}");
    }
    req.headers.emplace_back("Authorization", "Bearer " + token_);
    return {};
}

std::optional<http::exchange> authenticator::take_token_exchange() {
    auto out = std::move(token_exchange_);
    token_exchange_.reset();
    return out;
}

} // namespace konform::run
