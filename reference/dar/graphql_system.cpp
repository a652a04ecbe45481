#include "graphql_system.hpp"

#include "faults.hpp"
#include "query_reader.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <optional>

namespace konform::reference::dar {

std::string_view adresser_json();
std::string_view husnumre_json();
std::string_view navngivneveje_json();
std::string_view postnumre_json();

using nlohmann::json;

namespace {

constexpr const char* api_key = "konform-example-key";
constexpr long long default_page = 100, max_page = 1000;

// One entity: its records (every version), its fields and their types.
struct entity {
    std::string name;
    std::vector<std::pair<std::string, std::string>> fields; // name, type ("String!")
    json rows;
};

const std::vector<entity>& entities() {
    static const std::vector<entity> all = [] {
        const std::vector<std::pair<std::string, std::string>> temporal{
            {"virkningFra", "DafDateTime!"},
            {"virkningTil", "DafDateTime"},
            {"registreringFra", "DafDateTime!"},
            {"registreringTil", "DafDateTime"}};
        auto with = [&](std::vector<std::pair<std::string, std::string>> f) {
            f.insert(f.begin(), {{"id_lokalId", "String!"}, {"status", "String!"}});
            f.insert(f.end(), temporal.begin(), temporal.end());
            return f;
        };
        return std::vector<entity>{
            {"DAR_Adresse",
             with({{"husnummer", "String"},
                   {"etagebetegnelse", "String"},
                   {"doerbetegnelse", "String"},
                   {"adressebetegnelse", "String"}}),
             json::parse(adresser_json())},
            {"DAR_Husnummer",
             with({{"adgangsadressebetegnelse", "String"},
                   {"husnummertekst", "String"},
                   {"vejmidte", "String"},
                   {"navngivenVej", "String"},
                   {"postnummer", "String"},
                   {"adgangspunkt", "String"}}),
             json::parse(husnumre_json())},
            {"DAR_NavngivenVej", with({{"vejnavn", "String"}, {"vejadresseringsnavn", "String"}}),
             json::parse(navngivneveje_json())},
            {"DAR_Postnummer", with({{"postnr", "String"}, {"navn", "String"}}),
             json::parse(postnumre_json())}};
    }();
    return all;
}

const entity* find_entity(const std::string& name) {
    for (const auto& e : entities())
        if (e.name == name) return &e;
    return nullptr;
}

// The filter fields each entity takes in `where`.
std::vector<std::string> filter_fields(const std::string& entity) {
    if (entity == "DAR_Adresse") return {"id_lokalId", "status", "husnummer", "adressebetegnelse"};
    if (entity == "DAR_Husnummer")
        return {"id_lokalId",     "status",   "adgangsadressebetegnelse",
                "husnummertekst", "vejmidte", "navngivenVej",
                "postnummer"};
    if (entity == "DAR_NavngivenVej") return {"id_lokalId", "status", "vejnavn"};
    return {"id_lokalId", "status", "postnr", "navn"};
}

// A GraphQL error the request earns, with where in the query it stands.
struct graphql_failure {
    std::string message;
    int line = 0, column = 0;
};

// --- introspection: this system's own description of its schema ---
json type_ref(const std::string& text) {
    if (!text.empty() && text.back() == '!')
        return {{"kind", "NON_NULL"},
                {"name", nullptr},
                {"ofType", type_ref(text.substr(0, text.size() - 1))}};
    if (!text.empty() && text.front() == '[')
        return {{"kind", "LIST"},
                {"name", nullptr},
                {"ofType", type_ref(text.substr(1, text.size() - 2))}};
    static const std::map<std::string, std::string> kinds{
        {"String", "SCALAR"},   {"Int", "SCALAR"},
        {"Boolean", "SCALAR"},  {"DafDateTime", "SCALAR"},
        {"PageInfo", "OBJECT"}, {"StringOperationFilterInput", "INPUT_OBJECT"}};
    std::string kind = "OBJECT";
    if (auto it = kinds.find(text); it != kinds.end())
        kind = it->second;
    else if (text.size() > 11 && text.substr(text.size() - 11) == "FilterInput")
        kind = "INPUT_OBJECT";
    return {{"kind", kind}, {"name", text}, {"ofType", nullptr}};
}

json input(const std::string& name, const std::string& type) {
    return {{"name", name}, {"type", type_ref(type)}, {"defaultValue", nullptr}};
}

json object_type(const std::string& name,
                 const std::vector<std::pair<std::string, std::string>>& fields,
                 const json& args_of = json::object()) {
    json f = json::array();
    for (const auto& [n, t] : fields)
        f.push_back({{"name", n},
                     {"args", args_of.value(n, json::array())},
                     {"type", type_ref(t)},
                     {"isDeprecated", false},
                     {"deprecationReason", nullptr}});
    return {{"kind", "OBJECT"},       {"name", name},
            {"description", nullptr}, {"fields", f},
            {"inputFields", nullptr}, {"interfaces", json::array()},
            {"enumValues", nullptr},  {"possibleTypes", nullptr}};
}

json input_type(const std::string& name,
                const std::vector<std::pair<std::string, std::string>>& fields) {
    json f = json::array();
    for (const auto& [n, t] : fields)
        f.push_back(input(n, t));
    return {{"kind", "INPUT_OBJECT"}, {"name", name},
            {"description", nullptr}, {"fields", nullptr},
            {"inputFields", f},       {"interfaces", nullptr},
            {"enumValues", nullptr},  {"possibleTypes", nullptr}};
}

json scalar(const std::string& name) {
    return {{"kind", "SCALAR"},       {"name", name},
            {"description", nullptr}, {"fields", nullptr},
            {"inputFields", nullptr}, {"interfaces", nullptr},
            {"enumValues", nullptr},  {"possibleTypes", nullptr}};
}

json introspection(const fault_switches& f) {
    json types = json::array();
    for (const char* s : {"String", "Int", "Boolean", "DafDateTime"})
        types.push_back(scalar(s));
    std::vector<std::pair<std::string, std::string>> root;
    json root_args = json::object();
    for (const auto& e : entities()) {
        root.emplace_back(e.name, e.name + "Connection");
        json args = json::array(
            {input("first", f.first_required && e.name == "DAR_Husnummer" ? "Int!" : "Int"),
             input("after", "String"), input("virkningstid", "DafDateTime"),
             input("registreringstid", "DafDateTime"), input("where", e.name + "FilterInput")});
        root_args[e.name] = args;
        auto fields = e.fields;
        if (f.status_nullable && e.name == "DAR_Adresse")
            for (auto& [n, t] : fields)
                if (n == "status") t = "String";
        types.push_back(object_type(e.name, fields));
        types.push_back(object_type(e.name + "Connection",
                                    {{"pageInfo", "PageInfo!"}, {"nodes", "[" + e.name + "!]"}}));
        std::vector<std::pair<std::string, std::string>> filters;
        for (const auto& n : filter_fields(e.name))
            filters.emplace_back(n, "StringOperationFilterInput");
        types.push_back(input_type(e.name + "FilterInput", filters));
    }
    types.push_back(object_type("Query", root, root_args));
    types.push_back(object_type("PageInfo", {{"hasNextPage", "Boolean!"},
                                             {"hasPreviousPage", "Boolean!"},
                                             {"startCursor", "String"},
                                             {"endCursor", "String"}}));
    std::vector<std::pair<std::string, std::string>> ops{
        {"eq", "String"}, {"neq", "String"}, {"in", "[String]"}};
    if (!f.starts_with_undeclared) ops.emplace_back("startsWith", "String");
    types.push_back(input_type("StringOperationFilterInput", ops));
    return {{"queryType", {{"name", "Query"}}},
            {"mutationType", nullptr},
            {"subscriptionType", nullptr},
            {"types", types},
            {"directives", json::array()}};
}

// The value projected onto a selection set, as GraphQL executes it.
json project(const json& value, const std::vector<field>& selections,
             const std::string& type_name) {
    if (value.is_array()) {
        json out = json::array();
        for (const auto& item : value)
            out.push_back(item.is_null() ? json(nullptr) : project(item, selections, type_name));
        return out;
    }
    if (!value.is_object() || selections.empty()) return value;
    json out = json::object();
    for (const auto& s : selections) {
        if (s.name == "__typename") {
            out[s.key()] = value.value("__typename", type_name);
            continue;
        }
        const json v = value.contains(s.name) ? value[s.name] : json(nullptr);
        out[s.key()] = project(v, s.selections, "");
    }
    return out;
}

// "2010-01-01T00:00:00Z" and "2010-01-01T00:00:00.000000Z" compare by their first 19 bytes.
std::string instant(const json& v) {
    return v.is_string() ? v.get<std::string>().substr(0, 19) : std::string();
}

std::string now_instant() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::gmtime(&t));
    return buf;
}

