// The service's store on a real SQLite file and a real PostgreSQL cluster: migrations,
// tokens, the run queue with leases, secrets erased, and what a second process may not do.
#include "e2e_support.hpp"
#include "konform/service/schema.hpp"
#include "konform/service/sealed_box.hpp"
#include "konform/service/store.hpp"
#include "pg_cluster.hpp"

#include <doctest/doctest.h>
#include <functional>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <thread>

using namespace konform;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<service::store> migrated(std::unique_ptr<service::database> db) {
    CHECK(service::apply_migrations(*db) == service::schema_version());
    CHECK(service::apply_migrations(*db) == service::schema_version()); // idempotent
    return std::make_unique<service::store>(std::move(db));
}

struct fixture {
    service::organisation vendor;
    service::system_record sys;
    service::profile_record prof{"dk.konform.example.greetings", "1.0.0", "sha256:aa", "Greetings",
                                 "/profiles/example"};
};

fixture prepare(service::store& st) {
    fixture f;
    f.vendor = st.ensure_organisation("Vendor A/S", service::role::vendor);
    st.publish_profile(f.prof);
    f.sys = st.add_system(f.vendor.id, "Greeter", "2.1", R"({"base_url": "http://127.0.0.1:1"})");
    return f;
}

// What every backend must do the same.
void check_store(service::store& st) {
    fixture f = prepare(st);

    // Tokens: shown once, kept only as a hash, checked in constant form.
    const std::string token = st.issue_token(f.vendor);
    CHECK(token.rfind("kfm_", 0) == 0);
    auto who = st.authenticate(token);
    REQUIRE(who);
    CHECK(who->id == f.vendor.id);
    CHECK(who->r == service::role::vendor);
    std::string forged = token;
    forged.back() = forged.back() == '0' ? '1' : '0';
    CHECK_FALSE(st.authenticate(forged));
    CHECK_FALSE(st.authenticate("Bearer nonsense"));
    CHECK_FALSE(st.authenticate("kfm__"));
    // The same name with another role is refused, not silently changed.
    CHECK_THROWS_AS(st.ensure_organisation("Vendor A/S", service::role::kl),
                    service::database_error);

    // A published profile version is frozen by its digest.
    auto changed = f.prof;
    changed.digest = "sha256:bb";
    CHECK_THROWS_WITH_AS(st.publish_profile(changed), doctest::Contains("frozen"),
                         service::database_error);
    CHECK_NOTHROW(st.publish_profile(f.prof));

    // The queue: oldest first, each run to one worker.
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        ids.push_back(st.submit_run(f.sys, f.vendor.id, f.prof, "{}", "self-test",
                                    std::string("sealed\0secret", 13))
                          .id);
        std::this_thread::sleep_for(2ms); // distinct submission times
    }
    auto a = st.claim_run("worker-a", 60s);
    auto b = st.claim_run("worker-b", 60s);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->id == ids[0]);
    CHECK(b->id == ids[1]);
    CHECK(a->state == "running");
    CHECK(a->attempt == 1);
    CHECK(st.heartbeat(a->id, "worker-a", 60s));
    CHECK_FALSE(st.heartbeat(a->id, "worker-b", 60s)); // not its lease
    CHECK(st.sealed_secrets(a->id) == std::string("sealed\0secret", 13));

    // Done: files stored byte for byte, the secrets erased.
    const std::string bytes("{\"x\":1}\0\xff\xfe", 10);
    st.finish_run(a->id, "worker-a", "conformant", {{"report.json", bytes}, {"junit.xml", "<x/>"}});
    auto done = st.find_run(a->id);
    REQUIRE(done);
    CHECK(done->state == "done");
    CHECK(done->verdict == "conformant");
    CHECK(st.artefact(a->id, "report.json") == bytes);
    CHECK(st.artefact_names(a->id) == std::vector<std::string>{"junit.xml", "report.json"});
    CHECK_FALSE(st.sealed_secrets(a->id).has_value());
    // A worker whose lease is gone cannot finish the run.
    st.finish_run(b->id, "worker-a", "conformant", {});
    CHECK(st.find_run(b->id)->state == "running");

    // A worker that stops answering: interrupted, queued again once as attempt 2, then
    // interrupted for good with its secrets erased.
    auto c = st.claim_run("worker-c", 1ms);
    REQUIRE(c);
    CHECK(c->id == ids[2]);
    std::this_thread::sleep_for(20ms);
    CHECK(st.recover_expired_leases() == 1);
    CHECK(st.find_run(c->id)->state == "queued");
    auto again = st.claim_run("worker-d", 1ms);
    REQUIRE(again);
    CHECK(again->id == c->id);
    CHECK(again->attempt == 2);
    std::this_thread::sleep_for(20ms);
    CHECK(st.recover_expired_leases() == 1);
    CHECK(st.find_run(c->id)->state == "interrupted");
    CHECK_FALSE(st.sealed_secrets(c->id).has_value());
    std::vector<std::string> events;
    for (const auto& h : st.history(c->id))
        events.push_back(std::to_string(h.attempt) + " " + h.event);
    CHECK(events == std::vector<std::string>{"0 queued", "1 started by worker-c",
                                             "1 interrupted: worker-c stopped answering",
                                             "1 queued again as attempt 2", "2 started by worker-d",
                                             "2 interrupted: worker-d stopped answering"});
    CHECK_FALSE(st.claim_run("worker-e", 60s)); // nothing queued

    // Certificates, filtered for the public registry.
    service::certificate_record cert;
    cert.run = a->id;
    cert.system = f.sys.id;
    cert.organisation = f.vendor.id;
    cert.vendor = "Vendor A/S";
    cert.product = "Greeter";
    cert.product_version = "2.1";
    cert.profile = f.prof.id;
    cert.profile_version = f.prof.version;
    cert.fingerprint = "sha256:cc";
    cert.status = "active";
    cert.issued = service::now_ms();
    cert.valid_until = cert.issued + 1000;
    const auto issued = st.add_certificate(cert, bytes);
    CHECK(st.certificates({"Vendor A/S", "", ""}).size() == 1);
    CHECK(st.certificates({"", "Greeter", f.prof.id}).size() == 1);
    CHECK(st.certificates({"Other", "", ""}).empty());
    CHECK(st.certificate_report(issued.id) == bytes);

    // The audit trail recorded who did what.
    bool token_issued = false;
    for (const auto& line : st.audit_trail(50))
        token_issued = token_issued || line[2] == "token.issue";
    CHECK(token_issued);
}

