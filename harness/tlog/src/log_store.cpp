#include "konform/tlog/log_store.hpp"

#include "konform/tlog/tile_reader.hpp"
#include "konform/util/file.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace konform::tlog {

namespace fs = std::filesystem;

std::string tile_path(const std::string& level, std::uint64_t n, std::uint64_t width) {
    std::string digits = std::to_string(n);
    while (digits.size() % 3)
        digits.insert(digits.begin(), '0');
    std::string out = "tile/" + level + "/";
    for (std::size_t i = 0; i < digits.size(); i += 3)
        out += (i + 3 < digits.size() ? "x" : "") + digits.substr(i, 3) +
               (i + 3 < digits.size() ? "/" : "");
    if (width < tile_width) out += ".p/" + std::to_string(width);
    return out;
}

namespace {

std::string hashes_text(const tree& t, unsigned level, std::uint64_t first, std::uint64_t count) {
    std::string out;
    out.reserve(count * 32);
    for (std::uint64_t i = first; i < first + count; ++i) {
        const hash& h = t.stored(level, i);
        out.append(reinterpret_cast<const char*>(h.data()), h.size());
    }
    return out;
}

void write(const fs::path& file, const std::string& bytes) {
    fs::create_directories(file.parent_path());
    util::write_file_atomically(file, bytes);
}

} // namespace

void log_store::init(const fs::path& dir, const std::string& origin, const sign::key& k) {
    if (fs::exists(dir / "log.json"))
        throw std::runtime_error(dir.string() + " holds a log already");
    if (origin.empty() || origin.find('\n') != std::string::npos ||
        origin.find('+') != std::string::npos || origin.find(' ') != std::string::npos)
        throw std::runtime_error("the origin is one line without spaces or '+'");
    fs::create_directories(dir);
    write(dir / "log.json",
          nlohmann::json{{"origin", origin}, {"verifier_key", verifier_key(origin, k)}, {"size", 0}}
                  .dump(2) +
              "\n");
    log_store(dir).publish_checkpoint(k);
}

log_store::log_store(fs::path dir) : dir_(std::move(dir)) {
    const auto state = nlohmann::json::parse(util::read_file(dir_ / "log.json"));
    origin_ = state.at("origin");
    verifier_ = state.at("verifier_key");
    const std::uint64_t size = state.at("size");
    for (std::uint64_t n = 0; n * tile_width < size; ++n) {
        const std::uint64_t width = std::min(tile_width, size - n * tile_width);
        const std::string path = tile_path("entries", n, width);
        const auto entries = bundle_entries(util::read_file(dir_ / path), path);
        if (entries.size() < width)
            throw std::runtime_error(path + ": fewer entries than the log holds");
        for (std::uint64_t i = 0; i < width; ++i)
            tree_.append(leaf_hash(entries[i]));
    }
}

std::string log_store::entry(std::uint64_t index) const {
    if (index >= size()) throw std::out_of_range("no such entry");
    const std::uint64_t n = index / tile_width;
    const std::uint64_t width = std::min(tile_width, size() - n * tile_width);
    const std::string path = tile_path("entries", n, width);
    return bundle_entries(util::read_file(dir_ / path), path).at(index % tile_width);
}

std::uint64_t log_store::append(const std::vector<std::string>& entries) {
    const std::uint64_t first = size();
    for (const auto& e : entries)
        if (e.size() > 65535) throw std::invalid_argument("an entry is larger than 65,535 bytes");
    // The bundle being filled, then the new entries.
    std::string bundle;
    if (first % tile_width) {
        const std::string path = tile_path("entries", first / tile_width, first % tile_width);
        bundle = util::read_file(dir_ / path);
    }
    std::uint64_t n = first;
    for (const auto& e : entries) {
        bundle.push_back(static_cast<char>(e.size() >> 8));
        bundle.push_back(static_cast<char>(e.size() & 0xff));
        bundle += e;
        tree_.append(leaf_hash(e));
        ++n;
        if (n % tile_width == 0 || n == first + entries.size()) {
            const std::uint64_t width = n % tile_width ? n % tile_width : tile_width;
            write(dir_ / tile_path("entries", (n - 1) / tile_width, width), bundle);
            if (n % tile_width == 0) bundle.clear();
        }
    }
    write_tiles(first);
    write_state();
    return first;
}

void log_store::write_tiles(std::uint64_t from) {
    // Level L holds the hashes of tree level 8L: one tile for each 256 of them that changed.
    for (unsigned level = 0;; ++level) {
        const unsigned tree_level = 8 * level;
        const std::uint64_t count = size() >> tree_level;
        if (count == 0) break;
        const std::uint64_t first_changed = (from >> tree_level) / tile_width;
        for (std::uint64_t n = first_changed; n * tile_width < count; ++n) {
            const std::uint64_t width = std::min(tile_width, count - n * tile_width);
            write(dir_ / tile_path(std::to_string(level), n, width),
                  hashes_text(tree_, tree_level, n * tile_width, width));
        }
    }
}

void log_store::write_state() {
    write(
        dir_ / "log.json",
        nlohmann::json{{"origin", origin_}, {"verifier_key", verifier_}, {"size", size()}}.dump(2) +
            "\n");
}

std::string log_store::publish_checkpoint(const sign::key& k) {
    if (verifier_key(origin_, k) != verifier_)
        throw std::invalid_argument("this is not the log's key");
    const std::string note =
        sign_note(checkpoint{origin_, size(), tree_.root()}.body(), origin_, k);
    write(dir_ / "checkpoint", note);
    return note;
}

} // namespace konform::tlog
