#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace konform::model {

// The one layout of konform's JSON files, as `konform fmt` writes it (docs/writing-profiles.md,
// "One style"):
//  - two spaces of indent; a value that fits within style_width columns on its line stands
//    on one line (`{"status": 200}`, `["A", "B"]`), a longer one gets one member per line;
//  - in konform's own objects the keys come in one fixed order (id, title, ..., request,
//    expect, capture; unknown keys after the known ones, as written); what a request sends,
//    what an assertion compares and what a name maps to keep their order, and a JSON Schema
//    file keeps all of its order;
//  - comments stay where they were (before a member, or after it on its line), one empty
//    line between members stays, scalars keep their exact text ("\u00f8", 1.50).
// Formatting formatted text changes nothing.
inline constexpr std::size_t style_width = 100;

// `text` (JSON with comments) in that layout. Throws as util::parse_json does for text
// that is not JSON with comments, and std::logic_error if the result would not hold the
// same values (which would be a bug in the formatter, never a change to a file).
std::string restyle(std::string_view text);

} // namespace konform::model
