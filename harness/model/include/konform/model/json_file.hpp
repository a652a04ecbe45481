#pragma once

#include "konform/model/problem.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace konform::model {

// Reads and parses a JSON file. A syntax error is recorded with its line and column;
// a file that cannot be read is recorded as such. Returns nothing on error.
std::optional<nlohmann::json> read_json_file(const std::filesystem::path& file, diagnostics& diag);

// Checks a parsed document against one of konform's own format schemas ("profile",
// "testcase", "target"), recording each violation with its JSON Pointer.
void check_format(const nlohmann::json& doc, std::string_view format,
                  const std::filesystem::path& file, diagnostics& diag);

// The text of one of konform's format schemas, as shipped in schemas/.
std::string_view format_schema_text(std::string_view format);

} // namespace konform::model
