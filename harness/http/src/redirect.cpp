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

// `url` begins with `base`, and the authority `base` names ends within that beginning: by
// their text alone, the two have the same scheme and authority.
bool extends(std::string_view url, std::string_view base) {
    if (!url.starts_with(base)) return false;
    const std::size_t scheme_end = base.find("://");
    if (scheme_end == std::string_view::npos) return false;
    if (base.find_first_of("/?#", scheme_end + 3) != std::string_view::npos) return true;
    return url.size() == base.size() ||
           std::string_view("/?#").find(url[base.size()]) != std::string_view::npos;
}

// A run asks about the same base URL for every request: its origin is kept.
std::optional<std::string> cached_origin_of(const std::string& url) {
    thread_local std::string last_url;
    thread_local std::optional<std::string> last_origin;
    thread_local bool filled = false;
    if (!filled || url != last_url) {
        last_origin = origin_of(url);
        last_url = url;
        filled = true;
    }
    return last_origin;
}

} // namespace

bool same_origin(const std::string& a, const std::string& b) {
    // A request under the target's base URL (most of a run's): the same origin when the
    // base URL has one.
    if (extends(a, b)) return cached_origin_of(b).has_value();
    if (extends(b, a)) return cached_origin_of(a).has_value();
    auto x = origin_of(a), y = cached_origin_of(b);
    return x && y && *x == *y;
}

} // namespace konform::http
