#pragma once

#include "e2e_support.hpp"
#include "konform/http/client.hpp"
#include "konform/service/service.hpp"
#include "konform/service/worker.hpp"
#include "server/http_server.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace konform::test {

// What a request to the service answered.
struct web_answer {
    int status = 0;
    std::string body;
    http::header_list headers;
    nlohmann::json json() const;
    std::string header(std::string_view name) const;
};

// One HTTP exchange with a server on loopback (no redirects followed).
web_answer web_call(const std::string& method, const std::string& url, const std::string& body = {},
                    const http::header_list& headers = {}, const std::string& ca_file = {});

// konform serve in this process: a SQLite store in a temporary folder (or the database at
// `db_url`), the shipped profiles published, KL's demo key certifying, a listener on a free
// loopback port and `workers` in-process workers.
class running_service {
public:
    explicit running_service(int workers = 2, const std::string& db_url = "sqlite:konform.db",
                             double rate = 0,
                             std::chrono::milliseconds validity = std::chrono::hours(24 * 365));
    ~running_service();

    std::string url(const std::string& path = "") const;
    // A new API token for an organisation (made if new).
    std::string token(const std::string& org, service::role r);
    web_answer call(const std::string& method, const std::string& path, const std::string& token,
                    const std::string& body = {});
    // Polls the run until it is done or interrupted (at most `seconds`).
    nlohmann::json wait_for_run(const std::string& id, const std::string& token, int seconds = 60);
    void start_workers(int n);
    void stop_workers();
    // Stops the workers, the listener and the service (its housekeeping uses the store),
    // then closes the store, so that the database file can be read as it is.
    void close_store();

    temp_dir dir;
    std::unique_ptr<service::store> st;
    std::unique_ptr<service::sealed_box> box;
    std::unique_ptr<service::service> svc;
    std::unique_ptr<service::web_listener> listener;
    std::shared_ptr<sign::key> log_key; // the transparency log's

private:
    std::atomic<bool> stop_{false};
    std::vector<std::unique_ptr<service::worker>> workers_;
    std::vector<std::thread> threads_;
};

// A system registration body for the example profile's target aimed at `base_url`.
nlohmann::json example_system(const std::string& base_url,
                              const std::string& product = "Greetings");

// The example profile's reference system on a loopback port (0: a free one), with a fault.
struct example_system_server {
    reference::http_server server;
    explicit example_system_server(const std::string& fault = "", int latency_ms = 0,
                                   std::uint16_t port = 0);
};

// A run of the example profile, with its token.
extern const nlohmann::json example_run;

// Registers the example system at `base_url` (REQUIREs 201); its id.
std::string register_system(running_service& s, const std::string& token,
                            const std::string& base_url, const std::string& product = "Greetings");
// Submits a run of the system (REQUIREs 202 and its Location); its id.
std::string submit(running_service& s, const std::string& token, const std::string& system,
                   const nlohmann::json& body = example_run);

} // namespace konform::test
