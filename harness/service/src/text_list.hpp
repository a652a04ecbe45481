#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace konform::service::detail {

// The items of a list separated by `sep`, each without the spaces around it; empty items
// left out ("a, b,,c" -> a, b, c). For cookies, Accept-Language, id lists and paths.
inline std::vector<std::string> split_trimmed(std::string_view text, char sep) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t end = text.find(sep, at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view item = text.substr(at, end - at);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
            item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        at = end + 1;
    }
    return out;
}

} // namespace konform::service::detail