bool in_effect(const json& row, const std::string& from, const std::string& to,
               const std::string& at) {
    return instant(row[from]) <= at && (row[to].is_null() || at < instant(row[to]));
}

std::string mangle(std::string s) {
    const std::pair<const char*, const char*> swaps[] = {{"æ", "ae"}, {"ø", "oe"}, {"å", "aa"},
                                                         {"Æ", "Ae"}, {"Ø", "Oe"}, {"Å", "Aa"}};
    for (const auto& [from, to] : swaps)
        for (std::size_t at; (at = s.find(from)) != std::string::npos;)
            s.replace(at, std::string(from).size(), to);
    return s;
}

std::string dawa_status(const std::string& dar) {
    return dar == "3" ? "1" : dar == "2" ? "3" : dar == "4" ? "2" : dar == "5" ? "4" : dar;
}

// One record kept by `where`: every named field meets every operation.
bool matches(const json& row, const json& where, const std::string& entity, const fault_switches& f,
             const field& at) {
    for (const auto& [name, ops] : where.items()) {
        const auto allowed = filter_fields(entity);
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
            throw graphql_failure{"The field `" + name + "` does not exist on the type `" + entity +
                                      "FilterInput`.",
                                  at.line, at.column};
        if (!ops.is_object())
            throw graphql_failure{"`" + name + "` takes an object of operations.", at.line,
                                  at.column};
        std::string value =
            row.value(name, json(nullptr)).is_string() ? row[name].get<std::string>() : "";
        for (const auto& [op, arg] : ops.items()) {
            const bool betegnelse = name == "adgangsadressebetegnelse";
            if (name == "status" && f.status_filter_ignored) continue;
            if (op == "eq") {
                if (betegnelse && f.eq_ignored) continue;
                if (!arg.is_string() || value != arg.get<std::string>()) return false;
            } else if (op == "neq") {
                if (arg.is_string() && value == arg.get<std::string>()) return false;
            } else if (op == "startsWith") {
                if (!arg.is_string()) return false;
                const std::string p = arg.get<std::string>();
                if (betegnelse && f.starts_with_as_contains) {
                    if (value.find(p) == std::string::npos) return false;
                } else if (value.rfind(p, 0) != 0) {
                    return false;
                }
            } else if (op == "in") {
                bool any = false;
                for (const auto& a : arg.is_array() ? arg : json::array())
                    any = any || (a.is_string() && a.get<std::string>() == value);
                if (!any) return false;
            } else {
                throw graphql_failure{"The operation `" + op + "` does not exist on " +
                                          "`StringOperationFilterInput`.",
                                      at.line, at.column};
            }
        }
    }
    return true;
}

