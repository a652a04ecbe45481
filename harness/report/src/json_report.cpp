#include "konform/report/json_report.hpp"

#include "json_text.hpp"

#include "konform/run/roll_up.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/text.hpp"
#include "konform/version.hpp"

#include <fcntl.h>
#include <stdexcept>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace konform::report {

using nlohmann::json;

namespace {

json counts(const std::map<run::verdict, int>& m) {
    json out = json::object();
    for (auto v : {run::verdict::pass, run::verdict::fail, run::verdict::inconclusive,
                   run::verdict::error, run::verdict::inapplicable, run::verdict::skipped})
        out[std::string(run::to_string(v))] = m.count(v) ? m.at(v) : 0;
    return out;
}

json tls_json(const http::tls_facts& t) {
    json out = {{"protocol", t.protocol},
                {"cipher", t.cipher},
                {"certificate_sha256", t.peer_sha256},
                {"subject", t.peer_subject},
                {"issuer", t.peer_issuer},
                {"not_after", t.peer_not_after},
                {"verified", t.verified}};
    if (!t.client_subject.empty()) out["client_subject"] = t.client_subject;
    return out;
}

// A member value no report holds: canonical JSON writes it as "\u0000konform-stream", so
// the canonical text of a document splits there around a part that is streamed.
const std::string hole = std::string(1, '\0') + "konform-stream";

std::pair<std::string, std::string> split_at_hole(const json& doc) {
    std::string text = util::canonicalize(doc);
    const std::string marker = util::canonicalize(json(hole));
    auto at = text.find(marker);
    if (at == std::string::npos) throw std::logic_error("report hole missing");
    return {text.substr(0, at), text.substr(at + marker.size())};
}

// Writes the canonical report, with every test case's steps from the spool.
void write_canonical(const json& head, step_spool& steps,
                     const std::function<void(std::string_view)>& out) {
    json doc = head;
    json testcases = std::move(doc["testcases"]);
    doc["testcases"] = hole;
    auto [before, after] = split_at_hole(doc);
    out(before);
    out("[");
    for (std::size_t i = 0; i < testcases.size(); ++i) {
        json tc = testcases[i];
        tc["steps"] = hole;
        auto [tc_before, tc_after] = split_at_hole(tc);
        out(i ? "," : "");
        out(tc_before);
        out("[");
        steps.copy(i, out);
        out("]");
        out(tc_after);
    }
    out("]");
    out(after);
}

} // namespace

std::string canonical_step(const run::step_result& s) {
    // Members in RFC 8785 order (sorted by name), so the text is canonical as written.
    std::string out;
    detail::json_text j(out);
    j.open().key("assertions").open_array();
    for (const auto& a : s.assertions) {
        j.open().key("actual").str(a.actual);
        if (!a.check.is_null()) j.key("check").canonical(a.check);
        if (!a.description.empty()) j.key("description").str(a.description);
        if (a.exchange != run::no_exchange)
            j.key("exchange").integer(static_cast<long long>(a.exchange));
        j.key("expected").str(a.expected);
        if (!a.expected_template.empty()) j.key("expected_template").str(a.expected_template);
        if (!a.explanation.empty()) j.key("explanation").str(a.explanation);
        j.key("pointer").str(a.pointer).key("proves").open_array();
        for (const auto& id : a.proves)
            j.str(id);
        j.close_array().key("subject").str(a.subject);
        j.key("verdict").str(run::to_string(a.v)).close();
    }
    j.close_array();
    if (!s.captures.empty()) {
        j.key("captures").open_array();
        for (const auto& c : s.captures) {
            j.open();
            if (!c.pointer.empty()) j.key("pointer").str(c.pointer);
            j.key("value").str(c.value).key("variable").str(c.variable).close();
        }
        j.close_array();
    }
    if (s.cleanup) j.key("cleanup").boolean(true);
    if (!s.curl.empty()) j.key("curl").str(s.curl);
    const bool exchanged = s.exchange != run::no_exchange;
    if (exchanged)
        j.key("duration_ms")
            .num(s.duration_ms)
            .key("exchange")
            .integer(static_cast<long long>(s.exchange));
    if (s.iteration >= 0) j.key("iteration").integer(s.iteration);
    // A load's figures: its histogram, levels, seconds and samples (load::recorder).
    if (s.load.is_object()) j.key("load").canonical(s.load);
    if (!s.message.empty()) j.key("message").str(s.message);
    if (!s.name.empty()) j.key("name").str(s.name);
    j.key("pointer").str(s.pointer);
    if (exchanged) {
        j.key("request").open().key("method").str(s.method).key("url").str(s.url).close();
        if (s.status) j.key("response").open().key("status").integer(*s.status).close();
    }
    if (!s.row.empty()) j.key("row").str(s.row);
    if (s.setup) j.key("setup").boolean(true);
    j.key("verdict").str(run::to_string(s.v)).close();
    return out;
}

