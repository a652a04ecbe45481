#include "system.hpp"

#include "dar/graphql_system.hpp"
#include "dawa/address_system.hpp"
#include "example/greetings.hpp"
#include "oio/organisation_system.hpp"
#include "sf1520/person_lookup_system.hpp"

namespace konform::reference {

const std::vector<system_info>& systems() {
    static const std::vector<system_info> all{
        example::greetings_system(), oio::organisation_system(), sf1520::person_lookup_system(),
        dawa::address_system(), dar::graphql_system()};
    return all;
}

bool requires_client_certificate(const system_info& sys, const std::string& fault_name) {
    if (!sys.mutual_tls) return false;
    for (const auto& f : sys.faults)
        if (f.name == fault_name && f.serves_anonymous_clients) return false;
    return true;
}

std::vector<fault> service_level_faults(const std::string& at_rate, const std::string& peak_latency,
                                        const std::string& peak_errors) {
    return {{"stall-1s-every-5s",
             {at_rate},
             "holds every answer for 1 s in every 5 s",
             false,
             "stall=1000/5000"},
            {"slow-past-4-at-once",
             {peak_latency},
             "takes 20 ms an answer, and 600 ms more past 4 requests at once",
             false,
             "base=20,slow=4:600"},
            {"errors-past-4-at-once",
             {peak_errors},
             "takes 20 ms an answer, and answers 503 past 4 requests at once",
             false,
             "base=20,errors=4"}};
}

std::string fault_latency(const system_info& sys, const std::string& fault_name) {
    for (const auto& f : sys.faults)
        if (f.name == fault_name) return f.latency;
    return {};
}

const system_info* find_system(const std::string& profile) {
    for (const auto& s : systems())
        if (s.profile == profile) return &s;
    return nullptr;
}

} // namespace konform::reference
