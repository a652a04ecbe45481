#pragma once

#include <set>
#include <string>
#include <vector>

namespace konform::reference::oio {

// What the reference system knows of one OIO object type: its service, names, the
// fields of its one attribute group and state, and its relations (0..1 or 0..n).
struct object_type {
    std::string service;    // "organisation"
    std::string name;       // "organisationenhed"
    std::string class_name; // "OrganisationEnhed", as the 404 message names it
    std::string attribute;  // "organisationenhedegenskaber"
    std::set<std::string> attribute_fields;
    std::string state;       // "organisationenhedgyldighed"
    std::string state_field; // "gyldighed"
    std::set<std::string> state_values;
    std::set<std::string> single_relations;
    std::set<std::string> multi_relations;
};

const std::vector<object_type>& object_types();
const object_type* find_object_type(const std::string& service, const std::string& name);

} // namespace konform::reference::oio
