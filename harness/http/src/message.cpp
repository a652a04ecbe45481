#include "konform/http/message.hpp"

#include <boost/beast/core/string.hpp>

namespace konform::http {

std::optional<std::string> find_header(const header_list& headers, std::string_view name) {
    for (const auto& [k, v] : headers)
        if (boost::beast::iequals(k, name)) return v;
    return std::nullopt;
}

} // namespace konform::http
