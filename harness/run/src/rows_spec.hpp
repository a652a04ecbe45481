#pragma once

#include "konform/model/profile.hpp"

#include <nlohmann/json.hpp>

namespace konform::run::detail {

// Turns a rendered `rows` predicate into what check::rows_comparison takes: a data set's
// selection ({"dataset", "where", "order_by", "offset", "limit"}) becomes the `expected`
// records, `fields` becomes {column: pointer} (every column of the data set when absent),
// and `source` says in words where the records came from. Throws std::invalid_argument for
// an unknown data set, an `expected` that is not an array, or a bad offset or limit.
nlohmann::json resolve_rows(const nlohmann::json& spec, const model::profile& profile);

// Whether an assertion's predicates hold a `rows` comparison.
inline bool has_rows(const nlohmann::json& predicates) {
    return predicates.is_object() && predicates.contains("rows");
}

} // namespace konform::run::detail
