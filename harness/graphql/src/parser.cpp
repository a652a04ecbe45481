// A recursive-descent parser for GraphQL's type system (SDL) and executable documents
// (October 2021, §2 and §3), bounded in depth (max_nesting).
#include "konform/graphql/parser.hpp"

#include "lexer.hpp"

#include <set>

namespace konform::graphql {

namespace {

using detail::token;

class parser {
public:
    explicit parser(std::string_view text) : lex_(text) {}

    // --- tokens ---
    const token& peek() const { return lex_.peek(); }
    bool at_end() const { return peek().is == token::kind::end; }
    bool is(std::string_view punct) const {
        return peek().is == token::kind::punctuator && peek().text == punct;
    }
    bool is_name(std::string_view n) const {
        return peek().is == token::kind::name && peek().text == n;
    }
    bool skip(std::string_view punct) {
        if (!is(punct)) return false;
        lex_.next();
        return true;
    }
    [[noreturn]] void fail(const std::string& expected) const {
        const token& t = peek();
        std::string got = t.is == token::kind::end ? "the end of the document"
                          : t.is == token::kind::string || t.is == token::kind::block_string
                              ? "a string"
                              : "'" + t.text.substr(0, 40) + "'";
        throw syntax_error(t.at, "expected " + expected + ", found " + got);
    }
    void expect(std::string_view punct) {
        if (!skip(punct)) fail("'" + std::string(punct) + "'");
    }
    std::string name(const std::string& what = "a name") {
        if (peek().is != token::kind::name) fail(what);
        return lex_.next().text;
    }
    void keyword(std::string_view k) {
        if (!is_name(k)) fail("'" + std::string(k) + "'");
        lex_.next();
    }
    position where() const { return peek().at; }

    struct depth_guard {
        int& d;
        depth_guard(int& depth, position at) : d(depth) {
            if (++d > max_nesting)
                throw syntax_error(at, "nested deeper than " + std::to_string(max_nesting));
        }
        ~depth_guard() { --d; }
    };

    // --- shared ---
    type_ref type() {
        depth_guard g(depth_, where());
        type_ref t;
        if (skip("[")) {
            t = list_of(type());
            expect("]");
        } else {
            t = named(name("a type"));
        }
        if (skip("!")) t = non_null(std::move(t));
        return t;
    }

    value parse_value(bool constant) {
        depth_guard g(depth_, where());
        value v;
        v.at = where();
        const token& t = peek();
        if (is("$")) {
            if (constant) fail("a constant value (no variable)");
            lex_.next();
            v.is = value::kind::variable;
            v.text = name("a variable name");
        } else if (t.is == token::kind::integer || t.is == token::kind::floating) {
            v.is = t.is == token::kind::integer ? value::kind::integer : value::kind::floating;
            v.text = lex_.next().text;
        } else if (t.is == token::kind::string || t.is == token::kind::block_string) {
            v.is = value::kind::string;
            v.text = lex_.next().text;
        } else if (t.is == token::kind::name) {
            v.text = lex_.next().text;
            v.is = v.text == "true" || v.text == "false" ? value::kind::boolean
                   : v.text == "null"                    ? value::kind::null
                                                         : value::kind::enumeration;
        } else if (skip("[")) {
            v.is = value::kind::list;
            while (!skip("]")) {
                if (at_end()) fail("']'");
                v.items.emplace_back("", parse_value(constant));
            }
        } else if (skip("{")) {
            v.is = value::kind::object;
            std::set<std::string> seen;
            while (!skip("}")) {
                const position at = where();
                std::string n = name("a field name or '}'");
                if (!seen.insert(n).second)
                    throw syntax_error(at, "the object names " + n + " twice");
                expect(":");
                v.items.emplace_back(std::move(n), parse_value(constant));
            }
        } else {
            fail("a value");
        }
        return v;
    }

    void directives(bool constant) {
        while (skip("@")) {
            name("a directive name");
            if (is("(")) arguments(constant);
        }
    }

    std::vector<argument> arguments(bool constant) {
        std::vector<argument> out;
        expect("(");
        do {
            argument a;
            a.at = where();
            a.name = name("an argument name");
            expect(":");
            a.val = parse_value(constant);
            out.push_back(std::move(a));
        } while (!skip(")"));
        return out;
    }

    bool description() {
        if (peek().is == token::kind::string || peek().is == token::kind::block_string) {
            lex_.next();
            return true;
        }
        return false;
    }

