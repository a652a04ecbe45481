// GraphQL introspection (§4): the query konform sends, and a schema read from its answer,
// bounded, since the answer comes from the system under test.
#include "konform/graphql/introspection.hpp"

#include <stdexcept>

namespace konform::graphql {

using nlohmann::json;

const std::string& introspection_query() {
    static const std::string q = R"(query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types {
      kind
      name
      fields(includeDeprecated: true) {
        name
        args { name type { ...TypeRef } defaultValue }
        type { ...TypeRef }
      }
      inputFields { name type { ...TypeRef } defaultValue }
      interfaces { ...TypeRef }
      enumValues(includeDeprecated: true) { name }
      possibleTypes { ...TypeRef }
    }
  }
}
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}
)";
    return q;
}

namespace {

[[noreturn]] void bad(const std::string& where, const std::string& what) {
    throw std::runtime_error("the introspection answer: " + where + ": " + what);
}

std::string text_of(const json& j, const char* key, const std::string& where) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_string())
        bad(where, std::string("no text at ") + key);
    return j[key].get<std::string>();
}

type_ref type_of(const json& j, const std::string& where, int depth = 0) {
    if (depth > 16) bad(where, "a type reference wrapped more than 16 times");
    const std::string kind = text_of(j, "kind", where);
    if (kind == "NON_NULL" || kind == "LIST") {
        if (!j.contains("ofType") || !j["ofType"].is_object()) bad(where, kind + " without ofType");
        type_ref inner = type_of(j["ofType"], where, depth + 1);
        if (kind == "LIST") return list_of(std::move(inner));
        if (inner.non_null()) bad(where, "NON_NULL of NON_NULL");
        return non_null(std::move(inner));
    }
    return named(text_of(j, "name", where));
}

std::optional<std::string> default_of(const json& j) {
    if (j.contains("defaultValue") && j["defaultValue"].is_string())
        return j["defaultValue"].get<std::string>();
    return std::nullopt;
}

const json& list_at(const json& t, const char* key) {
    static const json none = json::array();
    return t.contains(key) && t[key].is_array() ? t[key] : none;
}

std::optional<std::string> root_name(const json& s, const char* key) {
    if (s.contains(key) && s[key].is_object() && s[key].contains("name") &&
        s[key]["name"].is_string())
        return s[key]["name"].get<std::string>();
    return std::nullopt;
}

} // namespace

schema from_introspection(const json& answer, const introspection_limits& limits) {
    const json* data = &answer;
    if (answer.is_object() && answer.contains("data")) data = &answer["data"];
    if (!data->is_object() || !data->contains("__schema") || !(*data)["__schema"].is_object())
        throw std::runtime_error("the introspection answer holds no data.__schema");
    const json& s = (*data)["__schema"];
    schema out;
    out.query_type = root_name(s, "queryType").value_or("");
    if (out.query_type.empty()) bad("__schema", "no queryType");
    out.mutation_type = root_name(s, "mutationType").value_or("");
    out.subscription_type = root_name(s, "subscriptionType").value_or("");
    const json& types = list_at(s, "types");
    if (types.size() > limits.max_types)
        bad("__schema.types", std::to_string(types.size()) + " types, more than the " +
                                  std::to_string(limits.max_types) + " konform reads");
    std::size_t members = 0;
    auto count = [&](std::size_t n, const std::string& where) {
        members += n;
        if (members > limits.max_members)
            bad(where, "more than " + std::to_string(limits.max_members) +
                           " fields, arguments and values in all");
    };
    static const std::map<std::string, type_kind> kinds{
        {"SCALAR", type_kind::scalar},       {"OBJECT", type_kind::object},
        {"INTERFACE", type_kind::interface}, {"UNION", type_kind::union_},
        {"ENUM", type_kind::enumeration},    {"INPUT_OBJECT", type_kind::input_object}};
    for (const json& t : types) {
        type_definition def;
        def.name = text_of(t, "name", "__schema.types");
        const std::string where = "type " + def.name.substr(0, 100);
        auto k = kinds.find(text_of(t, "kind", where));
        if (k == kinds.end()) bad(where, "an unknown kind");
        def.kind = k->second;
        count(list_at(t, "fields").size() + list_at(t, "inputFields").size() +
                  list_at(t, "enumValues").size() + list_at(t, "possibleTypes").size(),
              where);
        for (const json& f : list_at(t, "fields")) {
            field_definition fd;
            fd.name = text_of(f, "name", where);
            const std::string fwhere = where + "." + fd.name.substr(0, 100);
            fd.type = type_of(f.value("type", json()), fwhere);
            count(list_at(f, "args").size(), fwhere);
            for (const json& a : list_at(f, "args"))
                fd.arguments.push_back({text_of(a, "name", fwhere),
                                        type_of(a.value("type", json()), fwhere),
                                        default_of(a),
                                        {}});
            def.fields.push_back(std::move(fd));
        }
        for (const json& f : list_at(t, "inputFields"))
            def.input_fields.push_back({text_of(f, "name", where),
                                        type_of(f.value("type", json()), where),
                                        default_of(f),
                                        {}});
        for (const json& i : list_at(t, "interfaces"))
            def.interfaces.push_back(text_of(i, "name", where));
        for (const json& p : list_at(t, "possibleTypes"))
            if (def.kind == type_kind::union_) def.members.push_back(text_of(p, "name", where));
        for (const json& e : list_at(t, "enumValues"))
            def.enum_values.push_back(text_of(e, "name", where));
        if (!out.types.emplace(def.name, std::move(def)).second)
            bad(where, "the type is listed twice");
    }
    if (!out.type(out.query_type))
        bad("__schema", "the queryType " + out.query_type + " is not a type");
    return out;
}

