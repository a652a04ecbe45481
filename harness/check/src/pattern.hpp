#pragma once

#include <boost/regex.hpp>
#include <string>

namespace konform::check::detail {

// A profile's regular expression (Perl syntax), matched against whole values: `^` and
// `$` anchor at the start and end of the value, never at a line break inside it, so
// "NOT-A-UUID\n<uuid>" does not pass a UUID pattern. Boost.Regex, not std::regex: it is
// not recursive and gives up on patterns too complex for a hostile value.
inline boost::regex pattern(const std::string& text) {
    return boost::regex(text, boost::regex::perl | boost::regex::no_mod_m);
}

} // namespace konform::check::detail
