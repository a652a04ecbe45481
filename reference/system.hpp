#pragma once

#include "server/http_server.hpp"

#include <string>
#include <vector>

namespace konform::reference {

// One injectable non-conformance and the requirements a correct suite must then fail.
struct fault {
    std::string name;
    std::vector<std::string> requirements;
    std::string description;
    // With this fault a mutual-TLS system serves clients without a certificate: the server,
    // not the handler, must be set up so.
    bool serves_anonymous_clients = false;
    // A fault in how the system behaves under load, not in what it answers: the server's
    // latency profile (latency_profile::parse), the handler unchanged.
    std::string latency{};
};

// The faults that break a profile's service levels: a stall of 1 s every 5 s (breaks
// `at_rate`, the latency at a stated rate), slowness and 503s past 4 requests at once
// (break `peak_latency` and `peak_errors`, the levels under a peak of clients).
std::vector<fault> service_level_faults(const std::string& at_rate, const std::string& peak_latency,
                                        const std::string& peak_errors);

// A reference system: a correct implementation of one shipped profile.
struct system_info {
    std::string profile;
    std::vector<fault> faults;
    // Builds the request handler, with `fault_name` injected ("" for none).
    handler (*make)(const std::string& fault_name);
    // Served over HTTPS only, requiring a client certificate from a CA the caller names
    // (unless the fault serves anonymous clients).
    bool mutual_tls = false;
    // Serves the data set in this folder instead of the one embedded at build time (its own
    // file names); throws std::runtime_error when the folder lacks them. Null: the system
    // has no data set to replace.
    void (*use_data)(const std::string& folder) = nullptr;
};

// Whether the server for `sys` with `fault_name` asks every client for a certificate.
bool requires_client_certificate(const system_info& sys, const std::string& fault_name);

const std::vector<system_info>& systems();
// The latency profile a fault sets on the server ("" for a fault in the answers).
std::string fault_latency(const system_info& sys, const std::string& fault_name);
const system_info* find_system(const std::string& profile);

} // namespace konform::reference
