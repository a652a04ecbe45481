#include "konform/check/same_value.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

namespace konform::check {

using nlohmann::json;

std::optional<double> decimal_number(std::string_view text) {
    std::size_t i = 0;
    const auto digit = [&](std::size_t at) {
        return at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]));
    };
    if (i < text.size() && text[i] == '-') ++i;
    if (!digit(i)) return std::nullopt;
    if (text[i] == '0' && digit(i + 1)) return std::nullopt; // a leading zero: "0825"
    while (digit(i))
        ++i;
    if (i < text.size() && text[i] == '.') {
        if (!digit(++i)) return std::nullopt;
        while (digit(i))
            ++i;
    }
    if (i != text.size()) return std::nullopt;
    double d = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d))
        return std::nullopt;
    return d;
}

bool same_value(const json& actual, const json& expected) {
    if (actual == expected) return true;
    if (!actual.is_string()) return false;
    const auto& text = actual.get_ref<const std::string&>();
    if (expected.is_boolean()) return text == (expected.get<bool>() ? "true" : "false");
    if (expected.is_number()) {
        const auto n = decimal_number(text);
        return n && *n == expected.get<double>();
    }
    return false;
}

} // namespace konform::check
