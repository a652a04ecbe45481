// A certificate's life through the service: in the transparency log with a receipt that
// konform verify checks offline and against the log served over HTTP; suspended,
// reinstated, revoked by KL (and by nobody else); superseded; watched by a monitor over the
// URL; re-verified on a schedule against the live system until a fault injected after
// certification is found; subscribers told through the feeds and signed webhooks.
#include "e2e_support.hpp"
#include "konform/tlog/checkpoint.hpp"
#include "konform/util/file.hpp"
#include "service_fixture.hpp"

#include <doctest/doctest.h>
#include <mutex>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pugixml.hpp>

using namespace konform;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string bin = KONFORM_BINARY;
const fs::path demo = fs::path(KONFORM_SOURCE_DIR) / "reports/demo-key";

struct verify_result {
    int status;
    std::string out;
};

verify_result verify(const fs::path& report, const std::string& vkey, const std::string& log) {
    verify_result r;
    r.status = test::shell(bin + " verify '" + report.string() + "' --no-evidence --trust " +
                               (demo / "root.pem").string() + " --log-key '" + vkey + "'" +
                               (log.empty() ? "" : " --log '" + log + "'") + " 2>&1",
                           &r.out);
    return r;
}

// KL certifies a conformant certification run of the system; the certificate's JSON.
json certify(test::running_service& s, const std::string& kl, const std::string& system) {
    const std::string run = test::submit(s, kl, system);
    REQUIRE(s.wait_for_run(run, kl)["verdict"] == "conformant");
    const auto c = s.call("POST", "/api/v1/runs/" + run + "/certify", kl);
    REQUIRE_MESSAGE(c.status == 201, c.body);
    return c.json();
}

// What the last poll saw, for the failure message.
std::string last_seen;

json wait_for(const std::function<std::optional<json>()>& found, int seconds = 60) {
    last_seen.clear();
    for (int i = 0; i < seconds * 10; ++i) {
        if (auto j = found()) return *j;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL("not within " << seconds << " s; last seen: " << last_seen.substr(0, 3000));
    return {};
}

} // namespace

