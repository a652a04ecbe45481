// konform log and its monitor: an honest log passes, and each kind of lie a log can tell is
// caught — a changed, removed or reordered entry, a checkpoint for another tree, a
// checkpoint signed by another key, an entry whose report signature does not verify.
#include "e2e_support.hpp"
#include "konform/tlog/log_store.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"
#include "server/http_server.hpp"
#include "system.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace konform;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string bin = KONFORM_BINARY;
const fs::path demo = fs::path(KONFORM_SOURCE_DIR) / "reports/demo-key";

// A signed report of a real run of the example profile.
std::string signed_report(const fs::path& dir) {
    reference::http_server server(0, reference::find_system("example")->make(""));
    server.start();
    ::setenv("GREETINGS_TOKEN", "example-token", 1);
    const int rc =
        test::shell(bin + " run --profile " + KONFORM_SOURCE_DIR + "/profiles/example --target " +
                    KONFORM_SOURCE_DIR + "/profiles/example/target.example.json --base-url " +
                    server.base_url() + " --out '" + (dir / "run").string() +
                    "' --quiet --sign-key " + (demo / "private.pem").string() + " --sign-cert " +
                    (demo / "signer.pem").string() + " >/dev/null");
    REQUIRE(rc == 0);
    return test::read_text(dir / "run/report.json");
}

struct monitor_result {
    int status;
    std::string out;
};

monitor_result monitor(const fs::path& log, const std::string& vkey, const fs::path& state) {
    monitor_result r;
    r.status =
        test::shell(bin + " log monitor '" + log.string() + "' --log-key '" + vkey + "' --state '" +
                        state.string() + "' --trust " + (demo / "root.pem").string() + " 2>&1",
                    &r.out);
    return r;
}

// A log made afresh with these entries, signed by `k`: what a lying operator would publish.
void rebuild(const fs::path& dir, const std::vector<std::string>& entries, const sign::key& k,
             const std::string& origin) {
    fs::remove_all(dir);
    tlog::log_store::init(dir, origin, k);
    tlog::log_store log(dir);
    log.append(entries);
    log.publish_checkpoint(k);
}

} // namespace

