#include "konform/model/json_style.hpp"

#include "konform/model/predicates.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/jsonc.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>

namespace konform::model {

namespace {

using util::jsonc::member;
using util::jsonc::node;

// The order of keys in konform's own objects: what a thing is, then what it needs, then
// what it does, then what it checks (a step reads request, expect, capture).
constexpr std::array key_order{"$schema",
                               "id",
                               "version",
                               "name",
                               "title",
                               "description",
                               "level",
                               "class",
                               "mandatory",
                               "verifies",
                               "requires_parameters",
                               "needs",
                               "serial",
                               "effect",
                               "environment",
                               "depends_on",
                               "ref",
                               "note",
                               "text",
                               "vendor",
                               "product",
                               "product_version",
                               "base_url",
                               "sources",
                               "classes",
                               "requirements",
                               "parameters",
                               "variables",
                               "datasets",
                               "schemas",
                               "namespaces",
                               "fragments",
                               "testcases",
                               "url",
                               "license",
                               "own",
                               "files",
                               "file",
                               "types",
                               "default",
                               "secret",
                               "required",
                               "setup",
                               "use",
                               "with",
                               "for_each",
                               "as",
                               "where",
                               "stop_on_failure",
                               "load",
                               "open",
                               "closed",
                               "rate",
                               "users",
                               "think_ms",
                               "duration_s",
                               "ramp_up_s",
                               "connections",
                               "sample",
                               "steps",
                               "request",
                               "method",
                               "path",
                               "query",
                               "headers",
                               "form",
                               "json",
                               "xml",
                               "body",
                               "soap_action",
                               "soap",
                               "client_certificate",
                               "follow_redirects",
                               "follow_cross_origin",
                               "authenticate",
                               "safe",
                               "expect",
                               "status",
                               "header",
                               "xpath",
                               "soap_body",
                               "soap_fault",
                               "refused",
                               "service_level",
                               "regex",
                               "group",
                               "duration_ms",
                               "schema",
                               "at",
                               "as",
                               "within",
                               "decimals",
                               "after",
                               "proves",
                               "capture",
                               "cleanup"};

// Keys whose value is data (what a request sends, what an assertion compares, names a
// profile chose): nothing below them is reordered.
constexpr std::array data_keys{"variables", "with",       "parameters", "datasets", "json",
                               "body",      "xml",        "form",       "query",    "headers",
                               "equals",    "not_equals", "one_of",     "contains", "claims",
                               "types",     "capture",    "default",    "where",    "soap"};

// The predicates stand after "at", in the predicate table's order (model/predicates.hpp),
// and the modifiers that say how they compare (as, within, decimals) after them.
std::size_t rank(const std::string& key) {
    constexpr std::size_t predicates_at =
        static_cast<std::size_t>(
            std::find(key_order.begin(), key_order.end(), std::string_view("at")) -
            key_order.begin()) +
        1;
    if (const predicate_info* p = find_predicate(key))
        return predicates_at + static_cast<std::size_t>(p->id);
    const auto it = std::find(key_order.begin(), key_order.end(), key);
    const auto index = static_cast<std::size_t>(it - key_order.begin());
    // unknown: after every known
    return index < predicates_at ? index : index + predicate_table().size();
}

bool is_data_key(const std::string& key) {
    return std::find(data_keys.begin(), data_keys.end(), key) != data_keys.end();
}

void order_keys(node& n) {
    if (n.type == node::kind::scalar) return;
    if (n.type == node::kind::object) {
        std::stable_sort(n.items.begin(), n.items.end(), [](const member& a, const member& b) {
            return rank(util::jsonc::key_name(a.key)) < rank(util::jsonc::key_name(b.key));
        });
        if (!n.items.empty()) n.items.front().blank_before = false;
    }
    for (auto& m : n.items)
        if (m.key.empty() || !is_data_key(util::jsonc::key_name(m.key))) order_keys(m.value);
}

bool has_comments(const node& n) {
    if (!n.closing.empty()) return true;
    return std::any_of(n.items.begin(), n.items.end(), [](const member& m) {
        return !m.leading.empty() || !m.trailing.empty() || has_comments(m.value);
    });
}

// The value on one line, or nothing when it holds a comment or is longer than `room`.
std::optional<std::string> flat(const node& n, std::size_t room) {
    if (n.type == node::kind::scalar) return n.text;
    if (has_comments(n)) return std::nullopt;
    const bool object = n.type == node::kind::object;
    std::string out(1, object ? '{' : '[');
    for (std::size_t i = 0; i < n.items.size(); ++i) {
        if (i) out += ", ";
        if (object) out += n.items[i].key + ": ";
        if (out.size() > room) return std::nullopt;
        auto inner = flat(n.items[i].value, room - out.size());
        if (!inner) return std::nullopt;
        out += *inner;
    }
    out += object ? '}' : ']';
    if (out.size() > room) return std::nullopt;
    return out;
}

void comment_lines(const std::vector<std::string>& comments, std::size_t indent, std::string& out) {
    for (const auto& c : comments)
        out += std::string(indent, ' ') + c + '\n';
}

// Writes `n` starting at column `column`, leaving `after` columns for what follows it on
// its line (a comma).
void print(const node& n, std::size_t indent, std::size_t column, std::size_t after,
           std::string& out) {
    const std::size_t room = column + after < style_width ? style_width - column - after : 0;
    if (auto one = flat(n, room)) {
        out += *one;
        return;
    }
    if (n.type == node::kind::scalar) { // longer than the line: it stays as written
        out += n.text;
        return;
    }
    const bool object = n.type == node::kind::object;
    out += object ? "{\n" : "[\n";
    const std::size_t inner = indent + 2;
    for (std::size_t i = 0; i < n.items.size(); ++i) {
        const member& m = n.items[i];
        const bool last = i + 1 == n.items.size();
        if (m.blank_before && i) out += '\n';
        comment_lines(m.leading, inner, out);
        out += std::string(inner, ' ');
        std::size_t col = inner;
        if (object) {
            out += m.key + ": ";
            col += m.key.size() + 2;
        }
        print(m.value, inner, col, last ? 0 : 1, out);
        if (!last) out += ',';
        if (!m.trailing.empty()) out += ' ' + m.trailing;
        out += '\n';
    }
    comment_lines(n.closing, inner, out);
    out += std::string(indent, ' ') + (object ? '}' : ']');
}

bool is_json_schema(const node& root) {
    if (root.type != node::kind::object) return false;
    for (const auto& m : root.items)
        if (util::jsonc::key_name(m.key) == "$schema" &&
            m.value.text.find("json-schema.org") != std::string::npos)
            return true;
    return false;
}

} // namespace

std::string restyle(std::string_view text) {
    const auto before =
        util::parse_json(text, util::default_max_json_values, util::json_comments::allowed);
    auto doc = util::jsonc::parse(text);
    // konform's own files are objects; a file whose root is an array is a data set, all data.
    if (doc.root.type == node::kind::object && !is_json_schema(doc.root)) order_keys(doc.root);
    std::string out;
    comment_lines(doc.leading, 0, out);
    print(doc.root, 0, 0, 0, out);
    out += '\n';
    comment_lines(doc.trailing, 0, out);
    const auto after =
        util::parse_json(out, util::default_max_json_values, util::json_comments::allowed);
    if (before != after) throw std::logic_error("konform fmt would change the values it formats");
    return out;
}

} // namespace konform::model
