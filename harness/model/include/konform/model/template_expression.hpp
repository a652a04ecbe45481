#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace konform::model {

// A template or expression that cannot be read or evaluated.
class template_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One filter of an expression: `slice(1, 3)` is {"slice", [1, 3]}.
struct filter_call {
    std::string name;
    std::vector<nlohmann::json> args;
};

// What stands between {{ and }}: a name (a variable with an optional path of fields and
// indices, "row.postnr", or a generator, "$uuid") or a literal (a number, a quoted string,
// true, false, null), then any number of filters: "{{ n | int }}".
struct expression {
    std::string name;                      // empty when `literal` is set
    std::optional<nlohmann::json> literal; // "{{ 'x' | upper }}"
    std::vector<filter_call> filters;

    // The variable the name starts with ("row" for "row.postnr").
    std::string root() const { return name.substr(0, name.find('.')); }
};

// Reads an expression. Throws template_error naming what is wrong.
expression parse_expression(std::string_view text);

// Walks a template: `literal` gets each run of text between placeholders, `expression`
// what stands inside each {{...}}, in order. Throws template_error for an unterminated or
// empty placeholder.
void scan_template(std::string_view text, const std::function<void(std::string_view)>& literal,
                   const std::function<void(std::string_view)>& expression);

// The expressions of a template, each {{...}} in order, trimmed.
std::vector<std::string> template_placeholders(std::string_view text);

// The expression when the whole text is exactly one placeholder ("{{n}}"): such a template
// keeps the value's type.
std::optional<std::string> sole_placeholder(std::string_view text);

struct filter_info {
    std::string_view name;
    std::size_t min_args, max_args;
    std::string_view doc;
};

// The filters konform knows; nullptr for an unknown name.
std::span<const filter_info> known_filters();
const filter_info* find_filter(std::string_view name);

// What is wrong with a filter of the expression `expr` (unknown, with "did you mean", or
// given the wrong number of arguments), or "" when nothing is.
std::string filter_problem(const filter_call& f, std::string_view expr);

// The generators: $uuid, $now, $today, $timestamp, $random.
std::span<const std::string_view> known_generators();

// The closest of `candidates` to `word` within `max_distance` edits (by default a third
// of its length, at least 1), or nothing: for "did you mean" hints.
std::optional<std::string> closest(std::string_view word,
                                   std::span<const std::string_view> candidates,
                                   std::size_t max_distance = 0);
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates,
                                   std::size_t max_distance = 0);

} // namespace konform::model
