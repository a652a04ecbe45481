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
     "equals a number; `as`, `within` and `decimals` compare as the contract types the value "
     "([Comparing as the contract types a value](#comparing-as-the-contract-types-a-value))"},
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
     "is less than the bound; numbers numerically, two strings lexicographically, or as `as` "
     "reads them (days for `date`)"},
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

namespace {

constexpr std::array<value_type_info, 4> value_types{{
    {value_type::integer, "integer",
     "xsd:integer: leading zeros, a `+` and surrounding whitespace are representation "
     "(\"0101\", \" +101 \" and 101 are equal)"},
    {value_type::decimal, "decimal",
     "xsd:decimal: leading and trailing zeros are representation (\"012.50\" is 12.5)"},
    {value_type::date, "date",
     "xsd:date: the day is the value; an offset (`Z`, `+01:00`) is compared only when both "
     "sides state one; lt/gt order days"},
    {value_type::date_time, "dateTime",
     "xsd:dateTime: with an offset on both sides the instants compare "
     "(`2026-12-04T10:00:00+01:00` is `2026-12-04T09:00:00Z`), with none the local times; "
     "fractional zeros are representation; one side without an offset never equals"},
}};

} // namespace

std::span<const value_type_info> value_type_table() {
    return value_types;
}

const value_type_info* find_value_type(std::string_view name) {
    for (const auto& t : value_types)
        if (t.name == name) return &t;
    return nullptr;
}

bool is_modifier(std::string_view key) {
    return key == "at" || key == "as" || key == "within" || key == "decimals";
}

} // namespace konform::model
