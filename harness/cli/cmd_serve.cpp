// konform serve: the certification service (web pages, HTTP API, public registry) with
// in-process workers.
#include "commands.hpp"
#include "konform/model/problem.hpp"
#include "konform/service/service.hpp"
#include "konform/service/worker.hpp"
#include "konform/util/file.hpp"

#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>
#include <unistd.h>

namespace konform::cli {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> stopping{false};
extern "C" void on_serve_stop(int) {
    stopping = true;
}

struct serve_args {
    std::string db = "sqlite:konform.db", data = "konform-data", listen = "127.0.0.1:8400",
                profiles = "profiles", sign_key, sign_pass_env, sign_cert, trust, tls_cert, tls_key,
                log_key, log_origin = "konform.local/certificates", public_url;
    long shortest_schedule = 3600;
    std::vector<long> webhook_retries = {10, 60, 600, 3600};
    bool webhooks_to_private = false;
    int workers = 2, threads = 4, validity_days = 365;
    double rate = 20;
    long lease_ms = 30000;
    std::uint64_t max_body = 4 * 1024 * 1024;
};

std::pair<std::string, std::uint16_t> address_of(const std::string& listen) {
    const auto colon = listen.rfind(':');
    try {
        if (colon == std::string::npos) throw std::invalid_argument("no port");
        const int port = std::stoi(listen.substr(colon + 1));
        if (port < 0 || port > 65535) throw std::invalid_argument("port out of range");
        std::string host = listen.substr(0, colon);
        if (host.size() > 2 && host.front() == '[' && host.back() == ']')
            host = host.substr(1, host.size() - 2);
        return {host, static_cast<std::uint16_t>(port)};
    } catch (const std::exception&) {
        throw model::load_error("--listen", listen, "expected ADDRESS:PORT, e.g. 127.0.0.1:8400");
    }
}

exit_code execute(const serve_args& a) {
    const auto [host, port] = address_of(a.listen);
    auto st = open_service_store(a.db, a.data);
    service::service_options opt;
    opt.data_dir = a.data;
    opt.requests_per_second = a.rate;
    opt.validity = std::chrono::hours(24 * a.validity_days);
    try {
        if (!a.sign_key.empty()) {
            const std::string pass = a.sign_pass_env.empty()
                                         ? ""
                                         : secret_from_env("--sign-key-pass-env", a.sign_pass_env);
            opt.certifier_key = sign::key::load_private(a.sign_key, pass);
            if (!a.sign_cert.empty()) opt.certifier_chain = util::read_file(a.sign_cert);
        }
        if (!a.trust.empty()) opt.trust_pem = util::read_file(a.trust);
        // The log's own key: given, or made once in the data folder (mode 0600).
        if (opt.certifier_key) {
            fs::path log_key = a.log_key;
            if (log_key.empty()) {
                log_key = fs::path(a.data) / "log-key" / "private.pem";
                if (!fs::exists(log_key)) sign::write_key_pair(log_key.parent_path());
            }
            opt.log_key = sign::key::load_private(log_key);
        }
    } catch (const model::load_error&) {
        throw;
    } catch (const std::exception& e) {
        throw model::load_error(a.sign_key.empty() ? a.trust : a.sign_key, "", e.what());
    }
    opt.log_origin = a.log_origin;
    opt.public_url = a.public_url.empty() ? "http://" + a.listen : a.public_url;
    while (!opt.public_url.empty() && opt.public_url.back() == '/')
        opt.public_url.pop_back();
    opt.shortest_schedule = std::chrono::seconds(a.shortest_schedule);
    opt.webhook_retries.clear();
    for (long s : a.webhook_retries)
        opt.webhook_retries.push_back(std::chrono::seconds(s));
    opt.webhooks_to_private_addresses = a.webhooks_to_private;
    const service::sealed_box box =
        service::sealed_box::from_key_file(fs::path(a.data) / "server.key");
    std::unique_ptr<service::service> made;
    try {
        made = std::make_unique<service::service>(*st, box, opt);
    } catch (const std::runtime_error& e) {
        if (dynamic_cast<const service::database_error*>(&e)) throw;
        throw model::load_error((fs::path(a.data) / "log").string(), "", e.what());
    }
    service::service& svc = *made;
    if (!a.profiles.empty()) {
        for (const auto& p : svc.publish_profiles(a.profiles))
            std::cout << "konform serve: published " << p.id << " " << p.version << '\n';
    }
    // Only this process uses a SQLite database: what is marked running was cut off by a stop.
    if (st->dialect() == "sqlite") st->expire_all_leases();

    service::listener_limits lim;
    lim.max_body_bytes = a.max_body;
    std::unique_ptr<service::web_listener> listener;
    try {
        listener = std::make_unique<service::web_listener>(
            host, port, [&svc](const service::web_request& r) { return svc.handle(r); }, lim);
        if (!a.tls_cert.empty()) listener->use_tls(a.tls_cert, a.tls_key);
    } catch (const std::exception& e) {
        throw model::load_error("--listen", a.listen, e.what());
    }
    stopping = false;
    std::signal(SIGINT, on_serve_stop);
    std::signal(SIGTERM, on_serve_stop);
    listener->start(a.threads);
    std::vector<std::unique_ptr<service::worker>> workers;
    std::vector<std::thread> threads;
    for (int i = 0; i < a.workers; ++i) {
        service::worker_options w;
        w.name = service::default_worker_name() + ":" + std::to_string(i);
        w.data_dir = a.data;
        w.lease = std::chrono::milliseconds(a.lease_ms);
        workers.push_back(std::make_unique<service::worker>(*st, box, w));
        threads.emplace_back([&, i] { workers[static_cast<std::size_t>(i)]->serve(stopping); });
    }
    const std::string scheme = listener->tls() ? "https" : "http";
    std::cout << "konform serve: listening on " << scheme << "://"
              << (host.find(':') != std::string::npos ? "[" + host + "]" : host) << ":"
              << listener->port() << "/ (" << st->dialect() << ", " << a.workers
              << " in-process workers)" << std::endl;
    while (!stopping)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::cout << "konform serve: stopping; runs in flight are given back to the queue" << std::endl;
    for (auto& t : threads)
        t.join();
    listener->stop();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    return exit_code::ok;
}

} // namespace

