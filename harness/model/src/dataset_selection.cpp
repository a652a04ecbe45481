#include "konform/model/dataset_selection.hpp"

#include <algorithm>

namespace konform::model {

using nlohmann::json;

namespace {

std::optional<double> number_of(const json& v) {
    if (v.is_number()) return v.get<double>();
    if (!v.is_string()) return std::nullopt;
    const std::string& s = v.get_ref<const std::string&>();
    if (s.empty()) return std::nullopt;
    std::size_t used = 0;
    try {
        const double d = std::stod(s, &used);
        if (used == s.size()) return d;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

std::string text_of(const json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

// Orders two cells: numbers before text, numbers numerically, text by bytes.
bool cell_less(const json& a, const json& b) {
    const auto na = number_of(a), nb = number_of(b);
    if (na && nb) return *na < *nb;
    if (na || nb) return na.has_value();
    return text_of(a) < text_of(b);
}

} // namespace

bool loosely_equal(const json& a, const json& b) {
    if (a == b) return true;
    if (a.is_null() || b.is_null() || a.is_structured() || b.is_structured()) return false;
    const auto na = number_of(a), nb = number_of(b);
    if (na && nb && (a.is_number() || b.is_number())) return *na == *nb;
    return text_of(a) == text_of(b);
}

json select_rows(const dataset_rows& rows, const row_selection& sel) {
    std::vector<json> chosen;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        // Only the `where` columns of a row are read until the row is chosen.
        bool keep = true;
        for (const auto& [column, value] : sel.where.items()) {
            const auto cell = rows.cell(i, column);
            keep = cell && loosely_equal(*cell, value);
            if (!keep) break;
        }
        if (!keep) continue;
        json row = rows.row(i);
        if (row.is_object()) chosen.push_back(std::move(row));
    }
    if (!sel.order_by.empty())
        std::stable_sort(chosen.begin(), chosen.end(), [&](const json& a, const json& b) {
            for (const auto& c : sel.order_by) {
                const json& x = a.contains(c) ? a[c] : json();
                const json& y = b.contains(c) ? b[c] : json();
                if (cell_less(x, y)) return true;
                if (cell_less(y, x)) return false;
            }
            return false;
        });
    json out = json::array();
    const std::size_t end =
        sel.limit ? std::min(chosen.size(), sel.offset + *sel.limit) : chosen.size();
    for (std::size_t i = sel.offset; i < end; ++i) {
        if (sel.columns.empty()) {
            out.push_back(std::move(chosen[i]));
            continue;
        }
        json projected = json::object();
        for (const auto& c : sel.columns)
            projected[c] = chosen[i].contains(c) ? chosen[i][c] : json();
        out.push_back(std::move(projected));
    }
    return out;
}

} // namespace konform::model
