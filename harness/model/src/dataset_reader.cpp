#include "konform/model/dataset_reader.hpp"

#include "konform/model/json_file.hpp"
#include "konform/util/file.hpp"
#include "konform/util/sha256.hpp"

namespace konform::model {

std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string cell;
    bool quoted = false, any = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"')
                    cell += '"', ++i;
                else
                    quoted = false;
            } else
                cell += c;
            continue;
        }
        if (c == '"')
            quoted = true, any = true;
        else if (c == ',')
            row.push_back(std::move(cell)), cell.clear(), any = true;
        else if (c == '\r')
            continue;
        else if (c == '\n') {
            if (any || !cell.empty())
                row.push_back(std::move(cell)), rows.push_back(std::move(row));
            row.clear(), cell.clear(), any = false;
        } else
            cell += c, any = true;
    }
    if (any || !cell.empty()) row.push_back(std::move(cell)), rows.push_back(std::move(row));
    return rows;
}

std::vector<nlohmann::json> read_dataset(const std::filesystem::path& file, diagnostics& diag) {
    std::vector<nlohmann::json> out;
    if (file.extension() == ".csv") {
        std::string text;
        try {
            text = util::read_file(file);
        } catch (const std::exception& e) {
            diag.add(file.string(), "", e.what());
            return out;
        }
        auto rows = parse_csv(text);
        if (rows.empty()) {
            diag.add(file.string(), "line 1", "expected a header row naming the columns");
            return out;
        }
        const auto& header = rows.front();
        for (std::size_t r = 1; r < rows.size(); ++r) {
            if (rows[r].size() != header.size()) {
                diag.add(file.string(), "row " + std::to_string(r + 1),
                         "expected " + std::to_string(header.size()) + " cells, found " +
                             std::to_string(rows[r].size()));
                continue;
            }
            nlohmann::json obj = nlohmann::json::object();
            for (std::size_t c = 0; c < header.size(); ++c)
                obj[header[c]] = rows[r][c];
            out.push_back(std::move(obj));
        }
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
            out.push_back((*doc)[i]);
    }
    return out;
}

} // namespace konform::model
