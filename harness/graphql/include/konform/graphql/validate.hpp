#pragma once

#include "konform/graphql/document.hpp"

#include <string>
#include <vector>

namespace konform::graphql {

// A query's problem against a schema, and where in the query it stands.
struct query_problem {
    position at;
    std::string what;
};

// Checks a query document against a schema (a subset of §5, Validation): every field exists
// on its type, every argument on its field, required arguments are given, an object field
// has a selection and a leaf none, fragments name known types and fragments, variables are
// defined and of input types. Introspection fields (__typename, __schema, __type) are left
// to the system.
std::vector<query_problem> validate(const executable_document& doc, const schema& s);

} // namespace konform::graphql
