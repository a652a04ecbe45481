// konform serve end to end over loopback: the API as vendors, KL and the public use it,
// against the reference systems, with real SQLite and PostgreSQL databases.
#include "e2e_support.hpp"
#include "hostile_server.hpp"
#include "konform/sign/keys.hpp"
#include "konform/sign/report_signature.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/sha256.hpp"
#include "mtls_pki.hpp"
#include "pg_cluster.hpp"
#include "service_fixture.hpp"
#include "system.hpp"
#include <doctest/doctest.h>
#include <set>

#include <csignal>
#include <sys/wait.h>
#include <thread>

using namespace konform;
using nlohmann::json;

namespace {

using test::example_run;
using test::example_system_server;
using test::register_system;
using test::submit;

// Waits until a process (not a child of this one) has ended.
void gone(int pid) {
    for (int i = 0; i < 400 && ::kill(pid, 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
}

bool has_event(const json& run, const std::string& start) {
    for (const auto& h : run["history"])
        if (h["event"].get<std::string>().rfind(start, 0) == 0) return true;
    return false;
}

} // namespace

TEST_CASE("service API: a vendor's run is certified by KL, found in the registry and verified") {
    example_system_server sys;
    test::running_service s;
    const std::string vendor = s.token("Greetings Vendor A/S", service::role::vendor);
    const std::string kl = s.token("KL", service::role::kl);
    const std::string system = register_system(s, vendor, sys.server.base_url());
    const std::string run = submit(s, vendor, system);
    const json done = s.wait_for_run(run, vendor);
    REQUIRE(done["state"] == "done");
    CHECK(done["verdict"] == "conformant");
    CHECK(done["kind"] == "self-test");
    CHECK(done["attempt"] == 1);
    CHECK(done["progress"]["done"] == done["progress"]["total"]);
    std::vector<std::string> files;
    for (const auto& f : done["files"])
        files.push_back(f["name"]);
    CHECK(files ==
          std::vector<std::string>{"evidence.har", "junit.xml", "report.html", "report.json"});
    const auto report = s.call("GET", "/api/v1/runs/" + run + "/report.json", vendor);
    CHECK(report.status == 200);
    CHECK(report.json()["verdict"] == "conformant");
    CHECK(report.header("Content-Disposition") == "attachment");
    CHECK(s.call("GET", "/api/v1/runs/" + run + "/report.html", vendor)
              .header("Content-Security-Policy")
              .find("default-src 'none'") != std::string::npos);

    // Only KL certifies.
    CHECK(s.call("POST", "/api/v1/runs/" + run + "/certify", vendor).status == 403);
    const auto cert =
        s.call("POST", "/api/v1/runs/" + run + "/certify", kl, R"({"valid_days": 30})");
    REQUIRE_MESSAGE(cert.status == 201, cert.body);
    const json c = cert.json();
    CHECK(c["vendor"] == "Greetings Vendor A/S");
    CHECK(c["profile"] == "dk.konform.example.greetings");
    CHECK(c["status"] == "active");
    CHECK(c["valid_until"].get<std::int64_t>() - c["issued"].get<std::int64_t>() ==
          30LL * 24 * 3600 * 1000);
    CHECK(c["fingerprint"].get<std::string>().size() == 64);
    CHECK(s.call("POST", "/api/v1/runs/" + run + "/certify", kl).status == 409); // once

    // The public registry, without a token, filtered.
    auto listed =
        s.call("GET", "/api/v1/certificates?vendor=Greetings%20Vendor%20A%2FS", "").json();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["id"] == c["id"]);
    CHECK(s.call("GET", "/api/v1/certificates?vendor=Nobody", "").json().empty());
    CHECK(
        s.call("GET", "/api/v1/certificates?profile=dk.oio.rest.organisation", "").json().empty());

    // Its report verifies offline, anchored in KL's root, with the evidence published beside it.
    const std::string signed_text =
        s.call("GET", "/api/v1/certificates/" + c["id"].get<std::string>() + "/report.json", "")
            .body;
    const std::string evidence =
        s.call("GET", "/api/v1/certificates/" + c["id"].get<std::string>() + "/evidence.har", "")
            .body;
    const auto v = sign::verify_report(
        util::parse_strict(signed_text),
        test::read_text(std::filesystem::path(KONFORM_SOURCE_DIR) / "reports/demo-key/root.pem"),
        util::sha256_hex(evidence));
    CHECK_MESSAGE(v.valid, v.reason);
    CHECK(v.anchored);
    CHECK(s.call("GET", "/api/v1/certificates/" + c["id"].get<std::string>() + "/report.html", "")
              .body.find("signature") != std::string::npos);

    // The verify API: authentic and registered; a changed byte is neither.
    const json answer = s.call("POST", "/api/v1/verify", "", signed_text).json();
    CHECK(answer["authentic"] == true);
    CHECK(answer["anchored"] == true);
    CHECK(answer["registry"]["id"] == c["id"]);
    json forged = util::parse_strict(signed_text);
    forged["verdict"] = "conformant";
    forged["target"]["product_version"] = "9.9.9";
    const json refused = s.call("POST", "/api/v1/verify", "", forged.dump()).json();
    CHECK(refused["authentic"] == false);
    CHECK(refused["registry"].is_null());
    CHECK(s.call("POST", "/api/v1/verify", "", "not json")
              .json()["reason"]
              .get<std::string>()
              .find("not a report.json") == 0);

    // Every change is in the audit trail, which only KL reads.
    CHECK(s.call("GET", "/api/v1/audit", vendor).status == 403);
    const json trail = s.call("GET", "/api/v1/audit", kl).json();
    std::set<std::string> actions;
    for (const auto& e : trail)
        actions.insert(e["action"].get<std::string>());
    for (const char* a : {"system.register", "run.submit", "certificate.issue", "profile.publish"})
        CHECK_MESSAGE(actions.count(a), a);
}

TEST_CASE("service API: a vendor sees only its own systems and runs; roles hold") {
    example_system_server sys;
    test::running_service s(0);
    const std::string a = s.token("Vendor A", service::role::vendor);
    const std::string b = s.token("Vendor B", service::role::vendor);
    const std::string kl = s.token("KL", service::role::kl);
    const std::string muni = s.token("Aarhus Kommune", service::role::municipality);
    const std::string system = register_system(s, a, sys.server.base_url());
    const std::string run = submit(s, a, system);

    CHECK(s.call("GET", "/api/v1/systems/" + system, b).status == 404);
    CHECK(s.call("GET", "/api/v1/runs/" + run, b).status == 404);
    CHECK(s.call("GET", "/api/v1/runs/" + run + "/report.json", b).status == 404);
    CHECK(s.call("POST", "/api/v1/systems/" + system + "/runs", b, example_run.dump()).status ==
          404);
    CHECK(s.call("GET", "/api/v1/systems", b).json().empty());
    CHECK(s.call("GET", "/api/v1/runs", b).json().empty());
    CHECK(s.call("GET", "/api/v1/systems", a).json().size() == 1);
    CHECK(s.call("GET", "/api/v1/systems/" + system, kl).status == 200); // KL sees every system
    CHECK(s.call("GET", "/api/v1/runs/" + run, kl).status == 200);
    CHECK(s.call("POST", "/api/v1/systems", muni, test::example_system("http://127.0.0.1:1").dump())
              .status == 403);
    CHECK(s.call("GET", "/api/v1/systems", "").status == 401);
    CHECK(s.call("GET", "/api/v1/systems", a + "x").status == 401);
    // A vendor cannot start a certification run; KL's runs are certification runs.
    json cert_run = example_run;
    cert_run["kind"] = "certification";
    CHECK(s.call("POST", "/api/v1/systems/" + system + "/runs", a, cert_run.dump()).status == 403);
    const std::string by_kl = submit(s, kl, system);
    CHECK(s.call("GET", "/api/v1/runs/" + by_kl, kl).json()["kind"] == "certification");
    // Public: profiles, registry, OpenAPI document.
    const json profiles = s.call("GET", "/api/v1/profiles", "").json();
    CHECK(profiles.size() == 4);
    const json ex = s.call("GET", "/api/v1/profiles/dk.konform.example.greetings/1.0.0", "").json();
    CHECK(ex["requirements"].size() > 5);
    CHECK(ex["requirements"][0].contains("ref"));
    const json api = s.call("GET", "/api/v1/openapi.json", "").json();
    CHECK(api["openapi"] == "3.0.3");
    for (const char* path : {"/api/v1/systems", "/api/v1/systems/{id}/runs", "/api/v1/runs/{id}",
                             "/api/v1/runs/{id}/certify", "/api/v1/certificates", "/api/v1/verify"})
        CHECK_MESSAGE(api["paths"].contains(path), path);
}

TEST_CASE("service API: every field is validated with a message that names it") {
    test::running_service s(0);
    const std::string v = s.token("Vendor", service::role::vendor);
    auto refused = [&](const std::string& path, const std::string& body, int status,
                       const std::string& says) {
        const auto a = s.call("POST", path, v, body);
        CHECK_MESSAGE(a.status == status,
                      path << " " << body << " -> " << a.status << " " << a.body);
        CHECK_MESSAGE(a.json()["error"].get<std::string>().find(says) != std::string::npos,
                      a.body << " should say " << says);
    };
    json ok = test::example_system("http://127.0.0.1:9");
    refused("/api/v1/systems", "{", 400, "not JSON");
    refused("/api/v1/systems", "[]", 422, "JSON object");
    json no_product = ok;
    no_product.erase("product");
    refused("/api/v1/systems", no_product.dump(), 422, "product");
    json control = ok;
    control["product"] = "Greet\x1b[31mings";
    refused("/api/v1/systems", control.dump(), 422, "control character");
    json file_secret = ok;
    file_secret["target"]["auth"]["token"] = {{"file", "/etc/shadow"}};
    refused("/api/v1/systems", file_secret.dump(), 422, "target/auth/token");
    json tls_path = ok;
    tls_path["target"]["tls"] = {{"ca_file", "/etc/ssl/private/key.pem"}};
    refused("/api/v1/systems", tls_path.dump(), 422, "target/tls/ca_file");
    json bad_url = ok;
    bad_url["target"]["base_url"] = "ftp://example";
    refused("/api/v1/systems", bad_url.dump(), 422, "target/base_url");

    const std::string system = s.call("POST", "/api/v1/systems", v, ok.dump()).json()["id"];
    const std::string runs = "/api/v1/systems/" + system + "/runs";
    refused(runs, R"({"profile": "dk.nothing"})", 422, "not published");
    // A target that does not fit the profile is refused before a run is queued.
    refused(runs, R"({"profile": "dk.dawa.adresser", "secrets": {"GREETINGS_TOKEN": "t"}})", 422,
            "target/claims/0: profile dk.dawa.adresser has no class \"write\"");
    refused(runs, R"({"profile": "dk.konform.example.greetings", "version": "0.0.1"})", 422,
            "not published");
    refused(runs, R"({"profile": "dk.konform.example.greetings"})", 422, "secrets/GREETINGS_TOKEN");
    refused(
        runs,
        R"({"profile": "dk.konform.example.greetings", "secrets": {"GREETINGS_TOKEN": "t", "HOME": "x"}})",
        422, "secrets/HOME");
    refused(
        runs,
        R"({"profile": "dk.konform.example.greetings", "secrets": {"GREETINGS_TOKEN": "t"}, "only": ["TC-NONE"]})",
        422, "only: no test case TC-NONE");
    refused(
        runs,
        R"({"profile": "dk.konform.example.greetings", "secrets": {"GREETINGS_TOKEN": "t"}, "class": "gold"})",
        422, "class: no class gold");
    refused("/api/v1/runs/nope/certify", "", 404, "no such run");
    // Too large a body is refused before it is read to its end.
    const auto big = s.call("POST", "/api/v1/systems", v, std::string(5 * 1024 * 1024, ' '));
    CHECK(big.status == 413);
}

TEST_CASE("service API: a run's secrets are sealed, used, and erased; never stored in clear") {
    example_system_server sys;
    test::running_service s;
    const std::string v = s.token("Vendor", service::role::vendor);
    const std::string secret = "Konform-Sealed-Secret-4711";
    reference::http_server checker(0, [&](const reference::server_request& req) {
        // The example system, reachable only with this token.
        if (req.header("authorization") != "Bearer " + secret)
            return reference::server_response::json(401, R"({"message": "no"})");
        reference::server_request fwd = req;
        fwd.headers["authorization"] = "Bearer example-token";
        static const auto inner = reference::find_system("example")->make("");
        return inner(fwd);
    });
    checker.start();
    const std::string system = register_system(s, v, checker.base_url());
    json body = example_run;
    body["secrets"]["GREETINGS_TOKEN"] = secret;
    const std::string run = submit(s, v, system, body);
    const json done = s.wait_for_run(run, v);
    CHECK(done["verdict"] == "conformant");             // the secret reached the system
    CHECK_FALSE(s.st->sealed_secrets(run).has_value()); // erased
    for (const auto& f : done["files"]) {
        const std::string bytes = s.call("GET", f["href"], v).body;
        CHECK_MESSAGE(bytes.find(secret) == std::string::npos, f["name"]);
    }
    s.close_store(); // closes the database file
    CHECK(test::read_text(s.dir.path / "konform.db").find(secret) == std::string::npos);
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(s.dir.path, ec))
        if (e.is_regular_file())
            CHECK_MESSAGE(test::read_text(e.path()).find(secret) == std::string::npos, e.path());
}

