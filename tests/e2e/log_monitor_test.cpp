// konform log and its monitor: an honest log passes, and each kind of lie a log can tell is
// caught — a changed, removed or reordered entry, a checkpoint for another tree, a
// checkpoint signed by another key, an entry whose report signature does not verify.
#include "e2e_support.hpp"
#include "konform/tlog/certificate_entry.hpp"
#include "konform/tlog/log_store.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace konform;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string bin = KONFORM_BINARY;
const fs::path demo = fs::path(KONFORM_SOURCE_DIR) / "reports/demo-key";

const sign::key& certifier() {
    static const sign::key k = sign::key::load_private(demo / "private.pem");
    return k;
}

// An entry as the certifier signs it.
std::string entry(const json& fields, const sign::key& k = certifier()) {
    const bool ours = &k == &certifier();
    return tlog::make_certificate_entry(fields, k,
                                        ours ? test::read_text(demo / "signer.pem") : "");
}

json issued(const std::string& id) {
    return {{"event", "issued"},
            {"certificate", id},
            {"at", "2026-12-05T10:00:00Z"},
            {"report_sha256", std::string(64, 'a')},
            {"product", "Sag"},
            {"vendor", "V"}};
}

json changed_status(const std::string& id, const std::string& event) {
    return {{"event", event},
            {"certificate", id},
            {"at", "2026-12-05T11:00:00Z"},
            {"reason", "review"}};
}

struct monitor_result {
    int status;
    std::string out;
};

