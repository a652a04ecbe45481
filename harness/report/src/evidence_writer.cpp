#include "konform/report/evidence_writer.hpp"

#include "json_text.hpp"
#include "konform/util/text.hpp"
#include "konform/version.hpp"

#include <boost/beast/core/string.hpp>

namespace konform::report {

namespace {

void headers(detail::json_text& j, const http::header_list& list) {
    j.open_array();
    for (const auto& [k, v] : list) {
        const bool cookie =
            boost::beast::iequals(k, "Cookie") || boost::beast::iequals(k, "Set-Cookie");
        j.open().key("name").str(k).key("value").str(cookie ? std::string_view("[redacted]") : v);
        j.close();
    }
    j.close_array();
}

void query(detail::json_text& j, std::string_view url) {
    j.open_array();
    auto q = url.find('?');
    if (q != std::string_view::npos) {
        std::string_view rest = url.substr(q + 1);
        while (!rest.empty()) {
            auto amp = rest.find('&');
            std::string_view pair = rest.substr(0, amp);
            auto eq = pair.find('=');
            if (!pair.empty())
                j.open()
                    .key("name")
                    .str(pair.substr(0, eq))
                    .key("value")
                    .str(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1))
                    .close();
            if (amp == std::string_view::npos) break;
            rest = rest.substr(amp + 1);
        }
    }
    j.close_array();
}

double ms(double v) {
    return v < 0 ? -1 : v;
}

} // namespace

std::string har_entry(const http::exchange& x, const std::string& testcase) {
    std::string out;
    out.reserve(1024 + x.req.body.size() + (x.resp ? x.resp->body.size() : 0));
    detail::json_text j(out);
    j.open().key("startedDateTime").str(util::iso8601(x.started)).key("time").fixed3(x.time.total);
    j.key("request").open();
    j.key("method").str(x.req.method).key("url").str(x.req.url);
    j.key("httpVersion").str("HTTP/1.1").key("cookies").open_array().close_array();
    j.key("headers");
    headers(j, x.req.headers);
    j.key("queryString");
    query(j, x.req.url);
    j.key("headersSize")
        .integer(-1)
        .key("bodySize")
        .integer(static_cast<long long>(x.req.body.size()));
    if (!x.req.body.empty())
        j.key("postData")
            .open()
            .key("mimeType")
            .str(http::find_header(x.req.headers, "Content-Type").value_or(""))
            .key("text")
            .str(x.req.body)
            .close();
    j.close().key("response").open();
    if (x.resp) {
        const auto& s = *x.resp;
        j.key("status").integer(s.status).key("statusText").str(s.reason);
        j.key("httpVersion").str("HTTP/" + s.version).key("cookies").open_array().close_array();
        j.key("headers");
        headers(j, s.headers);
        j.key("content").open().key("size").integer(static_cast<long long>(s.body.size()));
        j.key("mimeType").str(s.header("Content-Type").value_or("")).key("text").str(s.body);
        j.close().key("redirectURL").str(s.header("Location").value_or(""));
        j.key("headersSize")
            .integer(-1)
            .key("bodySize")
            .integer(static_cast<long long>(s.body.size()));
    } else {
        // HAR has no place for "no response": status 0, and konform's explanation.
        j.key("status").integer(0).key("statusText").str("").key("httpVersion").str("");
        j.key("cookies").open_array().close_array().key("headers").open_array().close_array();
        j.key("content").open().key("size").integer(0).key("mimeType").str("").close();
        j.key("redirectURL").str("").key("headersSize").integer(-1).key("bodySize").integer(-1);
    }
    j.close().key("cache").open().close();
    j.key("timings").open().key("blocked").integer(-1).key("dns").fixed3(ms(x.time.dns));
    j.key("connect").fixed3(ms(x.time.connect)).key("ssl").fixed3(ms(x.time.ssl));
    j.key("send").fixed3(x.time.send).key("wait").fixed3(x.time.wait);
    j.key("receive").fixed3(x.time.receive).close();
    const auto colon = x.remote_address.rfind(':');
    if (colon != std::string::npos && colon > 0)
        j.key("serverIPAddress")
            .str(std::string_view(x.remote_address).substr(0, colon))
            .key("connection")
            .str(x.remote_address);
    j.key("_konform").open().key("testcase").str(testcase);
    j.key("reused_connection").boolean(x.reused_connection);
    if (x.error) j.key("error").str(x.explanation);
    if (x.tls) {
        j.key("tls")
            .open()
            .key("protocol")
            .str(x.tls->protocol)
            .key("cipher")
            .str(x.tls->cipher)
            .key("certificate_sha256")
            .str(x.tls->peer_sha256)
            .key("subject")
            .str(x.tls->peer_subject)
            .key("not_after")
            .str(x.tls->peer_not_after)
            .key("verified")
            .boolean(x.tls->verified);
        if (!x.tls->client_subject.empty()) j.key("client_subject").str(x.tls->client_subject);
        j.close();
    }
    j.close().close();
    return out;
}

evidence_writer::evidence_writer(const std::filesystem::path& file) : out_(file) {
    std::string head =
        "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"konform\",\"version\":";
    util::append_string(head, konform::version);
    write(head + "},\"pages\":[],\"entries\":[\n");
}

void evidence_writer::write(std::string_view bytes) {
    out_.write(bytes);
    digest_.update(bytes);
}

void evidence_writer::add(const http::exchange& x, const std::string& testcase) {
    if (count_++) write(",\n");
    write(har_entry(x, testcase));
}

std::string evidence_writer::finish() {
    write("\n]}}\n");
    out_.commit();
    return digest_.hex();
}

} // namespace konform::report
