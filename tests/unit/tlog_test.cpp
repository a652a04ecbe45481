// The transparency log's tree, proofs, checkpoints and tiles, against RFC 9162's known
// answers and a second, naive implementation written here straight from the RFC's
// recursive definitions.
#include "konform/tlog/certificate_entry.hpp"
#include "konform/tlog/log_store.hpp"
#include "konform/tlog/monitor.hpp"
#include "konform/tlog/receipt.hpp"
#include "konform/tlog/tile_reader.hpp"
#include "konform/tlog/tree_edge.hpp"
#include "konform/util/file.hpp"

#include <bit>
#include <doctest/doctest.h>
#include <filesystem>
#include <random>
#include <unistd.h>

using namespace konform;
using tlog::hash;

namespace {

// RFC 9162 §2.1.1 MTH, §2.1.3.1 PATH and §2.1.4.1 PROOF, as written: recursion over copies.
using leaves = std::vector<std::string>;
std::size_t k_of(std::size_t n) {
    std::size_t k = 1;
    while (k << 1 < n)
        k <<= 1;
    return k;
}
leaves slice(const leaves& d, std::size_t a, std::size_t b) {
    return leaves(d.begin() + static_cast<long>(a), d.begin() + static_cast<long>(b));
}
hash mth(const leaves& d) {
    if (d.empty()) return tlog::empty_root();
    if (d.size() == 1) return tlog::leaf_hash(d[0]);
    const std::size_t k = k_of(d.size());
    return tlog::node_hash(mth(slice(d, 0, k)), mth(slice(d, k, d.size())));
}
std::vector<hash> path(std::size_t m, const leaves& d) {
    if (d.size() <= 1) return {};
    const std::size_t k = k_of(d.size());
    std::vector<hash> out;
    if (m < k) {
        out = path(m, slice(d, 0, k));
        out.push_back(mth(slice(d, k, d.size())));
    } else {
        out = path(m - k, slice(d, k, d.size()));
        out.push_back(mth(slice(d, 0, k)));
    }
    return out;
}
std::vector<hash> subproof(std::size_t m, const leaves& d, bool b) {
    if (m == d.size()) return b ? std::vector<hash>{} : std::vector<hash>{mth(d)};
    const std::size_t k = k_of(d.size());
    std::vector<hash> out;
    if (m <= k) {
        out = subproof(m, slice(d, 0, k), b);
        out.push_back(mth(slice(d, k, d.size())));
    } else {
        out = subproof(m - k, slice(d, k, d.size()), false);
        out.push_back(mth(slice(d, 0, k)));
    }
    return out;
}

std::string hex(const hash& h) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : h) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

std::string unhex(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(s.substr(i, 2), nullptr, 16)));
    return out;
}

} // namespace

