#include "konform/http/redirect.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <cctype>

namespace konform::http {

std::optional<request> redirect_request(const request& original, const exchange& x) {
    if (!x.ok()) return std::nullopt;
    const int code = x.resp->status;
    auto location = x.resp->header("Location");
    if (!(code == 301 || code == 302 || code == 303 || code == 307 || code == 308) || !location)
        return std::nullopt;
    auto base = boost::urls::parse_uri(x.req.url);
    auto ref = boost::urls::parse_uri_reference(*location);
    if (!base || !ref) return std::nullopt;
    boost::urls::url next;
    if (!boost::urls::resolve(*base, *ref, next)) return std::nullopt;
    request r = original;
    r.url = std::string(next.buffer());
    if (code == 303 || ((code == 301 || code == 302) && r.method == "POST")) {
        r.method = "GET";
        r.body.clear();
    }
    return r;
}

namespace {

std::optional<std::string> origin_of(const std::string& url) {
    auto r = boost::urls::parse_uri(url);
    if (!r || !r->has_authority()) return std::nullopt;
    std::string scheme(r->scheme());
    for (auto& c : scheme)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string host(r->encoded_host());
    for (auto& c : host)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string port = r->has_port() ? std::string(r->port()) : scheme == "https" ? "443" : "80";
    return scheme + "://" + host + ":" + port;
}

} // namespace

bool same_origin(const std::string& a, const std::string& b) {
    auto x = origin_of(a), y = origin_of(b);
    return x && y && *x == *y;
}

} // namespace konform::http
