#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace konform::run {

// Variables a template can name: target parameters, test-case variables, captures and
// the current data-set row ({{row.column}}).
using variables = std::map<std::string, nlohmann::json, std::less<>>;

class template_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class escaping { none, xml };

// Replaces {{name}}, {{name.field}} and the generators {{$uuid}}, {{$now}}, {{$today}},
// {{$timestamp}} and {{$random}}. Throws template_error for an unknown name or an
// unterminated placeholder.
std::string render(std::string_view text, const variables& vars, escaping esc = escaping::none);

// Renders every string in a JSON value. A string that is exactly one placeholder takes the
// variable's JSON value (so "{{count}}" can become the number 3).
nlohmann::json render_json(const nlohmann::json& value, const variables& vars);

namespace detail {
std::string new_uuid();
std::string now_iso8601();
} // namespace detail

} // namespace konform::run
