#include "konform/http/message.hpp"

#include <boost/algorithm/string/predicate.hpp>

namespace konform::http {

std::optional<std::string> find_header(const header_list& headers, std::string_view name) {
    for (const auto& [k, v] : headers)
        if (boost::algorithm::iequals(k, name)) return v;
    return std::nullopt;
}

} // namespace konform::http
