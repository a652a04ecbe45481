// Webhooks: an organisation subscribes a URL to one system's or one standard's events; each
// event is POSTed to it as JSON, signed with HMAC-SHA256 under the subscription's secret,
// and retried on failure, every attempt kept in the delivery log.
#include "service_impl.hpp"

#include "konform/http/client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/url/parse.hpp>
#include <sodium.h>

namespace konform::service {

using detail::refusal;
using nlohmann::json;

namespace detail {

std::string hmac_sha256_hex(const std::string& key, const std::string& message) {
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                                key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size());
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_final(&state, mac);
    std::string hex(2 * sizeof mac + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), mac, sizeof mac);
    hex.pop_back();
    return hex;
}

// Whether the address is one a subscriber's URL may not name: loopback, private, link-local,
// carrier-grade NAT, unspecified or multicast (the service's own network, not the web).
bool is_internal(const boost::asio::ip::address& a) {
    if (a.is_loopback() || a.is_unspecified() || a.is_multicast()) return true;
    if (a.is_v6()) {
        const auto v6 = a.to_v6();
        if (v6.is_v4_mapped())
            return is_internal(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6));
        const auto b = v6.to_bytes();
        return v6.is_link_local() || v6.is_site_local() || (b[0] & 0xfe) == 0xfc;
    }
    const auto b = a.to_v4().to_bytes();
    return b[0] == 10 || b[0] == 0 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
           (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) ||
           (b[0] == 100 && (b[1] & 0xc0) == 64);
}

// Why the service may not POST to `url`, or "".
std::string webhook_url_problem(const std::string& url, bool allow_internal) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u) return "not an absolute URL";
    if (u->scheme() != "https" && u->scheme() != "http") return "http or https only";
    if (u->host().empty()) return "no host";
    if (u->has_userinfo()) return "no user name or password in the URL";
    if (allow_internal) return "";
    try {
        boost::asio::io_context ioc;
        boost::asio::ip::tcp::resolver resolver(ioc);
        const std::string port =
            u->has_port() ? std::string(u->port()) : (u->scheme() == "https" ? "443" : "80");
        std::string host(u->encoded_host());
        if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
        for (const auto& e : resolver.resolve(host, port))
            if (is_internal(e.endpoint().address()))
                return "its host resolves to an internal address (" +
                       e.endpoint().address().to_string() + ")";
    } catch (const std::exception& e) {
        return std::string("its host does not resolve: ") + e.what();
    }
    return "";
}

} // namespace detail

json service::impl::subscribe(const detail::caller& who, const json& body) {
    if (!who.org) throw refusal(401, "an API token is needed here");
    if (!body.is_object()) throw refusal(422, "the body must be a JSON object");
    subscription_record s;
    s.organisation = who.org->id;
    s.system = body.value("system", "");
    s.profile = body.value("profile", "");
    if (s.system.empty() == s.profile.empty())
        throw refusal(422, "system or profile: exactly one of them");
    if (!s.system.empty()) {
        bool certified = false;
        for (const auto& c : st.certificates({}))
            certified = certified || c.system == s.system;
        if (!certified) throw refusal(422, "system: no certificate names that system");
    } else {
        bool published = false;
        for (const auto& p : st.profiles())
            published = published || p.id == s.profile;
        if (!published) throw refusal(422, "profile: not published");
    }
    if (!body.contains("url") || !body["url"].is_string() || body["url"].get<std::string>().empty())
        throw refusal(422, "url: required");
    s.url = body["url"];
    if (s.url.size() > 2000) throw refusal(422, "url: at most 2000 characters");
    if (std::string why = detail::webhook_url_problem(s.url, opt.webhooks_to_private_addresses);
        !why.empty())
        throw refusal(422, "url: " + why);
    const std::string secret = random_hex(32);
    s = st.add_subscription(s, box.seal(secret));
    st.audit(who.name(), "subscription.add", s.id, s.url);
    return {{"id", s.id},
            {"system", s.system},
            {"profile", s.profile},
            {"url", s.url},
            {"secret", secret},
            {"signature", "X-Konform-Signature: sha256=HEX, the HMAC-SHA256 under the secret "
                          "of X-Konform-Timestamp + \".\" + the body"}};
}

void service::impl::deliver_due() {
    const std::int64_t now = now_ms();
    for (const auto& d : st.due_deliveries(now, 20)) {
        const auto sub = st.find_subscription(d.subscription);
        const auto e = st.find_feed_event(d.event);
        const auto sealed = st.subscription_secret(d.subscription);
        if (!sub || !e || !sealed) continue;
        const json body_json = {
            {"id", e->id},
            {"at", e->at},
            {"kind", e->kind},
            {"title", e->title},
            {"detail", e->detail},
            {"system", e->system},
            {"profile", e->profile},
            {"certificate", e->certificate},
            {"certificate_url", opt.public_url + "/api/v1/certificates/" + e->certificate}};
        const std::string body = body_json.dump();
        const std::string stamp = std::to_string(now / 1000);
        delivery_attempt a;
        a.subscription = d.subscription;
        a.event = d.event;
        a.attempt = d.attempts + 1;
        a.at = now;
        bool delivered = false;
        if (std::string why =
                detail::webhook_url_problem(sub->url, opt.webhooks_to_private_addresses);
            !why.empty()) {
            a.detail = "not sent: the URL " + why;
        } else {
            boost::asio::io_context ioc;
            http::client_options copt;
            copt.lim.connect_timeout = std::chrono::seconds(5);
            copt.lim.read_timeout = std::chrono::seconds(10);
            copt.lim.total_timeout = std::chrono::seconds(15);
            copt.lim.max_body_bytes = 64 * 1024;
            copt.user_agent = "konform-webhook";
            http::client client(ioc, copt);
            http::request req;
            req.method = "POST";
            req.url = sub->url;
            req.body = body;
            req.headers = {
                {"Content-Type", "application/json"},
                {"X-Konform-Event", e->id},
                {"X-Konform-Timestamp", stamp},
                {"X-Konform-Signature",
                 "sha256=" + detail::hmac_sha256_hex(box.open(*sealed), stamp + "." + body)}};
            const auto x = client.perform(std::move(req));
            if (x.ok()) {
                a.status = x.resp->status;
                delivered = x.resp->status >= 200 && x.resp->status < 300;
                a.detail = "HTTP " + std::to_string(x.resp->status);
            } else {
                a.detail = x.explanation.substr(0, 300);
            }
        }
        const std::size_t tried = static_cast<std::size_t>(a.attempt);
        if (delivered)
            st.record_attempt(a, "delivered", now);
        else if (tried <= opt.webhook_retries.size())
            st.record_attempt(a, "pending",
                              now + std::chrono::duration_cast<std::chrono::milliseconds>(
                                        opt.webhook_retries[tried - 1])
                                        .count());
        else
            st.record_attempt(a, "failed", now);
    }
}

} // namespace konform::service
