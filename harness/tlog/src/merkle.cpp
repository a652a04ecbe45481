#include "konform/tlog/merkle.hpp"

#include "konform/sign/keys.hpp"

#include <openssl/evp.h>
#include <stdexcept>

namespace konform::tlog {

namespace {

hash sha256(std::initializer_list<std::string_view> parts) {
    hash out{};
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    for (auto p : parts)
        EVP_DigestUpdate(ctx, p.data(), p.size());
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx, out.data(), &n);
    EVP_MD_CTX_free(ctx);
    return out;
}

std::string_view bytes(const hash& h) {
    return {reinterpret_cast<const char*>(h.data()), h.size()};
}

// The largest power of two smaller than n (n > 1).
std::uint64_t split(std::uint64_t n) {
    std::uint64_t k = 1;
    while (k * 2 < n)
        k *= 2;
    return k;
}

} // namespace

hash leaf_hash(std::string_view entry) {
    return sha256({std::string_view("\0", 1), entry});
}

hash node_hash(const hash& left, const hash& right) {
    return sha256({std::string_view("\1", 1), bytes(left), bytes(right)});
}

hash empty_root() {
    return sha256({});
}

void tree::append(const hash& leaf) {
    if (levels_.empty()) levels_.emplace_back();
    levels_[0].push_back(leaf);
    // Each subtree this leaf completes gets its hash, level by level.
    for (std::size_t l = 0; levels_[l].size() % 2 == 0; ++l) {
        if (levels_.size() == l + 1) levels_.emplace_back();
        const auto& below = levels_[l];
        levels_[l + 1].push_back(node_hash(below[below.size() - 2], below.back()));
    }
}

const hash& tree::stored(unsigned level, std::uint64_t index) const {
    return levels_.at(level).at(index);
}

hash range_hash(std::uint64_t begin, std::uint64_t end, const stored_hashes& stored) {
    const std::uint64_t n = end - begin;
    if (n == 0) return empty_root();
    // A complete aligned subtree is stored.
    if ((n & (n - 1)) == 0 && begin % n == 0) {
        unsigned level = 0;
        while ((std::uint64_t{1} << level) < n)
            ++level;
        return stored(level, begin >> level);
    }
    const std::uint64_t k = split(n);
    return node_hash(range_hash(begin, begin + k, stored), range_hash(begin + k, end, stored));
}

std::vector<hash> inclusion_proof(std::uint64_t index, std::uint64_t size,
                                  const stored_hashes& stored) {
    if (index >= size) throw std::out_of_range("no such leaf in a tree of that size");
    std::uint64_t begin = 0, end = size, m = index;
    // PATH(m, D[n]), built innermost sibling last, returned outermost last.
    std::vector<hash> reversed;
    while (end - begin > 1) {
        const std::uint64_t k = split(end - begin);
        if (m < k) {
            reversed.push_back(range_hash(begin + k, end, stored));
            end = begin + k;
        } else {
            reversed.push_back(range_hash(begin, begin + k, stored));
            begin += k;
            m -= k;
        }
    }
    return {reversed.rbegin(), reversed.rend()};
}

namespace {

void subproof(std::uint64_t m, std::uint64_t begin, std::uint64_t end, bool complete,
              const stored_hashes& stored, std::vector<hash>& out) {
    const std::uint64_t n = end - begin;
    if (m == n) {
        if (!complete) out.push_back(range_hash(begin, end, stored));
        return;
    }
    const std::uint64_t k = split(n);
    if (m <= k) {
        subproof(m, begin, begin + k, complete, stored, out);
        out.push_back(range_hash(begin + k, end, stored));
    } else {
        subproof(m - k, begin + k, end, false, stored, out);
        out.push_back(range_hash(begin, begin + k, stored));
    }
}

} // namespace

std::vector<hash> consistency_proof(std::uint64_t old_size, std::uint64_t new_size,
                                    const stored_hashes& stored) {
    if (old_size > new_size || old_size == 0)
        throw std::out_of_range("no consistency proof between those sizes");
    std::vector<hash> out;
    subproof(old_size, 0, new_size, true, stored, out);
    return out;
}

stored_hashes tree::source() const {
    return [this](unsigned level, std::uint64_t index) { return stored(level, index); };
}

hash tree::root(std::uint64_t size) const {
    if (size > this->size()) throw std::out_of_range("the tree is smaller than the size asked");
    return range_hash(0, size, source());
}

std::vector<hash> tree::inclusion_proof(std::uint64_t index, std::uint64_t size) const {
    if (size > this->size()) throw std::out_of_range("no such leaf in a tree of that size");
    return tlog::inclusion_proof(index, size, source());
}

std::vector<hash> tree::consistency_proof(std::uint64_t old_size, std::uint64_t new_size) const {
    if (new_size > size()) throw std::out_of_range("no consistency proof between those sizes");
    return tlog::consistency_proof(old_size, new_size, source());
}

bool verify_inclusion(std::uint64_t index, std::uint64_t size, const hash& leaf,
                      const std::vector<hash>& proof, const hash& root) {
    if (index >= size) return false;
    std::uint64_t fn = index, sn = size - 1;
    hash r = leaf;
    for (const auto& p : proof) {
        if (sn == 0) return false;
        if ((fn & 1) || fn == sn) {
            r = node_hash(p, r);
            if (!(fn & 1))
                while (!((fn & 1) || fn == 0)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            r = node_hash(r, p);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && r == root;
}

bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const hash& old_root,
                        const hash& new_root, const std::vector<hash>& proof) {
    if (old_size == 0 || old_size > new_size) return false;
    if (old_size == new_size) return proof.empty() && old_root == new_root;
    if (proof.empty()) return false;
    std::vector<hash> path = proof;
    if ((old_size & (old_size - 1)) == 0) path.insert(path.begin(), old_root);
    std::uint64_t fn = old_size - 1, sn = new_size - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    hash fr = path[0], sr = path[0];
    for (std::size_t i = 1; i < path.size(); ++i) {
        const hash& c = path[i];
        if (sn == 0) return false;
        if ((fn & 1) || fn == sn) {
            fr = node_hash(c, fr);
            sr = node_hash(c, sr);
            if (!(fn & 1))
                while (!((fn & 1) || fn == 0)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            sr = node_hash(sr, c);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return fr == old_root && sr == new_root && sn == 0;
}

std::string to_base64(const hash& h) {
    return sign::base64_encode(bytes(h));
}

hash hash_from_base64(std::string_view text) {
    const std::string raw = sign::base64_decode(text);
    if (raw.size() != 32) throw std::invalid_argument("not the base64 of a 32-byte hash");
    hash h{};
    std::copy(raw.begin(), raw.end(), h.begin());
    return h;
}

} // namespace konform::tlog
