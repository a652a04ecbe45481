#pragma once

#include "konform/http/exchange.hpp"

#include <optional>
#include <string>

namespace konform::http {

// The request that follows `x` when it answered a redirect (301, 302, 303, 307, 308 with
// a Location): `original` (the request as built, before the client added its headers)
// sent to the Location resolved against the URL; nothing when `x` is not a redirect or
// its Location cannot be resolved. 303, and 301/302 after a POST, become a GET without a
// body.
std::optional<request> redirect_request(const request& original, const exchange& x);

// True when both absolute URLs have the same scheme, host (case-insensitive) and port
// (default ports filled in): where a target's credentials may go.
bool same_origin(const std::string& a, const std::string& b);

} // namespace konform::http
