#pragma once

#include "system.hpp"

#include <string>
#include <vector>

namespace konform::reference {

// One row of a reference system's fault table: the fault and the switch it turns on in the
// system's `Switches` (a struct of bools, all off for the correct system). The table is the
// one list the system, --list-faults and the tests read.
template <typename Switches> struct fault_row {
    fault info;
    bool Switches::*on;
};

// The switches for `name` ("" for the correct system).
template <typename Switches>
Switches switches_for(const std::vector<fault_row<Switches>>& table, const std::string& name) {
    Switches s;
    for (const auto& row : table)
        if (row.info.name == name) s.*row.on = true;
    return s;
}

// The faults of a table, as system_info lists them.
template <typename Switches>
std::vector<fault> faults_of(const std::vector<fault_row<Switches>>& table) {
    std::vector<fault> out;
    for (const auto& row : table)
        out.push_back(row.info);
    return out;
}

} // namespace konform::reference
