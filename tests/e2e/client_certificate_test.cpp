// Mutual TLS with client certificates as organisations hold them: PEM, encrypted PEM and
// PKCS#12, against a reference system that requires one (a CA made at test time).
#include "e2e_support.hpp"
#include "konform/http/client.hpp"
#include "konform/http/curl_line.hpp"
#include "mtls_pki.hpp"
#include "server/http_server.hpp"
#include "system.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <doctest/doctest.h>
#include <fstream>
#include <thread>

using namespace konform;
namespace fs = std::filesystem;

namespace {

const std::string bin = KONFORM_BINARY;
const std::string src = KONFORM_SOURCE_DIR;
using test::mtls_pki;
const std::string passphrase = test::mtls_pki::passphrase; // must appear in no output

// The example reference system over HTTPS, asking every client for a certificate.
struct mtls_server {
    reference::http_server server;
    explicit mtls_server(const mtls_pki& pki)
        : server(0, reference::find_system("example")->make(""), pki.path("server.pem"),
                 pki.path("server.key")) {
        server.require_client_certificate(pki.path("ca.pem"));
        server.start();
    }
};

// Writes a target for the example profile with this `tls` object; returns its path.
std::string write_target(const mtls_pki& pki, const mtls_server& s, const std::string& tls) {
    const std::string file = pki.path("target.json");
    std::ofstream(file) << R"({"base_url": ")" << s.server.base_url() << R"(",
  "parameters": {"existing_id": "6f1e2a3b-0000-4000-8000-000000000001", "existing_text": "Hej"},
  "claims": ["write", "xml"], "auth": {"type": "bearer", "token": {"env": "GREETINGS_TOKEN"}},
  "tls": )" << tls << "}";
    return file;
}

// Runs konform with the passphrase in CERT_PASS; returns the exit code, output in `out`.
int run_konform(const mtls_pki& pki, const std::string& target, std::string& out,
                const std::string& outdir = "out") {
    return test::shell("GREETINGS_TOKEN=example-token CERT_PASS='" + passphrase + "' " + bin +
                           " run --profile " + src + "/profiles/example --target " + target +
                           " --out " + pki.path(outdir) + " 2>&1",
                       &out);
}

} // namespace

TEST_CASE("client certificates: PEM, encrypted PEM and PKCS#12 are presented to a system that "
          "requires one") {
    mtls_pki pki;
    mtls_server s(pki);
    const std::string ca = R"("ca_file": ")" + pki.path("ca.pem") + R"(")";
    const std::vector<std::pair<std::string, std::string>> forms{
        {"pem", R"({)" + ca + R"(, "client_cert": "client.pem", "client_key": "client.key"})"},
        {"encrypted",
         R"({)" + ca + R"(, "client_cert": "client.pem", "client_key": "client-enc.key",
                "client_key_password": {"env": "CERT_PASS"}})"},
        {"p12",
         R"({)" + ca +
             R"(, "client_cert": "client.p12", "client_key_password": {"env": "CERT_PASS"}})"}};
    for (const auto& [name, tls] : forms) {
        CAPTURE(name);
        std::string out;
        CHECK(run_konform(pki, write_target(pki, s, tls), out, name) == 0);
        CHECK(out.find("CONFORMANT") != std::string::npos);
        const auto report =
            nlohmann::json::parse(test::read_text(pki.tmp.path / name / "report.json"));
        CHECK(report["verdict"] == "conformant");
        const std::string all = out + report.dump() +
                                test::read_text(pki.tmp.path / name / "evidence.har") +
                                test::read_text(pki.tmp.path / name / "junit.xml") +
                                test::read_text(pki.tmp.path / name / "report.html");
        CHECK(all.find("CN=konform client") != std::string::npos); // the client subject used
        CHECK(report["target"]["tls"]["client_subject"].get<std::string>().find(
                  "CN=konform client") != std::string::npos);
        CHECK(test::read_text(pki.tmp.path / name / "report.html")
                  .find("Client certificate presented") != std::string::npos);
        CHECK(all.find(passphrase) == std::string::npos);
    }
}

TEST_CASE("client certificates: a missing or wrong passphrase is an input error naming the field") {
    mtls_pki pki;
    mtls_server s(pki);
    const std::vector<std::pair<std::string, std::string>> cases{
        {R"({"client_cert": "client.pem", "client_key": "client-enc.key"})",
         "client-enc.key is encrypted: set tls.client_key_password"},
        {R"({"client_cert": "client.pem", "client_key": "client-enc.key", "client_key_password": {"env": "WRONG_PASS"}})",
         "tls.client_key_password does not decrypt the client key"},
        {R"({"client_cert": "client.p12"})",
         "client.p12 is protected: set tls.client_key_password"},
        {R"({"client_cert": "client.p12", "client_key_password": {"env": "WRONG_PASS"}})",
         "tls.client_key_password does not open the PKCS#12 file"},
        {R"({"client_cert": "client.p12", "client_key_password": {"env": "UNSET_PASS"}})",
         "environment variable UNSET_PASS is not set"},
        {R"({"client_cert": "client.pem", "client_key": "stranger.key"})",
         "does not belong to the certificate in"}};
    for (const auto& [tls, message] : cases) {
        CAPTURE(tls);
        std::string out;
        const std::string target = write_target(pki, s, tls);
        CHECK(test::shell("WRONG_PASS=nope GREETINGS_TOKEN=t CERT_PASS='" + passphrase + "' " +
                              bin + " run --profile " + src + "/profiles/example --target " +
                              target + " --out " + pki.path("o") + " 2>&1",
                          &out) == 2);
        CHECK_MESSAGE(out.find(message) != std::string::npos, out);
        CHECK(out.find("target.json") != std::string::npos);
        CHECK(out.find(passphrase) == std::string::npos);
        CHECK(out.find("Enter PEM pass phrase") == std::string::npos);
    }
}

