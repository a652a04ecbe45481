#include "log_verdict.hpp"

#include "konform/sign/report_signature.hpp"
#include "konform/tlog/certificate_entry.hpp"
#include "konform/tlog/receipt.hpp"
#include "konform/util/text.hpp"
#include "log_files.hpp"

#include <chrono>

namespace konform::cli {

namespace {

log_verdict not_in_log(const std::string& why) {
    return {false, false, "log: NOT IN THE LOG: " + why + "\n"};
}

// Whether the entry's signer is the certifier's: intact, and anchored when a root is given.
std::string signer_problem(const tlog::certificate_entry& e,
                           const std::optional<std::string>& trust) {
    const auto v = sign::verify_signature(e.fields, trust);
    if (!v.valid) return "its signature does not verify: " + v.reason;
    if (trust && !v.anchored) return "its signer is not anchored in the trust root";
    return "";
}

} // namespace

log_verdict check_in_log(const nlohmann::json& report, const std::string& vkey,
                         const std::optional<std::string>& trust, const std::string& log) {
    if (!report.contains(sign::receipt_member))
        return not_in_log("the report carries no receipt (\"" + std::string(sign::receipt_member) +
                          "\")");
    tlog::receipt r;
    try {
        r = tlog::receipt::from_json(report[sign::receipt_member]);
    } catch (const std::exception& e) {
        return not_in_log(e.what());
    }
    tlog::checkpoint cp;
    if (std::string why = tlog::receipt_problem(r, vkey, &cp); !why.empty()) return not_in_log(why);
    tlog::certificate_entry issued;
    try {
        issued = tlog::read_certificate_entry(r.entry);
    } catch (const std::exception& e) {
        return not_in_log(std::string("the receipt's entry is unusable: ") + e.what());
    }
    if (issued.event != tlog::cert_event::issued)
        return not_in_log("the receipt's entry is not an issued certificate");
    if (issued.report_sha256 != sign::report_digest(report))
        return not_in_log("the receipt's entry is for another report");
    if (std::string why = signer_problem(issued, trust); !why.empty())
        return not_in_log("the receipt's entry: " + why);

    log_verdict out;
    out.in_log = true;
    out.lines = "log: certificate " + issued.certificate + " is entry " + std::to_string(r.index) +
                " of " + cp.origin + " (tree of " + std::to_string(cp.size) + ", proven offline)\n";
    // Its own validity, from the entry.
    const std::string until = issued.fields.value("valid_until", "");
    const std::string today = util::iso8601(std::chrono::system_clock::now());
    if (!until.empty() && until < today) {
        out.lines += "status: EXPIRED: valid until " + until + "\n";
        return out;
    }
    if (log.empty()) {
        out.certifies = true;
        out.lines += "status: not checked (pass --log DIR|URL for what the log says now)\n";
        return out;
    }

    // The log as it is now.
    const auto files = log_files(log);
    const auto note = files("checkpoint");
    if (!note) throw std::runtime_error(log + " serves no checkpoint");
    tlog::checkpoint now;
    try {
        now = tlog::open_checkpoint(*note, vkey);
    } catch (const std::invalid_argument& e) {
        out.lines += "status: UNKNOWN: the log's checkpoint: " + std::string(e.what()) + "\n";
        return out;
    }
    // A log (or a server posing as one) may claim any size: the status scan is bounded.
    constexpr std::uint64_t most = 100'000'000;
    if (now.size > most)
        throw std::runtime_error("the log's checkpoint claims " + std::to_string(now.size) +
                                 " entries, more than konform verify reads");
    tlog::tile_reader tiles(files, now.size);
    if (now.size < cp.size ||
        !tlog::verify_consistency(cp.size, now.size, cp.root, now.root,
                                  tlog::consistency_proof(cp.size, now.size, tiles.source()))) {
        out.lines += "status: UNKNOWN: the log as served now does not extend the tree the "
                     "receipt was proven in (it was rewritten, or this is another log)\n";
        return out;
    }
    tlog::status_book book;
    book.apply(issued);
    std::string last;
    for (std::uint64_t i = r.index + 1; i < now.size; ++i) {
        tlog::certificate_entry e;
        const std::string text = tiles.entry(i);
        try {
            e = tlog::read_certificate_entry(text);
        } catch (const std::exception&) {
            continue; // not ours to judge: the monitor does
        }
        if (e.certificate != issued.certificate) continue;
        const std::string at = "entry " + std::to_string(i);
        const auto proof = tlog::inclusion_proof(i, now.size, tiles.source());
        if (!tlog::verify_inclusion(i, now.size, tlog::leaf_hash(text), proof, now.root))
            throw std::runtime_error(at + " is not in the log's tree");
        if (std::string why = signer_problem(e, trust); !why.empty()) {
            out.lines += "status: UNKNOWN: " + at + " names this certificate, but " + why + "\n";
            return out;
        }
        if (std::string why = book.apply(e); !why.empty()) {
            out.lines += "status: UNKNOWN: " + at + ": " + why + "\n";
            return out;
        }
        last = tlog::to_string(e.event) + " at " + e.at +
               (e.reason.empty() ? "" : ": " + e.reason) +
               (e.by.empty() ? "" : " (by " + e.by + ")");
    }
    const auto status = *book.status(issued.certificate);
    out.certifies = tlog::certifies(status);
    std::string word = tlog::to_string(status);
    if (!out.certifies)
        for (auto& c : word)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out.lines += "status: " + word + (last.empty() ? "" : " (" + last + ")") + ", in the log's " +
                 std::to_string(now.size) + " entries as of its checkpoint\n";
    return out;
}

} // namespace konform::cli
