// A certification with known secret values (a basic password, an API key, an OAuth2 client
// secret and the token it yields, a signing-key passphrase): none of them may appear in any
// output file or on the console.
#include "e2e_support.hpp"
#include "server/http_server.hpp"
#include "system.hpp"

#include <atomic>
#include <boost/beast/core/detail/base64.hpp>
#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace konform;

namespace {

const std::string bin = KONFORM_BINARY;
const std::string src = KONFORM_SOURCE_DIR;

const std::string password = "pa55-w0rd-K7q9";
const std::string api_key = "apikey-Zx81-secret";
const std::string client_secret = "client-secret-Qw3rty";
const std::string passphrase = "key-passphrase-Lm4n";

std::string base64(const std::string& in) {
    std::string out(boost::beast::detail::base64::encoded_size(in.size()), '\0');
    out.resize(boost::beast::detail::base64::encode(out.data(), in.data(), in.size()));
    return out;
}

// The greetings reference system behind a front door that takes other credentials and
// hands the system its own token: basic, API key, or an OAuth2 token endpoint.
struct front_door {
    std::atomic<int> token_requests{0};
    std::string token = "issued-token-Hj72";
    reference::handler inner = reference::find_system("example")->make("");

    reference::server_response operator()(reference::server_request req) {
        if (req.method == "POST" && req.path == "/oauth/token") {
            ++token_requests;
            bool ok = req.body.find("grant_type=client_credentials") != std::string::npos &&
                      req.body.find("client_id=konform") != std::string::npos &&
                      req.body.find("client_secret=" + client_secret) != std::string::npos;
            if (!ok) return reference::server_response::json(401, R"({"error": "invalid_client"})");
            return reference::server_response::json(
                200, R"({"access_token": ")" + token +
                         R"(", "token_type": "Bearer", "expires_in": 3600})");
        }
        const std::string auth = req.header("authorization");
        bool key_in_query = false; // Datafordeleren's way: ?apiKey=...
        for (auto it = req.query.begin(); it != req.query.end();)
            if (it->first == "apiKey") {
                key_in_query = it->second == api_key;
                it = req.query.erase(it);
            } else {
                ++it;
            }
        if (key_in_query) req.target = req.target.substr(0, req.target.find("apiKey=") - 1);
        if (auth == "Basic " + base64("konform:" + password) || key_in_query ||
            req.header("x-api-key") == api_key || auth == "Bearer " + token)
            req.headers["authorization"] = "Bearer example-token";
        else if (auth.rfind("Bearer example-token", 0) == 0)
            req.headers["authorization"] = ""; // the system's own token is not accepted at the door
        return inner(req);
    }
};

void check_clean(const std::filesystem::path& dir, const std::string& console,
                 const std::vector<std::string>& secrets) {
    std::string all = console;
    for (const auto& f : std::filesystem::recursive_directory_iterator(dir))
        if (f.is_regular_file() && f.path().filename() != "target.json" &&
            f.path().filename() != "key")
            all += test::read_text(f.path());
    for (const auto& s : secrets)
        CHECK_MESSAGE(all.find(s) == std::string::npos, "secret found in output: " << s);
}

std::string run_konform(const std::string& target, const std::filesystem::path& out,
                        const std::string& extra, int& rc) {
    std::string console;
    rc = test::shell("KONFORM_PASSWORD='" + password + "' KONFORM_API_KEY='" + api_key +
                         "' KONFORM_CLIENT_SECRET='" + client_secret + "' KONFORM_KEY_PASS='" +
                         passphrase + "' " + bin + " run --profile " + src +
                         "/profiles/example --target '" + target + "' --out '" + out.string() +
                         "' " + extra + " 2>&1",
                     &console);
    return console;
}

} // namespace

