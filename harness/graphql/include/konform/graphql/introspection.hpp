#pragma once

#include "konform/graphql/document.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace konform::graphql {

// The introspection query konform sends (§4.5): every type with its fields, arguments,
// input fields, interfaces, members and enum values (deprecated ones too), type references
// seven wrappers deep.
const std::string& introspection_query();

// What a schema read from a system may hold: at most this many types, and this many
// fields, arguments, input fields, enum values and members in all.
struct introspection_limits {
    std::size_t max_types = 20000;
    std::size_t max_members = 500000;
};

// A schema from an introspection answer (its `data`, or the whole answer holding `data`).
// Throws std::runtime_error saying what is missing or past the limits.
schema from_introspection(const nlohmann::json& answer, const introspection_limits& limits = {});

// The introspection answer's `data` a system with this schema gives.
nlohmann::json to_introspection(const schema& s);

} // namespace konform::graphql
