#include "konform/tlog/monitor.hpp"

#include "konform/sign/report_signature.hpp"
#include "konform/tlog/log_store.hpp"

#include <stdexcept>

namespace konform::tlog {

using nlohmann::json;

namespace {

constexpr unsigned tile_height = 8; // tlog-tiles: 256 hashes a tile

// How many of level `level`'s hashes the last, partial tile of a tree of `size` holds.
std::uint64_t partial_count(std::uint64_t size, unsigned level) {
    return (size >> level) % tile_width;
}

json hashes_json(const std::vector<hash>& hashes) {
    json out = json::array();
    for (const auto& h : hashes)
        out.push_back(to_base64(h));
    return out;
}

std::vector<hash> hashes_of(const json& j, const std::string& name) {
    if (!j.is_array()) throw std::invalid_argument("\"" + name + "\" is not an array");
    std::vector<hash> out;
    for (const auto& h : j) {
        if (!h.is_string()) throw std::invalid_argument("\"" + name + "\" holds a non-string");
        out.push_back(hash_from_base64(h.get<std::string>()));
    }
    return out;
}

} // namespace

json monitor_state::to_json() const {
    json j{{"origin", origin}, {"size", size}, {"root", to_base64(root)}};
    if (!edge) return j;
    j["edge"] = hashes_json(edge->nodes());
    json tiles = json::object();
    for (const auto& [level, hashes] : open_tiles) {
        // A full tile never changes again: keep only the partial one.
        const std::uint64_t keep = partial_count(size, level);
        if (keep == 0) continue;
        tiles[std::to_string(level)] = hashes_json(
            std::vector<hash>(hashes.end() - static_cast<std::ptrdiff_t>(keep), hashes.end()));
    }
    j["tiles"] = std::move(tiles);
    json certificates = json::object();
    for (const auto& [id, status] : book.all())
        certificates[id] = tlog::to_string(status);
    j["certificates"] = std::move(certificates);
    return j;
}

monitor_state monitor_state::from_json(const json& j) {
    if (!j.is_object()) throw std::invalid_argument("not a JSON object");
    monitor_state s;
    if (!j.contains("origin") || !j["origin"].is_string())
        throw std::invalid_argument("no \"origin\" string");
    if (!j.contains("size") || !j["size"].is_number_integer() || j["size"].get<std::int64_t>() < 0)
        throw std::invalid_argument("no \"size\" count");
    if (!j.contains("root") || !j["root"].is_string())
        throw std::invalid_argument("no \"root\" string");
    s.origin = j["origin"].get<std::string>();
    s.size = j["size"].get<std::uint64_t>();
    s.root = hash_from_base64(j["root"].get<std::string>());
    if (!j.contains("edge")) return s; // an older state: the next check reads the whole log
    s.edge = tree_edge(s.size, hashes_of(j["edge"], "edge"));
    if (s.edge->root() != s.root) throw std::invalid_argument("\"edge\" does not make \"root\"");
    if (!j.contains("tiles") || !j["tiles"].is_object())
        throw std::invalid_argument("no \"tiles\" object");
    for (unsigned level = 0; level < 64 && (s.size >> level) > 0; level += tile_height) {
        const std::uint64_t want = partial_count(s.size, level);
        const std::string key = std::to_string(level);
        if (want == 0) continue;
        if (!j["tiles"].contains(key)) throw std::invalid_argument("\"tiles\" lacks level " + key);
        auto hashes = hashes_of(j["tiles"][key], "tiles/" + key);
        if (hashes.size() != want)
            throw std::invalid_argument("\"tiles/" + key + "\" holds " +
                                        std::to_string(hashes.size()) + " hashes, not " +
                                        std::to_string(want));
        s.open_tiles[level] = std::move(hashes);
    }
    if (!j.contains("certificates") || !j["certificates"].is_object())
        throw std::invalid_argument("no \"certificates\" object");
    for (const auto& [id, status] : j["certificates"].items()) {
        const auto st =
            status.is_string() ? cert_status_of(status.get<std::string>()) : std::nullopt;
        if (!st) throw std::invalid_argument("certificate " + id + " has no known status");
        s.book.restore(id, *st);
    }
    return s;
}

bool reads_from_start(const monitor_state& state, const monitor_options& options) {
    return options.full || !state.edge;
}

std::uint64_t entries_to_read(const monitor_state& state, const checkpoint& cp,
                              const monitor_options& options) {
    if (reads_from_start(state, options) || cp.size < state.size) return cp.size;
    return cp.size - state.size;
}

monitor_outcome monitor_log(tile_reader& reader, const checkpoint& cp, monitor_state& state,
                            const monitor_options& options) {
    monitor_outcome out;
    auto lie = [&](std::string why) {
        out.lie = std::move(why);
        return out;
    };
    if (!state.origin.empty() && state.origin != cp.origin)
        return lie("its checkpoint names the log " + cp.origin + ", not " + state.origin +
                   " seen before");
    if (cp.size < state.size)
        return lie("the log shrank from " + std::to_string(state.size) + " to " +
                   std::to_string(cp.size) + " entries");
    const std::string rewritten =
        "the log rewrote history: its first " + std::to_string(state.size) +
        " entries are not those of the checkpoint seen before (a changed, removed or "
        "reordered entry, or a fork)";

    out.from_start = reads_from_start(state, options);
    tree_edge edge = out.from_start ? tree_edge{} : *state.edge;
    status_book book = out.from_start ? status_book{} : state.book;
    auto open = out.from_start ? std::map<unsigned, std::vector<hash>>{} : state.open_tiles;
    const std::uint64_t start = edge.size();
    out.fresh = cp.size - state.size;

    // Each hash a tile level holds must be the hash of the entries the monitor read.
    std::string tile_lie;
    const auto completed = [&](unsigned level, std::uint64_t index, const hash& h) {
        if (level % tile_height != 0 || !tile_lie.empty()) return;
        auto& tile = open[level];
        if (index % tile_width == 0) tile.clear();
        tile.push_back(h);
        if (reader.stored(level, index) != h)
            tile_lie = "the hash tiles of level " + std::to_string(level / tile_height) +
                       " do not hold the entries' hashes (at " + std::to_string(index) + ")";
    };

    for (std::uint64_t n = start / tile_width; n * tile_width < cp.size; ++n) {
        const auto bundle = reader.bundle(n);
        for (std::size_t j = 0; j < bundle.size(); ++j) {
            const std::uint64_t i = n * tile_width + j;
            const std::string& text = bundle[j];
            const std::string at = "entry " + std::to_string(i);
            if (i < start) {
                // In the edge already; the bundle the log may still rewrite must hold it.
                const auto& seen = open.at(0);
                if (leaf_hash(text) != seen[seen.size() - (start - i)]) return lie(rewritten);
                continue;
            }
            edge.append(leaf_hash(text), completed);
            if (!tile_lie.empty()) return lie(tile_lie);
            if (out.from_start && edge.size() == state.size && edge.root() != state.root)
                return lie(rewritten);
            certificate_entry e;
            try {
                e = read_certificate_entry(text);
            } catch (const std::invalid_argument& ex) {
                return lie(at + " is not a certificate entry: " + ex.what());
            }
            if (std::string why = book.apply(e); !why.empty()) return lie(at + ": " + why);
            if (i < state.size) continue; // its signature was checked when it was new
            // One verification with the root; a second, without it, only to word a failure
            // (a broken signature, or an intact one by someone else).
            const auto v = sign::verify_signature(e.fields, options.trust);
            if (v.valid && (!options.trust || v.anchored)) continue;
            const auto bare = options.trust ? sign::verify_signature(e.fields, std::nullopt) : v;
            if (!bare.valid)
                return lie(at + " is signed, but its signature does not verify: " + bare.reason);
            return lie(at + " is not signed by the certifier: " + v.reason);
        }
    }
    if (edge.size() != cp.size)
        return lie("its entry bundles hold " + std::to_string(edge.size()) + " entries, not the " +
                   std::to_string(cp.size) + " of its checkpoint");
    // The partial tiles seen before may have been rewritten since, or replaced by full ones.
    if (!out.from_start)
        for (const auto& [level, hashes] : state.open_tiles) {
            const std::uint64_t first = (state.size >> level) - hashes.size();
            for (std::size_t j = 0; j < hashes.size(); ++j)
                if (reader.stored(level, first + j) != hashes[j])
                    return lie("the hash tiles of level " + std::to_string(level / tile_height) +
                               " do not hold the entries' hashes (at " + std::to_string(first + j) +
                               ")");
        }
    if (edge.root() != cp.root)
        return lie("the checkpoint's root is not the root of the entries the log serves");

    state.origin = cp.origin;
    state.size = cp.size;
    state.root = cp.root;
    state.edge = std::move(edge);
    state.open_tiles = std::move(open);
    state.book = std::move(book);
    return out;
}

} // namespace konform::tlog
