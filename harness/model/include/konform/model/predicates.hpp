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

// How a predicate object reads the values it compares ("as"): as the contract types them.
// Without "as" a value compares as JSON (see same_value).
enum class value_type {
    json,
    integer,   // xsd:integer: "0101", "+101" and " 101 " are 101
    decimal,   // xsd:decimal: "012.50" is 12.5
    date,      // xsd:date: the day; "1985-03-12+01:00" is 1985-03-12
    date_time, // xsd:dateTime: an instant when both sides state an offset
};

struct value_type_info {
    value_type id;
    std::string_view name; // as written after "as"
    std::string_view doc;  // the guide's line
};

// Every value type "as" names (json, the default, is not named).
std::span<const value_type_info> value_type_table();

// The value type of this name, or null.
const value_type_info* find_value_type(std::string_view name);

// The keys of a predicate object that say how its predicates compare, not what holds:
// "at" (a JSON Pointer into the value), "as" (a value type), "within" (an absolute
// tolerance for numbers) and "decimals" (numbers agree to within 10^-n).
bool is_modifier(std::string_view key);

} // namespace konform::model
