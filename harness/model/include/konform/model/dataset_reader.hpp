#pragma once

#include "konform/model/problem.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace konform::model {

// A data set's rows. CSV rows are kept compactly (the column names once, the cells in one
// buffer) and become JSON objects of strings only when a step uses them, so a data set
// of 100,000 rows costs little more than its file; JSON rows are kept as they were read.
class dataset_rows {
public:
    std::size_t size() const;
    bool empty() const { return size() == 0; }
    // Row i as a JSON object.
    nlohmann::json row(std::size_t i) const;
    // One cell of row i, typed as row() types it; nothing when the row has no such column.
    // Cheaper than row() where only a few columns are needed (filtering, ordering).
    std::optional<nlohmann::json> cell(std::size_t i, const std::string& column) const;

    void add_json(nlohmann::json row);
    void set_columns(std::vector<std::string> columns);
    void add_cells(const std::vector<std::string>& cells); // one per column

    // A CSV column's declared type: its cells become numbers or booleans in row().
    enum class column_type { string, integer, number, boolean };
    void set_type(std::size_t column, column_type t) { types_.at(column) = t; }
    const std::vector<std::string>& columns() const { return columns_; }

private:
    std::vector<nlohmann::json> json_;
    std::vector<std::string> columns_;
    std::vector<column_type> types_;
    std::string cells_;                  // every cell, one after the other
    std::vector<std::uint32_t> offsets_; // where each cell starts; one more at the end
};

// Reads a data set: a JSON array of objects, or CSV (RFC 4180) with a header row, whose
// cells become strings unless `types` names the column ("integer", "number", "boolean",
// "string"); every cell of a typed column is checked. Problems name the file, the row
// and the column.
dataset_rows read_dataset(const std::filesystem::path& file, diagnostics& diag,
                          const std::map<std::string, std::string>& types = {});

// The value of one CSV cell of a declared type, or nothing when the text is not one.
std::optional<nlohmann::json> typed_cell(std::string_view text, dataset_rows::column_type t);

// Parses CSV text (quoted cells, doubled quotes, CRLF or LF), handing each row of cells
// to `row` as it is read.
void parse_csv(std::string_view text, const std::function<void(std::vector<std::string>&)>& row);

} // namespace konform::model
