#pragma once

#include "konform/http/message.hpp"
#include "konform/model/testcase.hpp"
#include "konform/run/template.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace konform::run::detail {

// How steps, rows, values and exchanges read in the story of a test case.

// A step's name as it is shown: its template rendered, or as written if it cannot be; an
// unnamed step reads as its request ("DELETE /sager/{{u}}"), a loop as its for_each.
std::string step_name(const model::step& s, const variables& vars);

// A value's text cut to a readable length (200 characters).
std::string shortened(std::string s);

// "row 3: {"postnr":"8000"}", cut to a readable length.
std::string row_label(std::size_t index, const nlohmann::json& row);

// A value as the story of a failure shows it: JSON text, at most 200 characters.
std::string shown_value(const nlohmann::json& v);

// A body cut to `max` bytes, saying how long it was and where the rest is.
std::string excerpt(const std::string& s, std::size_t max = 2000);

// "Name: value" lines.
std::string headers_text(const http::header_list& headers);

// How an expectation that names variables was written, and where each captured variable
// came from: `/results/0 {"equals":"{{all.2}}"} (all: captured by step "the whole result")`;
// empty when it names none.
std::string expectation_template(const model::assertion& a,
                                 const std::map<std::string, std::string, std::less<>>& by);

} // namespace konform::run::detail