TEST_CASE("secrets: a token the system issued is redacted where konform put it, not in every "
          "text") {
    auto door = std::make_shared<front_door>();
    door->token = "application"; // a word every Content-Type holds
    reference::http_server server(
        0, [door](const reference::server_request& r) { return (*door)(r); });
    server.start();
    test::temp_dir tmp;
    const auto target = tmp.path / "target.json";
    std::ofstream(target)
        << R"({"base_url": ")" + server.base_url() +
               R"(", "claims": ["write", "xml"], "auth": {"type": "oauth2_client_credentials", "token_url": ")" +
               server.base_url() +
               R"(/oauth/token", "client_id": "konform", "client_secret": {"env": "KONFORM_CLIENT_SECRET"}}})";
    int rc = 0;
    std::string console = run_konform(target.string(), tmp.path / "out", "", rc);
    CHECK_MESSAGE(rc == 0, console);
    const auto har = nlohmann::json::parse(test::read_text(tmp.path / "out/evidence.har"));
    std::size_t authorized = 0, json_answers = 0, token_answers = 0;
    for (const auto& e : har["log"]["entries"]) {
        for (const auto& h : e["request"]["headers"])
            if (h["name"] == "Authorization") {
                CHECK(h["value"] == "Bearer ${KONFORM_OAUTH2_ACCESS_TOKEN}");
                ++authorized;
            }
        const std::string type = e["response"]["content"].value("mimeType", "");
        json_answers += type.rfind("application/json", 0) == 0;
        const std::string text = e["response"]["content"].value("text", "");
        if (text.find("access_token") != std::string::npos) {
            CHECK(text.find("\"access_token\": \"${KONFORM_OAUTH2_ACCESS_TOKEN}\"") !=
                  std::string::npos);
            ++token_answers;
        }
    }
    CHECK(authorized > 5);
    CHECK(json_answers > 5); // "application/json" is not rewritten to "${...}/json"
    CHECK(token_answers == 1);
}

TEST_CASE("secrets: basic, API key and OAuth2 credentials never reach an output") {
    auto door = std::make_shared<front_door>();
    reference::http_server server(
        0, [door](const reference::server_request& r) { return (*door)(r); });
    server.start();
    test::temp_dir tmp;
    const std::vector<std::string> secrets{
        password,      base64("konform:" + password), api_key,
        client_secret, "issued-token-Hj72",           passphrase};

    // A passphrase-protected signing key.
    std::string out;
    REQUIRE(test::shell("KONFORM_KEY_PASS='" + passphrase + "' " + bin + " keygen --out '" +
                            (tmp.path / "key").string() + "' --pass-env KONFORM_KEY_PASS",
                        &out) == 0);
    CHECK(test::read_text(tmp.path / "key/private.pem").find("ENCRYPTED") != std::string::npos);

    const std::pair<const char*, std::string> auths[] = {
        {"basic",
         R"({"type": "basic", "username": "konform", "password": {"env": "KONFORM_PASSWORD"}})"},
        {"api_key",
         R"({"type": "api_key", "header": "X-Api-Key", "key": {"env": "KONFORM_API_KEY"}})"},
        {"api_key_query",
         R"({"type": "api_key", "query": "apiKey", "key": {"env": "KONFORM_API_KEY"}})"},
        {"oauth2",
         R"({"type": "oauth2_client_credentials", "token_url": ")" + server.base_url() +
             R"(/oauth/token", "client_id": "konform", "client_secret": {"env": "KONFORM_CLIENT_SECRET"}})"},
    };
    for (const auto& [name, auth] : auths) {
        CAPTURE(name);
        const auto target = tmp.path / (std::string(name) + "-target.json");
        std::ofstream(target) << R"({"base_url": ")" + server.base_url() +
                                     R"(", "claims": ["write", "xml"], "auth": )" + auth + "}";
        int rc = 0;
        const auto dir = tmp.path / (std::string(name) + "-out");
        std::string console = run_konform(target.string(), dir,
                                          "--sign-key '" + (tmp.path / "key/private.pem").string() +
                                              "' --sign-key-pass-env KONFORM_KEY_PASS",
                                          rc);
        CHECK_MESSAGE(rc == 0, console);
        auto report = nlohmann::json::parse(test::read_text(dir / "report.json"));
        CHECK(report["verdict"] == "conformant");
        CHECK(report.contains("signature"));
        check_clean(dir, console, secrets);
    }
    CHECK(door->token_requests == 1); // fetched once, reused for every request of the run

    // A failing run prints curl lines: placeholders, never the values.
    const auto target = tmp.path / "basic-target.json";
    int rc = 0;
    reference::http_server broken(0, reference::find_system("example")->make("unknown-id-200"));
    broken.start();
    std::string console =
        run_konform(target.string(), tmp.path / "fail-out", "--base-url " + broken.base_url(), rc);
    CHECK(rc == 1); // no door in front of this one: the system answers 401 to the credentials
    check_clean(tmp.path / "fail-out", console, secrets);

    // A wrong passphrase is an input error, before any request.
    console = run_konform((tmp.path / "api_key-target.json").string(), tmp.path / "pass-out",
                          "--sign-key '" + (tmp.path / "key/private.pem").string() + "'", rc);
    CHECK(rc == 2);
    CHECK(console.find("passphrase") != std::string::npos);
}

