#pragma once

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

// GraphQL documents (the specification of October 2021): a schema written in SDL, and the
// queries a profile sends. konform reads both with its own parser (parser.hpp); there is
// no Debian package for one.
namespace konform::graphql {

// Where a token stands: 1-based line and column (in bytes).
struct position {
    int line = 1;
    int column = 1;
};

// A document that is not GraphQL: what was expected, and where.
class syntax_error : public std::runtime_error {
public:
    syntax_error(position at, const std::string& what)
        : std::runtime_error(std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
                             what),
          at_(at) {}
    position where() const { return at_; }

private:
    position at_;
};

// A type as written: a named type, a list of a type, or a non-null one ("[String!]!").
struct type_ref {
    enum class kind { named, list, non_null };
    kind is = kind::named;
    std::string name;                      // named
    std::shared_ptr<type_ref> of;          // list, non_null
    std::string text() const;              // "[String!]!"
    const std::string& named_type() const; // the innermost name
    bool non_null() const { return is == kind::non_null; }
};
type_ref named(std::string name);
type_ref non_null(type_ref of);
type_ref list_of(type_ref of);

// An argument's or an input field's definition.
struct input_value {
    std::string name;
    type_ref type;
    std::optional<std::string> default_value; // as written
    position at;
    // Required: non-null and without a default (a caller must give it).
    bool required() const { return type.non_null() && !default_value; }
};

struct field_definition {
    std::string name;
    std::vector<input_value> arguments;
    type_ref type;
    position at;
    const input_value* argument(const std::string& n) const;
};

enum class type_kind { scalar, object, interface, union_, enumeration, input_object };
std::string to_string(type_kind k); // as introspection names it: "OBJECT", "INPUT_OBJECT", ...

struct type_definition {
    std::string name;
    type_kind kind = type_kind::object;
    std::vector<field_definition> fields;  // object, interface
    std::vector<input_value> input_fields; // input object
    std::vector<std::string> interfaces;   // object, interface
    std::vector<std::string> members;      // union
    std::vector<std::string> enum_values;  // enum
    position at;
    const field_definition* field(const std::string& n) const;
    const input_value* input_field(const std::string& n) const;
    bool composite() const { // has fields to select
        return kind == type_kind::object || kind == type_kind::interface ||
               kind == type_kind::union_;
    }
};

// A schema: its types by name (the built-in scalars included) and its root types.
struct schema {
    std::map<std::string, type_definition> types;
    std::string query_type = "Query";
    std::string mutation_type;     // empty: none
    std::string subscription_type; // empty: none
    const type_definition* type(const std::string& n) const;
};

// A value in a query: a variable, a literal, a list or an object.
struct value {
    enum class kind {
        variable,
        integer,
        floating,
        string,
        boolean,
        null,
        enumeration,
        list,
        object
    };
    kind is = kind::null;
    std::string text; // the variable's or enum value's name, the literal as written
    std::vector<std::pair<std::string, value>> items; // list (names empty) or object
    position at;
};

struct argument {
    std::string name;
    value val;
    position at;
};

struct selection;
using selection_set = std::vector<selection>;

// A field, a fragment spread (`...name`) or an inline fragment (`... on T { }`).
struct selection {
    enum class kind { field, fragment_spread, inline_fragment };
    kind is = kind::field;
    std::string alias, name;    // field: its alias (or empty) and name; spread: the fragment
    std::string type_condition; // inline fragment (may be empty)
    std::vector<argument> arguments;
    selection_set selections;
    bool has_selections = false;
    position at;
};

struct variable_definition {
    std::string name;
    type_ref type;
    std::optional<value> default_value;
    position at;
};

struct operation {
    std::string type = "query"; // query, mutation or subscription
    std::string name;           // empty for an anonymous operation
    std::vector<variable_definition> variables;
    selection_set selections;
    position at;
};

struct fragment_definition {
    std::string name;
    std::string type_condition;
    selection_set selections;
    position at;
};

// A query document: its operations and fragments.
struct executable_document {
    std::vector<operation> operations;
    std::map<std::string, fragment_definition> fragments;
    // The operation `name` picks (empty: the only one), or null.
    const operation* find(const std::string& name) const;
};

} // namespace konform::graphql