namespace {

json target_json(const run::run_result& r) {
    const auto& t = *r.tgt;
    json target = {{"url", t.base_url},
                   {"product", t.product},
                   {"product_version", t.product_version},
                   {"vendor", t.vendor},
                   {"claims", t.claims},
                   {"remote_address", r.binding.remote_address},
                   {"server", r.binding.server_header}};
    if (r.binding.tls) target["tls"] = tls_json(*r.binding.tls);
    return target;
}

json classes_json(const run::run_result& r) {
    json classes = json::array();
    for (const auto& c : r.classes)
        classes.push_back({{"id", c.cls->id},
                           {"title", c.cls->title},
                           {"mandatory", c.cls->mandatory},
                           {"applicable", c.applicable},
                           {"verdict", run::to_string(c.v)}});
    return classes;
}

json requirements_json(const run::run_result& r) {
    json reqs = json::array();
    for (const auto& rr : r.requirements) {
        json j = {{"id", rr.req->id},
                  {"level", model::to_string(rr.req->lvl)},
                  {"class", rr.req->cls},
                  {"text", rr.req->text},
                  {"verdict", run::to_string(rr.v)},
                  {"testcases", rr.testcases}};
        if (!rr.req->ref.empty()) j["ref"] = rr.req->ref;
        if (!rr.reason.empty()) j["reason"] = rr.reason;
        if (run::is_advisory(rr)) j["advisory"] = true;
        reqs.push_back(std::move(j));
    }
    return reqs;
}

// The test cases without their steps (report.json streams those from the spool).
json testcases_json(const run::run_result& r) {
    json tcs = json::array();
    for (const auto& tc : r.testcases) {
        json j = {{"id", tc.id},
                  {"title", tc.title},
                  {"class", tc.cls},
                  {"file", tc.file},
                  {"verifies", tc.verifies},
                  {"verdict", run::to_string(tc.v)},
                  {"duration_ms", tc.duration_ms}};
        if (!tc.reason.empty()) j["reason"] = tc.reason;
        if (!tc.kept.empty()) j["kept"] = tc.kept; // --keep-data or interrupted: not sent
        if (tc.interrupted) j["interrupted"] = true;
        if (tc.advisory) j["advisory"] = true;
        if (!tc.loads.empty()) j["loads"] = tc.loads;
        tcs.push_back(std::move(j));
    }
    return tcs;
}

} // namespace

