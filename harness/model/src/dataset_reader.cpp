#include "konform/model/dataset_reader.hpp"

#include "konform/model/json_file.hpp"
#include "konform/util/file.hpp"
#include "konform/util/sha256.hpp"

#include <algorithm>

namespace konform::model {

std::size_t dataset_rows::size() const {
    return columns_.empty() ? json_.size() : (offsets_.size() - 1) / columns_.size();
}

nlohmann::json dataset_rows::row(std::size_t i) const {
    if (columns_.empty()) return json_.at(i);
    nlohmann::json obj = nlohmann::json::object();
    const std::size_t first = i * columns_.size();
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        const std::string_view cell = std::string_view(cells_).substr(
            offsets_[first + c], offsets_[first + c + 1] - offsets_[first + c]);
        if (types_[c] == column_type::string)
            obj[columns_[c]] = cell;
        else
            obj[columns_[c]] = typed_cell(cell, types_[c]).value_or(nlohmann::json(cell));
    }
    return obj;
}

std::optional<nlohmann::json> dataset_rows::cell(std::size_t i, const std::string& column) const {
    if (columns_.empty()) {
        const auto& r = json_.at(i);
        if (!r.is_object()) return std::nullopt;
        auto it = r.find(column);
        return it == r.end() ? std::nullopt : std::optional<nlohmann::json>(*it);
    }
    const auto at = std::find(columns_.begin(), columns_.end(), column);
    if (at == columns_.end()) return std::nullopt;
    const std::size_t c = static_cast<std::size_t>(at - columns_.begin());
    const std::size_t k = i * columns_.size() + c;
    const std::string_view text =
        std::string_view(cells_).substr(offsets_[k], offsets_[k + 1] - offsets_[k]);
    if (types_[c] == column_type::string) return nlohmann::json(text);
    return typed_cell(text, types_[c]).value_or(nlohmann::json(text));
}

void dataset_rows::add_json(nlohmann::json row) {
    json_.push_back(std::move(row));
}

void dataset_rows::set_columns(std::vector<std::string> columns) {
    columns_ = std::move(columns);
    types_.assign(columns_.size(), column_type::string);
    offsets_ = {0};
}

void dataset_rows::add_cells(const std::vector<std::string>& cells) {
    for (const auto& c : cells) {
        cells_ += c;
        offsets_.push_back(static_cast<std::uint32_t>(cells_.size()));
    }
}

void parse_csv(std::string_view text, const std::function<void(std::vector<std::string>&)>& emit) {
    std::vector<std::string> row;
    std::string cell;
    bool quoted = false, any = false;
    auto end_cell = [&] {
        row.push_back(std::move(cell));
        cell.clear();
    };
    auto end_row = [&] {
        end_cell();
        emit(row);
        row.clear();
        any = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c != '"')
                cell += c;
            else if (i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else
                quoted = false;
            continue;
        }
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            end_cell();
            any = true;
        } else if (c == '\n') {
            if (any || !cell.empty())
                end_row();
            else
                row.clear();
        } else if (c != '\r') {
            cell += c;
            any = true;
        }
    }
    if (any || !cell.empty()) end_row();
}

namespace {

dataset_rows::column_type type_named(const std::string& name) {
    using type = dataset_rows::column_type;
    return name == "integer"   ? type::integer
           : name == "number"  ? type::number
           : name == "boolean" ? type::boolean
                               : type::string;
}

} // namespace

std::optional<nlohmann::json> typed_cell(std::string_view text, dataset_rows::column_type t) {
    using type = dataset_rows::column_type;
    switch (t) {
    case type::string:
        return nlohmann::json(text);
    case type::boolean:
        if (text == "true") return true;
        if (text == "false") return false;
        return std::nullopt;
    case type::integer:
    case type::number: {
        auto v = nlohmann::json::parse(text, nullptr, false);
        if (v.is_discarded() || !v.is_number()) return std::nullopt;
        if (t == type::integer && !v.is_number_integer()) return std::nullopt;
        return v;
    }
    }
    return std::nullopt;
}

dataset_rows read_dataset(const std::filesystem::path& file, diagnostics& diag,
                          const std::map<std::string, std::string>& types) {
    dataset_rows out;
    if (file.extension() == ".csv") {
        std::string text;
        try {
            text = util::read_file(file);
        } catch (const std::exception& e) {
            diag.add(file.string(), "", e.what());
            return out;
        }
        std::size_t line = 0, width = 0;
        std::vector<std::pair<std::size_t, std::string>> column_types;
        if (text.size() >= UINT32_MAX) {
            diag.add(file.string(), "", "a CSV data set must be smaller than 4 GiB");
            return out;
        }
        parse_csv(text, [&](std::vector<std::string>& cells) {
            if (++line == 1) {
                width = cells.size();
                // A column named twice would be read as its last cell alone: the first
                // column's values would never reach a test case.
                for (std::size_t i = 0; i < cells.size(); ++i)
                    for (std::size_t j = 0; j < i; ++j)
                        if (cells[i] == cells[j]) {
                            diag.add(file.string(), "line 1",
                                     "the header names the column \"" + cells[i] +
                                         "\" twice (columns " + std::to_string(j + 1) + " and " +
                                         std::to_string(i + 1) + ")");
                            break;
                        }
                out.set_columns(std::move(cells));
                for (const auto& [column, name] : types) {
                    const auto& cols = out.columns();
                    auto it = std::find(cols.begin(), cols.end(), column);
                    if (it == cols.end()) {
                        diag.add(file.string(), "line 1",
                                 "the profile declares a type for column \"" + column +
                                     "\", which the header does not name");
                        continue;
                    }
                    const auto c = static_cast<std::size_t>(it - cols.begin());
                    out.set_type(c, type_named(name));
                    column_types.emplace_back(c, name);
                }
            } else if (cells.size() != width)
                diag.add(file.string(), "row " + std::to_string(line),
                         "expected " + std::to_string(width) + " cells, found " +
                             std::to_string(cells.size()));
            else {
                for (const auto& [c, name] : column_types)
                    if (!typed_cell(cells[c], type_named(name)))
                        diag.add(file.string(), "row " + std::to_string(line),
                                 "column \"" + out.columns()[c] + "\" is declared " + name +
                                     ", but the cell is \"" + cells[c].substr(0, 60) + "\"");
                out.add_cells(cells);
            }
        });
        if (line == 0)
            diag.add(file.string(), "line 1", "expected a header row naming the columns");
        return out;
    }
    auto doc = read_json_file(file, diag);
    if (!doc) return out;
    if (!doc->is_array()) {
        diag.add(file.string(), "/", "expected an array of objects");
        return out;
    }
    for (std::size_t i = 0; i < doc->size(); ++i) {
        if (!(*doc)[i].is_object())
            diag.add(file.string(), "/" + std::to_string(i), "expected an object");
        else
            out.add_json(std::move((*doc)[i]));
    }
    return out;
}

} // namespace konform::model
