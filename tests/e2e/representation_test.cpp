// A profile fails a system only for what its contract forbids. Every shipped profile is run
// against its reference system through a proxy that rewrites each answer into another form
// the contract allows (member order, indentation, trailing zeros of a fraction, GeoJSON
// foreign members, quoted CSV cells, other namespace prefixes, an XML declaration): the
// certification must stay conformant with every requirement passing.
#include "e2e_support.hpp"
#include "mtls_pki.hpp"
#include "rewriting_proxy.hpp"
#include "system.hpp"

#include <doctest/doctest.h>
#include <memory>
#include <nlohmann/json.hpp>

using namespace konform;
using run::verdict;

namespace {

struct proxied_run {
    run::run_result result;
    std::map<std::string, int> rewritten;
};

proxied_run run_through_proxy(const std::string& profile) {
    const auto* sys = reference::find_system(profile);
    REQUIRE(sys);
    const auto& pki = test::shared_pki();
    std::unique_ptr<reference::http_server> server;
    test::rewriting_proxy::options o;
    o.foreign_members = true;
    if (sys->mutual_tls) {
        server = std::make_unique<reference::http_server>(0, sys->make(""), pki.path("server.pem"),
                                                          pki.path("server.key"));
        server->require_client_certificate(pki.path("ca.pem"));
        o.upstream_tls.ca_file = pki.path("ca.pem");
        o.upstream_tls.client_cert = pki.path("client.pem");
        o.upstream_tls.client_key = pki.path("client.key");
        o.cert_chain = pki.path("server.pem");
        o.key = pki.path("server.key");
        o.client_ca = pki.path("ca.pem");
    } else {
        server = std::make_unique<reference::http_server>(0, sys->make(""));
    }
    server->start();
    o.upstream = server->base_url();
    test::rewriting_proxy proxy(o);
    static std::map<std::string, model::target> targets; // results point at their target
    targets[profile] = sys->mutual_tls ? test::shipped_mtls_target(profile, proxy.base_url())
                                       : test::shipped_target(profile, proxy.base_url());
    proxied_run out{run::run_profile(test::shipped_profile(profile), targets[profile], {}), {}};
    out.rewritten = proxy.rewritten();
    return out;
}

void check_conformant(const proxied_run& r) {
    for (const auto& [kind, n] : r.rewritten)
        MESSAGE(r.result.prof->id << ": " << n << " " << kind << " answers rewritten");
    CHECK(r.result.overall == run::run_verdict::conformant);
    // Service levels are claimed apart (load_test.cpp and the fault matrix run them).
    for (const auto& rr : r.result.requirements)
        CHECK_MESSAGE((rr.v == verdict::pass ||
                       (rr.v == verdict::inapplicable && rr.req->cls == "service-levels")),
                      rr.req->id << " " << rr.reason);
    for (const auto& tc : r.result.testcases)
        CHECK_MESSAGE((tc.v == verdict::pass ||
                       (tc.v == verdict::inapplicable && tc.cls == "service-levels")),
                      tc.id << ": " << tc.reason);
}

int rewritten(const proxied_run& r, const std::string& kind) {
    auto it = r.rewritten.find(kind);
    return it == r.rewritten.end() ? 0 : it->second;
}

} // namespace

TEST_CASE("representation: the rewrites change the text and keep the value") {
    using namespace test::rewrite;
    const std::string json = R"({"a":1,"b":{"x":10.5,"s":"1.5 \"q\""},"c":[2.25,1e-7]})";
    const std::string j = json_text(json, false);
    CHECK(j != json);
    CHECK(j.find("10.50") != std::string::npos);
    CHECK(j.find("\"1.5 \\\"q\\\"\"") != std::string::npos); // strings untouched
    CHECK(j.find("\"c\"") < j.find("\"a\""));                // members reversed
    CHECK(nlohmann::json::parse(j) == nlohmann::json::parse(json));
    const auto geo = nlohmann::json::parse(
        json_text(R"({"type":"FeatureCollection","features":[{"type":"Feature"}]})", true));
    CHECK(geo.contains("konform_foreign_member"));
    CHECK(geo["features"][0].contains("konform_foreign_member"));
    CHECK(ndjson_text("{\"a\":1,\"b\":2}\r\n{\"a\":3}") == "{\"b\":2,\"a\":1}\r\n{\"a\":3}");
    CHECK(csv_text("id,navn\r\n1,\"Ø, \"\"x\"\"\"\r\n2,\r\n") ==
          "\"id\",\"navn\"\r\n\"1\",\"Ø, \"\"x\"\"\"\r\n\"2\",\"\"\r\n");
    const std::string xml = R"(<soap:Envelope xmlns:soap="urn:s" xmlns:p="urn:p"><soap:Body>)"
                            R"(<soap:Fault><faultcode>soap:Client</faultcode><p:n a="1">)"
                            R"(0101</p:n></soap:Fault></soap:Body></soap:Envelope>)";
    const std::string x = xml_text(xml);
    CHECK(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
    CHECK(x.find("soap:") == std::string::npos);
    CHECK(x.find("<k0:Envelope xmlns:k0=\"urn:s\" xmlns:k1=\"urn:p\">") != std::string::npos);
    CHECK(x.find("<faultcode>k0:Client</faultcode>") != std::string::npos);
    CHECK(x.find("<k1:n a=\"1\">0101</k1:n>") != std::string::npos);
    CHECK(xml_text("not xml") == "not xml");
    CHECK(json_text("not json", false) == "not json");
}

TEST_CASE("representation: example stays conformant through the rewriting proxy") {
    const auto r = run_through_proxy("example");
    check_conformant(r);
    CHECK(rewritten(r, "json") > 0);
}

TEST_CASE("representation: oio-rest-organisation stays conformant through the rewriting proxy") {
    const auto r = run_through_proxy("oio-rest-organisation");
    check_conformant(r);
    CHECK(rewritten(r, "json") > 50);
}

TEST_CASE("representation: dawa-adresser stays conformant through the rewriting proxy") {
    const auto r = run_through_proxy("dawa-adresser");
    check_conformant(r);
    CHECK(rewritten(r, "json") > 50);
    CHECK(rewritten(r, "csv") > 0);
    CHECK(rewritten(r, "ndjson") > 0);
}

TEST_CASE("representation: sf1520-cpr-personlookup stays conformant through the rewriting "
          "proxy") {
    const auto r = run_through_proxy("sf1520-cpr-personlookup");
    check_conformant(r);
    CHECK(rewritten(r, "xml") > 20);
}
