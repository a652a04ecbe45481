#include "konform/http/redirect.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

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

} // namespace konform::http