TEST_CASE("konform log: an honest log passes its monitor; every kind of lie is caught") {
    test::temp_dir tmp;
    const fs::path key_dir = tmp.path / "key";
    REQUIRE(test::shell(bin + " keygen --out '" + key_dir.string() + "' >/dev/null") == 0);
    const sign::key k = sign::key::load_private(key_dir / "private.pem");
    const std::string origin = "kl.example/konform-log";
    const fs::path log = tmp.path / "log";
    std::string vkey;
    REQUIRE(test::shell(bin + " log init '" + log.string() + "' --key '" +
                            (key_dir / "private.pem").string() + "' --origin " + origin +
                            " 2>/dev/null",
                        &vkey) == 0);
    vkey = vkey.substr(0, vkey.find('\n'));
    CHECK(vkey == tlog::verifier_key(origin, k));

    // Entries: two status changes and an issued certificate holding its signed report.
    const json report = util::parse_strict(signed_report(tmp.path));
    const std::vector<json> docs = {
        {{"certificate", "c1"}, {"event", "issued"}, {"report", report}},
        {{"certificate", "c0"}, {"event", "revoked"}, {"reason", "superseded"}},
        {{"certificate", "c2"}, {"event", "suspended"}, {"reason", "under review"}}};
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < docs.size(); ++i) {
        const fs::path f = tmp.path / ("e" + std::to_string(i) + ".json");
        util::write_file_atomically(f, docs[i].dump(2));
        texts.push_back(util::canonicalize(docs[i]));
        std::string out;
        REQUIRE(test::shell(bin + " log append '" + log.string() + "' '" + f.string() + "'",
                            &out) == 0);
        CHECK(out.find(": entry " + std::to_string(i)) != std::string::npos);
    }
    REQUIRE(test::shell(bin + " log checkpoint '" + log.string() + "' --key '" +
                        (key_dir / "private.pem").string() + "' >/dev/null") == 0);
    const fs::path state = tmp.path / "state.json";
    auto first = monitor(log, vkey, state);
    CHECK_MESSAGE(first.status == 0, first.out);
    CHECK(first.out.find("consistent: 3 entries, 3 new") != std::string::npos);

    // Proofs from the CLI verify against the checkpoint.
    std::string proof_text;
    REQUIRE(test::shell(bin + " log prove '" + log.string() + "' 1", &proof_text) == 0);
    const json proof = json::parse(proof_text);
    std::vector<tlog::hash> path;
    for (const auto& h : proof["proof"])
        path.push_back(tlog::hash_from_base64(h.get<std::string>()));
    CHECK(tlog::verify_inclusion(1, 3, tlog::leaf_hash(texts[1]), path,
                                 tlog::hash_from_base64(proof["root"].get<std::string>())));
    std::string cons_text;
    REQUIRE(test::shell(bin + " log consistency '" + log.string() + "' 1 3", &cons_text) == 0);
    CHECK(json::parse(cons_text)["proof"].size() == 2);

    // The log grows honestly: the monitor follows.
    const fs::path more = tmp.path / "more.json";
    util::write_file_atomically(more, R"({"certificate": "c2", "event": "reinstated"})");
    REQUIRE(test::shell(bin + " log append '" + log.string() + "' '" + more.string() +
                        "' >/dev/null && " + bin + " log checkpoint '" + log.string() +
                        "' --key '" + (key_dir / "private.pem").string() + "' >/dev/null") == 0);
    texts.push_back(util::canonicalize(util::parse_strict(util::read_file(more))));
    const auto second = monitor(log, vkey, state);
    CHECK_MESSAGE(second.status == 0, second.out);
    CHECK(second.out.find("4 entries, 1 new") != std::string::npos);
    const std::string seen = util::read_file(state);

    auto caught = [&](const std::string& lie, const fs::path& lying_log, const std::string& says) {
        util::write_file_atomically(state, seen); // the monitor last saw the honest log
        const auto r = monitor(lying_log, vkey, state);
        CHECK_MESSAGE(r.status == 1, lie << ": " << r.out);
        CHECK_MESSAGE(r.out.find(says) != std::string::npos, lie << ": " << r.out);
        CHECK_MESSAGE(util::read_file(state) == seen, lie << ": the state moved on");
    };
    const fs::path lying = tmp.path / "lying";

    auto changed = texts;
    changed[1] = util::canonicalize(json{{"certificate", "c0"}, {"event", "reinstated"}});
    rebuild(lying, changed, k, origin);
    caught("a changed entry", lying, "rewrote history");

    auto removed = texts;
    removed.erase(removed.begin() + 1);
    removed.push_back(util::canonicalize(json{{"certificate", "c3"}, {"event", "issued"}}));
    rebuild(lying, removed, k, origin);
    caught("a removed entry", lying, "rewrote history");

    auto shorter = texts;
    shorter.pop_back();
    rebuild(lying, shorter, k, origin);
    caught("a log cut short", lying, "shrank from 4 to 3");

    auto reordered = texts;
    std::swap(reordered[1], reordered[2]);
    rebuild(lying, reordered, k, origin);
    caught("reordered entries", lying, "rewrote history");

    // A checkpoint for another tree, signed with the right key.
    fs::remove_all(lying);
    fs::copy(log, lying, fs::copy_options::recursive);
    tlog::tree other;
    for (const auto& t : changed)
        other.append(tlog::leaf_hash(t));
    util::write_file_atomically(
        lying / "checkpoint",
        tlog::sign_note(tlog::checkpoint{origin, 4, other.root()}.body(), origin, k));
    caught("a checkpoint for another tree", lying, "not the root of the entries");

    // The honest checkpoint, signed by another key.
    const auto stranger = sign::key::generate();
    util::write_file_atomically(
        lying / "checkpoint",
        tlog::sign_note(tlog::checkpoint{origin, 4, tlog::log_store(log).hashes().root()}.body(),
                        origin, stranger));
    caught("a checkpoint signed by another key", lying, "not signed by the log's key");

    // A tile that does not hold the entries' hashes.
    fs::remove_all(lying);
    fs::copy(log, lying, fs::copy_options::recursive);
    {
        std::fstream tile(lying / "tile/0/000.p/4",
                          std::ios::in | std::ios::out | std::ios::binary);
        tile.seekp(40);
        tile.put('\x55');
    }
    caught("a changed tile", lying, "does not hold the entries' hashes");

    // An entry whose report's signature does not verify.
    auto forged = texts;
    json bad = docs[0];
    bad["report"]["verdict"] = "not-conformant";
    bad["certificate"] = "c9";
    forged.push_back(util::canonicalize(bad));
    rebuild(lying, forged, k, origin);
    caught("a forged report", lying, "signature does not verify");
}
