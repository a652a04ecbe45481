#include "konform/graphql/document.hpp"

namespace konform::graphql {

type_ref named(std::string name) {
    type_ref t;
    t.name = std::move(name);
    return t;
}

type_ref non_null(type_ref of) {
    type_ref t;
    t.is = type_ref::kind::non_null;
    t.of = std::make_shared<type_ref>(std::move(of));
    return t;
}

type_ref list_of(type_ref of) {
    type_ref t;
    t.is = type_ref::kind::list;
    t.of = std::make_shared<type_ref>(std::move(of));
    return t;
}

std::string type_ref::text() const {
    switch (is) {
    case kind::named:
        return name;
    case kind::list:
        return "[" + of->text() + "]";
    case kind::non_null:
        return of->text() + "!";
    }
    return name;
}

const std::string& type_ref::named_type() const {
    return is == kind::named ? name : of->named_type();
}

std::string to_string(type_kind k) {
    switch (k) {
    case type_kind::scalar:
        return "SCALAR";
    case type_kind::object:
        return "OBJECT";
    case type_kind::interface:
        return "INTERFACE";
    case type_kind::union_:
        return "UNION";
    case type_kind::enumeration:
        return "ENUM";
    case type_kind::input_object:
        return "INPUT_OBJECT";
    }
    return "?";
}

const input_value* field_definition::argument(const std::string& n) const {
    for (const auto& a : arguments)
        if (a.name == n) return &a;
    return nullptr;
}

const field_definition* type_definition::field(const std::string& n) const {
    for (const auto& f : fields)
        if (f.name == n) return &f;
    return nullptr;
}

const input_value* type_definition::input_field(const std::string& n) const {
    for (const auto& f : input_fields)
        if (f.name == n) return &f;
    return nullptr;
}

const type_definition* schema::type(const std::string& n) const {
    auto it = types.find(n);
    return it == types.end() ? nullptr : &it->second;
}

const operation* executable_document::find(const std::string& name) const {
    if (name.empty()) return operations.size() == 1 ? &operations.front() : nullptr;
    for (const auto& op : operations)
        if (op.name == name) return &op;
    return nullptr;
}

} // namespace konform::graphql