TEST_CASE("service API: a non-conformant run is not certified, and its failures are served") {
    example_system_server sys("auth-not-checked");
    test::running_service s;
    const std::string v = s.token("Vendor", service::role::vendor);
    const std::string kl = s.token("KL", service::role::kl);
    const std::string run = submit(s, v, register_system(s, v, sys.server.base_url()));
    const json done = s.wait_for_run(run, v);
    CHECK(done["verdict"] == "not-conformant");
    const auto c = s.call("POST", "/api/v1/runs/" + run + "/certify", kl);
    CHECK(c.status == 409);
    CHECK(c.json()["error"].get<std::string>().find("not-conformant") != std::string::npos);
    CHECK(s.call("GET", "/api/v1/certificates", "").json().empty());
}

TEST_CASE("service API: live progress as server-sent events, ending with the verdict") {
    example_system_server sys("", 150);
    test::running_service s;
    const std::string v = s.token("Vendor", service::role::vendor);
    const std::string run = submit(s, v, register_system(s, v, sys.server.base_url()));
    const auto events = s.call("GET", "/api/v1/runs/" + run + "/events", v);
    CHECK(events.status == 200);
    CHECK(events.header("Content-Type").rfind("text/event-stream", 0) == 0);
    CHECK(events.body.find("event: progress\ndata: ") != std::string::npos);
    const auto end = events.body.find("event: end\ndata: ");
    REQUIRE(end != std::string::npos);
    const json last =
        json::parse(events.body.substr(end + 17, events.body.find('\n', end + 17) - end - 17));
    CHECK(last["state"] == "done");
    CHECK(last["verdict"] == "conformant");
    CHECK(last["progress"]["done"] == 8);
}

