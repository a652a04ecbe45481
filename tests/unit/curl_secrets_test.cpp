#include "konform/http/curl_line.hpp"
#include "konform/model/target.hpp"
#include "konform/run/secrets.hpp"
#include "konform/util/text.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <doctest/doctest.h>

using namespace konform;

TEST_CASE("secrets: every occurrence is replaced, longest value first") {
    run::secrets s;
    s.add("tok", "${SHORT}");
    s.add("token-123", "${TOKEN}");
    s.add("", "${EMPTY}"); // ignored
    CHECK(s.redact("Bearer token-123 and token-123, tok") ==
          "Bearer ${TOKEN} and ${TOKEN}, ${SHORT}");
    CHECK(s.redact("nothing here") == "nothing here");
}

TEST_CASE("curl: quoting, method, headers, body and placeholders left to the shell") {
    http::request r;
    r.method = "POST";
    r.url = "http://127.0.0.1:8080/a?b=c";
    r.headers = {
        {"Host", "x"}, {"Content-Type", "application/json"}, {"Authorization", "Bearer ${TOKEN}"}};
    r.body = R"({"text":"it's"})";
    std::string line = http::curl_line(r, {"${TOKEN}"});
    CHECK(
        line ==
        R"(curl -sS -i --globoff -X POST 'http://127.0.0.1:8080/a?b=c' -H 'Content-Type: application/json' -H 'Authorization: Bearer '"${TOKEN}" --data-binary '{"text":"it'\''s"}')");
    r.method = "GET";
    r.body.clear();
    r.headers.clear();
    CHECK(http::curl_line(r, {}, http::curl_tls{.insecure = true}) ==
          "curl -sS -i --globoff -k 'http://127.0.0.1:8080/a?b=c'");
}

TEST_CASE("curl: a target-controlled file path or URL runs nothing when the line is pasted") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("konform-curl-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    // A secret file whose name is a command substitution: the placeholder must read the
    // file, not run the command.
    const fs::path secret = dir / "a'$(touch INJECTED)'b";
    std::ofstream(secret) << "s3cret";
    model::secret_ref ref;
    ref.file = secret;
    const std::string cmd =
        "cd '" + dir.string() + "' && printf '%s' " + ref.placeholder() + " > out.txt";
    CHECK(std::system(cmd.c_str()) == 0);
    std::ifstream in(dir / "out.txt");
    std::string got((std::istreambuf_iterator<char>(in)), {});
    CHECK(got == "s3cret");
    CHECK_FALSE(fs::exists(dir / "INJECTED"));
    CHECK(util::shell_quote("it's") == R"('it'\''s')");
    // A URL with [ ] is one URL, not a curl glob pattern.
    http::request r;
    r.method = "GET";
    r.url = "http://127.0.0.1:8080/a?f=[1-9]";
    CHECK(http::curl_line(r, {}).find(" --globoff ") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("secrets: encoded reflections and a value cut for display are redacted too") {
    run::secrets s;
    s.add("token-1234567890", "${TOKEN}");
    CHECK(s.redact("dG9rZW4tMTIzNDU2Nzg5MA==") == "<base64 of ${TOKEN}>==");
    CHECK(s.redact("746f6b656e2d31323334353637383930") == "<hex of ${TOKEN}>");
    CHECK(s.redact("%74%6F%6B%65%6E%2D%31%32%33%34%35%36%37%38%39%30") ==
          "<percent-encoded ${TOKEN}>");
    CHECK(s.redact(R"(\u0074\u006f\u006b\u0065\u006e\u002d\u0031\u0032\u0033\u0034\u0035)"
                   R"(\u0036\u0037\u0038\u0039\u0030)") == "<\\u-escaped ${TOKEN}>");
    // Cut at the display limit: "token-12345678" is all but the last two characters.
    CHECK(s.redact("\"x token-12345678... (900 characters)") == "\"x ${TOKEN}... (900 characters)");
    CHECK(s.redact("tok... (9 characters)") == "tok... (9 characters)"); // under 4: kept
    // Short secrets get no encoded forms (they would garble every output).
    run::secrets short_one;
    short_one.add("abc", "${A}");
    CHECK(short_one.redact("YWJj 616263") == "YWJj 616263");
}

TEST_CASE("curl line: the target's CA and client certificate, the passphrase as a placeholder") {
    http::request r;
    r.url = "https://127.0.0.1:8443/a";
    http::curl_tls pem;
    pem.ca_file = "/etc/ca dir/ca.pem";
    pem.client_cert = "org.pem";
    pem.client_key = "org.key";
    pem.password_placeholder = "${ORG_CERT_PASS}";
    CHECK(http::curl_line(r, {}, pem) ==
          "curl -sS -i --globoff --cacert '/etc/ca dir/ca.pem' --cert 'org.pem' --key 'org.key' "
          "--pass \"${ORG_CERT_PASS}\" 'https://127.0.0.1:8443/a'");
    http::curl_tls p12;
    p12.client_cert = "org.p12";
    p12.pkcs12 = true;
    CHECK(http::curl_line(r, {}, p12) ==
          "curl -sS -i --globoff --cert-type P12 --cert 'org.p12' 'https://127.0.0.1:8443/a'");
    p12.password_placeholder = "$(cat '/run/pass')";
    CHECK(http::curl_line(r, {}, p12).find("--cert 'org.p12:'\"$(cat '/run/pass')\"") !=
          std::string::npos);
}