TEST_CASE("certificate life: in the log with a receipt; suspended, reinstated, revoked; the "
          "verifier and the monitor follow") {
    test::example_system_server sys;
    test::running_service s;
    const std::string vendor = s.token("Greetings Vendor A/S", service::role::vendor);
    const std::string kl = s.token("KL", service::role::kl);
    const std::string system = test::register_system(s, vendor, sys.server.base_url());
    const json c = certify(s, kl, system);
    const std::string id = c["id"];
    CHECK(c["status"] == "active");

    const json log = s.call("GET", "/api/v1/log", "").json();
    const std::string vkey = log["verifier_key"];
    CHECK(vkey == tlog::verifier_key("test.konform/certificates", *s.log_key));
    CHECK(log["size"] == 1);
    const json life = s.call("GET", "/api/v1/certificates/" + id, "").json();
    REQUIRE(life["history"].size() == 1);
    CHECK(life["history"][0]["event"] == "issued");
    CHECK(life["history"][0]["log_index"] == 0);

    // The certificate carries its receipt; konform verify proves it offline.
    test::temp_dir tmp;
    const fs::path report = tmp.path / "report.json";
    util::write_file_atomically(
        report, s.call("GET", "/api/v1/certificates/" + id + "/report.json", "").body);
    CHECK(util::parse_strict(util::read_file(report)).contains("transparency"));
    auto v = verify(report, vkey, "");
    CHECK_MESSAGE(v.status == 0, v.out);
    CHECK(v.out.find("VALID") != std::string::npos);
    CHECK(v.out.find("log: certificate " + id + " is entry 0 of test.konform/certificates") !=
          std::string::npos);
    // ... and against the log the service serves.
    const std::string log_url = s.url("/log");
    v = verify(report, vkey, log_url);
    CHECK_MESSAGE(v.status == 0, v.out);
    CHECK(v.out.find("status: active") != std::string::npos);

    // Another log's key does not open the receipt; a changed proof does not prove.
    v = verify(report, tlog::verifier_key("test.konform/certificates", sign::key::generate()), "");
    CHECK(v.status == 1);
    CHECK(v.out.find("NOT IN THE LOG: the checkpoint is not signed by the log's key") !=
          std::string::npos);
    {
        json doc = util::parse_strict(util::read_file(report));
        doc["transparency"]["index"] = 1;
        const fs::path moved = tmp.path / "moved.json";
        util::write_file_atomically(moved, doc.dump());
        v = verify(moved, vkey, "");
        CHECK(v.status == 1);
        CHECK(v.out.find("NOT IN THE LOG") != std::string::npos);
    }

    // Only KL changes a status, with a reason; the rule of a certificate's life holds.
    const std::string status = "/api/v1/certificates/" + id + "/status";
    CHECK(s.call("POST", status, vendor, R"({"event": "revoked", "reason": "x"})").status == 403);
    CHECK(s.call("POST", status, "", R"({"event": "revoked", "reason": "x"})").status == 401);
    CHECK(s.call("POST", status, kl, R"({"event": "revoked"})").status == 422);
    CHECK(s.call("POST", status, kl, R"({"event": "expired", "reason": "x"})").status == 422);
    CHECK(s.call("POST", status, kl, R"({"event": "reinstated"})").status == 409);
    auto a = s.call("POST", status, kl, R"({"event": "suspended", "reason": "under review"})");
    REQUIRE_MESSAGE(a.status == 200, a.body);
    CHECK(a.json()["status"] == "suspended");
    v = verify(report, vkey, log_url);
    CHECK(v.status == 1);
    CHECK(v.out.find("status: SUSPENDED (suspended at ") != std::string::npos);
    CHECK(v.out.find(": under review)") != std::string::npos);
    CHECK(s.call("POST", status, kl, R"({"event": "reinstated"})").status == 200);
    v = verify(report, vkey, log_url);
    CHECK_MESSAGE(v.status == 0, v.out);
    CHECK(v.out.find("status: active (reinstated at ") != std::string::npos);

    // A monitor over the URL follows the log.
    const fs::path state = tmp.path / "monitor.json";
    std::string out;
    const std::string monitor = bin + " log monitor '" + log_url + "' --log-key '" + vkey +
                                "' --state '" + state.string() + "' --trust " +
                                (demo / "root.pem").string() + " 2>&1";
    CHECK_MESSAGE(test::shell(monitor, &out) == 0, out);
    CHECK(out.find("consistent: 3 entries, 3 new") != std::string::npos);

    a = s.call("POST", status, kl, R"({"event": "revoked", "reason": "the tests failed in use"})");
    REQUIRE(a.status == 200);
    CHECK(a.json()["status"] == "revoked");
    CHECK(s.call("POST", status, kl, R"({"event": "reinstated"})").status == 409);
    v = verify(report, vkey, log_url);
    CHECK(v.status == 1);
    CHECK(v.out.find("status: REVOKED (revoked at ") != std::string::npos);
    CHECK(v.out.find("the tests failed in use") != std::string::npos);
    // Offline, the receipt still proves it was issued; only the log tells it was revoked.
    CHECK(verify(report, vkey, "").status == 0);
    CHECK_MESSAGE(test::shell(monitor, &out) == 0, out);
    CHECK(out.find("consistent: 4 entries, 1 new") != std::string::npos);

    // The registry's history, the audit trail and the feeds tell the same story.
    const json after = s.call("GET", "/api/v1/certificates/" + id, "").json();
    std::vector<std::string> events;
    for (const auto& h : after["history"])
        events.push_back(h["event"]);
    CHECK(events == std::vector<std::string>{"issued", "suspended", "reinstated", "revoked"});
    CHECK(after["history"][3]["log_index"] == 3);
    const auto atom = s.call("GET", "/api/v1/feeds/systems/" + system + ".atom", "");
    CHECK(atom.status == 200);
    CHECK(atom.header("Content-Type").find("application/atom+xml") == 0);
    pugi::xml_document doc;
    REQUIRE(doc.load_string(atom.body.c_str()));
    std::vector<std::string> kinds;
    for (auto e : doc.child("feed").children("entry"))
        kinds.push_back(e.child("category").attribute("term").value());
    CHECK(kinds == std::vector<std::string>{"certificate.revoked", "certificate.reinstated",
                                            "certificate.suspended", "certificate.issued"});
    const json feed =
        s.call("GET", "/api/v1/feeds/profiles/dk.konform.example.greetings.json", "").json();
    CHECK(feed["version"] == "https://jsonfeed.org/version/1.1");
    CHECK(feed["items"].size() == 4);
    CHECK(s.call("GET", "/api/v1/feeds/systems/" + system + ".rss", "").status == 404);

    // Only the log's own files are served.
    CHECK(s.call("GET", "/log/checkpoint", "").status == 200);
    CHECK(s.call("GET", "/log/tile/0/000.p/4", "").body.size() == 4 * 32);
    CHECK(s.call("GET", "/log/log.json", "").status == 404);
    CHECK(s.call("GET", "/log/../konform.db", "").status != 200);
}

