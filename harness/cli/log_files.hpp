#pragma once

#include "konform/tlog/tile_reader.hpp"

#include <string>

namespace konform::cli {

// The static files of a log: a folder, or the http:// or https:// URL it is served under
// (fetched with konform's HTTP client and its limits; 404 is "no such file").
tlog::fetch_file log_files(const std::string& dir_or_url);

} // namespace konform::cli
