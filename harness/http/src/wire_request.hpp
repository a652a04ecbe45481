#pragma once

#include "konform/http/message.hpp"

#include <string>
#include <string_view>

namespace konform::http::detail {

// A request as it goes on the wire: the request line and header section, serialised once
// (the body is written after it as it is). `request` holds the header fields the client
// adds (Host, User-Agent, Content-Length) in the order they are sent, so the evidence
// shows what was sent.
struct wire_request {
    std::string head;
    bool is_head = false;    // a HEAD request: its answer has no body
    bool idempotent = false; // RFC 9110 §9.2.2: may be sent again without a further effect
};

// Serialises `r` for `target` on `host_header`; moves the request's own header fields into
// the sent list. A request with a body (or a POST, PUT or PATCH) states its length; a
// Content-Length or Transfer-Encoding field of its own is replaced by it. Header fields
// must hold no line break (checked before).
wire_request serialise(request& r, std::string_view target, std::string_view host_header,
                       std::string_view user_agent);

} // namespace konform::http::detail
