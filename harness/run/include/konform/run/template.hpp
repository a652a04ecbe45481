#pragma once

#include "konform/model/template_expression.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace konform::run {

// Variables a template can name: target parameters, test-case variables, captures and
// the current data-set row ({{row.column}}).
using variables = std::map<std::string, nlohmann::json, std::less<>>;

using template_error = model::template_error;

enum class escaping { none, xml };

// Replaces each {{expression}} (model::expression: a name such as {{row.postnr}}, a
// generator such as {{$uuid}}, or a literal, then filters: {{n | int}}) by its value as
// text. Throws template_error for an undefined name, an unknown filter, a value a filter
// cannot take, or an unterminated placeholder.
std::string render(std::string_view text, const variables& vars, escaping esc = escaping::none);

// The value of one expression (without the braces), with its type.
nlohmann::json evaluate(std::string_view expression, const variables& vars);

// A template string's value: a string that is exactly one placeholder keeps the value's
// type ("{{n | int}}" is a number); any other is rendered as text.
nlohmann::json render_value(std::string_view text, const variables& vars);

// Renders every string in a JSON value. A string that is exactly one placeholder takes the
// variable's JSON value (so "{{count}}" can become the number 3).
nlohmann::json render_json(const nlohmann::json& value, const variables& vars);

// Whether any string or member name in the value holds "{{": a value without one renders as
// itself, and need not be rendered (nor copied) at all.
bool holds_placeholder(const nlohmann::json& value);
bool has_placeholder(std::string_view text);

namespace detail {
std::string new_uuid();
std::string now_iso8601();
} // namespace detail

} // namespace konform::run
