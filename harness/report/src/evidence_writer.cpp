#include "konform/report/evidence_writer.hpp"

#include "konform/util/text.hpp"
#include "konform/version.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <nlohmann/json.hpp>

namespace konform::report {

using nlohmann::json;

namespace {

json headers(const http::header_list& list) {
    json out = json::array();
    for (const auto& [k, v] : list) {
        bool cookie =
            boost::algorithm::iequals(k, "Cookie") || boost::algorithm::iequals(k, "Set-Cookie");
        out.push_back({{"name", k}, {"value", cookie ? std::string("[redacted]") : v}});
    }
    return out;
}

json query(const std::string& url) {
    json out = json::array();
    auto q = url.find('?');
    if (q == std::string::npos) return out;
    std::string rest = url.substr(q + 1);
    std::size_t pos = 0;
    while (pos <= rest.size()) {
        auto amp = rest.find('&', pos);
        std::string pair =
            rest.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
        auto eq = pair.find('=');
        if (!pair.empty())
            out.push_back({{"name", pair.substr(0, eq)},
                           {"value", eq == std::string::npos ? "" : pair.substr(eq + 1)}});
        if (amp == std::string::npos) break;
        pos = amp + 1;
    }
    return out;
}

double ms(double v) {
    return v < 0 ? -1 : v;
}

} // namespace

json har_entry(const run::recorded_exchange& rec) {
    const auto& x = rec.x;
    json req = {{"method", x.req.method},
                {"url", x.req.url},
                {"httpVersion", "HTTP/1.1"},
                {"cookies", json::array()},
                {"headers", headers(x.req.headers)},
                {"queryString", query(x.req.url)},
                {"headersSize", -1},
                {"bodySize", static_cast<long>(x.req.body.size())}};
    if (!x.req.body.empty())
        req["postData"] = {
            {"mimeType", http::find_header(x.req.headers, "Content-Type").value_or("")},
            {"text", x.req.body}};
    json resp;
    if (x.resp) {
        const auto& s = *x.resp;
        resp = {{"status", s.status},
                {"statusText", s.reason},
                {"httpVersion", "HTTP/" + s.version},
                {"cookies", json::array()},
                {"headers", headers(s.headers)},
                {"content",
                 {{"size", static_cast<long>(s.body.size())},
                  {"mimeType", s.header("Content-Type").value_or("")},
                  {"text", s.body}}},
                {"redirectURL", s.header("Location").value_or("")},
                {"headersSize", -1},
                {"bodySize", static_cast<long>(s.body.size())}};
    } else {
        // HAR has no place for "no response": status 0, and konform's explanation.
        resp = {{"status", 0},
                {"statusText", ""},
                {"httpVersion", ""},
                {"cookies", json::array()},
                {"headers", json::array()},
                {"content", {{"size", 0}, {"mimeType", ""}}},
                {"redirectURL", ""},
                {"headersSize", -1},
                {"bodySize", -1}};
    }
    json timings = {{"blocked", -1},
                    {"dns", ms(x.time.dns)},
                    {"connect", ms(x.time.connect)},
                    {"ssl", ms(x.time.ssl)},
                    {"send", x.time.send},
                    {"wait", x.time.wait},
                    {"receive", x.time.receive}};
    json entry = {
        {"startedDateTime", util::iso8601(x.started)},
        {"time", x.time.total},
        {"request", req},
        {"response", resp},
        {"cache", json::object()},
        {"timings", timings},
        {"_konform", {{"testcase", rec.testcase}, {"reused_connection", x.reused_connection}}}};
    std::string ip = x.remote_address.substr(0, x.remote_address.rfind(':'));
    if (!ip.empty()) entry["serverIPAddress"] = ip, entry["connection"] = x.remote_address;
    if (x.error) entry["_konform"]["error"] = x.explanation;
    if (x.tls)
        entry["_konform"]["tls"] = {{"protocol", x.tls->protocol},
                                    {"cipher", x.tls->cipher},
                                    {"certificate_sha256", x.tls->peer_sha256},
                                    {"subject", x.tls->peer_subject},
                                    {"verified", x.tls->verified}};
    return entry;
}

evidence_writer::evidence_writer(const std::filesystem::path& file) : out_(file) {
    json creator = {{"name", "konform"}, {"version", konform::version}};
    write("{\"log\":{\"version\":\"1.2\",\"creator\":" + creator.dump() +
          ",\"pages\":[],\"entries\":[\n");
}

void evidence_writer::write(std::string_view bytes) {
    out_.write(bytes);
    digest_.update(bytes);
}

void evidence_writer::add(const run::recorded_exchange& rec) {
    write(count_++ ? ",\n" : "");
    write(har_entry(rec).dump(-1, ' ', false, json::error_handler_t::replace));
}

std::string evidence_writer::finish() {
    write("\n]}}\n");
    out_.commit();
    return digest_.hex();
}

} // namespace konform::report
