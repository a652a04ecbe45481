#include "service_fixture.hpp"

#include "system.hpp"
#include <doctest/doctest.h>

#include "konform/service/schema.hpp"
#include "konform/sign/keys.hpp"
#include "konform/util/file.hpp"

#include <boost/asio/io_context.hpp>
#include <chrono>

namespace konform::test {

nlohmann::json web_answer::json() const {
    return nlohmann::json::parse(body, nullptr, false);
}

std::string web_answer::header(std::string_view name) const {
    return http::find_header(headers, name).value_or("");
}

web_answer web_call(const std::string& method, const std::string& url, const std::string& body,
                    const http::header_list& headers, const std::string& ca_file) {
    boost::asio::io_context ioc;
    http::client_options o;
    o.tls.ca_file = ca_file;
    o.lim.read_timeout = std::chrono::seconds(30);
    o.lim.total_timeout = std::chrono::seconds(60);
    http::client c(ioc, o);
    http::request req;
    req.method = method;
    req.url = url;
    req.body = body;
    req.headers = headers;
    if (!body.empty() && !http::find_header(headers, "Content-Type"))
        req.headers.emplace_back("Content-Type", "application/json");
    auto x = c.perform(req);
    web_answer a;
    if (!x.resp) return a;
    a.status = x.resp->status;
    a.body = x.resp->body;
    a.headers = x.resp->headers;
    return a;
}

running_service::running_service(int workers, const std::string& db_url, double rate,
                                 std::chrono::milliseconds validity) {
    st = std::make_unique<service::store>([&] {
        auto db = service::open_database(db_url, dir.path);
        service::apply_migrations(*db);
        return db;
    }());
    box = std::make_unique<service::sealed_box>(
        service::sealed_box::from_key_file(dir.path / "server.key"));
    service::service_options opt;
    opt.data_dir = dir.path;
    opt.requests_per_second = rate;
    opt.validity = validity;
    const std::filesystem::path demo =
        std::filesystem::path(KONFORM_SOURCE_DIR) / "reports/demo-key";
    opt.certifier_key = sign::key::load_private(demo / "private.pem");
    opt.certifier_chain = util::read_file(demo / "signer.pem");
    opt.trust_pem = util::read_file(demo / "root.pem");
    // The log with a key of its own; a certificate's life at test speed.
    log_key = std::make_shared<sign::key>(sign::key::generate());
    opt.log_key = *log_key;
    opt.log_origin = "test.konform/certificates";
    opt.housekeeping = std::chrono::milliseconds(200);
    opt.shortest_schedule = std::chrono::seconds(1);
    opt.webhook_retries = {std::chrono::seconds(1), std::chrono::seconds(1)};
    opt.webhooks_to_private_addresses = true;
    svc = std::make_unique<service::service>(*st, *box, opt);
    svc->publish_profiles(std::filesystem::path(KONFORM_SOURCE_DIR) / "profiles");
    listener = std::make_unique<service::web_listener>(
        "127.0.0.1", 0, [this](const service::web_request& r) { return svc->handle(r); });
    listener->start(4);
    start_workers(workers);
}

running_service::~running_service() {
    stop_workers();
    listener->stop();
}

void running_service::close_store() {
    stop_workers();
    listener->stop();
    svc.reset();
    st.reset();
}

void running_service::start_workers(int n) {
    stop_ = false;
    for (int i = 0; i < n; ++i) {
        service::worker_options w;
        w.name = "test-worker-" + std::to_string(workers_.size());
        w.data_dir = dir.path;
        w.poll = std::chrono::milliseconds(50);
        workers_.push_back(std::make_unique<service::worker>(*st, *box, w));
        auto* wk = workers_.back().get();
        threads_.emplace_back([this, wk] { wk->serve(stop_); });
    }
}

void running_service::stop_workers() {
    stop_ = true;
    for (auto& t : threads_)
        t.join();
    threads_.clear();
}

std::string running_service::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(listener->port()) + path;
}

std::string running_service::token(const std::string& org, service::role r) {
    return st->issue_token(st->ensure_organisation(org, r));
}

web_answer running_service::call(const std::string& method, const std::string& path,
                                 const std::string& token, const std::string& body) {
    http::header_list h;
    if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
    return web_call(method, url(path), body, h);
}

nlohmann::json running_service::wait_for_run(const std::string& id, const std::string& token,
                                             int seconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    nlohmann::json j;
    while (std::chrono::steady_clock::now() < until) {
        j = call("GET", "/api/v1/runs/" + id, token).json();
        if (j.is_object() &&
            (j.value("state", "") == "done" || j.value("state", "") == "interrupted"))
            return j;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return j;
}

nlohmann::json example_system(const std::string& base_url, const std::string& product) {
    auto t = nlohmann::json::parse(read_text(std::filesystem::path(KONFORM_SOURCE_DIR) /
                                             "profiles/example/target.example.json"));
    t.erase("$schema");
    t["base_url"] = base_url;
    return {{"product", product}, {"version", "1.0.0"}, {"target", t}};
}

example_system_server::example_system_server(const std::string& fault, int latency_ms,
                                             std::uint16_t port)
    : server(port, reference::find_system("example")->make(fault)) {
    if (latency_ms) server.set_latency(std::chrono::milliseconds(latency_ms));
    server.start();
}

const nlohmann::json example_run = {{"profile", "dk.konform.example.greetings"},
                                    {"secrets", {{"GREETINGS_TOKEN", "example-token"}}}};

std::string register_system(running_service& s, const std::string& token,
                            const std::string& base_url, const std::string& product) {
    auto a =
        s.call("POST", "/api/v1/systems", token, test::example_system(base_url, product).dump());
    REQUIRE(a.status == 201);
    return a.json()["id"];
}

std::string submit(running_service& s, const std::string& token, const std::string& system,
                   const nlohmann::json& body) {
    auto a = s.call("POST", "/api/v1/systems/" + system + "/runs", token, body.dump());
    REQUIRE_MESSAGE(a.status == 202, a.body);
    CHECK(a.header("Location") == "/api/v1/runs/" + a.json()["id"].get<std::string>());
    return a.json()["id"];
}

} // namespace konform::test
