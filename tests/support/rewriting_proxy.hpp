#pragma once

#include "konform/http/client.hpp"
#include "server/http_server.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace konform::test {

// Rewrites of an answer into another form its contract allows. Each leaves the value the
// answer states unchanged and changes only how it is written.
namespace rewrite {

// JSON: every object's members in reverse order, indented by three spaces, and every
// number with a fraction written with one more trailing zero (10.5 as 10.50). With
// `foreign_members`, GeoJSON objects (a "type" of Feature or FeatureCollection) gain a
// member of their own (RFC 7946 §6.1). Text that is not JSON comes back unchanged.
std::string json_text(const std::string& body, bool foreign_members);

// NDJSON: each record as json_text writes it, on one line (CRLF between records kept).
std::string ndjson_text(const std::string& body);

// CSV: every cell quoted (RFC 4180 §2.5, 2.7), line ends kept.
std::string csv_text(const std::string& body);

// XML: every namespace prefix renamed (soap: as k0:, and so on, in element and attribute
// names, xmlns declarations and QName values such as faultcode's), an XML declaration with
// the encoding, and elements indented. Text that is not XML comes back unchanged.
std::string xml_text(const std::string& body);

} // namespace rewrite

// A proxy on 127.0.0.1 between konform and a system: every request goes on to `upstream`
// unchanged, and every answer comes back with its body rewritten by its media type (JSON,
// NDJSON, CSV, XML; others untouched) and its headers kept.
class rewriting_proxy {
public:
    struct options {
        std::string upstream;           // "http://127.0.0.1:PORT"
        http::tls_options upstream_tls; // towards upstream (its CA, the client certificate)
        std::string cert_chain, key;    // set: serve HTTPS with these PEM files
        std::string client_ca;          // set: require a client certificate it issued
        bool foreign_members = false;   // add GeoJSON foreign members
    };
    explicit rewriting_proxy(options o);
    ~rewriting_proxy();

    std::string base_url() const { return server_->base_url(); }
    // Answers rewritten so far, by kind ("json", "ndjson", "csv", "xml").
    std::map<std::string, int> rewritten() const;

private:
    reference::server_response forward(const reference::server_request& req);

    options opt_;
    boost::asio::io_context ioc_;
    std::unique_ptr<http::client> client_;
    mutable std::mutex mutex_; // one exchange with upstream at a time
    std::map<std::string, int> rewritten_;
    std::unique_ptr<reference::http_server> server_;
};

} // namespace konform::test