    // --- the type system ---
    input_value input_value_definition() {
        description();
        input_value iv;
        iv.at = where();
        iv.name = name("an argument or input field name");
        expect(":");
        iv.type = type();
        if (skip("=")) { // kept only to know the argument has one (it is then optional)
            const value d = parse_value(true);
            iv.default_value = d.is == value::kind::string   ? "\"" + d.text + "\""
                               : d.is == value::kind::list   ? "[...]"
                               : d.is == value::kind::object ? "{...}"
                                                             : d.text;
        }
        directives(true);
        return iv;
    }

    std::vector<input_value> argument_definitions() {
        std::vector<input_value> out;
        expect("(");
        do {
            out.push_back(input_value_definition());
        } while (!skip(")"));
        return out;
    }

    field_definition field_def() {
        description();
        field_definition f;
        f.at = where();
        f.name = name("a field name");
        if (is("(")) f.arguments = argument_definitions();
        expect(":");
        f.type = type();
        directives(true);
        return f;
    }

    std::vector<std::string> implements() {
        std::vector<std::string> out;
        if (!is_name("implements")) return out;
        lex_.next();
        skip("&");
        do {
            out.push_back(name("an interface name"));
        } while (skip("&"));
        return out;
    }

    void type_body(type_definition& t) {
        if (t.kind == type_kind::object || t.kind == type_kind::interface) {
            for (auto& i : implements())
                t.interfaces.push_back(std::move(i));
            directives(true);
            if (skip("{"))
                while (!skip("}")) {
                    if (at_end()) fail("'}'");
                    t.fields.push_back(field_def());
                }
        } else if (t.kind == type_kind::input_object) {
            directives(true);
            if (skip("{"))
                while (!skip("}")) {
                    if (at_end()) fail("'}'");
                    t.input_fields.push_back(input_value_definition());
                }
        } else if (t.kind == type_kind::enumeration) {
            directives(true);
            if (skip("{"))
                while (!skip("}")) {
                    description();
                    const position at = where();
                    std::string v = name("an enum value");
                    if (v == "true" || v == "false" || v == "null")
                        throw syntax_error(at, "an enum value may not be " + v);
                    directives(true);
                    t.enum_values.push_back(std::move(v));
                }
        } else if (t.kind == type_kind::union_) {
            directives(true);
            if (skip("=")) {
                skip("|");
                do {
                    t.members.push_back(name("a member type"));
                } while (skip("|"));
            }
        } else {
            directives(true);
        }
    }

    static std::optional<type_kind> kind_of(const std::string& word) {
        if (word == "type") return type_kind::object;
        if (word == "interface") return type_kind::interface;
        if (word == "union") return type_kind::union_;
        if (word == "enum") return type_kind::enumeration;
        if (word == "input") return type_kind::input_object;
        if (word == "scalar") return type_kind::scalar;
        return std::nullopt;
    }

    void schema_definition(schema& s) {
        directives(true);
        expect("{");
        do {
            const std::string op = name("query, mutation or subscription");
            expect(":");
            std::string t = name("a type name");
            if (op == "query")
                s.query_type = std::move(t);
            else if (op == "mutation")
                s.mutation_type = std::move(t);
            else if (op == "subscription")
                s.subscription_type = std::move(t);
            else
                fail("query, mutation or subscription");
        } while (!skip("}"));
    }

    void directive_definition() {
        name("a directive name");
        if (is("(")) argument_definitions();
        if (is_name("repeatable")) lex_.next();
        keyword("on");
        skip("|");
        do {
            name("a directive location");
        } while (skip("|"));
    }

