#pragma once

#include <filesystem>
#include <string_view>

namespace konform::util {

// Writes a file through a temporary file in the same folder and a rename, so a crash
// never leaves half a file behind. Throws std::runtime_error naming the file on failure.
void write_file_atomically(const std::filesystem::path& file, std::string_view content);

} // namespace konform::util
