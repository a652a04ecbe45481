// konform-reference: serves a correct implementation of a shipped profile on 127.0.0.1,
// optionally with one injected fault, so konform can be shown and tested against known truth.
#include "system.hpp"

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <memory>

namespace {
konform::reference::http_server* running = nullptr;
extern "C" void on_signal(int) {
    if (running) running->stop();
}
} // namespace

int main(int argc, char** argv) {
    using namespace konform::reference;
    CLI::App app{"konform-reference: reference systems for konform's shipped profiles"};
    std::string profile, fault;
    int port = 0;
    int latency_ms = 0;
    bool list = false;
    std::string cert, key, client_ca;
    app.add_option("--profile", profile,
                   "Profile to serve (example, oio-rest-organisation, sf1520-cpr-personlookup, "
                   "dawa-adresser, datafordeler-dar)")
        ->required();
    app.add_option("--port", port, "Port on 127.0.0.1 (0 picks a free one)")
        ->check(CLI::Range(0, 65535));
    app.add_option("--fault", fault, "Inject one non-conformance (see --list-faults)");
    app.add_option("--latency", latency_ms,
                   "Hold every answer back this many ms (a slow system; connections are "
                   "still served at once)")
        ->check(CLI::Range(0, 60000));
    std::string latency_text;
    app.add_option("--latency-profile", latency_text,
                   "How answers are held back: base=MS,jitter=MS,stall=MS/EVERY_MS,"
                   "slow=AT_ONCE:MS,errors=AT_ONCE (any subset; see docs/writing-profiles.md)");
    app.add_option("--cert", cert, "Serve HTTPS with this certificate chain (PEM)")
        ->check(CLI::ExistingFile);
    app.add_option("--key", key, "The key of --cert (PEM)")->check(CLI::ExistingFile);
    app.add_option("--client-ca", client_ca,
                   "Require a client certificate issued by this CA (PEM; needs --cert)")
        ->check(CLI::ExistingFile);
    std::string data;
    app.add_option("--data", data,
                   "Serve the data set in this folder instead of the profile's own (same file "
                   "names; dawa-adresser)")
        ->check(CLI::ExistingDirectory);
    app.add_flag("--list-faults", list,
                 "Print each fault: name, a tab, the requirements it must fail");
    CLI11_PARSE(app, argc, argv);
    const system_info* sys = find_system(profile);
    if (!sys) {
        std::cerr << "konform-reference: no reference system for profile \"" << profile << "\"\n";
        return 2;
    }
    if (list) {
        for (const auto& f : sys->faults) {
            std::cout << f.name << '\t';
            for (std::size_t i = 0; i < f.requirements.size(); ++i)
                std::cout << (i ? "," : "") << f.requirements[i];
            std::cout << '\n';
        }
        return 0;
    }
    if (!fault.empty()) {
        bool known = false;
        for (const auto& f : sys->faults)
            known = known || f.name == fault;
        if (!known) {
            std::cerr << "konform-reference: unknown fault \"" << fault
                      << "\" (see --list-faults)\n";
            return 2;
        }
    }
    if (cert.empty() != key.empty() || (!client_ca.empty() && cert.empty())) {
        std::cerr << "konform-reference: --cert and --key go together, and --client-ca needs "
                     "them\n";
        return 2;
    }
    if (!data.empty()) {
        if (!sys->use_data) {
            std::cerr << "konform-reference: " << profile << " serves no data set to replace\n";
            return 2;
        }
        try {
            sys->use_data(data);
        } catch (const std::exception& e) {
            std::cerr << "konform-reference: --data: " << e.what() << '\n';
            return 2;
        }
    }
    if (sys->mutual_tls && (cert.empty() || client_ca.empty())) {
        std::cerr << "konform-reference: " << profile
                  << " is served over mutual TLS: give --cert, --key and --client-ca "
                     "(scripts/demo --profile "
                  << profile << " makes a test CA and certificates)\n";
        return 2;
    }
    try {
        auto made = [&] {
            return cert.empty() ? std::make_unique<http_server>(static_cast<std::uint16_t>(port),
                                                                sys->make(fault))
                                : std::make_unique<http_server>(static_cast<std::uint16_t>(port),
                                                                sys->make(fault), cert, key);
        }();
        http_server& server = *made;
        // A mutual-TLS system's fault may be that it serves clients without a certificate.
        if (!client_ca.empty() && (!sys->mutual_tls || requires_client_certificate(*sys, fault)))
            server.require_client_certificate(client_ca);
        // A fault under load sets the latency profile; --latency-profile adds to --latency.
        std::string text = fault_latency(*sys, fault);
        if (!latency_text.empty()) text += (text.empty() ? "" : ",") + latency_text;
        latency_profile lp = latency_profile::parse(text);
        if (latency_ms > 0) lp.base += std::chrono::milliseconds(latency_ms);
        server.set_latency_profile(lp);
        running = &server;
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        std::cout << "listening on " << server.base_url()
                  << (fault.empty() ? "" : " with fault " + fault) << std::endl;
        server.run();
        running = nullptr;
    } catch (const std::exception& e) {
        std::cerr << "konform-reference: " << e.what() << '\n';
        return 3;
    }
    return 0;
}
