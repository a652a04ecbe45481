#include "system.hpp"

#include "example/greetings.hpp"
#include "oio/organisation_system.hpp"

namespace konform::reference {

const std::vector<system_info>& systems() {
    static const std::vector<system_info> all{example::greetings_system(),
                                              oio::organisation_system()};
    return all;
}

const system_info* find_system(const std::string& profile) {
    for (const auto& s : systems())
        if (s.profile == profile) return &s;
    return nullptr;
}

} // namespace konform::reference
