#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace konform::tlog {

// A SHA-256 hash of the tree.
using hash = std::array<unsigned char, 32>;

// RFC 9162 §2.1.1: a leaf is H(0x00 ‖ entry), a node H(0x01 ‖ left ‖ right).
hash leaf_hash(std::string_view entry);
hash node_hash(const hash& left, const hash& right);
hash empty_root(); // SHA-256 of nothing: the root of the empty tree

// Where proofs read a tree's hashes from: the hash of the complete subtree at `level` and
// `index` (leaves index*2^level ...). A tree in memory, or the tiles of a log (tile_reader).
using stored_hashes = std::function<hash(unsigned level, std::uint64_t index)>;

// RFC 9162 over any source of stored hashes: MTH of the leaves [begin, end), the inclusion
// proof of leaf `index` in the tree of `size` leaves (§2.1.3.1), the consistency proof from
// `old_size` to `new_size` (§2.1.4.1). They ask `stored` only for complete subtrees inside
// the tree of `size` (or `new_size`) leaves.
hash range_hash(std::uint64_t begin, std::uint64_t end, const stored_hashes& stored);
std::vector<hash> inclusion_proof(std::uint64_t index, std::uint64_t size,
                                  const stored_hashes& stored);
std::vector<hash> consistency_proof(std::uint64_t old_size, std::uint64_t new_size,
                                    const stored_hashes& stored);

// The hashes of a tree: every complete subtree's root, by level (0: the leaves). Grows by
// appending leaves; memory is two hashes a leaf.
class tree {
public:
    std::uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
    void append(const hash& leaf);
    // The hash of the complete subtree at `level` and `index` (leaves index*2^level ...).
    const hash& stored(unsigned level, std::uint64_t index) const;
    // The root of the tree of the first `size` leaves (RFC 9162 MTH).
    hash root(std::uint64_t size) const;
    hash root() const { return root(size()); }
    // RFC 9162 §2.1.3.1: the inclusion proof of leaf `index` in the tree of `size` leaves.
    std::vector<hash> inclusion_proof(std::uint64_t index, std::uint64_t size) const;
    // RFC 9162 §2.1.4.1: the proof that the tree of `old_size` leaves is a prefix of the tree
    // of `new_size`.
    std::vector<hash> consistency_proof(std::uint64_t old_size, std::uint64_t new_size) const;

    stored_hashes source() const;

private:
    std::vector<std::vector<hash>> levels_;
};

// RFC 9162 §2.1.3.2 and §2.1.4.2: whether a proof holds. Any changed bit fails it.
bool verify_inclusion(std::uint64_t index, std::uint64_t size, const hash& leaf,
                      const std::vector<hash>& proof, const hash& root);
bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const hash& old_root,
                        const hash& new_root, const std::vector<hash>& proof);

std::string to_base64(const hash& h);
// Throws std::invalid_argument when `text` is not the base64 of 32 bytes.
hash hash_from_base64(std::string_view text);

} // namespace konform::tlog
