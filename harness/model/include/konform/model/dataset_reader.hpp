#pragma once

#include "konform/model/problem.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
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

    void add_json(nlohmann::json row);
    void set_columns(std::vector<std::string> columns);
    void add_cells(const std::vector<std::string>& cells); // one per column

private:
    std::vector<nlohmann::json> json_;
    std::vector<std::string> columns_;
    std::string cells_;                  // every cell, one after the other
    std::vector<std::uint32_t> offsets_; // where each cell starts; one more at the end
};

// Reads a data set: a JSON array of objects, or CSV (RFC 4180) with a header row, whose
// cells become strings. Problems name the file and the row.
dataset_rows read_dataset(const std::filesystem::path& file, diagnostics& diag);

// Parses CSV text (quoted cells, doubled quotes, CRLF or LF), handing each row of cells
// to `row` as it is read.
void parse_csv(std::string_view text, const std::function<void(std::vector<std::string>&)>& row);

} // namespace konform::model