TEST_CASE("client certificates: without one, or with one the system does not trust, every "
          "exchange is an error that says why") {
    mtls_pki pki;
    mtls_server s(pki);
    const std::string ca = R"("ca_file": ")" + pki.path("ca.pem") + R"(")";
    std::string out;
    CHECK(run_konform(pki, write_target(pki, s, "{" + ca + "}"), out, "none") == 3);
    CHECK(out.find("asks for a client certificate; set tls.client_cert in the target") !=
          std::string::npos);
    // After three test cases the run stops trying, and says why once per test case not run.
    CHECK(out.find("not run: system unreachable (3 test cases in a row got no answer; the last: "
                   "the system at 127.0.0.1:") != std::string::npos);
    CHECK(run_konform(
              pki,
              write_target(pki, s,
                           "{" + ca +
                               R"(, "client_cert": "stranger.pem", "client_key": "stranger.key"})"),
              out, "stranger") == 3);
    CHECK(out.find("refused the client certificate") != std::string::npos);
}

TEST_CASE("client certificates: the curl line carries the CA, the certificate and a passphrase "
          "placeholder") {
    mtls_pki pki;
    mtls_server s(pki);
    http::request req;
    req.url = "https://127.0.0.1/x";
    http::curl_tls tls;
    tls.ca_file = pki.path("ca.pem");
    tls.client_cert = pki.path("client.p12");
    tls.pkcs12 = true;
    tls.password_placeholder = "${CERT_PASS}";
    const std::string line = http::curl_line(req, {}, tls);
    CHECK(line.find("--cert-type P12 --cert '" + pki.path("client.p12") + ":'\"${CERT_PASS}\"") !=
          std::string::npos);
    // The line works: curl reaches the system with the same certificate.
    std::string curl_out;
    CHECK(test::shell("export CERT_PASS='" + passphrase + "'; " +
                          http::curl_line(
                              [&] {
                                  http::request r;
                                  r.url = s.server.base_url() + "/greetings";
                                  r.headers.emplace_back("Authorization", "Bearer example-token");
                                  return r;
                              }(),
                              {}, tls) +
                          " 2>&1",
                      &curl_out) == 0);
    CHECK_MESSAGE(curl_out.find("HTTP/1.1 200") != std::string::npos, curl_out);
}

namespace {

// A profile of one test case: served with the target's certificate, refused without one.
void write_refusal_profile(const fs::path& dir) {
    fs::create_directories(dir / "testcases");
    std::ofstream(dir / "profile.json") << R"({"id": "mtls", "version": "1.0.0", "title": "mTLS",
  "classes": [{"id": "core", "title": "Core", "mandatory": true}],
  "requirements": [{"id": "R-SERVED", "class": "core", "level": "MUST", "text": "served"},
                   {"id": "R-REFUSED", "class": "core", "level": "MUST", "text": "refused"}],
  "testcases": ["testcases/*.json"]})";
    std::ofstream(dir / "testcases/t.json") << R"({"id": "T-MTLS", "title": "t", "class": "core",
  "verifies": ["R-SERVED", "R-REFUSED"],
  "steps": [
    {"name": "with the certificate", "request": {"method": "GET", "path": "/greetings"},
     "expect": [{"status": 200, "proves": "R-SERVED"}]},
    {"name": "without a certificate", "request": {"method": "GET", "path": "/greetings", "client_certificate": "none"},
     "expect": [{"refused": true, "proves": "R-REFUSED"}]},
    {"name": "with the certificate again", "request": {"method": "GET", "path": "/greetings"},
     "expect": [{"status": 200, "proves": "R-SERVED"}]},
    {"name": "with a certificate from a CA the system does not trust",
     "request": {"method": "GET", "path": "/greetings",
                 "client_certificate": {"cert": "certs/stranger.pem", "key": "certs/stranger.key"}},
     "expect": [{"refused": true, "proves": "R-REFUSED"}]}]})";
}

} // namespace

