#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace konform::util {

// Lower-case hex SHA-256 of bytes.
std::string sha256_hex(std::string_view bytes);

// Reads a whole file; throws std::runtime_error naming the file if it cannot.
std::string read_file(const std::filesystem::path& file);

} // namespace konform::util