TEST_CASE("secrets: assertions judge what the system sent; only what is written is redacted") {
    // A system that echoes the Authorization header it received, also with its first letter
    // as a JSON escape: the excerpts in reports are indented (which decodes the escape) and
    // must still be redacted.
    reference::http_server server(0, [](const reference::server_request& r) {
        const std::string auth = r.header("authorization");
        nlohmann::json body{{"auth", auth}};
        std::string text = body.dump();
        if (auth.size() > 8)
            text.insert(text.size() - 1, ",\"escaped\":\"\\u0065" + auth.substr(8) + "\"");
        return reference::server_response::json(200, text);
    });
    server.start();
    test::temp_dir tmp;
    const std::string token = "echo-secret-T0k3n";
    const auto dir = tmp.path / "p";
    std::filesystem::create_directories(dir / "testcases");
    std::ofstream(dir / "profile.json") << R"({"id": "echo", "version": "1.0.0", "title": "Echo",
      "classes": [{"id": "core", "title": "Core", "mandatory": true}],
      "requirements": [
        {"id": "E-1", "class": "core", "level": "MUST", "text": "The credential arrives."},
        {"id": "E-2", "class": "core", "level": "MUST", "text": "The credential is never echoed."}],
      "parameters": {"token": {"description": "The bearer token", "required": true, "secret": true}},
      "testcases": ["testcases/*.json"]})";
    std::ofstream(dir / "testcases/arrives.json")
        << R"({"id": "TC-E-1", "title": "arrives", "class": "core", "verifies": ["E-1"],
      "steps": [{"request": {"method": "GET", "path": "/"},
                 "expect": [{"json": "/auth", "equals": "Bearer {{token}}"}]}]})";
    std::ofstream(dir / "testcases/echoed.json")
        << R"({"id": "TC-E-2", "title": "not echoed", "class": "core", "verifies": ["E-2"],
      "steps": [{"request": {"method": "GET", "path": "/"},
                 "expect": [{"json": "/auth", "not_matches": "{{token}}"}]}]})";
    std::ofstream(tmp.path / "target.json")
        << R"({"base_url": ")" + server.base_url() +
               R"(", "auth": {"type": "bearer", "token": {"env": "ECHO_TOKEN"}},
      "parameters": {"token": {"env": "ECHO_TOKEN"}}})";
    std::string console;
    const int rc =
        test::shell("ECHO_TOKEN=" + token + " " + bin + " run --profile '" + dir.string() +
                        "' --target '" + (tmp.path / "target.json").string() + "' --out '" +
                        (tmp.path / "out").string() + "' 2>&1",
                    &console);
    CHECK(rc == 1);
    auto report = nlohmann::json::parse(test::read_text(tmp.path / "out/report.json"));
    for (const auto& tc : report["testcases"]) {
        CAPTURE(tc["id"]);
        // Redacted before judging, the first failed (the echo read "Bearer ${ECHO_TOKEN}")
        // and the second, which must fail, passed.
        CHECK(tc["verdict"] == (tc["id"] == "TC-E-1" ? "pass" : "fail"));
    }
    check_clean(tmp.path / "out", console, {token});
    CHECK(console.find("${ECHO_TOKEN}") != std::string::npos);
}
