// HTTPS against the reference system with a CA made at test time.
#include "e2e_support.hpp"
#include "server/http_server.hpp"
#include "system.hpp"

#include <doctest/doctest.h>

using namespace konform;

namespace {

// Makes a CA and a server certificate for 127.0.0.1 (and, when `host` differs, for it).
void make_pki(const std::filesystem::path& dir, const std::string& san) {
    const std::string d = dir.string();
    std::string cmd =
        "cd '" + d +
        "' && "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj '/CN=konform test CA' -keyout ca.key -out ca.pem 2>/dev/null && "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "-subj '/CN=reference' -keyout server.key -out server.csr 2>/dev/null && "
        "printf 'subjectAltName=" +
        san +
        "\\nbasicConstraints=CA:FALSE\\n' > ext.cnf && "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile ext.cnf -out server.pem 2>/dev/null";
    REQUIRE(test::shell(cmd) == 0);
}

} // namespace

TEST_CASE("https: a CA file verifies the server, the certificate is bound into the run") {
    test::temp_dir tmp;
    make_pki(tmp.path, "IP:127.0.0.1");
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""), (tmp.path / "server.pem").string(),
                                  (tmp.path / "server.key").string());
    server.start();
    model::target t = test::example_target(server.base_url());
    t.tls.ca_file = tmp.path / "ca.pem";
    auto r = run::run_profile(test::example_profile(), t, {});
    CHECK(r.overall == run::run_verdict::conformant);
    REQUIRE(r.binding.tls.has_value());
    CHECK(r.binding.tls->verified);
    CHECK(r.binding.tls->peer_sha256.size() == 64);
    CHECK(r.binding.tls->peer_subject.find("CN=reference") != std::string::npos);
    std::string expected;
    test::shell("openssl x509 -in '" + (tmp.path / "server.pem").string() +
                    "' -noout -fingerprint -sha256 | cut -d= -f2 | tr -d ':\\n' | tr A-F a-f",
                &expected);
    CHECK(r.binding.tls->peer_sha256 == expected);
}

TEST_CASE("https: an unknown CA or a wrong host name is an error with the reason, never a fail") {
    test::temp_dir tmp;
    make_pki(tmp.path, "DNS:elsewhere.example");
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""), (tmp.path / "server.pem").string(),
                                  (tmp.path / "server.key").string());
    server.start();
    model::target t = test::example_target(server.base_url());
    run::run_options opt;
    test::recording_sink sink;
    auto r = run::run_profile(test::example_profile(), t, opt,
                              &sink); // system trust store: unknown CA
    CHECK(r.overall == run::run_verdict::incomplete);
    REQUIRE_FALSE(sink.exchanges.empty());
    CHECK(sink.exchanges.front().x.explanation.find("certificate") != std::string::npos);
    for (const auto& rr : r.requirements)
        CHECK(rr.v != run::verdict::fail);

    t.tls.ca_file = tmp.path / "ca.pem"; // trusted CA, but the name does not match 127.0.0.1
    sink = {};
    r = run::run_profile(test::example_profile(), t, opt, &sink);
    CHECK(r.overall == run::run_verdict::incomplete);
    CHECK(sink.exchanges.front().x.explanation.find("rejected") != std::string::npos);

    t.tls.insecure = true; // the explicit self-test switch accepts it
    r = run::run_profile(test::example_profile(), t, opt);
    CHECK(r.overall == run::run_verdict::conformant);
    CHECK_FALSE(r.binding.tls->verified);
}
