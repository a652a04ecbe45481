// konform log: an append-only transparency log in a folder (RFC 9162 Merkle tree, C2SP
// tlog-tiles and a signed checkpoint), its proofs, and a monitor that catches a log lying.
#include "commands.hpp"
#include "konform/model/problem.hpp"
#include "konform/sign/report_signature.hpp"
#include "konform/tlog/certificate_entry.hpp"
#include "konform/tlog/log_store.hpp"
#include "konform/tlog/monitor.hpp"
#include "konform/tlog/receipt.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/text.hpp"
#include "log_files.hpp"

#include <fstream>
#include <iostream>

namespace konform::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct log_args {
    std::string dir, key, pass_env, origin, log_key, state, trust, chain, lines;
    std::vector<std::string> entries;
    std::uint64_t index = 0, size = 0, old_size = 0, new_size = 0;
    std::uint64_t max_entries = 10'000'000; // the most entries one check of a monitor reads
    bool full = false;
};

sign::key load_key(const log_args& a) {
    try {
        return sign::key::load_private(
            a.key, a.pass_env.empty() ? "" : secret_from_env("--key-pass-env", a.pass_env));
    } catch (const model::load_error&) {
        throw;
    } catch (const std::exception& e) {
        throw model::load_error(a.key, "", e.what());
    }
}

tlog::log_store open_log(const std::string& dir) {
    try {
        return tlog::log_store(dir);
    } catch (const std::exception& e) {
        throw model::load_error(dir, "", std::string("not a usable log: ") + e.what());
    }
}

json hashes_json(const std::vector<tlog::hash>& proof) {
    json out = json::array();
    for (const auto& h : proof)
        out.push_back(tlog::to_base64(h));
    return out;
}

exit_code init(const log_args& a) {
    const sign::key k = load_key(a);
    try {
        tlog::log_store::init(a.dir, a.origin, k);
    } catch (const std::exception& e) {
        throw model::load_error(a.dir, "", e.what());
    }
    std::cout << tlog::verifier_key(a.origin, k) << '\n';
    std::cerr << "konform: a new log in " << a.dir << "; the line above is its verifier key\n";
    return exit_code::ok;
}

// The entries to append, from files and from a JSON-lines file, each signed when a key is
// given. Every one must be a certificate entry that may follow what the log holds. A lines
// file is read, signed and appended in batches: memory does not grow with its length.
exit_code append(const log_args& a) {
    if (a.entries.empty() && a.lines.empty())
        throw model::load_error("entries", "", "name ENTRY.json files or --lines FILE");
    auto log = open_log(a.dir);
    std::optional<sign::document_signer> signer;
    if (!a.key.empty()) {
        const sign::key k = load_key(a);
        try {
            signer.emplace(k, a.chain.empty() ? std::string() : util::read_file(a.chain));
        } catch (const std::exception& e) {
            throw model::load_error(a.chain.empty() ? a.key : a.chain, "", e.what());
        }
    }
    tlog::status_book book;
    {
        tlog::tile_reader reader(tlog::folder_files(a.dir), log.size());
        for (std::uint64_t i = 0; i < log.size(); ++i)
            book.apply(tlog::read_certificate_entry(reader.entry(i)));
    }
    // One entry, checked and in canonical form (RFC 8785: one entry has one spelling).
    const auto prepared = [&](const std::string& where, const std::string& text) {
        try {
            json doc = util::parse_strict(text);
            std::string entry =
                signer ? tlog::make_certificate_entry(doc, *signer) : util::canonicalize(doc);
            const auto e = tlog::read_certificate_entry(entry);
            if (entry.size() > 65535)
                throw std::invalid_argument("larger than an entry may be (65,535 bytes)");
            if (std::string why = book.apply(e); !why.empty()) throw std::invalid_argument(why);
            return entry;
        } catch (const std::exception& e) {
            throw model::load_error(where, "", e.what());
        }
    };
    std::vector<std::string> batch;
    for (const auto& file : a.entries) {
        std::string text;
        try {
            text = util::read_file(file);
        } catch (const std::exception& e) {
            throw model::load_error(file, "", e.what());
        }
        batch.push_back(prepared(file, text));
    }
    const std::uint64_t first = log.append(batch);
    for (std::size_t i = 0; i < batch.size(); ++i)
        std::cout << a.entries[i] << ": entry " << first + i << '\n';
    if (a.lines.empty()) return exit_code::ok;
    std::ifstream in(a.lines);
    if (!in) throw model::load_error(a.lines, "", "cannot be read");
    const std::uint64_t from = log.size();
    batch.clear();
    std::string line;
    // A bad line stops the command before its batch is appended; earlier batches stay (each
    // is a valid extension of the log).
    for (std::size_t n = 1; std::getline(in, line); ++n) {
        if (!line.empty()) batch.push_back(prepared(a.lines + ":" + std::to_string(n), line));
        if (batch.size() == 16 * tlog::tile_width) {
            log.append(batch);
            batch.clear();
        }
    }
    log.append(batch);
    std::cout << (log.size() - from) << " entries appended, " << from << " to " << log.size() - 1
              << '\n';
    return exit_code::ok;
}