TEST_CASE("client certificates: a step without one passes when the system refuses it, and fails "
          "when the system serves it") {
    mtls_pki pki;
    write_refusal_profile(pki.tmp.path / "profile");
    fs::create_directories(pki.tmp.path / "profile/certs");
    for (const char* f : {"stranger.pem", "stranger.key"})
        fs::copy_file(pki.tmp.path / f, pki.tmp.path / "profile/certs" / f);
    const std::string tls = R"({"ca_file": ")" + pki.path("ca.pem") +
                            R"(", "client_cert": "client.pem", "client_key": "client.key"})";
    auto run_against = [&](reference::http_server& server, const std::string& out_name) {
        std::ofstream(pki.path("t2.json"))
            << R"({"base_url": ")" << server.base_url()
            << R"(", "auth": {"type": "bearer", "token": {"env": "GREETINGS_TOKEN"}}, "tls": )"
            << tls << "}";
        server.start();
        test::shell("GREETINGS_TOKEN=example-token " + bin + " run --profile " +
                    pki.path("profile") + " --target " + pki.path("t2.json") + " --out " +
                    pki.path(out_name) + " --quiet 2>&1");
        return nlohmann::json::parse(test::read_text(pki.tmp.path / out_name / "report.json"));
    };
    {
        reference::http_server strict(0, reference::find_system("example")->make(""),
                                      pki.path("server.pem"), pki.path("server.key"));
        strict.require_client_certificate(pki.path("ca.pem"));
        const auto report = run_against(strict, "strict");
        CHECK(report["verdict"] == "conformant");
        CHECK(report["summary"]["exchanges"] == 4);
        // The profile's certificate is part of the profile: digested with it.
        bool digested = false;
        for (const auto& f : report["profile"]["files"])
            digested = digested || f["path"] == "certs/stranger.pem";
        CHECK(digested);
    }
    {
        reference::http_server lax(0, reference::find_system("example")->make(""),
                                   pki.path("server.pem"), pki.path("server.key"));
        const auto report = run_against(lax, "lax"); // serves anyone
        CHECK(report["verdict"] == "not-conformant");
        const std::string text = report.dump();
        CHECK(text.find("the system served a client it should have refused") != std::string::npos);
        for (const auto& r : report["requirements"]) // the failing step ends the test case
            CHECK(r["verdict"] == (r["id"] == "R-REFUSED" ? "fail" : "inconclusive"));
    }
}

namespace {

// A TLS 1.3 server that ends its handshake, then drops the connection (no alert, no
// answer) when the client sent no certificate: the way some servers refuse, since under
// TLS 1.3 the client's handshake is over before the server judges its certificate.
// `ask` says whether it asks for a certificate at all.
struct dropping_server {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor acceptor{ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}};
    boost::asio::ssl::context ctx{boost::asio::ssl::context::tls_server};
    std::thread thread;
    dropping_server(const mtls_pki& pki, bool ask) {
        ctx.use_certificate_chain_file(pki.path("server.pem"));
        ctx.use_private_key_file(pki.path("server.key"), boost::asio::ssl::context::pem);
        ctx.load_verify_file(pki.path("ca.pem"));
        SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_3_VERSION);
        if (ask) ctx.set_verify_mode(boost::asio::ssl::verify_peer);
        thread = std::thread([this] {
            boost::system::error_code ec;
            boost::asio::ssl::stream<boost::asio::ip::tcp::socket> s(ioc, ctx);
            acceptor.accept(s.lowest_layer(), ec);
            if (ec) return;
            s.handshake(boost::asio::ssl::stream_base::server, ec);
            char byte;
            s.read_some(boost::asio::buffer(&byte, 1), ec); // the request
            s.lowest_layer().set_option(boost::asio::socket_base::linger(true, 0), ec);
            s.lowest_layer().close(ec); // a reset: no alert, no answer
        });
    }
    ~dropping_server() { thread.join(); }
    std::string url() const {
        return "https://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/x";
    }
};

} // namespace

TEST_CASE("client certificates: a TLS 1.3 server that asked for one and drops the connection "
          "refused the client") {
    mtls_pki pki;
    http::client_options o;
    o.tls.ca_file = pki.path("ca.pem");
    auto exchange_with = [&](bool ask) {
        dropping_server server(pki, ask);
        boost::asio::io_context ioc;
        http::client c(ioc, o);
        http::request r;
        r.url = server.url();
        r.client_certificate = false;
        return c.perform(r);
    };
    const http::exchange refused = exchange_with(true);
    CHECK_FALSE(refused.ok());
    REQUIRE(refused.tls);
    CHECK(refused.tls->protocol == "TLSv1.3");
    CHECK(refused.tls->certificate_requested);
    MESSAGE("refused: " << refused.explanation << " (" << refused.error.message() << ")");
    CHECK(http::refused_by_tls(refused));
    // The same drop from a server that asked for nothing is no refusal of a certificate.
    const http::exchange dropped = exchange_with(false);
    CHECK_FALSE(dropped.ok());
    REQUIRE(dropped.tls);
    CHECK_FALSE(dropped.tls->certificate_requested);
    CHECK_FALSE(http::refused_by_tls(dropped));
}
