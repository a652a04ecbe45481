#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace konform::check {

// The XSD lexical forms a comparison reads with "as" (model::value_type), read into values
// that compare as the contract's type does. Whitespace around the text is collapsed away,
// as XSD's whitespace facet does for these types. Every reader refuses anything else.

// xsd:integer as its canonical form: "-0042" and " +42 " read as "-42" and "42".
std::optional<std::string> read_integer(std::string_view text);

// xsd:decimal as its canonical form: "012.50" reads as "12.5", "-0.0" as "0".
std::optional<std::string> read_decimal(std::string_view text);

// xsd:date: the day (days since 1970-01-01) and the offset, when one is stated.
struct xsd_date {
    std::int64_t day = 0;
    std::optional<int> offset_minutes;
};
std::optional<xsd_date> read_date(std::string_view text);

// xsd:dateTime: seconds since 1970-01-01T00:00:00 in local time (24:00:00 is the next
// day's midnight), the fraction's digits without trailing zeros, and the offset.
struct xsd_date_time {
    std::int64_t seconds = 0;
    std::string fraction;
    std::optional<int> offset_minutes;
};
std::optional<xsd_date_time> read_date_time(std::string_view text);

// Orders two canonical integers or decimals: -1, 0 or 1.
int compare_canonical(std::string_view a, std::string_view b);

} // namespace konform::check
