#pragma once

#include "konform/service/sealed_box.hpp"
#include "konform/service/store.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>

namespace konform::service {

// What a run is given at submission and kept sealed until it ends: secret values by the
// environment-variable names its target uses, and files the target names by file name
// (a client certificate, its key, a CA), as bytes.
struct run_secrets {
    std::map<std::string, std::string> env;
    std::map<std::string, std::string> files;

    std::string to_json() const; // file contents as base64
    // Throws std::invalid_argument for text not in that form.
    static run_secrets from_json(std::string_view text);
};

// HOST:PID, this process's name among the workers sharing a database.
std::string default_worker_name();

struct worker_options {
    std::string name;               // unique among the workers sharing the database
    std::filesystem::path data_dir; // profile folders rebuilt from the database, run folders
    std::chrono::milliseconds lease{30000};
    std::chrono::milliseconds poll{500};
    int jobs = 4; // test cases at once within one run (the target's max_connections caps it)
    // The most bytes of a run's files the database keeps: past it evidence.har is left out
    // (problems.txt says so); the reports are always kept.
    std::uint64_t max_stored_bytes = 256ull * 1024 * 1024;
};

// Executes queued runs with the engine: claims one under a lease, renews the lease while it
// runs, rebuilds the profile from the database, loads the target with the run's own secrets
// (nothing from this process's environment or disk), and stores the verdict and the run's
// files. The run's secrets exist in clear only in this process, and in files of the run's
// folder (mode 0600) that are removed when it ends.
class worker {
public:
    worker(store& st, const sealed_box& box, worker_options opt);

    // Claims and executes one queued run; false when none was queued. With `stop` set the
    // engine stops and the run is given back (interrupted, then queued again once).
    bool run_one(const std::atomic<bool>& stop);

    // Until `stop`: recovers runs whose lease ran out, claims and executes runs.
    void serve(const std::atomic<bool>& stop);

private:
    std::filesystem::path profile_folder(const profile_record& p);

    store& st_;
    const sealed_box& box_;
    worker_options opt_;
};

} // namespace konform::service