monitor_result monitor(const fs::path& log, const std::string& vkey, const fs::path& state,
                       bool full = false) {
    monitor_result r;
    r.status = test::shell(bin + " log monitor '" + log.string() + "' --log-key '" + vkey +
                               "' --state '" + state.string() + "' --trust " +
                               (demo / "root.pem").string() + (full ? " --full" : "") + " 2>&1",
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

    // Entries: two certificates issued, one suspended, appended and signed by the CLI.
    const std::vector<json> docs = {issued("c1"), changed_status("c1", "suspended"), issued("c2")};
    std::vector<std::string> texts;
    const std::string sign_flags = " --sign-key " + (demo / "private.pem").string() +
                                   " --sign-cert " + (demo / "signer.pem").string();
    for (std::size_t i = 0; i < docs.size(); ++i) {
        const fs::path f = tmp.path / ("e" + std::to_string(i) + ".json");
        util::write_file_atomically(f, docs[i].dump(2));
        std::string out;
        REQUIRE(test::shell(bin + " log append '" + log.string() + "' '" + f.string() + "'" +
                                sign_flags,
                            &out) == 0);
        CHECK(out.find(": entry " + std::to_string(i)) != std::string::npos);
        texts.push_back(tlog::log_store(log).entry(i));
    }
    // What the log refuses to append: an unsigned entry, and an event that cannot follow.
    {
        const fs::path f = tmp.path / "bad.json";
        util::write_file_atomically(f, changed_status("c1", "suspended").dump());
        std::string out;
        CHECK(test::shell(bin + " log append '" + log.string() + "' '" + f.string() + "' 2>&1",
                          &out) == 2);
        CHECK(out.find("not signed") != std::string::npos);
        CHECK(test::shell(bin + " log append '" + log.string() + "' '" + f.string() + "'" +
                              sign_flags + " 2>&1",
                          &out) == 2);
        CHECK(out.find("cannot be suspended when it is suspended") != std::string::npos);
        CHECK(tlog::log_store(log).size() == 3);
        // A lines file with a bad line: named by its line, nothing of its batch appended.
        const fs::path lines = tmp.path / "lines.jsonl";
        util::write_file_atomically(lines, issued("c7").dump() + "\n{\"event\": \"issued\"}\n");
        CHECK(test::shell(bin + " log append '" + log.string() + "' --lines '" + lines.string() +
                              "'" + sign_flags + " 2>&1",
                          &out) == 2);
        CHECK(out.find("lines.jsonl:2") != std::string::npos);
        CHECK(tlog::log_store(log).size() == 3);
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
    util::write_file_atomically(more, changed_status("c1", "reinstated").dump());
    REQUIRE(test::shell(bin + " log append '" + log.string() + "' '" + more.string() + "'" +
                        sign_flags + " >/dev/null && " + bin + " log checkpoint '" + log.string() +
                        "' --key '" + (key_dir / "private.pem").string() + "' >/dev/null") == 0);
    texts.push_back(tlog::log_store(log).entry(3));
    const auto second = monitor(log, vkey, state);
    CHECK_MESSAGE(second.status == 0, second.out);
    CHECK(second.out.find("4 entries, 1 new") != std::string::npos);
    CHECK(second.out.find("only the new read") != std::string::npos);
    const std::string seen = util::read_file(state);
    // Read again from the start, the same log gives the same state.
    const auto again = monitor(log, vkey, state, true);
    CHECK_MESSAGE(again.status == 0, again.out);
    CHECK(again.out.find("the whole log read") != std::string::npos);
    CHECK(util::read_file(state) == seen);

    // Each lie is caught by a monitor that reads only what is new, and by one that reads all.
    auto caught = [&](const std::string& lie, const fs::path& lying_log, const std::string& says) {
        for (const bool full : {false, true}) {
            util::write_file_atomically(state, seen); // the monitor last saw the honest log
            const auto r = monitor(lying_log, vkey, state, full);
            CHECK_MESSAGE(r.status == 1, lie << (full ? " (--full)" : "") << ": " << r.out);
            CHECK_MESSAGE(r.out.find(says) != std::string::npos,
                          lie << (full ? " (--full)" : "") << ": " << r.out);
            CHECK_MESSAGE(util::read_file(state) == seen, lie << ": the state moved on");
        }
    };
    const fs::path lying = tmp.path / "lying";

    auto changed = texts;
    json other_reason = changed_status("c1", "suspended");
    other_reason["reason"] = "another reason";
    changed[1] = entry(other_reason);
    rebuild(lying, changed, k, origin);
    caught("a changed entry", lying, "rewrote history");

    auto removed = texts;
    removed.erase(removed.begin() + 2);
    removed.push_back(entry(issued("c3")));
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
    caught("a changed tile", lying, "do not hold the entries' hashes");

    // An entry changed after it was signed.
    auto forged = texts;
    json bad = util::parse_strict(texts[2]);
    bad["product"] = "Another product";
    bad["certificate"] = "c9";
    forged.push_back(util::canonicalize(bad));
    rebuild(lying, forged, k, origin);
    caught("an entry changed after signing", lying, "signature does not verify");

    // An entry signed by someone who is not the certifier.
    auto stranger_signed = texts;
    stranger_signed.push_back(entry(issued("c9"), stranger));
    rebuild(lying, stranger_signed, k, origin);
    caught("an entry signed by another key", lying, "not signed by the certifier");

    // An event that cannot follow: a revoked certificate made active again.
    auto impossible = texts;
    impossible.push_back(entry(changed_status("c2", "revoked")));
    impossible.push_back(entry(changed_status("c2", "reinstated")));
    rebuild(lying, impossible, k, origin);
    caught("a revoked certificate reinstated", lying, "cannot be reinstated when it is revoked");

    // An entry that is not a certificate entry at all.
    auto foreign = texts;
    foreign.push_back(R"({"hello":"world"})");
    rebuild(lying, foreign, k, origin);
    caught("a foreign entry", lying, "not a certificate entry");
}

TEST_CASE("konform log monitor: a log over several tiles, checked in steps, reads only what is "
          "new and keeps the same state as a monitor that reads it all") {
    test::temp_dir tmp;
    const sign::key k = sign::key::generate();
    const std::string origin = "kl.example/konform-log";
    const fs::path log = tmp.path / "log";
    tlog::log_store::init(log, origin, k);
    const std::string vkey = tlog::verifier_key(origin, k);
    const sign::document_signer signer(certifier(), test::read_text(demo / "signer.pem"));
    std::vector<std::string> texts;
    auto grow = [&](std::size_t to) {
        std::vector<std::string> batch;
        while (texts.size() < to) {
            batch.push_back(
                tlog::make_certificate_entry(issued("c" + std::to_string(texts.size())), signer));
            texts.push_back(batch.back());
        }
        tlog::log_store store(log);
        store.append(batch);
        store.publish_checkpoint(k);
    };
    const fs::path stepwise = tmp.path / "stepwise.json", whole = tmp.path / "whole.json";
    // Sizes across tile boundaries: within the first tile, exactly full, past it, and far on.
    for (const std::size_t size : {100, 256, 300, 700}) {
        grow(size);
        const auto step = monitor(log, vkey, stepwise);
        REQUIRE_MESSAGE(step.status == 0, size << ": " << step.out);
        CHECK((step.out.find("only the new read") != std::string::npos) == (size != 100));
        const auto all = monitor(log, vkey, whole, true);
        REQUIRE_MESSAGE(all.status == 0, size << ": " << all.out);
        CHECK_MESSAGE(util::read_file(stepwise) == util::read_file(whole), size);
    }
    // One more step (700 to 701) reads what is new, not the log: the third bundle, its level-0
    // tile and the level-1 tile; a monitor reading it all fetches seven files.
    auto files_read = [](const std::string& out) {
        const auto end = out.find(" files,");
        REQUIRE(end != std::string::npos);
        return std::stoi(out.substr(out.rfind(' ', end - 1) + 1));
    };
    grow(701);
    const auto last = monitor(log, vkey, stepwise);
    REQUIRE_MESSAGE(last.status == 0, last.out);
    CHECK_MESSAGE(files_read(last.out) == 3, last.out);
    const auto last_all = monitor(log, vkey, whole, true);
    CHECK_MESSAGE(files_read(last_all.out) == 7, last_all.out);
    const json state = util::parse_strict(util::read_file(stepwise));
    CHECK(state["size"] == 701);
    CHECK(state["certificates"].size() == 701);
    CHECK(state["tiles"]["0"].size() == 701 % 256);

    // An old entry the log changes in the bundle it may still rewrite (the partial one) is
    // caught, though no new entry follows it.
    {
        std::vector<std::string> lying_texts = texts;
        lying_texts[650] = tlog::make_certificate_entry(issued("c650-forged"), signer);
        const fs::path lying = tmp.path / "lying";
        rebuild(lying, lying_texts, k, origin);
        const std::string seen = util::read_file(stepwise);
        const auto r = monitor(lying, vkey, stepwise);
        CHECK_MESSAGE(r.status == 1, r.out);
        CHECK_MESSAGE(r.out.find("rewrote history") != std::string::npos, r.out);
        CHECK(util::read_file(stepwise) == seen);
    }
    // A state file that was tampered with is named, not trusted.
    {
        json bad = state;
        bad["edge"][0] = tlog::to_base64(tlog::leaf_hash("x"));
        util::write_file_atomically(stepwise, bad.dump());
        const auto r = monitor(log, vkey, stepwise);
        CHECK(r.status == 2);
        CHECK_MESSAGE(r.out.find("does not make \"root\"") != std::string::npos, r.out);
    }
}