namespace {

json ref_json(const type_ref& t, const schema& s) {
    if (t.is == type_ref::kind::named) {
        const type_definition* d = s.type(t.name);
        return {{"kind", d ? to_string(d->kind) : "SCALAR"}, {"name", t.name}, {"ofType", nullptr}};
    }
    return {{"kind", t.is == type_ref::kind::list ? "LIST" : "NON_NULL"},
            {"name", nullptr},
            {"ofType", ref_json(*t.of, s)}};
}

json input_json(const input_value& v, const schema& s) {
    return {{"name", v.name},
            {"type", ref_json(v.type, s)},
            {"defaultValue", v.default_value ? json(*v.default_value) : json(nullptr)}};
}

} // namespace

json to_introspection(const schema& s) {
    json types = json::array();
    for (const auto& [name, t] : s.types) {
        json j{{"kind", to_string(t.kind)}, {"name", name}};
        json fields = nullptr, inputs = nullptr, interfaces = nullptr, values = nullptr,
             possible = nullptr;
        if (t.kind == type_kind::object || t.kind == type_kind::interface) {
            fields = json::array();
            for (const auto& f : t.fields) {
                json args = json::array();
                for (const auto& a : f.arguments)
                    args.push_back(input_json(a, s));
                fields.push_back({{"name", f.name}, {"args", args}, {"type", ref_json(f.type, s)}});
            }
            interfaces = json::array();
            for (const auto& i : t.interfaces)
                interfaces.push_back(ref_json(named(i), s));
        }
        if (t.kind == type_kind::input_object) {
            inputs = json::array();
            for (const auto& f : t.input_fields)
                inputs.push_back(input_json(f, s));
        }
        if (t.kind == type_kind::enumeration) {
            values = json::array();
            for (const auto& v : t.enum_values)
                values.push_back({{"name", v}});
        }
        if (t.kind == type_kind::union_) {
            possible = json::array();
            for (const auto& m : t.members)
                possible.push_back(ref_json(named(m), s));
        }
        j["fields"] = fields;
        j["inputFields"] = inputs;
        j["interfaces"] = interfaces;
        j["enumValues"] = values;
        j["possibleTypes"] = possible;
        types.push_back(std::move(j));
    }
    auto root = [](const std::string& n) { return n.empty() ? json(nullptr) : json{{"name", n}}; };
    return {{"__schema",
             {{"queryType", root(s.query_type)},
              {"mutationType", root(s.mutation_type)},
              {"subscriptionType", root(s.subscription_type)},
              {"types", types}}}};
}

} // namespace konform::graphql