json report_head(const run::run_result& r, const json& evidence) {
    const auto& p = *r.prof;
    json files = json::array();
    for (const auto& f : p.files)
        files.push_back({{"path", f.path}, {"sha256", f.sha256}});
    json doc = {
        {"konform", {{"version", konform::version}}},
        {"profile",
         {{"id", p.id},
          {"version", p.version},
          {"title", p.title},
          {"digest", p.digest},
          {"files", files}}},
        {"target", target_json(r)},
        {"started", util::iso8601(r.started)},
        {"finished", util::iso8601(r.finished)},
        {"verdict", run::to_string(r.overall)},
        {"summary",
         {{"testcases", counts(r.testcase_counts)},
          {"requirements", counts(r.requirement_counts)},
          {"advisory",
           {{"testcases", r.testcase_advisory}, {"requirements", r.requirement_advisory}}},
          {"exchanges", r.exchange_count}}},
        {"classes", classes_json(r)},
        {"requirements", requirements_json(r)},
        {"testcases", testcases_json(r)},
    };
    if (!evidence.is_null()) doc["evidence"] = evidence;
    if (!r.placeholders.empty()) doc["placeholders"] = r.placeholders;
    if (r.overall == run::run_verdict::partial)
        doc["partial"] = {{"selection", r.selection},
                          {"testcases", r.testcases.size()},
                          {"of", r.profile_testcases},
                          {"outcome", run::to_string(r.selected_outcome)}};
    if (r.production) doc["partial"]["production"] = true;
    if (!r.incomplete_reason.empty() &&
        (r.overall == run::run_verdict::incomplete || r.overall == run::run_verdict::partial))
        doc["verdict_reason"] = r.incomplete_reason;
    util::sanitize_utf8(doc); // the Server header, reasons and titles may carry any bytes
    return doc;
}

step_spool::step_spool() : file_(std::tmpfile()) {
    if (!file_) throw std::runtime_error("cannot create a temporary file for the report's steps");
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 16);
}

step_spool::~step_spool() {
    std::fclose(file_);
}

void step_spool::add(std::size_t testcase, const run::step_result& s) {
    if (ranges_.size() <= testcase) ranges_.resize(testcase + 1, {size_, size_});
    range& r = ranges_[testcase];
    if (r.begin == r.end) r.begin = r.end = size_;
    std::string text = (r.begin == r.end ? "" : ",") + canonical_step(s);
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size())
        throw std::runtime_error("cannot write the report's steps to a temporary file");
    size_ += static_cast<long>(text.size());
    r.end = size_;
}

void step_spool::copy(std::size_t testcase, const std::function<void(std::string_view)>& out) {
    if (testcase >= ranges_.size()) return;
    std::fflush(file_);
    const range r = ranges_[testcase];
    std::fseek(file_, r.begin, SEEK_SET);
    char buf[1 << 16];
    for (long left = r.end - r.begin; left > 0;) {
        std::size_t n = std::fread(buf, 1, std::min<long>(left, sizeof buf), file_);
        if (n == 0) throw std::runtime_error("cannot read the report's steps back");
        out({buf, n});
        left -= static_cast<long>(n);
    }
    std::fseek(file_, 0, SEEK_END);
}

json write_report_json(const std::filesystem::path& file, const json& head, step_spool& steps,
                       const std::optional<sealer>& seal) {
    json doc = head;
    doc.erase("signature");
    if (seal) {
        // Stage the signed bytes, map them, sign.
        const json metadata = seal->metadata();
        json message = doc;
        message["signature_metadata"] = metadata;
        std::FILE* staged = std::tmpfile();
        if (!staged) throw std::runtime_error("cannot create a temporary file to sign");
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> close(staged, std::fclose);
        write_canonical(message, steps, [&](std::string_view b) {
            if (std::fwrite(b.data(), 1, b.size(), staged) != b.size())
                throw std::runtime_error("cannot stage the report for signing");
        });
        std::fflush(staged);
        const int fd = fileno(staged);
        struct stat st {};
        ::fstat(fd, &st);
        const auto size = static_cast<std::size_t>(st.st_size);
        void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) throw std::runtime_error("cannot map the report for signing");
        std::string value;
        try {
            value = seal->sign({static_cast<const char*>(map), size});
        } catch (...) {
            ::munmap(map, size);
            throw;
        }
        ::munmap(map, size);
        json block = metadata;
        block["value"] = value;
        doc["signature"] = block;
    }
    util::atomic_file_writer out(file);
    write_canonical(doc, steps, [&](std::string_view b) { out.write(b); });
    out.commit();
    return doc;
}

} // namespace konform::report