// Many workers claiming at once: every run exactly once. `worker(w)` is the store worker w
// claims through (one shared store, or one connection each).
void check_concurrent_claims(service::store& setup,
                             const std::function<service::store&(int)>& worker) {
    fixture f = prepare(setup);
    std::set<std::string> submitted;
    for (int i = 0; i < 40; ++i)
        submitted.insert(setup.submit_run(f.sys, f.vendor.id, f.prof, "{}", "self-test", "s").id);
    std::mutex m;
    std::multiset<std::string> claimed;
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w)
        workers.emplace_back([&, w] {
            while (auto r = worker(w).claim_run("w" + std::to_string(w), 60s)) {
                std::lock_guard lock(m);
                claimed.insert(r->id);
            }
        });
    for (auto& t : workers)
        t.join();
    CHECK(claimed.size() == submitted.size());
    CHECK(std::set<std::string>(claimed.begin(), claimed.end()) == submitted);
}

} // namespace

TEST_CASE("service store: SQLite") {
    test::temp_dir tmp;
    auto st = migrated(service::open_database("sqlite:service.db", tmp.path));
    check_store(*st);
    // SQLite serves one process: a second opener of the file is refused, saying why.
    CHECK_THROWS_WITH_AS(service::open_database("sqlite:service.db", tmp.path),
                         doctest::Contains("in use by another konform process"),
                         service::database_error);
    CHECK_THROWS_WITH_AS(service::open_database("mysql://x", tmp.path),
                         doctest::Contains("unknown database URL"), service::database_error);
}

TEST_CASE("service store: SQLite, many threads claiming through one store") {
    test::temp_dir tmp;
    auto st = migrated(service::open_database("sqlite:claims.db", tmp.path));
    check_concurrent_claims(*st, [&](int) -> service::store& { return *st; });
}

TEST_CASE("service store: PostgreSQL") {
    auto& pg = test::shared_pg();
    if (!pg.available()) {
        FAIL("PostgreSQL is needed for this test: " << pg.why());
        return;
    }
    auto st = migrated(service::open_database(pg.url("store"), ""));
    check_store(*st);
    // A second process on PostgreSQL is the point: it migrates nothing and shares the data.
    auto second = migrated(service::open_database(pg.url("store"), ""));
    CHECK(second->profiles().size() == 1);
    const std::string url = pg.url("claims");
    auto setup = migrated(service::open_database(url, ""));
    std::vector<std::unique_ptr<service::store>> own; // one connection per worker
    for (int w = 0; w < 4; ++w)
        own.push_back(std::make_unique<service::store>(service::open_database(url, "")));
    check_concurrent_claims(*setup, [&](int w) -> service::store& { return *own[w]; });
}

TEST_CASE("service: sealed secrets open only with their key, and the key file is private") {
    test::temp_dir tmp;
    const auto box = service::sealed_box::from_key_file(tmp.path / "server.key");
    struct stat st {};
    REQUIRE(::stat((tmp.path / "server.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const std::string sealed = box.seal("token=Konform-Secret-77");
    CHECK(sealed.find("Konform-Secret-77") == std::string::npos);
    CHECK(box.open(sealed) == "token=Konform-Secret-77");
    CHECK(service::sealed_box::from_key_file(tmp.path / "server.key").open(sealed) ==
          "token=Konform-Secret-77"); // the same key read back
    std::string changed = sealed;
    changed[changed.size() / 2] ^= 1;
    CHECK_THROWS(box.open(changed));
    CHECK_THROWS(box.open("short"));
    const auto other = service::sealed_box::from_key_file(tmp.path / "other.key");
    CHECK_THROWS(other.open(sealed));
}

TEST_CASE("service: konform admin token prints a token once and keeps only its hash") {
    test::temp_dir tmp;
    std::string out;
    const std::string cmd = std::string(KONFORM_BINARY) + " admin --db sqlite:s.db --data '" +
                            tmp.path.string() + "' token --org 'KL' --role kl 2>/dev/null";
    CHECK(test::shell(cmd, &out) == 0);
    REQUIRE(out.rfind("kfm_", 0) == 0);
    const std::string token = out.substr(0, out.find('\n'));
    const std::string secret = token.substr(token.rfind('_') + 1);
    CHECK(test::read_text(tmp.path / "s.db").find(secret) == std::string::npos);
    auto st = migrated(service::open_database("sqlite:s.db", tmp.path));
    auto who = st->authenticate(token);
    REQUIRE(who);
    CHECK(who->name == "KL");
    CHECK(who->r == service::role::kl);
    st.reset();
    CHECK(test::shell(std::string(KONFORM_BINARY) + " admin --db sqlite:s.db --data '" +
                      tmp.path.string() + "' token --org KL --role wizard 2>/dev/null") == 2);
}
