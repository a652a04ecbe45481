#pragma once

#include "konform/graphql/document.hpp"

#include <string_view>

namespace konform::graphql {

// How deep a document may nest (lists in lists, selections in selections): a bound on a
// recursive parser's stack, for documents from anywhere.
inline constexpr int max_nesting = 128;

// A schema in SDL: type, interface, union, enum, input, scalar, schema and directive
// definitions, and their `extend` forms. The built-in scalars (Int, Float, String, Boolean,
// ID) are added. Throws syntax_error (with line and column) on a document that is not SDL,
// names a type twice or extends one it does not define.
schema parse_schema(std::string_view text);

// A query document: operations and fragments. Throws syntax_error.
executable_document parse_executable(std::string_view text);

} // namespace konform::graphql
