#include "konform/tlog/tree_edge.hpp"

#include <bit>
#include <stdexcept>

namespace konform::tlog {

tree_edge::tree_edge(std::uint64_t size, std::vector<hash> nodes)
    : size_(size), nodes_(std::move(nodes)) {
    if (nodes_.size() != static_cast<std::size_t>(std::popcount(size_)))
        throw std::invalid_argument("a tree of " + std::to_string(size_) + " leaves has " +
                                    std::to_string(std::popcount(size_)) +
                                    " subtree roots on its edge, not " +
                                    std::to_string(nodes_.size()));
}

void tree_edge::append(const hash& leaf, const completed_fn& completed) {
    hash h = leaf;
    unsigned level = 0;
    std::uint64_t index = size_;
    if (completed) completed(level, index, h);
    // Each bit of the size that is set below the first clear one is a subtree of the same
    // height as the one just made: the two make one of the next height.
    while ((size_ >> level) & 1) {
        h = node_hash(nodes_.back(), h);
        nodes_.pop_back();
        ++level;
        index >>= 1;
        if (completed) completed(level, index, h);
    }
    nodes_.push_back(h);
    ++size_;
}

hash tree_edge::root() const {
    if (nodes_.empty()) return empty_root();
    hash r = nodes_.back();
    for (std::size_t i = nodes_.size() - 1; i-- > 0;)
        r = node_hash(nodes_[i], r);
    return r;
}

} // namespace konform::tlog
