#pragma once

#include "konform/tlog/certificate_entry.hpp"
#include "konform/tlog/checkpoint.hpp"
#include "konform/tlog/tile_reader.hpp"
#include "konform/tlog/tree_edge.hpp"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace konform::tlog {

// What a monitor keeps between two checks of a log: the checkpoint it last trusted, the
// tree's right edge, the hashes of the tiles the log may still rewrite (the partial tile of
// each tile level), and every certificate's status. With these it reads only what is new.
struct monitor_state {
    std::string origin;
    std::uint64_t size = 0;
    hash root = empty_root();
    std::optional<tree_edge> edge; // absent in a state written before edges were kept
    std::map<unsigned, std::vector<hash>> open_tiles; // tree level -> hashes of its last tile
    status_book book;

    nlohmann::json to_json() const;
    // Throws std::invalid_argument naming the member that is missing or malformed.
    static monitor_state from_json(const nlohmann::json& j);
};

struct monitor_options {
    std::optional<std::string> trust; // the root every new entry's signer is anchored in
    bool full = false;                // read the whole log again, not only what is new
};

struct monitor_outcome {
    std::string lie;         // why the log is not trustworthy, or ""
    std::uint64_t fresh = 0; // entries new since the state's checkpoint
    bool from_start = false; // whether the whole log was read
};

// Whether a check reads the whole log (asked to, or the state keeps no edge), and how many
// entries it reads to reach `cp`.
bool reads_from_start(const monitor_state& state, const monitor_options& options);
std::uint64_t entries_to_read(const monitor_state& state, const checkpoint& cp,
                              const monitor_options& options);

// Checks the log behind `reader` (of `cp`'s size) against what `state` saw: the checkpoint's
// root is the root of the entries, the log extends the tree seen before, the tiles hold the
// entries' hashes, every new entry is a signed certificate entry that follows the rule of a
// certificate's life. On success, `state` moves on to `cp`; on a lie it is left as it was.
// Throws std::runtime_error when a file the log must serve cannot be read.
monitor_outcome monitor_log(tile_reader& reader, const checkpoint& cp, monitor_state& state,
                            const monitor_options& options);

} // namespace konform::tlog
