// Schema conformance: the standard's schema against the one a system describes by
// introspection. One rule for output positions (covariant) and one for inputs
// (contravariant), as GraphQL's own schema-change rules put it.
#include "konform/graphql/conformance.hpp"

#include <algorithm>
#include <set>

namespace konform::graphql {

namespace {

bool builtin(const std::string& name) {
    static const std::set<std::string> names{"Int", "Float", "String", "Boolean", "ID"};
    return names.count(name) || name.rfind("__", 0) == 0;
}

// The system's counterpart of a standard type name (root types by role).
std::string counterpart(const std::string& name, const schema& standard, const schema& system) {
    if (name == standard.query_type) return system.query_type;
    if (!standard.mutation_type.empty() && name == standard.mutation_type)
        return system.mutation_type;
    return name;
}

// Whether the system's output type gives what the standard's promises.
bool output_fits(const type_ref& standard, const type_ref& system, const schema& s,
                 const schema& y) {
    if (standard.non_null())
        return system.non_null() && output_fits(*standard.of, *system.of, s, y);
    if (system.non_null()) return output_fits(standard, *system.of, s, y);
    if (standard.is == type_ref::kind::list)
        return system.is == type_ref::kind::list && output_fits(*standard.of, *system.of, s, y);
    return system.is == type_ref::kind::named && counterpart(standard.name, s, y) == system.name;
}

// Whether the system's input type takes everything the standard's does.
bool input_fits(const type_ref& standard, const type_ref& system, const schema& s,
                const schema& y) {
    if (system.non_null()) return standard.non_null() && input_fits(*standard.of, *system.of, s, y);
    if (standard.non_null()) return input_fits(*standard.of, system, s, y);
    if (standard.is == type_ref::kind::list)
        return system.is == type_ref::kind::list && input_fits(*standard.of, *system.of, s, y);
    return system.is == type_ref::kind::named && standard.name == system.name;
}

void compare_inputs(const std::vector<input_value>& standard,
                    const std::vector<input_value>& system, const std::string& where,
                    const char* noun, const schema& s, const schema& y,
                    std::vector<schema_finding>& out) {
    for (const auto& a : standard) {
        const input_value* b = nullptr;
        for (const auto& c : system)
            if (c.name == a.name) b = &c;
        const std::string at = where + "(" + a.name + ")";
        if (!b) {
            out.push_back({at, std::string("the ") + noun + " " + a.name + ": " + a.type.text() +
                                   " is missing"});
            continue;
        }
        if (!a.required() && b->required())
            out.push_back({at, "the standard makes " + a.name + " optional (" + a.type.text() +
                                   "), the system requires it (" + b->type.text() + ")"});
        else if (!input_fits(a.type, b->type, s, y))
            out.push_back({at, "the standard's type is " + a.type.text() + ", the system's is " +
                                   b->type.text()});
    }
    for (const auto& b : system) {
        bool known = false;
        for (const auto& a : standard)
            known = known || a.name == b.name;
        if (!known && b.required())
            out.push_back({where + "(" + b.name + ")", "the system requires " + b.name + " (" +
                                                           b.type.text() +
                                                           "), which the standard does not have"});
    }
}

void compare_type(const type_definition& a, const type_definition& b, const schema& s,
                  const schema& y, std::vector<schema_finding>& out) {
    if (a.kind != b.kind) {
        out.push_back({a.name, "the standard's " + a.name + " is " + to_string(a.kind) +
                                   ", the system's " + b.name + " is " + to_string(b.kind)});
        return;
    }
    for (const auto& f : a.fields) {
        const std::string at = a.name + "." + f.name;
        const field_definition* g = b.field(f.name);
        if (!g) {
            out.push_back({at, "the field " + f.name + ": " + f.type.text() + " is missing"});
            continue;
        }
        if (!output_fits(f.type, g->type, s, y)) {
            const bool nullable = f.type.non_null() && !g->type.non_null();
            out.push_back({at, "the standard's type is " + f.type.text() + ", the system's is " +
                                   g->type.text() +
                                   (nullable ? " (nullable where the standard is not)" : "")});
        }
        compare_inputs(f.arguments, g->arguments, at, "argument", s, y, out);
    }
    compare_inputs(a.input_fields, b.input_fields, a.name, "input field", s, y, out);
    for (const auto& i : a.interfaces)
        if (std::find(b.interfaces.begin(), b.interfaces.end(), i) == b.interfaces.end())
            out.push_back({a.name, "does not implement " + i});
    for (const auto& m : a.members)
        if (std::find(b.members.begin(), b.members.end(), m) == b.members.end())
            out.push_back({a.name, "the member " + m + " is missing"});
    for (const auto& v : a.enum_values)
        if (std::find(b.enum_values.begin(), b.enum_values.end(), v) == b.enum_values.end())
            out.push_back({a.name + "." + v, "the enum value " + v + " is missing"});
}

} // namespace

std::vector<schema_finding> compare_schemas(const schema& standard, const schema& system,
                                            const std::vector<std::string>& types) {
    std::vector<schema_finding> out;
    std::vector<std::string> names = types;
    if (names.empty())
        for (const auto& [name, t] : standard.types)
            if (!builtin(name)) names.push_back(name);
    for (const auto& name : names) {
        const type_definition* a = standard.type(name);
        if (!a) {
            out.push_back({name, "the standard defines no type " + name});
            continue;
        }
        const std::string theirs = counterpart(name, standard, system);
        const type_definition* b = theirs.empty() ? nullptr : system.type(theirs);
        if (!b) {
            out.push_back({name, "the type " + name + " (" + to_string(a->kind) + ") is missing"});
            continue;
        }
        compare_type(*a, *b, standard, system, out);
    }
    return out;
}

} // namespace konform::graphql
