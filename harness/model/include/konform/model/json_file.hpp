#pragma once

#include "konform/model/problem.hpp"
#include "konform/schema/json_schema.hpp"

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace konform::model {

// Reads and parses a JSON file (comments allowed). A syntax error is recorded with its line
// and column; a file that cannot be read is recorded as such. Returns nothing on error.
std::optional<nlohmann::json> read_json_file(const std::filesystem::path& file, diagnostics& diag);

// The two halves of read_json_file: the text of a file, and that text parsed (problems
// recorded under `file`).
std::optional<std::string> read_text_file(const std::filesystem::path& file, diagnostics& diag);
std::optional<nlohmann::json> parse_json_text(const std::string& text,
                                              const std::filesystem::path& file, diagnostics& diag);

// Resolves a JSON Schema's "$ref" to another file: named relative to `schema_file` or, under
// the schema's own "$id", by the same relative path; never the network. `why_not` says why a
// file may not be read ("" when it may: the caller confines), `on_read` hears of each file
// read. Throws std::invalid_argument (or load_error for a file that is not JSON).
schema::json_schema::resolver
sibling_schema_files(const std::filesystem::path& schema_file, const nlohmann::json& doc,
                     std::function<std::string(const std::filesystem::path&)> why_not,
                     std::function<void(const std::filesystem::path&)> on_read = {});

// Checks a parsed document against one of konform's own format schemas ("profile",
// "testcase", "target"), recording each violation with its JSON Pointer.
void check_format(const nlohmann::json& doc, std::string_view format,
                  const std::filesystem::path& file, diagnostics& diag);

// The text of one of konform's format schemas, as shipped in schemas/.
std::string_view format_schema_text(std::string_view format);

} // namespace konform::model
