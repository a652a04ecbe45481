#include "wire_request.hpp"

#include <boost/beast/core/string.hpp>

namespace konform::http::detail {

namespace {

bool one_of(std::string_view method, std::initializer_list<std::string_view> names) {
    for (auto n : names)
        if (method == n) return true;
    return false;
}

} // namespace

wire_request serialise(request& r, std::string_view target, std::string_view host_header,
                       std::string_view user_agent) {
    using boost::beast::iequals;
    wire_request w;
    w.is_head = r.method == "HEAD";
    w.idempotent = one_of(r.method, {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"});
    const bool with_length = !r.body.empty() || one_of(r.method, {"POST", "PUT", "PATCH"});
    header_list sent;
    sent.reserve(r.headers.size() + 3);
    sent.emplace_back("Host", std::string(host_header));
    sent.emplace_back("User-Agent", std::string(user_agent));
    for (auto& field : r.headers) {
        if (with_length &&
            (iequals(field.first, "Content-Length") || iequals(field.first, "Transfer-Encoding")))
            continue;
        sent.push_back(std::move(field));
    }
    if (with_length) sent.emplace_back("Content-Length", std::to_string(r.body.size()));
    r.headers = std::move(sent);

    std::size_t size = r.method.size() + target.size() + 13;
    for (const auto& [k, v] : r.headers)
        size += k.size() + v.size() + 4;
    w.head.reserve(size);
    w.head.append(r.method).append(" ").append(target).append(" HTTP/1.1\r\n");
    for (const auto& [k, v] : r.headers)
        w.head.append(k).append(": ").append(v).append("\r\n");
    w.head.append("\r\n");
    return w;
}

} // namespace konform::http::detail