TEST_CASE("service: a run in flight when the service stops is interrupted, re-queued, and done") {
    example_system_server sys("", 300);
    test::running_service s(1);
    const std::string v = s.token("Vendor", service::role::vendor);
    const std::string run = submit(s, v, register_system(s, v, sys.server.base_url()));
    for (int i = 0; i < 200 && s.st->find_run(run)->state != "running"; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    s.stop_workers(); // the service stops mid-run
    auto r = s.st->find_run(run);
    CHECK(r->state == "queued");
    CHECK(r->attempt == 1);
    s.start_workers(1); // and starts again
    const json done = s.wait_for_run(run, v);
    CHECK(done["state"] == "done");
    CHECK(done["verdict"] == "conformant");
    CHECK(done["attempt"] == 2);
    CHECK(has_event(done, "interrupted: test-worker-0 stopped by its service"));
    CHECK(has_event(done, "queued again as attempt 2"));
}

TEST_CASE("service API: too many requests from one address are slowed down") {
    test::running_service s(0, "sqlite:konform.db", 2); // 2 a second, a burst of 20
    int refused = 0;
    for (int i = 0; i < 40; ++i) {
        const auto a = s.call("GET", "/api/v1/profiles", "");
        if (a.status == 429) {
            ++refused;
            CHECK(a.header("Retry-After") == "1");
        }
    }
    CHECK(refused >= 15);
}

TEST_CASE("service: konform worker processes share PostgreSQL; one killed mid-run loses nothing") {
    auto& pg = test::shared_pg();
    if (!pg.available()) {
        FAIL("PostgreSQL is needed for this test: " << pg.why());
        return;
    }
    example_system_server sys("", 250);
    const std::string db = pg.url("workers");
    test::running_service s(0, db); // the API, no workers of its own
    const std::string v = s.token("Vendor", service::role::vendor);
    const std::string system = register_system(s, v, sys.server.base_url());
    auto worker = [&](const std::string& name) {
        std::string pid;
        test::shell(std::string(KONFORM_BINARY) + " worker --db '" + db + "' --data '" +
                        s.dir.path.string() + "' --name " + name + " --lease 1500 > '" +
                        (s.dir.path / (name + ".log")).string() + "' 2>&1 & echo $!",
                    &pid);
        return std::stoi(pid);
    };
    // A first run claimed by A, which is killed while it runs.
    const std::string first = submit(s, v, system);
    const int a = worker("A");
    for (int i = 0; i < 500 && s.st->find_run(first)->state != "running"; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    ::kill(a, SIGKILL);
    const int b = worker("B");
    const int c = worker("C");
    // More runs while B and C work, each to be done exactly once.
    std::vector<std::string> runs{first};
    for (int i = 0; i < 6; ++i)
        runs.push_back(submit(s, v, system));
    for (const auto& id : runs) {
        const json done = s.wait_for_run(id, v, 120);
        CHECK_MESSAGE(done["state"] == "done", id << " " << done.dump());
        CHECK(done["verdict"] == "conformant");
        int started = 0;
        for (const auto& h : done["history"])
            started += h["event"].get<std::string>().rfind("started by", 0) == 0;
        CHECK(started == done["attempt"].get<int>()); // one start per attempt, never two at once
    }
    const json killed = s.call("GET", "/api/v1/runs/" + first, v).json();
    CHECK(killed["attempt"] == 2);
    CHECK(has_event(killed, "started by A:0"));
    CHECK(has_event(killed, "interrupted: A:0 stopped answering"));
    CHECK(has_event(killed, "queued again as attempt 2"));
    for (int pid : {b, c})
        ::kill(pid, SIGTERM);
    for (int pid : {a, b, c})
        gone(pid);
}

namespace {

// `konform serve` as a process on a SQLite file; its URL read from what it prints.
struct serve_process {
    int pid = 0;
    std::string url;
    serve_process(const std::filesystem::path& dir, const std::string& log) {
        std::string out;
        test::shell(std::string(KONFORM_BINARY) + " serve --db sqlite:k.db --data '" +
                        dir.string() + "' --listen 127.0.0.1:0 --workers 1 --rate 0 --profiles '" +
                        KONFORM_SOURCE_DIR + "/profiles' > '" + (dir / log).string() +
                        "' 2>&1 & echo $!",
                    &out);
        pid = std::stoi(out);
        for (int i = 0; i < 200 && url.empty(); ++i) {
            const std::string text = test::read_text(dir / log);
            const auto at = text.find("listening on ");
            if (at != std::string::npos)
                url = text.substr(at + 13, text.find('/', at + 21) - at - 13);
            else
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
};

} // namespace

TEST_CASE("konform serve: killed with a run in flight, restarted, the run is done as attempt 2") {
    example_system_server sys("", 300);
    test::temp_dir dir;
    std::string token;
    REQUIRE(test::shell(std::string(KONFORM_BINARY) + " admin --db sqlite:k.db --data '" +
                            dir.path.string() + "' token --org V --role vendor 2>/dev/null",
                        &token) == 0);
    token = token.substr(0, token.find('\n'));
    serve_process first(dir.path, "first.log");
    REQUIRE_MESSAGE(!first.url.empty(), test::read_text(dir.path / "first.log"));
    const http::header_list auth{{"Authorization", "Bearer " + token}};
    // A second service on the same SQLite file is refused, saying why.
    std::string refused;
    CHECK(test::shell(std::string(KONFORM_BINARY) + " serve --db sqlite:k.db --data '" +
                          dir.path.string() + "' --listen 127.0.0.1:0 --profiles '' 2>&1",
                      &refused) == 2);
    CHECK_MESSAGE(refused.find("in use by another konform process (pid") != std::string::npos,
                  refused);

    const auto system = test::web_call("POST", first.url + "/api/v1/systems",
                                       test::example_system(sys.server.base_url()).dump(), auth);
    REQUIRE(system.status == 201);
    const auto run = test::web_call(
        "POST", first.url + "/api/v1/systems/" + system.json()["id"].get<std::string>() + "/runs",
        example_run.dump(), auth);
    REQUIRE(run.status == 202);
    const std::string id = run.json()["id"];
    for (int i = 0; i < 200; ++i) {
        if (test::web_call("GET", first.url + "/api/v1/runs/" + id, "", auth).json()["state"] ==
            "running")
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::kill(first.pid, SIGKILL);
    gone(first.pid);

    serve_process second(dir.path, "second.log");
    REQUIRE_MESSAGE(!second.url.empty(), test::read_text(dir.path / "second.log"));
    json done;
    for (int i = 0; i < 600; ++i) {
        done = test::web_call("GET", second.url + "/api/v1/runs/" + id, "", auth).json();
        if (done["state"] == "done") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(done["state"] == "done");
    CHECK(done["verdict"] == "conformant");
    CHECK(done["attempt"] == 2);
    CHECK(has_event(done, "queued again as attempt 2"));
    ::kill(second.pid, SIGTERM);
    gone(second.pid);
    CHECK(test::read_text(dir.path / "second.log").find("stopping") != std::string::npos);
}

TEST_CASE("service over HTTPS: a mutual-TLS system run with the client certificate and "
          "passphrase given with the run") {
    const auto& pki = test::shared_pki();
    const auto* sf = reference::find_system("sf1520-cpr-personlookup");
    reference::http_server system(0, sf->make(""), pki.path("server.pem"), pki.path("server.key"));
    system.require_client_certificate(pki.path("ca.pem"));
    system.start();
    test::running_service s;
    service::web_listener https("127.0.0.1", 0,
                                [&s](const service::web_request& r) { return s.svc->handle(r); });
    https.use_tls(pki.path("server.pem"), pki.path("server.key"));
    https.start(2);
    const std::string base = "https://127.0.0.1:" + std::to_string(https.port());
    const std::string v = s.token("Vendor", service::role::vendor);
    const http::header_list auth{{"Authorization", "Bearer " + v}};
    const json target = {{"base_url", system.base_url()},
                         {"parameters",
                          {{"service_agreement_uuid", "5f1a2b3c-0000-4000-8000-00000000a001"},
                           {"user_system_uuid", "5f1a2b3c-0000-4000-8000-00000000a002"},
                           {"user_uuid", "5f1a2b3c-0000-4000-8000-00000000a003"}}},
                         {"tls",
                          {{"ca_file", "ca.pem"},
                           {"client_cert", "client.p12"},
                           {"client_key_password", {{"env", "CPR_CERT_PASS"}}}}}};
    const auto reg =
        test::web_call("POST", base + "/api/v1/systems",
                       json{{"product", "CPR"}, {"version", "4"}, {"target", target}}.dump(), auth,
                       pki.path("ca.pem"));
    REQUIRE_MESSAGE(reg.status == 201, reg.body);
    const std::string runs =
        base + "/api/v1/systems/" + reg.json()["id"].get<std::string>() + "/runs";
    json body = {{"profile", "dk.serviceplatformen.sf1520.personbasedataextended"},
                 {"secrets", {{"CPR_CERT_PASS", test::mtls_pki::passphrase}}}};
    // The files the target names must come with the run.
    const auto missing = test::web_call("POST", runs, body.dump(), auth, pki.path("ca.pem"));
    CHECK(missing.status == 422);
    CHECK(missing.json()["error"].get<std::string>().find("files/") == 0);
    body["files"] = {{"ca.pem", sign::base64_encode(test::read_text(pki.path("ca.pem")))},
                     {"client.p12", sign::base64_encode(test::read_text(pki.path("client.p12")))}};
    const auto queued = test::web_call("POST", runs, body.dump(), auth, pki.path("ca.pem"));
    REQUIRE_MESSAGE(queued.status == 202, queued.body);
    const std::string id = queued.json()["id"];
    const json done = s.wait_for_run(id, v, 120);
    CHECK(done["state"] == "done");
    CHECK_MESSAGE(done["verdict"] == "conformant", done.dump());
    https.stop();
    s.close_store();
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(s.dir.path, ec))
        if (e.is_regular_file())
            CHECK_MESSAGE(test::read_text(e.path()).find(test::mtls_pki::passphrase) ==
                              std::string::npos,
                          e.path());
    CHECK_FALSE(std::filesystem::exists(s.dir.path / "runs" / (id + "-1")));
}

TEST_CASE("service: a hostile system cannot hold the service: its run ends, the API answers") {
    test::hostile_server silent(test::hostile_server::mode::silent);
    test::hostile_server garbage(test::hostile_server::mode::garbage);
    test::running_service s;
    const std::string v = s.token("Vendor", service::role::vendor);
    std::vector<std::string> ids;
    for (const auto* h : {&silent, &garbage}) {
        json sys = test::example_system("http://127.0.0.1:" + std::to_string(h->port()));
        sys["target"]["limits"] = {
            {"connect_timeout_ms", 500}, {"read_timeout_ms", 500}, {"total_timeout_ms", 1000}};
        ids.push_back(submit(s, v, register_system(s, v, "http://127.0.0.1:1"), example_run));
        const auto reg = s.call("POST", "/api/v1/systems", v, sys.dump());
        REQUIRE(reg.status == 201);
        ids.push_back(submit(s, v, reg.json()["id"]));
    }
    // While they run, the service answers at once.
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(s.call("GET", "/api/v1/profiles", "").status == 200);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
    for (const auto& id : ids) {
        const json done = s.wait_for_run(id, v, 120);
        CHECK(done["state"] == "done");
        CHECK(done["verdict"] != "conformant");
        CHECK(done["verdict"] != "error"); // the engine judged it: a report exists
        CHECK(s.call("GET", "/api/v1/runs/" + id + "/report.json", v).status == 200);
    }
}

TEST_CASE("service API: a partial run is judged on its test cases and says so") {
    example_system_server sys;
    test::running_service s;
    const std::string v = s.token("Vendor", service::role::vendor);
    json body = example_run;
    body["only"] = {"TC-EX-READ-001"};
    const std::string run = submit(s, v, register_system(s, v, sys.server.base_url()), body);
    const json done = s.wait_for_run(run, v);
    CHECK(done["verdict"] == "partial");
    CHECK(done["progress"]["total"] == 1);
    CHECK(s.call("POST", "/api/v1/runs/" + run + "/certify", s.token("KL", service::role::kl))
              .status == 409);
}
