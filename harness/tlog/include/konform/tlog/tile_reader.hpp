#pragma once

#include "konform/tlog/merkle.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace konform::tlog {

// Reads one of the log's static files by its path ("checkpoint", "tile/0/001"): its bytes,
// or nothing when the log has no such file. Throws std::runtime_error when it cannot ask.
using fetch_file = std::function<std::optional<std::string>(const std::string& path)>;

// The files of a log folder.
fetch_file folder_files(const std::string& dir);

// A log as a client on the web sees it: the tree of the first `size` entries, read only
// through the static files (hash tiles and entry bundles), each fetched once while it is
// needed. Counts what it fetched. Throws std::runtime_error when a file it needs is missing
// or does not have the length the tree says.
class tile_reader {
public:
    tile_reader(fetch_file fetch, std::uint64_t size);

    std::uint64_t size() const { return size_; }
    // The hash of the complete subtree at `level` and `index`, from the tile holding it.
    hash stored(unsigned level, std::uint64_t index);
    stored_hashes source();
    // The entries of bundle `n` (entries 256n ...), as many as the tree holds.
    std::vector<std::string> bundle(std::uint64_t n);
    std::string entry(std::uint64_t index);

    std::uint64_t bytes_fetched() const { return bytes_; }
    std::uint64_t files_fetched() const { return files_; }

private:
    const std::string& file(const std::string& path);
    // Tile `n` of `level` as wide as the tree makes it: the partial tile, or the full one
    // when the log has replaced it. Its path and bytes.
    std::pair<std::string, const std::string&> tile(const std::string& level, std::uint64_t n,
                                                    std::uint64_t width);

    fetch_file fetch_;
    std::uint64_t size_;
    std::map<std::string, std::string> cache_; // the last few files
    std::uint64_t bytes_ = 0, files_ = 0;
};

// The entries in an entry bundle: each a big-endian uint16 length and its bytes. Throws
// std::runtime_error (naming `where`) when one is cut.
std::vector<std::string> bundle_entries(const std::string& bytes, const std::string& where);

} // namespace konform::tlog
