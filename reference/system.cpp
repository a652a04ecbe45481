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

const system_info* find_system(const std::string& profile) {
    for (const auto& s : systems())
        if (s.profile == profile) return &s;
    return nullptr;
}

} // namespace konform::reference