    schema type_system() {
        schema s;
        std::vector<std::pair<type_definition, position>> extensions;
        while (!at_end()) {
            const bool described = description();
            const position at = where();
            const std::string word = name("a type system definition");
            const bool extend = word == "extend";
            if (extend && described) throw syntax_error(at, "an extension takes no description");
            const std::string what = extend ? name("what to extend") : word;
            if (what == "schema") {
                schema_definition(s);
                continue;
            }
            if (what == "directive" && !extend) {
                expect("@");
                directive_definition();
                continue;
            }
            const auto kind = kind_of(what);
            if (!kind) {
                if (what == "query" || what == "mutation" || what == "subscription" ||
                    what == "fragment")
                    throw syntax_error(at, "a schema holds no " + what);
                throw syntax_error(at, "expected a type system definition, found '" + what + "'");
            }
            type_definition t;
            t.at = at;
            t.kind = *kind;
            t.name = name("a type name");
            type_body(t);
            if (extend) {
                extensions.emplace_back(std::move(t), at);
            } else if (!s.types.emplace(t.name, t).second) {
                throw syntax_error(at, "the type " + t.name + " is defined twice");
            }
        }
        for (auto& [ext, at] : extensions) {
            auto it = s.types.find(ext.name);
            if (it == s.types.end() || it->second.kind != ext.kind)
                throw syntax_error(at, "extends " + ext.name + ", which is not defined as a " +
                                           to_string(ext.kind));
            auto& t = it->second;
            t.fields.insert(t.fields.end(), ext.fields.begin(), ext.fields.end());
            t.input_fields.insert(t.input_fields.end(), ext.input_fields.begin(),
                                  ext.input_fields.end());
            t.interfaces.insert(t.interfaces.end(), ext.interfaces.begin(), ext.interfaces.end());
            t.members.insert(t.members.end(), ext.members.begin(), ext.members.end());
            t.enum_values.insert(t.enum_values.end(), ext.enum_values.begin(),
                                 ext.enum_values.end());
        }
        for (const char* builtin : {"Int", "Float", "String", "Boolean", "ID"}) {
            type_definition t;
            t.name = builtin;
            t.kind = type_kind::scalar;
            s.types.emplace(t.name, t);
        }
        if (s.query_type != "Query" && !s.types.count(s.query_type))
            throw syntax_error({}, "the query type " + s.query_type + " is not defined");
        return s;
    }

    // --- executable documents ---
    selection_set selections() {
        depth_guard g(depth_, where());
        selection_set out;
        expect("{");
        do {
            if (at_end()) fail("'}'");
            selection sel;
            sel.at = where();
            if (skip("...")) {
                if (is_name("on") || is("{") || is("@")) {
                    sel.is = selection::kind::inline_fragment;
                    if (is_name("on")) {
                        lex_.next();
                        sel.type_condition = name("a type name");
                    }
                    directives(false);
                    sel.selections = selections();
                    sel.has_selections = true;
                } else {
                    sel.is = selection::kind::fragment_spread;
                    sel.name = name("a fragment name");
                    directives(false);
                }
            } else {
                sel.name = name("a field name");
                if (skip(":")) {
                    sel.alias = std::move(sel.name);
                    sel.name = name("a field name");
                }
                if (is("(")) sel.arguments = arguments(false);
                directives(false);
                if (is("{")) {
                    sel.selections = selections();
                    sel.has_selections = true;
                }
            }
            out.push_back(std::move(sel));
        } while (!skip("}"));
        return out;
    }

    executable_document executable() {
        executable_document d;
        std::set<std::string> names;
        if (at_end()) fail("an operation");
        while (!at_end()) {
            const position at = where();
            if (is("{")) {
                operation op;
                op.at = at;
                op.selections = selections();
                d.operations.push_back(std::move(op));
                continue;
            }
            const std::string word = name("an operation or a fragment");
            if (word == "fragment") {
                fragment_definition f;
                f.at = at;
                f.name = name("a fragment name");
                if (f.name == "on") throw syntax_error(at, "a fragment may not be named 'on'");
                keyword("on");
                f.type_condition = name("a type name");
                directives(false);
                f.selections = selections();
                if (d.fragments.count(f.name))
                    throw syntax_error(at, "the fragment " + f.name + " is defined twice");
                d.fragments.emplace(f.name, std::move(f));
                continue;
            }
            if (word != "query" && word != "mutation" && word != "subscription")
                throw syntax_error(
                    at, "expected query, mutation, subscription or fragment, found '" + word + "'");
            operation op;
            op.at = at;
            op.type = word;
            if (peek().is == token::kind::name) op.name = lex_.next().text;
            if (skip("(")) {
                do {
                    variable_definition v;
                    v.at = where();
                    expect("$");
                    v.name = name("a variable name");
                    expect(":");
                    v.type = type();
                    if (skip("=")) v.default_value = parse_value(true);
                    directives(true);
                    op.variables.push_back(std::move(v));
                } while (!skip(")"));
            }
            directives(false);
            op.selections = selections();
            if (!op.name.empty() && !names.insert(op.name).second)
                throw syntax_error(at, "the operation " + op.name + " is defined twice");
            d.operations.push_back(std::move(op));
        }
        if (d.operations.size() > 1)
            for (const auto& op : d.operations)
                if (op.name.empty())
                    throw syntax_error(op.at, "an anonymous operation must be the only one");
        return d;
    }

private:
    detail::lexer lex_;
    int depth_ = 0;
};

} // namespace

schema parse_schema(std::string_view text) {
    return parser(text).type_system();
}

executable_document parse_executable(std::string_view text) {
    return parser(text).executable();
}

} // namespace konform::graphql
