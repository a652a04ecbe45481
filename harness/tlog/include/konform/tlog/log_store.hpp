#pragma once

#include "konform/sign/keys.hpp"
#include "konform/tlog/checkpoint.hpp"
#include "konform/tlog/merkle.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace konform::tlog {

// Where C2SP tlog-tiles keeps tile N of level L (or of the entry bundles, level "entries"):
// N in zero-padded groups of three digits, all but the last prefixed with "x"
// ("tile/0/x001/234"), and ".p/W" for a partial tile of W hashes or entries.
std::string tile_path(const std::string& level, std::uint64_t n, std::uint64_t width);

inline constexpr std::uint64_t tile_width = 256; // tile height 8

// An append-only log in a folder, as static files any web server can serve:
//   checkpoint                the latest signed checkpoint (C2SP tlog-checkpoint, signed-note)
//   tile/<L>/<N>[.p/<W>]      hashes of tree level 8L, 256 to a tile
//   tile/entries/<N>[.p/<W>]  the entries, each a big-endian uint16 length and its bytes
//   log.json                  the origin, the verifier key and the size appended so far
class log_store {
public:
    // Makes an empty log in `dir` (which must not hold one) and signs its first checkpoint.
    static void init(const std::filesystem::path& dir, const std::string& origin,
                     const sign::key& k);
    // Opens the log in `dir`, rebuilding its tree from the entry bundles. Throws
    // std::runtime_error when they do not fit its files.
    explicit log_store(std::filesystem::path dir);

    const std::string& origin() const { return origin_; }
    const std::string& verifier() const { return verifier_; }
    std::uint64_t size() const { return tree_.size(); }
    const tree& hashes() const { return tree_; }
    std::string entry(std::uint64_t index) const;

    // Appends entries (at most 65,535 bytes each) and writes the tiles and bundles they
    // change; returns the index of the first.
    std::uint64_t append(const std::vector<std::string>& entries);
    // Signs a checkpoint of the whole log with `k` (the log's key) and publishes it.
    std::string publish_checkpoint(const sign::key& k);

private:
    void write_tiles(std::uint64_t from);
    void write_state();

    std::filesystem::path dir_;
    std::string origin_, verifier_;
    tree tree_;
};

} // namespace konform::tlog
