#include "konform/tlog/tile_reader.hpp"

#include "konform/tlog/log_store.hpp"
#include "konform/util/file.hpp"

#include <filesystem>
#include <stdexcept>

namespace konform::tlog {

fetch_file folder_files(const std::string& dir) {
    return [dir](const std::string& path) -> std::optional<std::string> {
        const auto file = std::filesystem::path(dir) / path;
        if (!std::filesystem::exists(file)) return std::nullopt;
        return util::read_file(file);
    };
}

std::vector<std::string> bundle_entries(const std::string& bytes, const std::string& where) {
    std::vector<std::string> out;
    for (std::size_t at = 0; at < bytes.size();) {
        if (at + 2 > bytes.size()) throw std::runtime_error(where + ": a cut length");
        const std::size_t n = (static_cast<unsigned char>(bytes[at]) << 8) |
                              static_cast<unsigned char>(bytes[at + 1]);
        if (at + 2 + n > bytes.size()) throw std::runtime_error(where + ": a cut entry");
        out.push_back(bytes.substr(at + 2, n));
        at += 2 + n;
    }
    return out;
}

tile_reader::tile_reader(fetch_file fetch, std::uint64_t size)
    : fetch_(std::move(fetch)), size_(size) {}

const std::string& tile_reader::file(const std::string& path) {
    if (auto it = cache_.find(path); it != cache_.end()) return it->second;
    auto bytes = fetch_(path);
    if (!bytes) throw std::runtime_error("the log has no " + path);
    ++files_;
    bytes_ += bytes->size();
    // A proof needs a handful of tiles; a scan moves on. Keep a few, not the whole log.
    if (cache_.size() >= 32) cache_.clear();
    return cache_.emplace(path, std::move(*bytes)).first->second;
}

std::pair<std::string, const std::string&> tile_reader::tile(const std::string& level,
                                                             std::uint64_t n, std::uint64_t width) {
    const std::string path = tile_path(level, n, width);
    if (width < tile_width) {
        // C2SP tlog-tiles: once the full tile exists, a partial one may be gone; the full
        // tile's first `width` hashes (or entries) are the same.
        if (auto it = cache_.find(path); it != cache_.end()) return {path, it->second};
        auto bytes = fetch_(path);
        if (!bytes) {
            const std::string full = tile_path(level, n, tile_width);
            return {full, file(full)};
        }
        ++files_;
        bytes_ += bytes->size();
        if (cache_.size() >= 32) cache_.clear();
        return {path, cache_.emplace(path, std::move(*bytes)).first->second};
    }
    return {path, file(path)};
}

hash tile_reader::stored(unsigned level, std::uint64_t index) {
    // Tile level L holds tree level 8L; a hash at 8L + r is the root of 2^r of them, all in
    // one tile (2^r divides 256).
    const unsigned tile_level = level / 8, r = level % 8;
    const std::uint64_t span = std::uint64_t{1} << r, first = index << r;
    const std::uint64_t count = size_ >> (8 * tile_level); // hashes at tree level 8L
    if (first + span > count)
        throw std::out_of_range("no complete subtree there in a tree of that size");
    const std::uint64_t n = first / tile_width;
    const std::uint64_t width = std::min(tile_width, count - n * tile_width);
    const auto [path, bytes] = tile(std::to_string(tile_level), n, width);
    if (bytes.size() < width * 32 ||
        (width < tile_width && bytes.size() != width * 32 && bytes.size() != tile_width * 32))
        throw std::runtime_error(path + " holds " + std::to_string(bytes.size()) + " bytes, not " +
                                 std::to_string(width * 32));
    std::vector<hash> hashes(span);
    for (std::uint64_t i = 0; i < span; ++i)
        std::copy_n(bytes.data() + (first % tile_width + i) * 32, 32, hashes[i].data());
    while (hashes.size() > 1) {
        for (std::size_t i = 0; i < hashes.size() / 2; ++i)
            hashes[i] = node_hash(hashes[2 * i], hashes[2 * i + 1]);
        hashes.resize(hashes.size() / 2);
    }
    return hashes.front();
}

stored_hashes tile_reader::source() {
    return [this](unsigned level, std::uint64_t index) { return stored(level, index); };
}

std::vector<std::string> tile_reader::bundle(std::uint64_t n) {
    if (n * tile_width >= size_) throw std::out_of_range("no such entry bundle");
    const std::uint64_t width = std::min(tile_width, size_ - n * tile_width);
    const auto [path, bytes] = tile("entries", n, width);
    auto entries = bundle_entries(bytes, path);
    if (entries.size() < width)
        throw std::runtime_error(path + ": fewer entries than the tree holds");
    entries.resize(width);
    return entries;
}

std::string tile_reader::entry(std::uint64_t index) {
    if (index >= size_) throw std::out_of_range("no such entry");
    return bundle(index / tile_width).at(index % tile_width);
}

} // namespace konform::tlog
