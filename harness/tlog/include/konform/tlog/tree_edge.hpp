#pragma once

#include "konform/tlog/merkle.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace konform::tlog {

// The right edge of a Merkle tree: the roots of the complete subtrees it is made of, one for
// each bit set in its size (the largest first). It is all a monitor must keep to extend a tree
// it has checked without holding its leaves: at most 64 hashes, however large the log.
class tree_edge {
public:
    using completed_fn = std::function<void(unsigned level, std::uint64_t index, const hash&)>;

    tree_edge() = default;
    // Throws std::invalid_argument when `nodes` is not one hash per bit set in `size`.
    tree_edge(std::uint64_t size, std::vector<hash> nodes);

    std::uint64_t size() const { return size_; }
    const std::vector<hash>& nodes() const { return nodes_; }
    // Appends a leaf; `completed` hears of every complete subtree it closes, the leaf first.
    void append(const hash& leaf, const completed_fn& completed = {});
    // RFC 9162 MTH of the leaves appended so far.
    hash root() const;

private:
    std::uint64_t size_ = 0;
    std::vector<hash> nodes_;
};

} // namespace konform::tlog