TEST_CASE(
    "certificate life: a new certificate of the same system and standard supersedes the old") {
    test::example_system_server sys;
    test::running_service s;
    const std::string vendor = s.token("Greetings Vendor A/S", service::role::vendor);
    const std::string kl = s.token("KL", service::role::kl);
    const std::string system = test::register_system(s, vendor, sys.server.base_url());
    const json first = certify(s, kl, system);
    const json second = certify(s, kl, system);
    const json old =
        s.call("GET", "/api/v1/certificates/" + first["id"].get<std::string>(), "").json();
    CHECK(old["status"] == "superseded");
    CHECK(old["history"].back()["reason"].get<std::string>().find(
              second["id"].get<std::string>()) != std::string::npos);
    CHECK(second["status"] == "active");
    const json log = s.call("GET", "/api/v1/log", "").json();
    CHECK(log["size"] == 3); // issued, issued, superseded
}

namespace {

// A subscriber's webhook endpoint: answers 500 to its first delivery, 204 after; keeps
// what it was sent.
struct webhook_receiver {
    struct delivery {
        std::string body, timestamp, signature;
    };
    std::mutex m;
    std::vector<delivery> got;
    int calls = 0;
    reference::http_server server{0, [this](const reference::server_request& r) {
                                      std::lock_guard lock(m);
                                      if (++calls == 1) return reference::server_response{500};
                                      got.push_back({r.body, r.header("x-konform-timestamp"),
                                                     r.header("x-konform-signature")});
                                      return reference::server_response{204};
                                  }};
    webhook_receiver() { server.start(); }
    std::vector<delivery> deliveries() {
        std::lock_guard lock(m);
        return got;
    }
};

// HMAC-SHA256 as OpenSSL computes it: an implementation independent of the service's.
std::string hmac_hex(const std::string& key, const std::string& message) {
    unsigned char mac[32];
    unsigned int n = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &n);
    static const char* digits = "0123456789abcdef";
    std::string hex;
    for (unsigned i = 0; i < n; ++i) {
        hex += digits[mac[i] >> 4];
        hex += digits[mac[i] & 15];
    }
    return hex;
}

} // namespace

