#pragma once

#include <span>
#include <string_view>

namespace konform::model {

// The predicates an expectation may hold, in one table: the loader, `konform fmt`'s key
// order, the check layer's evaluator (one case per predicate, by this enum), the format
// schema's test and the guide's table all read it.
enum class predicate {
    equals,
    not_equals,
    matches,
    not_matches,
    exists,
    absent,
    type,
    one_of,
    lt,
    le,
    gt,
    ge,
    contains,
    count,
    each,
    some,
    rows,
};

// What a predicate takes.
enum class predicate_argument {
    value,     // any JSON value
    regex,     // a regular expression (Perl syntax), checked when the profile loads
    flag,      // true
    type_name, // string, number, integer, boolean, null, array or object
    values,    // a non-empty array of values
    bound,     // a number, or a string compared lexicographically (ISO dates)
    count,     // a whole number, or predicates on the count
    nested,    // predicates, for each element
    records,   // a data set's selection ({"dataset": ..., "where": ..., "key": ...})
};

struct predicate_info {
    predicate id;
    std::string_view name;
    predicate_argument argument;
    bool nested;          // may stand inside each, some and count (rows judges a whole answer)
    std::string_view doc; // the guide's line: "holds when the value ..."
};

// Every predicate, in the order `konform fmt` writes them.
std::span<const predicate_info> predicate_table();

// The predicate of this name, or null.
const predicate_info* find_predicate(std::string_view name);

} // namespace konform::model