action add_serve(CLI::App& app) {
    auto a = std::make_shared<serve_args>();
    auto* cmd = app.add_subcommand(
        "serve", "Run the certification service: web pages, HTTP API, public registry");
    cmd->add_option("--db", a->db, "Database: sqlite:FILE (under --data) or postgresql://...")
        ->capture_default_str();
    cmd->add_option("--data", a->data,
                    "The service's folder (SQLite file, server key, run folders)")
        ->capture_default_str();
    cmd->add_option("--listen", a->listen, "Address and port to serve on")->capture_default_str();
    cmd->add_option("--workers", a->workers,
                    "Runs executed at once in this process (0: leave them to konform worker)")
        ->capture_default_str()
        ->check(CLI::Range(0, 64));
    cmd->add_option("--threads", a->threads, "Threads answering HTTP requests")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    cmd->add_option("--profiles", a->profiles,
                    "Folder of profile folders published at start (\"\": none)")
        ->capture_default_str();
    cmd->add_option("--sign-key", a->sign_key, "KL's Ed25519 private key (PEM) that certifies");
    cmd->add_option("--sign-key-pass-env", a->sign_pass_env,
                    "Environment variable holding the signing key's passphrase");
    cmd->add_option("--sign-cert", a->sign_cert, "KL's certificate chain (PEM, signer first)");
    cmd->add_option("--trust", a->trust, "KL's root certificate (PEM), for the verify page");
    cmd->add_option("--tls-cert", a->tls_cert, "Serve HTTPS with this certificate chain (PEM)");
    cmd->add_option("--tls-key", a->tls_key, "... and this private key (PEM)")
        ->needs(cmd->get_option("--tls-cert"));
    cmd->add_option("--rate", a->rate, "Requests a second one address may send (0: no limit)")
        ->capture_default_str();
    cmd->add_option("--max-body", a->max_body, "Largest request body accepted, bytes")
        ->capture_default_str();
    cmd->add_option("--lease", a->lease_ms,
                    "A worker's lease on its run, ms: a run whose worker stops answering is "
                    "interrupted after it")
        ->capture_default_str();
    cmd->add_option("--log-key", a->log_key,
                    "The transparency log's Ed25519 key (PEM; default: made once as "
                    "DATA/log-key/private.pem)");
    cmd->add_option("--log-origin", a->log_origin, "The log's name in its checkpoints")
        ->capture_default_str();
    cmd->add_option("--public-url", a->public_url,
                    "The service's address as users reach it, for links in feeds (default: "
                    "http://LISTEN)");
    cmd->add_option("--shortest-schedule", a->shortest_schedule,
                    "The shortest re-verification interval a schedule may ask, seconds")
        ->capture_default_str();
    cmd->add_option("--webhook-retries", a->webhook_retries,
                    "Seconds to wait before each retry of a failed webhook delivery")
        ->capture_default_str();
    cmd->add_flag("--webhooks-to-private-addresses", a->webhooks_to_private,
                  "Let webhook URLs name loopback and private addresses (tests, closed networks)");
    cmd->add_option("--validity-days", a->validity_days, "A certificate's default life, days")
        ->capture_default_str();
    return [a] { return execute(*a); };
}

} // namespace konform::cli