TEST_CASE("certificate life: re-verified on a schedule, a fault injected after certification "
          "marks it regressed; feeds and signed webhooks tell the subscriber") {
    auto sys = std::make_unique<test::example_system_server>();
    const std::uint16_t port = sys->server.port();
    test::running_service s;
    const std::string vendor = s.token("Greetings Vendor A/S", service::role::vendor);
    const std::string kl = s.token("KL", service::role::kl);
    const std::string town = s.token("Aarhus Kommune", service::role::municipality);
    const std::string system = test::register_system(s, vendor, sys->server.base_url());
    const json c = certify(s, kl, system);
    const std::string id = c["id"];
    CHECK(c["regressed_since_certification"].is_null());

    // The municipality subscribes to the system it runs.
    webhook_receiver hook;
    CHECK(s.call("POST", "/api/v1/subscriptions", town,
                 json{{"system", system}, {"url", "file:///etc/passwd"}}.dump())
              .status == 422);
    CHECK(s.call("POST", "/api/v1/subscriptions", town,
                 json{{"system", "nope"}, {"url", hook.server.base_url()}}.dump())
              .status == 422);
    const auto sub =
        s.call("POST", "/api/v1/subscriptions", town,
               json{{"system", system}, {"url", hook.server.base_url() + "/hook"}}.dump());
    REQUIRE_MESSAGE(sub.status == 201, sub.body);
    const std::string secret = sub.json()["secret"];
    CHECK(secret.size() == 64);

    // A schedule: by the vendor (or KL), with the secrets the run needs.
    const std::string schedule = "/api/v1/certificates/" + id + "/schedule";
    const json every = {{"every_seconds", 1}, {"secrets", {{"GREETINGS_TOKEN", "example-token"}}}};
    CHECK(s.call("PUT", schedule, town, every.dump()).status == 403);
    CHECK(s.call("PUT", schedule, vendor, json{{"every_seconds", 0}}.dump()).status == 422);
    CHECK(s.call("PUT", schedule, vendor, json{{"every_seconds", 1}}.dump()).status == 422);
    const auto set = s.call("PUT", schedule, vendor, every.dump());
    REQUIRE_MESSAGE(set.status == 200, set.body);
    CHECK(set.json()["schedule"]["every_seconds"] == 1);

    const auto outcome_seen = [&](const std::string& outcome) {
        return [&, outcome]() -> std::optional<json> {
            const json life = s.call("GET", "/api/v1/certificates/" + id, "").json();
            last_seen = life.dump();
            for (const auto& v : life["reverifications"])
                if (v["outcome"] == outcome) return v;
            return std::nullopt;
        };
    };
    const json passed = wait_for(outcome_seen("passed"));
    // It ran in production mode: read-only, never a write.
    const json run =
        s.call("GET", "/api/v1/runs/" + passed["run"].get<std::string>(), vendor).json();
    CHECK(run["kind"] == "reverification");
    const json fresh =
        s.call("GET", "/api/v1/runs/" + passed["run"].get<std::string>() + "/report.json", vendor)
            .json();
    CHECK(fresh["partial"]["production"] == true);
    CHECK(s.call("POST", "/api/v1/runs/" + passed["run"].get<std::string>() + "/certify", kl)
              .status == 409);

    // A fault, injected into the live system after certification.
    sys.reset();
    sys = std::make_unique<test::example_system_server>("unknown-id-200", 0, port);
    const json regressed = wait_for(outcome_seen("regressed"));
    CHECK(regressed["summary"].get<std::string>().find("EX-READ-404") != std::string::npos);
    const json now = s.call("GET", "/api/v1/certificates/" + id, "").json();
    REQUIRE(now["regressed_since_certification"].is_object());
    CHECK(now["regressed_since_certification"]["what"].get<std::string>().find("EX-READ-404") !=
          std::string::npos);
    CHECK(now["status"] == "active"); // KL decides what follows; the registry shows it now
    CHECK(s.call("DELETE", schedule, vendor).status == 200);

    // The feed, and the webhook: signed, retried after the first failure, logged.
    const json feed = s.call("GET", "/api/v1/feeds/systems/" + system + ".json", "").json();
    std::vector<std::string> kinds;
    for (const auto& i : feed["items"])
        kinds.push_back(i["_konform"]["kind"]);
    CHECK(std::find(kinds.begin(), kinds.end(), "reverification.regressed") != kinds.end());
    CHECK(std::find(kinds.begin(), kinds.end(), "reverification.passed") != kinds.end());
    wait_for([&]() -> std::optional<json> {
        for (const auto& d : hook.deliveries())
            if (json::parse(d.body)["kind"] == "reverification.regressed") return json(true);
        return std::nullopt;
    });
    for (const auto& d : hook.deliveries()) {
        CHECK(d.signature == "sha256=" + hmac_hex(secret, d.timestamp + "." + d.body));
        CHECK(d.signature != "sha256=" + hmac_hex(secret + "x", d.timestamp + "." + d.body));
        CHECK(json::parse(d.body)["system"] == system);
    }
    const json log =
        s.call("GET",
               "/api/v1/subscriptions/" + sub.json()["id"].get<std::string>() + "/deliveries", town)
            .json();
    bool failed_then_delivered = false;
    for (const auto& a : log["attempts"])
        if (a["attempt"] == 2 && a["status"] == 204) failed_then_delivered = true;
    CHECK_MESSAGE(failed_then_delivered, log.dump());
    bool first_failed = false;
    for (const auto& a : log["attempts"])
        if (a["attempt"] == 1 && a["status"] == 500) first_failed = true;
    CHECK(first_failed);
    // Another organisation does not see the subscription.
    CHECK(s.call("GET",
                 "/api/v1/subscriptions/" + sub.json()["id"].get<std::string>() + "/deliveries",
                 vendor)
              .status == 404);
}

