#include "konform/run/secrets.hpp"

#include <algorithm>

namespace konform::run {

void secrets::add(std::string value, std::string placeholder) {
    if (value.empty()) return;
    for (const auto& [v, p] : items_)
        if (v == value) return;
    items_.emplace_back(std::move(value), std::move(placeholder));
    std::stable_sort(items_.begin(), items_.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

std::string secrets::redact(std::string_view text) const {
    std::string out(text);
    redact_in_place(out);
    return out;
}

void secrets::redact_in_place(std::string& text) const {
    for (const auto& [value, placeholder] : items_) {
        std::size_t pos = 0;
        while ((pos = text.find(value, pos)) != std::string::npos) {
            text.replace(pos, value.size(), placeholder);
            pos += placeholder.size();
        }
    }
}

} // namespace konform::run
