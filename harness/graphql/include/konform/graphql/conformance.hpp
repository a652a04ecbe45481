#pragma once

#include "konform/graphql/document.hpp"

#include <string>
#include <vector>

namespace konform::graphql {

// One way a system's schema falls short of the standard's: where (a type, "Type.field",
// "Type.field(arg)", "Enum.VALUE"), and what differs, in words.
struct schema_finding {
    std::string where;
    std::string what;
};

// Every type, field, argument, input field, union member and enum value the standard
// defines that the system lacks or types differently, for the standard's types named in
// `types` (all of them, built-ins and introspection types aside, when empty). Additions are
// accepted. Output types may be stricter in the system (non-null where the standard allows
// null); a non-null field of the standard may not be nullable. Arguments and input fields
// may be looser (nullable where the standard says non-null); one the standard makes
// optional may not be required, and the system may not require one the standard lacks.
// The standard's query (mutation) root is compared with the system's, whatever its name.
std::vector<schema_finding> compare_schemas(const schema& standard, const schema& system,
                                            const std::vector<std::string>& types = {});

} // namespace konform::graphql