TEST_CASE("certificate life: a certificate expires when its validity ends; the log, the "
          "verifier and the monitor say so") {
    test::example_system_server sys;
    test::running_service s(2, "sqlite:konform.db", 0, std::chrono::seconds(3));
    const std::string vendor = s.token("Greetings Vendor A/S", service::role::vendor);
    const std::string kl = s.token("KL", service::role::kl);
    const std::string system = test::register_system(s, vendor, sys.server.base_url());
    const json c = certify(s, kl, system);
    const std::string id = c["id"];
    test::temp_dir tmp;
    const fs::path report = tmp.path / "report.json";
    util::write_file_atomically(
        report, s.call("GET", "/api/v1/certificates/" + id + "/report.json", "").body);
    const std::string vkey = s.call("GET", "/api/v1/log", "").json()["verifier_key"];
    const std::string log_url = s.url("/log");
    auto v = verify(report, vkey, log_url);
    const bool still_valid = v.out.find("status: active") != std::string::npos;
    // A loaded machine may take the 3 s before the first check: then it is expired already.
    CHECK_MESSAGE((v.status == 0 || !still_valid), v.out);

    // The housekeeping (every 200 ms here) appends the expiry once the validity has passed.
    const json life = wait_for([&]() -> std::optional<json> {
        auto j = s.call("GET", "/api/v1/certificates/" + id, "").json();
        last_seen = j.dump();
        if (j["status"] == "expired") return j;
        return std::nullopt;
    });
    REQUIRE(life["history"].size() == 2);
    CHECK(life["history"][1]["event"] == "expired");
    CHECK(life["history"][1]["log_index"] == 1);
    CHECK(s.call("GET", "/api/v1/log", "").json()["size"] == 2);

    // Offline, the entry's own validity says it; against the log, the expiry entry.
    v = verify(report, vkey, "");
    CHECK(v.status == 1);
    CHECK_MESSAGE(v.out.find("status: EXPIRED: valid until ") != std::string::npos, v.out);
    v = verify(report, vkey, log_url);
    CHECK(v.status == 1);
    CHECK_MESSAGE(v.out.find("EXPIRED") != std::string::npos, v.out);
    // KL cannot bring it back: an expired certificate is a new certification.
    CHECK(s.call("POST", "/api/v1/certificates/" + id + "/status", kl, R"({"event": "reinstated"})")
              .status == 409);
    // A monitor finds the expiry where the rule allows it.
    std::string out;
    CHECK_MESSAGE(test::shell(bin + " log monitor '" + log_url + "' --log-key '" + vkey +
                                  "' --state '" + (tmp.path / "seen.json").string() + "' --trust " +
                                  (demo / "root.pem").string() + " 2>&1",
                              &out) == 0,
                  out);
    CHECK_MESSAGE(out.find("consistent: 2 entries") != std::string::npos, out);
}
