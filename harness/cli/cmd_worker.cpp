// konform worker: executes queued runs of a service's database from any machine.
#include "commands.hpp"
#include "konform/model/problem.hpp"
#include "konform/service/worker.hpp"

#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>
#include <unistd.h>

namespace konform::cli {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> stopping{false};
extern "C" void on_worker_stop(int) {
    stopping = true;
}

struct worker_args {
    std::string db, data = "konform-worker", key, name;
    int concurrency = 1, jobs = 4;
    long lease_ms = 30000;
};

exit_code execute(const worker_args& a) {
    const fs::path key = a.key.empty() ? fs::path(a.data) / "server.key" : fs::path(a.key);
    if (!fs::exists(key))
        throw model::load_error(key.string(), "",
                                "the service's server key is not here: copy it from the "
                                "service's --data folder (it opens the runs' sealed secrets)");
    auto st = open_service_store(a.db, a.data);
    const service::sealed_box box = service::sealed_box::from_key_file(key);
    const std::string base = a.name.empty() ? service::default_worker_name() : a.name;
    stopping = false;
    std::signal(SIGINT, on_worker_stop);
    std::signal(SIGTERM, on_worker_stop);
    std::vector<std::unique_ptr<service::worker>> workers;
    std::vector<std::thread> threads;
    for (int i = 0; i < a.concurrency; ++i) {
        service::worker_options w;
        w.name = base + ":" + std::to_string(i);
        w.data_dir = a.data;
        w.jobs = a.jobs;
        w.lease = std::chrono::milliseconds(a.lease_ms);
        workers.push_back(std::make_unique<service::worker>(*st, box, w));
        threads.emplace_back([&, i] { workers[static_cast<std::size_t>(i)]->serve(stopping); });
    }
    std::cout << "konform worker " << base << ": taking runs from " << st->dialect() << " ("
              << a.concurrency << " at once)" << std::endl;
    for (auto& t : threads)
        t.join();
    std::cout << "konform worker " << base << ": stopped" << std::endl;
    return exit_code::ok;
}

} // namespace

action add_worker(CLI::App& app) {
    auto a = std::make_shared<worker_args>();
    auto* cmd = app.add_subcommand(
        "worker", "Execute queued runs of a certification service, from any machine");
    cmd->add_option("--db", a->db, "The service's database: postgresql://...")->required();
    cmd->add_option("--data", a->data, "This worker's folder (profiles, run folders)")
        ->capture_default_str();
    cmd->add_option("--key", a->key, "The service's server key (default: DATA/server.key)");
    cmd->add_option("--name", a->name, "This worker's name (default: HOST:PID)");
    cmd->add_option("--concurrency", a->concurrency, "Runs executed at once")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    cmd->add_option("--jobs,-j", a->jobs, "Test cases at once within a run")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    cmd->add_option("--lease", a->lease_ms, "Lease on a run, ms (renewed every third of it)")
        ->capture_default_str();
    return [a] { return execute(*a); };
}

} // namespace konform::cli