exit_code checkpoint(const log_args& a) {
    auto log = open_log(a.dir);
    try {
        std::cout << log.publish_checkpoint(load_key(a));
    } catch (const std::invalid_argument& e) {
        throw model::load_error(a.key, "", e.what());
    }
    return exit_code::ok;
}

// The tree size a client reads the log at: --size, or the checkpoint's (whose signature the
// verifier of the proof checks; here it only names the tiles to read).
std::uint64_t size_to_read(const tlog::fetch_file& files, const log_args& a) {
    if (a.size) return a.size;
    const auto note = files("checkpoint");
    if (!note) throw model::load_error(a.dir, "checkpoint", "the log serves no checkpoint");
    try {
        return tlog::checkpoint::parse(note->substr(0, note->find("\n\n") + 1)).size;
    } catch (const std::exception& e) {
        throw model::load_error(a.dir, "checkpoint", e.what());
    }
}

// Proofs as a client on the web computes them: from the hash tiles alone, counting what it
// read.
exit_code prove(const log_args& a) {
    const auto files = log_files(a.dir);
    const std::uint64_t size = size_to_read(files, a);
    if (a.index >= size)
        throw model::load_error("INDEX", std::to_string(a.index),
                                "no such entry in a tree of " + std::to_string(size));
    tlog::tile_reader tiles(files, size);
    try {
        const auto proof = tlog::inclusion_proof(a.index, size, tiles.source());
        const auto hash_files = tiles.files_fetched();
        const auto hash_bytes = tiles.bytes_fetched();
        const std::string entry = tiles.entry(a.index);
        std::cout << json{{"index", a.index},
                          {"size", size},
                          {"leaf_hash", tlog::to_base64(tlog::leaf_hash(entry))},
                          {"root", tlog::to_base64(tlog::range_hash(0, size, tiles.source()))},
                          {"proof", hashes_json(proof)},
                          // The proof's hash tiles, then the entry's bundle as well.
                          {"proof_files_read", hash_files},
                          {"proof_bytes_read", hash_bytes},
                          {"files_read", tiles.files_fetched()},
                          {"bytes_read", tiles.bytes_fetched()}}
                         .dump(2)
                  << '\n';
    } catch (const std::exception& e) {
        throw model::load_error(a.dir, "", std::string("not a usable log: ") + e.what());
    }
    return exit_code::ok;
}

exit_code consistency(const log_args& a) {
    const auto files = log_files(a.dir);
    log_args whole = a;
    whole.size = 0;
    const std::uint64_t size = size_to_read(files, whole);
    if (a.old_size == 0 || a.old_size > a.new_size || a.new_size > size)
        throw model::load_error("OLD_SIZE NEW_SIZE",
                                std::to_string(a.old_size) + " " + std::to_string(a.new_size),
                                "need 0 < OLD_SIZE <= NEW_SIZE <= " + std::to_string(size));
    try {
        // Every subtree the old tree completes is complete in the new one: one reader, at
        // the size the log published, serves both (an old size's partial tiles may be gone).
        tlog::tile_reader tiles(files, a.new_size);
        std::cout
            << json{{"old_size", a.old_size},
                    {"new_size", a.new_size},
                    {"old_root", tlog::to_base64(tlog::range_hash(0, a.old_size, tiles.source()))},
                    {"new_root", tlog::to_base64(tlog::range_hash(0, a.new_size, tiles.source()))},
                    {"proof",
                     hashes_json(tlog::consistency_proof(a.old_size, a.new_size, tiles.source()))},
                    {"files_read", tiles.files_fetched()},
                    {"bytes_read", tiles.bytes_fetched()}}
                   .dump(2)
            << '\n';
    } catch (const std::exception& e) {
        throw model::load_error(a.dir, "", std::string("not a usable log: ") + e.what());
    }
    return exit_code::ok;
}