TEST_CASE("tlog: roots of RFC 6962's test tree (the certificate-transparency test vectors)") {
    const leaves d = {"",
                      unhex("00"),
                      unhex("10"),
                      unhex("2021"),
                      unhex("3031"),
                      unhex("40414243"),
                      unhex("5051525354555657"),
                      unhex("606162636465666768696a6b6c6d6e6f")};
    const std::vector<std::string> roots = {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
    tlog::tree t;
    CHECK(hex(t.root()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    for (std::size_t i = 0; i < d.size(); ++i) {
        t.append(tlog::leaf_hash(d[i]));
        CHECK_MESSAGE(hex(t.root()) == roots[i], "size " << i + 1);
    }
}

TEST_CASE("tlog: every root and proof equals the RFC's recursive definitions, sizes 1 to 40") {
    leaves d;
    tlog::tree t;
    for (std::size_t n = 1; n <= 40; ++n) {
        d.push_back("entry " + std::to_string(n));
        t.append(tlog::leaf_hash(d.back()));
        REQUIRE(t.root() == mth(d));
        for (std::size_t m = 0; m < n; ++m) {
            const auto proof = t.inclusion_proof(m, n);
            CHECK(proof == path(m, d));
            CHECK(tlog::verify_inclusion(m, n, tlog::leaf_hash(d[m]), proof, t.root()));
        }
        for (std::size_t m = 1; m <= n; ++m) {
            const auto proof = t.consistency_proof(m, n);
            CHECK(proof == subproof(m, d, true));
            CHECK(tlog::verify_consistency(m, n, t.root(m), t.root(n), proof));
        }
    }
}

TEST_CASE("tlog: over random sizes every proof verifies and any changed bit fails it") {
    std::mt19937_64 rng(20261205);
    tlog::tree t;
    for (int i = 0; i < 3000; ++i)
        t.append(tlog::leaf_hash("leaf " + std::to_string(i)));
    auto flip = [&](hash h) {
        h[rng() % 32] ^= static_cast<unsigned char>(1u << (rng() % 8));
        return h;
    };
    for (int round = 0; round < 300; ++round) {
        const std::uint64_t size = 1 + rng() % t.size();
        const std::uint64_t index = rng() % size;
        const hash leaf = t.stored(0, index);
        const hash root = t.root(size);
        auto proof = t.inclusion_proof(index, size);
        REQUIRE(tlog::verify_inclusion(index, size, leaf, proof, root));
        CHECK_FALSE(tlog::verify_inclusion(index, size, flip(leaf), proof, root));
        CHECK_FALSE(tlog::verify_inclusion(index, size, leaf, proof, flip(root)));
        if (!proof.empty()) {
            auto bent = proof;
            const std::size_t at = rng() % bent.size();
            bent[at] = flip(bent[at]);
            CHECK_FALSE(tlog::verify_inclusion(index, size, leaf, bent, root));
            auto shorter = proof;
            shorter.pop_back();
            CHECK_FALSE(tlog::verify_inclusion(index, size, leaf, shorter, root));
        }
        if (size > 1)
            CHECK_FALSE(tlog::verify_inclusion((index + 1) % size, size, leaf, proof, root));
        auto longer = proof;
        longer.push_back(leaf);
        CHECK_FALSE(tlog::verify_inclusion(index, size, leaf, longer, root));

        const std::uint64_t old_size = 1 + rng() % size;
        auto cp = t.consistency_proof(old_size, size);
        const hash old_root = t.root(old_size);
        REQUIRE(tlog::verify_consistency(old_size, size, old_root, root, cp));
        CHECK_FALSE(tlog::verify_consistency(old_size, size, flip(old_root), root, cp));
        if (old_size < size) {
            CHECK_FALSE(tlog::verify_consistency(old_size, size, old_root, flip(root), cp));
            const std::size_t at = rng() % cp.size();
            auto bent = cp;
            bent[at] = flip(bent[at]);
            CHECK_FALSE(tlog::verify_consistency(old_size, size, old_root, root, bent));
        }
    }
}

TEST_CASE("tlog: checkpoints are signed notes only the log's key opens") {
    const auto k = sign::key::generate();
    const auto other = sign::key::generate();
    tlog::tree t;
    t.append(tlog::leaf_hash("a"));
    const tlog::checkpoint cp{"kl.example/konform-log", 1, t.root()};
    const std::string note = tlog::sign_note(cp.body(), cp.origin, k);
    CHECK(note.rfind(cp.body() + "\n\xe2\x80\x94 kl.example/konform-log ", 0) == 0);
    const std::string vkey = tlog::verifier_key(cp.origin, k);
    CHECK(vkey.rfind("kl.example/konform-log+", 0) == 0);
    const auto body = tlog::open_note(note, vkey);
    REQUIRE(body);
    const auto back = tlog::checkpoint::parse(*body);
    CHECK(back.size == 1);
    CHECK(back.root == t.root());
    CHECK_FALSE(tlog::open_note(note, tlog::verifier_key(cp.origin, other)));
    CHECK_FALSE(tlog::open_note(tlog::sign_note(cp.body(), cp.origin, other), vkey));
    std::string changed = note;
    changed[cp.origin.size() + 1] = '2'; // the size line
    CHECK_FALSE(tlog::open_note(changed, vkey));
    CHECK_THROWS(tlog::checkpoint::parse("origin\n01\n" + tlog::to_base64(t.root()) + "\n"));
    CHECK_THROWS(tlog::checkpoint::parse("origin\n1\nnot-base64\n"));
}

TEST_CASE("tlog: tiles and entry bundles as C2SP tlog-tiles names and fills them") {
    CHECK(tlog::tile_path("0", 0, 5) == "tile/0/000.p/5");
    CHECK(tlog::tile_path("0", 5, 256) == "tile/0/005");
    CHECK(tlog::tile_path("1", 1234067, 256) == "tile/1/x001/x234/067");
    CHECK(tlog::tile_path("entries", 1000, 3) == "tile/entries/x001/000.p/3");

    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("konform-tlog-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    const auto k = sign::key::generate();
    tlog::log_store::init(dir, "test.example/log", k);
    std::vector<std::string> entries;
    {
        tlog::log_store log(dir);
        for (int batch = 0; batch < 6; ++batch) {
            std::vector<std::string> some;
            for (int i = 0; i < 100 + batch; ++i)
                some.push_back("{\"n\":" + std::to_string(entries.size() + some.size()) + "}");
            log.append(some);
            entries.insert(entries.end(), some.begin(), some.end());
        }
        log.publish_checkpoint(k);
        CHECK_THROWS(log.publish_checkpoint(sign::key::generate()));
    }
    tlog::log_store log(dir); // rebuilt from the bundles
    REQUIRE(log.size() == entries.size());
    tlog::tree expected;
    for (const auto& e : entries)
        expected.append(tlog::leaf_hash(e));
    CHECK(log.hashes().root() == expected.root());
    CHECK(log.entry(257) == entries[257]);
    // Level 0: 615 leaf hashes in tiles 0 and 1 (full) and 2 (103 wide); level 1: 2 hashes.
    CHECK(std::filesystem::file_size(dir / "tile/0/000") == 256 * 32);
    CHECK(std::filesystem::file_size(dir / "tile/0/002.p/103") == 103 * 32);
    const std::string level1 = util::read_file(dir / "tile/1/000.p/2");
    REQUIRE(level1.size() == 64);
    CHECK(std::equal(level1.begin(), level1.begin() + 32,
                     reinterpret_cast<const char*>(expected.stored(8, 0).data())));
    const auto note = util::read_file(dir / "checkpoint");
    const auto body = tlog::open_note(note, log.verifier());
    REQUIRE(body);
    CHECK(tlog::checkpoint::parse(*body).root == expected.root());
    std::filesystem::remove_all(dir);
}

TEST_CASE("tlog: proofs read from the tiles alone equal the tree's, at every size published") {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("konform-tiles-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    const auto k = sign::key::generate();
    tlog::log_store::init(dir, "test.example/log", k);
    tlog::log_store log(dir);
    std::vector<std::uint64_t> published;
    std::mt19937_64 rng(7);
    // Past 65,536 entries, so that proofs need tiles of levels 0, 1 and 2.
    while (log.size() < 70000) {
        std::vector<std::string> some(1 + rng() % 9000);
        for (std::size_t i = 0; i < some.size(); ++i)
            some[i] = std::to_string(log.size() + i);
        log.append(some);
        published.push_back(log.size());
    }
    // Twice: as written, and with every partial tile gone that a full tile replaces (C2SP
    // lets a log delete them; a reader then takes the full tile's first hashes).
    for (int pass = 0; pass < 2; ++pass) {
        if (pass == 1) {
            std::vector<std::filesystem::path> gone;
            for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
                if (e.is_directory() && e.path().extension() == ".p" &&
                    std::filesystem::exists(e.path().parent_path() / e.path().stem()))
                    gone.push_back(e.path());
            for (const auto& g : gone)
                std::filesystem::remove_all(g);
            CHECK(gone.size() > 10);
        }
        for (const auto size : published) {
            tlog::tile_reader tiles(tlog::folder_files(dir.string()), size);
            CHECK(tlog::range_hash(0, size, tiles.source()) == log.hashes().root(size));
            for (int t = 0; t < 5; ++t) {
                const std::uint64_t index = rng() % size;
                CHECK(tlog::inclusion_proof(index, size, tiles.source()) ==
                      log.hashes().inclusion_proof(index, size));
                CHECK(tiles.entry(index) == std::to_string(index));
            }
            for (const auto old : published)
                if (old <= size)
                    CHECK(tlog::consistency_proof(old, size, tiles.source()) ==
                          log.hashes().consistency_proof(old, size));
        }
    }
    // One proof in the whole tree: a handful of tiles, not the log.
    tlog::tile_reader one(tlog::folder_files(dir.string()), log.size());
    tlog::inclusion_proof(12345, log.size(), one.source());
    MESSAGE("an inclusion proof in " << log.size() << " entries read " << one.files_fetched()
                                     << " tiles, " << one.bytes_fetched() << " bytes");
    CHECK(one.files_fetched() <= 6);
    CHECK(one.bytes_fetched() <= 6 * 256 * 32);
    // A tile cut short is named, never read past.
    std::filesystem::resize_file(dir / "tile/0/000", 100);
    tlog::tile_reader cut(tlog::folder_files(dir.string()), log.size());
    CHECK_THROWS_WITH(cut.stored(0, 3), doctest::Contains("tile/0/000 holds 100 bytes"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("tlog: a receipt proves its entry offline, and any change to it is refused") {
    const auto k = sign::key::generate();
    const std::string origin = "test.example/log";
    tlog::tree t;
    std::vector<std::string> entries;
    for (int i = 0; i < 37; ++i) {
        entries.push_back("entry " + std::to_string(i));
        t.append(tlog::leaf_hash(entries.back()));
    }
    tlog::receipt r;
    r.index = 21;
    r.entry = entries[21];
    r.proof = t.inclusion_proof(21, 37);
    r.checkpoint = tlog::sign_note(tlog::checkpoint{origin, 37, t.root()}.body(), origin, k);
    const std::string vkey = tlog::verifier_key(origin, k);
    tlog::checkpoint proven;
    CHECK(tlog::receipt_problem(r, vkey, &proven) == "");
    CHECK(proven.size == 37);
    // Through JSON and back.
    const auto again = tlog::receipt::from_json(r.to_json());
    CHECK(tlog::receipt_problem(again, vkey, nullptr) == "");
    CHECK_THROWS_WITH(tlog::receipt::from_json({{"entry", "x"}}),
                      doctest::Contains("\"checkpoint\" is missing"));

    auto other = r;
    other.entry = entries[22];
    CHECK(tlog::receipt_problem(other, vkey, nullptr).find("does not lead") != std::string::npos);
    other = r;
    other.index = 20;
    CHECK(!tlog::receipt_problem(other, vkey, nullptr).empty());
    other = r;
    other.index = 40;
    CHECK(tlog::receipt_problem(other, vkey, nullptr).find("not in a tree of 37") !=
          std::string::npos);
    for (std::size_t h = 0; h < r.proof.size(); ++h)
        for (int bit = 0; bit < 256; bit += 37) {
            other = r;
            other.proof[h][bit / 8] ^= static_cast<unsigned char>(1u << (bit % 8));
            CHECK(!tlog::receipt_problem(other, vkey, nullptr).empty());
        }
    other = r;
    other.checkpoint[other.checkpoint.size() / 3] ^= 1;
    CHECK(!tlog::receipt_problem(other, vkey, nullptr).empty());
    CHECK(tlog::receipt_problem(r, tlog::verifier_key(origin, sign::key::generate()), nullptr)
              .find("not signed by the log's key") != std::string::npos);
}

TEST_CASE("tlog: a certificate's life follows one rule") {
    using tlog::cert_event;
    using tlog::cert_status;
    const std::vector<std::optional<cert_status>> from = {
        std::nullopt,         cert_status::active,     cert_status::suspended,
        cert_status::revoked, cert_status::superseded, cert_status::expired};
    // The allowed moves, and only those.
    std::map<std::pair<int, int>, cert_status> allowed = {
        {{0, 0}, cert_status::active},     {{1, 1}, cert_status::suspended},
        {{2, 2}, cert_status::active},     {{1, 3}, cert_status::revoked},
        {{2, 3}, cert_status::revoked},    {{1, 4}, cert_status::superseded},
        {{2, 4}, cert_status::superseded}, {{1, 5}, cert_status::expired},
        {{2, 5}, cert_status::expired}};
    const cert_event events[] = {cert_event::issued,     cert_event::suspended,
                                 cert_event::reinstated, cert_event::revoked,
                                 cert_event::superseded, cert_event::expired};
    for (int s = 0; s < 6; ++s)
        for (int e = 0; e < 6; ++e) {
            CAPTURE(s);
            CAPTURE(e);
            const auto next = tlog::next_status(from[s], events[e]);
            const auto it = allowed.find({s, e});
            CHECK(next.has_value() == (it != allowed.end()));
            if (next && it != allowed.end()) CHECK(*next == it->second);
            CHECK(tlog::cert_event_of(tlog::to_string(events[e])) == events[e]);
        }
    CHECK(tlog::certifies(cert_status::active));
    CHECK(!tlog::certifies(cert_status::suspended));

    const auto k = sign::key::generate();
    tlog::status_book book;
    const auto read = [&](nlohmann::json fields) {
        return tlog::read_certificate_entry(tlog::make_certificate_entry(fields, k, ""));
    };
    const nlohmann::json issued = {{"event", "issued"},
                                   {"certificate", "c1"},
                                   {"at", "2026-12-05T10:00:00Z"},
                                   {"report_sha256", std::string(64, 'b')}};
    CHECK(book.apply(read(issued)) == "");
    CHECK(book.apply(read(issued)) == "certificate c1 cannot be issued when it is active");
    CHECK(book.apply(read({{"event", "revoked"}, {"certificate", "c1"}, {"at", "x"}})) == "");
    CHECK(book.status("c1") == cert_status::revoked);
    CHECK_THROWS_WITH(read({{"event", "issued"}, {"certificate", "c2"}, {"at", "x"}}),
                      doctest::Contains("report_sha256"));
    CHECK_THROWS_WITH(
        tlog::read_certificate_entry(R"({"at":"x","certificate":"c","event":"lost"})"),
        doctest::Contains("unknown event"));
    CHECK_THROWS_WITH(tlog::read_certificate_entry(R"({"event": "revoked"})"),
                      doctest::Contains("canonical"));
}

TEST_CASE("tlog: any changed bit of a hash tile makes a proof read from it fail") {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("konform-flip-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    const auto k = sign::key::generate();
    tlog::log_store::init(dir, "test.example/log", k);
    tlog::log_store log(dir);
    std::vector<std::string> entries;
    for (int i = 0; i < 70000; ++i)
        entries.push_back("e" + std::to_string(i));
    log.append(entries);
    const std::uint64_t size = log.size();
    const tlog::hash root = log.hashes().root();
    std::mt19937_64 rng(11);
    int tried = 0;
    for (int t = 0; t < 60; ++t) {
        // A hash at tile level 0 or 1, and the leaf whose proof holds it (its sibling's).
        const bool upper = t % 3 == 0;
        const unsigned level = upper ? 8 : 0;
        const std::uint64_t count = size >> level;
        const std::uint64_t i = rng() % count;
        const std::uint64_t sibling = i ^ 1;
        if (sibling >= count) continue;
        const std::uint64_t n = i / tlog::tile_width;
        const std::uint64_t width = std::min(tlog::tile_width, count - n * tlog::tile_width);
        const auto file = dir / tlog::tile_path(upper ? "1" : "0", n, width);
        std::string bytes = util::read_file(file);
        const std::size_t bit = rng() % 256;
        bytes[(i % tlog::tile_width) * 32 + bit / 8] ^= static_cast<char>(1u << (bit % 8));
        util::write_file_atomically(file, bytes);
        const std::uint64_t leaf = sibling << level; // a leaf under the sibling's subtree
        tlog::tile_reader tiles(tlog::folder_files(dir.string()), size);
        const auto proof = tlog::inclusion_proof(leaf, size, tiles.source());
        CHECK_FALSE(
            tlog::verify_inclusion(leaf, size, tlog::leaf_hash(entries[leaf]), proof, root));
        bytes[(i % tlog::tile_width) * 32 + bit / 8] ^= static_cast<char>(1u << (bit % 8));
        util::write_file_atomically(file, bytes);
        tlog::tile_reader healed(tlog::folder_files(dir.string()), size);
        CHECK(tlog::verify_inclusion(leaf, size, tlog::leaf_hash(entries[leaf]),
                                     tlog::inclusion_proof(leaf, size, healed.source()), root));
        ++tried;
    }
    CHECK(tried > 40);
    std::filesystem::remove_all(dir);
}

TEST_CASE("tlog: a tree's right edge gives the RFC's root and every complete subtree it closes") {
    leaves d;
    tlog::tree full;
    tlog::tree_edge edge;
    CHECK(edge.root() == tlog::empty_root());
    for (std::size_t n = 1; n <= 600; ++n) {
        d.push_back("entry " + std::to_string(n));
        const hash leaf = tlog::leaf_hash(d.back());
        full.append(leaf);
        std::size_t closed = 0;
        edge.append(leaf, [&](unsigned level, std::uint64_t index, const hash& h) {
            ++closed;
            CHECK(h == full.stored(level, index));
        });
        // A leaf closes itself and one subtree for each trailing one bit of the old size.
        CHECK(closed == 1 + static_cast<std::size_t>(std::countr_one(n - 1)));
        CHECK(edge.nodes().size() == static_cast<std::size_t>(std::popcount(n)));
        if (n <= 40) CHECK(edge.root() == mth(d));
        CHECK(edge.root() == full.root());
    }
    // Kept and read back, an edge goes on as it would have.
    tlog::tree_edge copy(edge.size(), edge.nodes());
    copy.append(tlog::leaf_hash("next"));
    full.append(tlog::leaf_hash("next"));
    CHECK(copy.root() == full.root());
    CHECK_THROWS_AS(tlog::tree_edge(600, {}), std::invalid_argument);
    CHECK_THROWS_AS(tlog::tree_edge(3, {tlog::empty_root()}), std::invalid_argument);
}

TEST_CASE("tlog: a monitor's state is read back whole, and a state that does not add up is "
          "refused") {
    tlog::monitor_state s;
    s.origin = "kl.example/log";
    tlog::tree_edge edge;
    for (int i = 0; i < 300; ++i)
        edge.append(tlog::leaf_hash(std::to_string(i)),
                    [&](unsigned level, std::uint64_t index, const hash& h) {
                        if (level % 8 != 0) return;
                        if (index % 256 == 0) s.open_tiles[level].clear();
                        s.open_tiles[level].push_back(h);
                    });
    s.size = 300;
    s.root = edge.root();
    s.edge = edge;
    s.book.restore("c1", tlog::cert_status::revoked);
    const auto j = s.to_json();
    CHECK(j["tiles"]["0"].size() == 300 - 256); // the full first tile is not kept
    CHECK(j["tiles"]["8"].size() == 1);
    const auto back = tlog::monitor_state::from_json(j);
    CHECK(back.to_json() == j);
    CHECK(back.book.status("c1") == tlog::cert_status::revoked);
    // A state from before edges were kept: size and root only; the next check reads all.
    CHECK_FALSE(tlog::monitor_state::from_json({{"origin", "o"}, {"size", 3}, {"root", j["root"]}})
                    .edge.has_value());
    auto refused = [&](const char* why, auto change) {
        auto bad = j;
        change(bad);
        CHECK_THROWS_WITH_AS(tlog::monitor_state::from_json(bad), doctest::Contains(why),
                             std::invalid_argument);
    };
    refused("does not make", [](auto& b) { b["root"] = tlog::to_base64(tlog::empty_root()); });
    refused("subtree roots", [](auto& b) { b["size"] = 301; });
    refused("holds 43 hashes", [](auto& b) { b["tiles"]["0"].erase(0); });
    refused("lacks level 8", [](auto& b) { b["tiles"].erase("8"); });
    refused("no known status", [](auto& b) { b["certificates"]["c1"] = "forgiven"; });
    refused("no \"size\"", [](auto& b) { b["size"] = -1; });
}