std::string cursor_of(std::size_t index) {
    static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string plain = "dar:" + std::to_string(index), out;
    for (unsigned char c : plain) // opaque, not meant to be read
        out += digits[(c * 7 + out.size()) % 64];
    return out + ":" + std::to_string(index * 31 + 7);
}

std::optional<std::size_t> index_of(const std::string& cursor) {
    const auto colon = cursor.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    try {
        const long long n = std::stoll(cursor.substr(colon + 1));
        if (n < 7 || (n - 7) % 31) return std::nullopt;
        const auto index = static_cast<std::size_t>((n - 7) / 31);
        return cursor_of(index) == cursor ? std::optional(index) : std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

json resolve_entity(const entity& e, const field& sel, const fault_switches& f) {
    const json& a = sel.arguments;
    for (const auto& [k, v] : a.items())
        if (k != "first" && k != "after" && k != "virkningstid" && k != "registreringstid" &&
            k != "where")
            throw graphql_failure{"The argument `" + k + "` does not exist.", sel.line, sel.column};
    long long first = default_page;
    if (a.contains("first") && !a["first"].is_null()) {
        if (!a["first"].is_number_integer() || a["first"].get<long long>() < 0)
            throw graphql_failure{"first must be a whole number of 0 or more.", sel.line,
                                  sel.column};
        first = a["first"].get<long long>();
        if (first > max_page)
            throw graphql_failure{"first may be at most " + std::to_string(max_page) + ".",
                                  sel.line, sel.column};
    }
    const std::string now = now_instant();
    std::string virkning = now, registrering = now;
    if (a.contains("virkningstid") && a["virkningstid"].is_string() && !f.virkningstid_ignored)
        virkning = instant(a["virkningstid"]);
    if (a.contains("registreringstid") && a["registreringstid"].is_string() &&
        !f.registreringstid_ignored)
        registrering = instant(a["registreringstid"]);
    const json where = a.value("where", json::object());
    std::vector<const json*> kept;
    for (const auto& row : e.rows) {
        if (!in_effect(row, "virkningFra", "virkningTil", virkning) ||
            !in_effect(row, "registreringFra", "registreringTil", registrering))
            continue;
        if (!where.is_null() && !matches(row, where, e.name, f, sel)) continue;
        kept.push_back(&row);
    }
    if (f.kommune_row_missing && where.contains("vejmidte")) {
        for (auto it = kept.begin(); it != kept.end(); ++it)
            if ((**it).value("kommunekode", "") == "0461") {
                kept.erase(it);
                break;
            }
    }
    std::size_t from = 0;
    if (a.contains("after") && !a["after"].is_null()) {
        const auto i =
            a["after"].is_string() ? index_of(a["after"].get<std::string>()) : std::nullopt;
        if (!i) throw graphql_failure{"The cursor is not valid.", sel.line, sel.column};
        from = *i + 1;
        if (f.cursor_repeats && from > 0) --from;
    }
    const std::size_t take = static_cast<std::size_t>(first) + (f.first_not_honoured ? 1 : 0);
    json nodes = json::array();
    std::size_t to = from;
    for (; to < kept.size() && to < from + take; ++to) {
        json n = *kept[to];
        if (f.danish_mangled && n.contains("vejnavn")) n["vejnavn"] = mangle(n["vejnavn"]);
        if (f.dawa_status_codes) n["status"] = dawa_status(n["status"]);
        n.erase("aktuel");
        n.erase("kommunekode");
        nodes.push_back(std::move(n));
    }
    if (f.null_node && e.name == "DAR_Postnummer" && where.empty()) nodes.push_back(nullptr);
    json page_info{{"hasNextPage", to < kept.size()},
                   {"hasPreviousPage", from > 0},
                   {"startCursor", nodes.empty() ? json(nullptr) : json(cursor_of(from))},
                   {"endCursor", to > from ? json(cursor_of(to - 1)) : json(nullptr)}};
    if (f.page_info_incomplete) {
        page_info.erase("hasPreviousPage");
        page_info.erase("startCursor");
    }
    for (const auto& s : sel.selections)
        if (s.name != "nodes" && s.name != "pageInfo" && s.name != "__typename")
            throw graphql_failure{"The field `" + s.name + "` does not exist on the type `" +
                                      e.name + "Connection`.",
                                  s.line, s.column};
        else if (s.name == "nodes")
            for (const auto& n : s.selections) {
                bool known = n.name == "__typename";
                for (const auto& [name, type] : e.fields)
                    known = known || name == n.name;
                if (!known)
                    throw graphql_failure{"The field `" + n.name +
                                              "` does not exist on the type `" + e.name + "`.",
                                          n.line, n.column};
            }
    json connection{
        {"nodes", nodes}, {"pageInfo", page_info}, {"__typename", e.name + "Connection"}};
    json out = json::object();
    for (const auto& s : sel.selections)
        out[s.key()] = s.name == "__typename" ? json(e.name + "Connection")
                       : s.name == "nodes"    ? project(nodes, s.selections, e.name)
                                              : project(page_info, s.selections, "PageInfo");
    return out;
}

server_response answer(int status, const json& body) {
    auto r = server_response::json(status, body.dump());
    return r;
}

server_response handle(const server_request& req, const fault_switches& f) {
    if (req.path != "/DAR/v3") return answer(404, {{"errors", {{{"message", "Not found."}}}}});
    bool keyed = false;
    for (const auto& [k, v] : req.query)
        keyed = keyed || (k == "apiKey" && v == api_key);
    if (!keyed && !f.auth_not_required)
        return answer(401, {{"errors", {{{"message", "A valid apiKey is required."}}}}});
    if (req.method != "POST")
        return answer(405, {{"errors", {{{"message", "Queries are POSTed (application/json)."}}}}});
    const json body = json::parse(req.body, nullptr, false);
    auto request_error = [&](const std::string& message, int line, int column) {
        json e{{"message", message}};
        if (line > 0 && !f.errors_without_locations)
            e["locations"] = json::array({{{"line", line}, {"column", column}}});
        json out{{"errors", json::array({e})}};
        if (f.errors_with_data) out["data"] = json::object();
        return answer(f.errors_as_500 ? 500 : 200, out);
    };
    if (!body.is_object() || !body.contains("query") || !body["query"].is_string())
        return answer(400, {{"errors", {{{"message", "The body is not a GraphQL request."}}}}});
    try {
        const auto selections = read_query(body["query"],
                                           body.value("operationName", json("")).is_string()
                                               ? body.value("operationName", std::string())
                                               : std::string(),
                                           body.value("variables", json::object()));
        json data = json::object();
        for (const auto& s : selections) {
            if (s.name == "__schema") {
                data[s.key()] = project(introspection(f), s.selections, "__Schema");
            } else if (s.name == "__typename") {
                data[s.key()] = "Query";
            } else if (const entity* e = find_entity(s.name)) {
                data[s.key()] = resolve_entity(*e, s, f);
            } else {
                throw graphql_failure{"The field `" + s.name +
                                          "` does not exist on the type `Query`.",
                                      s.line, s.column};
            }
        }
        return answer(200, {{"data", data}});
    } catch (const query_error& e) {
        return request_error(e.what(), e.line, e.column);
    } catch (const graphql_failure& e) {
        return request_error(e.message, e.line, e.column);
    }
}

} // namespace

system_info graphql_system() {
    system_info info;
    info.profile = "datafordeler-dar";
    info.faults = faults_of(fault_table());
    info.make = [](const std::string& fault_name) -> handler {
        const fault_switches f = switches_for(fault_table(), fault_name);
        entities(); // parse the data set before the first request
        return [f](const server_request& req) { return handle(req, f); };
    };
    return info;
}

} // namespace konform::reference::dar
