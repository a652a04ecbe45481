#include "konform/http/curl_line.hpp"
#include "konform/run/secrets.hpp"

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
        R"(curl -sS -i -X POST 'http://127.0.0.1:8080/a?b=c' -H 'Content-Type: application/json' -H 'Authorization: Bearer '"${TOKEN}" --data-binary '{"text":"it'\''s"}')");
    r.method = "GET";
    r.body.clear();
    r.headers.clear();
    CHECK(http::curl_line(r, {}, true) == "curl -sS -i -k 'http://127.0.0.1:8080/a?b=c'");
}