// The monitor: trusts nothing of the log but its key and the certifier's root. It reads the
// log only through its static files (a folder or a URL) and leaves the checking to
// tlog::monitor_log; it keeps what it saw in --state, so the next check reads only what is new.
exit_code monitor(const log_args& a) {
    auto lie = [&](const std::string& why) {
        std::cout << util::visible(a.dir + ": NOT TRUSTWORTHY: " + why) << '\n';
        return exit_code::not_ok;
    };
    tlog::monitor_state state;
    if (fs::exists(a.state)) {
        try {
            state = tlog::monitor_state::from_json(util::parse_strict(util::read_file(a.state)));
        } catch (const std::exception& e) {
            throw model::load_error(a.state, "", e.what());
        }
    }
    tlog::monitor_options options;
    options.full = a.full;
    try {
        if (!a.trust.empty()) options.trust = util::read_file(a.trust);
    } catch (const std::exception& e) {
        throw model::load_error(a.trust, "", e.what());
    }
    const auto files = log_files(a.dir);
    std::optional<std::string> note;
    try {
        note = files("checkpoint");
    } catch (const std::exception& e) {
        std::cout << util::visible(a.dir + ": CANNOT CHECK: " + e.what()) << '\n';
        return exit_code::incomplete;
    }
    if (!note) return lie("it serves no checkpoint");
    tlog::checkpoint cp;
    try {
        cp = tlog::open_checkpoint(*note, a.log_key);
    } catch (const std::invalid_argument& e) {
        return lie(e.what());
    }
    const std::uint64_t to_read = tlog::entries_to_read(state, cp, options);
    if (to_read > a.max_entries) {
        std::cout << util::visible(a.dir)
                  << ": CANNOT CHECK: the checkpoint asks the monitor to read " << to_read
                  << " entries, more than --max-entries " << a.max_entries << '\n';
        return exit_code::incomplete;
    }
    tlog::tile_reader reader(files, cp.size);
    tlog::monitor_outcome seen;
    try {
        seen = tlog::monitor_log(reader, cp, state, options);
    } catch (const std::exception& e) {
        return lie(std::string("the log cannot be read: ") + e.what());
    }
    if (!seen.lie.empty()) return lie(seen.lie);
    util::write_file_atomically(a.state, state.to_json().dump(2) + "\n");
    std::cout << util::visible(a.dir) << ": consistent: " << cp.size << " entries, " << seen.fresh
              << " new since the last check, every one checked ("
              << (seen.from_start ? "the whole log read, " : "only the new read, ")
              << state.book.size() << " certificates; " << reader.files_fetched() << " files, "
              << reader.bytes_fetched() << " bytes read)\n";
    return exit_code::ok;
}

} // namespace

action add_log(CLI::App& app) {
    auto a = std::make_shared<log_args>();
    auto* cmd = app.add_subcommand("log", "An append-only transparency log of certificates");
    cmd->require_subcommand(1);
    auto* i =
        cmd->add_subcommand("init", "Make an empty log in a folder and print its verifier key");
    i->add_option("dir", a->dir, "The log's folder")->required();
    i->add_option("--key", a->key, "The log's Ed25519 private key (PEM)")->required();
    i->add_option("--key-pass-env", a->pass_env, "Environment variable holding its passphrase");
    i->add_option("--origin", a->origin, "The log's name (e.g. kl.dk/konform-log)")->required();
    auto* ap = cmd->add_subcommand(
        "append", "Append certificate entries (in canonical form), signed with --sign-key");
    ap->add_option("dir", a->dir, "The log's folder")->required();
    ap->add_option("entries", a->entries, "ENTRY.json files, in order");
    ap->add_option("--lines", a->lines, "A file of entries, one JSON object a line");
    ap->add_option("--sign-key", a->key, "The certifier's Ed25519 private key (PEM)");
    ap->add_option("--key-pass-env", a->pass_env, "Environment variable holding its passphrase");
    ap->add_option("--sign-cert", a->chain, "The certifier's certificate chain (PEM)");
    auto* c = cmd->add_subcommand("checkpoint", "Sign and publish a checkpoint of the log");
    c->add_option("dir", a->dir, "The log's folder")->required();
    c->add_option("--key", a->key, "The log's Ed25519 private key (PEM)")->required();
    c->add_option("--key-pass-env", a->pass_env, "Environment variable holding its passphrase");
    auto* p = cmd->add_subcommand("prove", "Print the inclusion proof of an entry, from the tiles");
    p->add_option("dir", a->dir, "The log's folder, or the URL it is served under")->required();
    p->add_option("index", a->index, "The entry's index")->required();
    p->add_option("--size", a->size,
                  "The tree size to prove against (default: the checkpoint's; the tiles of a "
                  "size the log published)");
    auto* cs = cmd->add_subcommand("consistency",
                                   "Print the proof that a tree is a prefix of a later one");
    cs->add_option("dir", a->dir, "The log's folder, or the URL it is served under")->required();
    cs->add_option("old_size", a->old_size, "The earlier tree size")->required();
    cs->add_option("new_size", a->new_size, "The later tree size")->required();
    auto* m = cmd->add_subcommand(
        "monitor", "Check a log against the last checkpoint seen: exit 1 if it lied");
    m->add_option("dir", a->dir, "The log's folder, or the URL it is served under")->required();
    m->add_option("--log-key", a->log_key, "The log's verifier key (from log init)")->required();
    m->add_option("--state", a->state, "File keeping the last checkpoint seen")->required();
    m->add_option("--max-entries", a->max_entries, "The most entries one check reads")
        ->capture_default_str();
    m->add_flag("--full", a->full,
                "Read the whole log again, not only what is new since the last check");
    m->add_option("--trust", a->trust,
                  "Root certificate (PEM) every entry's signer must be anchored in");
    return [a, i, ap, c, p, cs, m] {
        if (i->parsed()) return init(*a);
        if (ap->parsed()) return append(*a);
        if (c->parsed()) return checkpoint(*a);
        if (p->parsed()) return prove(*a);
        if (cs->parsed()) return consistency(*a);
        if (m->parsed()) return monitor(*a);
        return exit_code::input_error;
    };
}

} // namespace konform::cli
