#include "konform/model/predicates.hpp"

#include <array>

namespace konform::model {

namespace {

using enum predicate;
using arg = predicate_argument;

constexpr std::array<predicate_info, 17> table{{
    {equals, "equals", arg::value, true,
     "equals the JSON value, typed: text (a header, an XPath result) equals an expected number "
     "only in plain decimal (\"825\", not \"0825\", \" 1\" or \"1e0\"); expected text never "
     "equals a number"},
    {not_equals, "not_equals", arg::value, true, "does not equal the JSON value"},
    {matches, "matches", arg::regex, true,
     "contains a match of the regular expression (Perl syntax; anchor with `^...$`)"},
    {not_matches, "not_matches", arg::regex, true, "contains no match of the regular expression"},
    {exists, "exists", arg::flag, true, "is present"},
    {absent, "absent", arg::flag, true, "is missing"},
    {type, "type", arg::type_name, true,
     "is a `string`, `number`, `integer`, `boolean`, `null`, `array` or `object`"},
    {one_of, "one_of", arg::values, true, "equals one of the values"},
    {lt, "lt", arg::bound, true,
     "is less than the bound; numbers numerically, two strings (ISO dates) lexicographically"},
    {le, "le", arg::bound, true, "is less than or equal to the bound"},
    {gt, "gt", arg::bound, true, "is greater than the bound"},
    {ge, "ge", arg::bound, true, "is greater than or equal to the bound"},
    {contains, "contains", arg::value, true,
     "is a string holding the text, an array holding the value, or an object with the key"},
    {count, "count", arg::count, true,
     "is an array, object or string with this many entries (a number, or predicates on the "
     "count)"},
    {each, "each", arg::nested, true,
     "is an array every element of which satisfies the nested predicates"},
    {some, "some", arg::nested, true,
     "is an array at least one element of which satisfies the nested predicates"},
    {rows, "rows", arg::records, false,
     "is an array of records holding exactly the records a data set's selection gives "
     "([Records](#records-a-data-sets-selection-pages))"},
}};

constexpr bool in_enum_order() {
    for (std::size_t i = 0; i < table.size(); ++i)
        if (table[i].id != static_cast<predicate>(i)) return false;
    return true;
}
static_assert(in_enum_order(), "the table lists the predicates in the enum's order");

} // namespace

std::span<const predicate_info> predicate_table() {
    return table;
}

const predicate_info* find_predicate(std::string_view name) {
    for (const auto& p : table)
        if (p.name == name) return &p;
    return nullptr;
}

} // namespace konform::model
