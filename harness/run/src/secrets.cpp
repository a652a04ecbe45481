#include "konform/run/secrets.hpp"

#include <algorithm>
#include <boost/beast/core/detail/base64.hpp>

namespace konform::run {

namespace {

std::string base64(std::string_view in, bool url) {
    namespace b64 = boost::beast::detail::base64;
    std::string out(b64::encoded_size(in.size()), '\0');
    out.resize(b64::encode(out.data(), in.data(), in.size()));
    if (url) {
        for (char& c : out)
            c = c == '+' ? '-' : c == '/' ? '_' : c;
        while (!out.empty() && out.back() == '=')
            out.pop_back();
    } else
        while (!out.empty() && out.back() == '=') // a reflection may drop or cut padding
            out.pop_back();
    return out;
}

std::string hex(std::string_view in, const char* digits, const char* prefix) {
    std::string out;
    for (unsigned char c : in)
        out += std::string(prefix) + digits[c >> 4] + digits[c & 15];
    return out;
}

void by_length(std::vector<std::pair<std::string, std::string>>& v) {
    std::stable_sort(v.begin(), v.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

void replace_all(std::string& text, const std::vector<std::pair<std::string, std::string>>& v) {
    for (const auto& [value, placeholder] : v) {
        std::size_t pos = 0;
        while ((pos = text.find(value, pos)) != std::string::npos) {
            text.replace(pos, value.size(), placeholder);
            pos += placeholder.size();
        }
    }
}

} // namespace

void secrets::add(std::string value, std::string placeholder) {
    if (value.empty()) return;
    for (const auto& [v, p] : items_)
        if (v == value) return;
    if (value.size() >= 8) {
        const char* lower = "0123456789abcdef";
        const char* upper = "0123456789ABCDEF";
        const std::pair<std::string, std::string> forms[] = {
            {base64(value, false), "<base64 of " + placeholder + ">"},
            {base64(value, true), "<base64url of " + placeholder + ">"},
            {hex(value, lower, ""), "<hex of " + placeholder + ">"},
            {hex(value, upper, ""), "<hex of " + placeholder + ">"},
            {hex(value, upper, "%"), "<percent-encoded " + placeholder + ">"},
            {hex(value, lower, "%"), "<percent-encoded " + placeholder + ">"},
            {hex(value, lower, "\\u00"), "<\\u-escaped " + placeholder + ">"},
            {hex(value, upper, "\\u00"), "<\\u-escaped " + placeholder + ">"},
        };
        for (const auto& f : forms)
            if (f.first != value) derived_.push_back(f);
        by_length(derived_);
    }
    items_.emplace_back(std::move(value), std::move(placeholder));
    by_length(items_);
}

void secrets::add_placed(std::string value, std::string placeholder) {
    if (value.empty()) return;
    for (const auto& [v, p] : placed_)
        if (v == value) return;
    placed_.emplace_back(std::move(value), std::move(placeholder));
    by_length(placed_);
}

void secrets::redact_placed(std::string& text) const {
    replace_all(text, placed_);
}

std::vector<std::string> secrets::placeholders() const {
    std::vector<std::string> out;
    for (const auto* list : {&items_, &placed_})
        for (const auto& [value, placeholder] : *list)
            if (std::find(out.begin(), out.end(), placeholder) == out.end())
                out.push_back(placeholder);
    std::sort(out.begin(), out.end());
    return out;
}

std::string secrets::redact(std::string_view text) const {
    std::string out(text);
    redact_in_place(out);
    return out;
}

void secrets::redact_in_place(std::string& text) const {
    replace_all(text, items_);
    replace_all(text, derived_);
    // A value cut for display ("abc... (5000 characters)") may end in the start of a secret:
    // that start (4 bytes or more) is redacted too.
    constexpr std::string_view cut = "... (";
    for (std::size_t at = text.find(cut); at != std::string::npos; at = text.find(cut, at + 1)) {
        for (const auto* list : {&items_, &derived_})
            for (const auto& [value, placeholder] : *list)
                for (std::size_t k = std::min(value.size() - 1, at); k >= 4; --k)
                    if (text.compare(at - k, k, value, 0, k) == 0) {
                        text.replace(at - k, k, placeholder);
                        at = at - k + placeholder.size();
                        break;
                    }
    }
}

} // namespace konform::run
