#pragma once

#include "object_types.hpp"
#include "store.hpp"

#include <optional>
#include <string>

namespace konform::reference::oio {

// Reading and checking request bodies as mox 1.3.0 does (its JSON Schemas and rules).

struct validation_error {
    std::string message;
};

struct parsed_body {
    std::optional<std::string> note;
    std::optional<std::string> livscyklus;
    std::optional<groups> attributter, tilstande, relationer;
};

period parse_virkning(const json& v, const std::string& where);

// Reads a create, import or update body for object type `t`. Each flag is a rule the
// correct system keeps; a fault switches one off. Throws validation_error.
parsed_body parse_body(const json& body, const object_type& t, bool require_all, bool allow_extra,
                       bool check_urn, bool check_max, bool check_state);

} // namespace konform::reference::oio
