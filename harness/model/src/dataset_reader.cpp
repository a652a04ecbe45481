#include "konform/model/dataset_reader.hpp"

#include "konform/model/json_file.hpp"
#include "konform/util/file.hpp"
#include "konform/util/sha256.hpp"

namespace konform::model {

std::size_t dataset_rows::size() const {
    return columns_.empty() ? json_.size() : (offsets_.size() - 1) / columns_.size();
}

nlohmann::json dataset_rows::row(std::size_t i) const {
    if (columns_.empty()) return json_.at(i);
    nlohmann::json obj = nlohmann::json::object();
    const std::size_t first = i * columns_.size();
    for (std::size_t c = 0; c < columns_.size(); ++c)
        obj[columns_[c]] = std::string_view(cells_).substr(
            offsets_[first + c], offsets_[first + c + 1] - offsets_[first + c]);
    return obj;
}

void dataset_rows::add_json(nlohmann::json row) {
    json_.push_back(std::move(row));
}

void dataset_rows::set_columns(std::vector<std::string> columns) {
    columns_ = std::move(columns);
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

dataset_rows read_dataset(const std::filesystem::path& file, diagnostics& diag) {
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
        if (text.size() >= UINT32_MAX) {
            diag.add(file.string(), "", "a CSV data set must be smaller than 4 GiB");
            return out;
        }
        parse_csv(text, [&](std::vector<std::string>& cells) {
            if (++line == 1) {
                width = cells.size();
                out.set_columns(std::move(cells));
            } else if (cells.size() != width)
                diag.add(file.string(), "row " + std::to_string(line),
                         "expected " + std::to_string(width) + " cells, found " +
                             std::to_string(cells.size()));
            else
                out.add_cells(cells);
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
