#pragma once

#include "konform/model/problem.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

namespace konform::model {

// Reads a data set: a JSON array of objects, or CSV (RFC 4180) with a header row, whose
// cells become strings. Problems name the file and the row.
std::vector<nlohmann::json> read_dataset(const std::filesystem::path& file, diagnostics& diag);

// Parses CSV text into rows of cells (quoted cells, doubled quotes, CRLF or LF).
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

} // namespace konform::model
