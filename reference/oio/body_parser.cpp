#include "body_parser.hpp"

#include <set>

namespace konform::reference::oio {

period parse_virkning(const json& v, const std::string& where) {
    if (!v.is_object()) throw validation_error{where + ": virkning is required"};
    static const std::set<std::string> allowed{
        "from", "to", "from_included", "to_included", "aktoerref", "aktoertypekode", "notetekst"};
    for (const auto& [k, x] : v.items())
        if (!allowed.count(k))
            throw validation_error{where + ": Additional properties are not allowed ('" + k +
                                   "' was unexpected)"};
    if (!v.contains("from") || !v["from"].is_string() || !v.contains("to") || !v["to"].is_string())
        throw validation_error{where + ": virkning needs 'from' and 'to'"};
    period p;
    auto f = parse_time(v["from"]), t = parse_time(v["to"]);
    if (!f || !t) throw validation_error{where + ": invalid time in virkning"};
    p.from = *f, p.to = *t;
    p.from_included = v.value("from_included", true);
    p.to_included = v.value("to_included", false);
    if (p.from > p.to) throw validation_error{where + ": virkning ends before it starts"};
    for (const char* k : {"aktoerref", "aktoertypekode", "notetekst"})
        if (v.contains(k)) p.extra[k] = v[k];
    return p;
}

parsed_body parse_body(const json& body, const object_type& t, bool require_all, bool allow_extra,
                       bool check_urn, bool check_max, bool check_state) {
    if (!body.is_object()) throw validation_error{"the body must be a JSON object"};
    parsed_body out;
    static const std::set<std::string> top{"attributter", "tilstande", "relationer", "note",
                                           "livscyklus"};
    for (const auto& [k, v] : body.items())
        if (!top.count(k) && !allow_extra)
            throw validation_error{"Additional properties are not allowed ('" + k +
                                   "' was unexpected)"};
    if (body.contains("note")) {
        if (!body["note"].is_string()) throw validation_error{"note must be a string"};
        out.note = body["note"].get<std::string>();
    }
    if (body.contains("livscyklus"))
        out.livscyklus =
            body["livscyklus"].is_string() ? body["livscyklus"].get<std::string>() : "";
    if (require_all && (!body.contains("attributter") || !body.contains("tilstande")))
        throw validation_error{"'attributter' and 'tilstande' are required properties"};
    if (body.contains("attributter")) {
        const json& a = body["attributter"];
        if (!a.is_object()) throw validation_error{"attributter must be an object"};
        groups g;
        for (const auto& [name, list] : a.items()) {
            if (name != t.attribute && !allow_extra)
                throw validation_error{"attributter: unknown attribute '" + name + "'"};
            if (!list.is_array() || list.empty())
                throw validation_error{"attributter/" + name + " must be a non-empty array"};
            for (const auto& item : list) {
                if (!item.is_object())
                    throw validation_error{"attributter/" + name + ": items must be objects"};
                entry e;
                e.value = json::object();
                for (const auto& [k, v] : item.items()) {
                    if (k == "virkning") continue;
                    if (!t.attribute_fields.count(k) && !allow_extra)
                        throw validation_error{"Additional properties are not allowed ('" + k +
                                               "' was unexpected)"};
                    if (!v.is_string())
                        throw validation_error{"attributter/" + name + "/" + k +
                                               " must be a string"};
                    e.value[k] = v;
                }
                if (require_all && !e.value.contains("brugervendtnoegle"))
                    throw validation_error{"'brugervendtnoegle' is a required property"};
                e.p = parse_virkning(item.value("virkning", json()), "attributter/" + name);
                g[name].push_back(std::move(e));
            }
        }
        out.attributter = std::move(g);
    }
    if (body.contains("tilstande")) {
        const json& s = body["tilstande"];
        if (!s.is_object()) throw validation_error{"tilstande must be an object"};
        groups g;
        for (const auto& [name, list] : s.items()) {
            if (name != t.state && !allow_extra)
                throw validation_error{"tilstande: unknown state '" + name + "'"};
            if (!list.is_array() || list.empty())
                throw validation_error{"tilstande/" + name + " must be a non-empty array"};
            for (const auto& item : list) {
                if (!item.is_object() || !item.contains(t.state_field) ||
                    !item[t.state_field].is_string())
                    throw validation_error{"tilstande/" + name + ": '" + t.state_field +
                                           "' is a required property"};
                std::string value = item[t.state_field];
                if (!t.state_values.count(value) && check_state)
                    throw validation_error{"tilstande/" + name + ": '" + value +
                                           "' is not one of the allowed values"};
                for (const auto& [k, v] : item.items())
                    if (k != t.state_field && k != "virkning" && !allow_extra)
                        throw validation_error{"Additional properties are not allowed ('" + k +
                                               "' was unexpected)"};
                entry e;
                e.value = {{t.state_field, value}};
                e.p = parse_virkning(item.value("virkning", json()), "tilstande/" + name);
                g[name].push_back(std::move(e));
            }
        }
        out.tilstande = std::move(g);
    }
    if (body.contains("relationer")) {
        const json& r = body["relationer"];
        if (!r.is_object()) throw validation_error{"relationer must be an object"};
        groups g;
        for (const auto& [name, list] : r.items()) {
            bool single = t.single_relations.count(name) > 0;
            if (!single && !t.multi_relations.count(name) && !allow_extra)
                throw validation_error{"relationer: unknown relation '" + name + "'"};
            if (!list.is_array())
                throw validation_error{"relationer/" + name + " must be an array"};
            if (single && list.size() > 1 && check_max)
                throw validation_error{"relationer/" + name +
                                       ": [...] has too many items (at most 1)"};
            g[name]; // an empty list clears the relation type
            for (const auto& item : list) {
                if (!item.is_object())
                    throw validation_error{"relationer/" + name + ": items must be objects"};
                bool has_uuid = item.contains("uuid"), has_urn = item.contains("urn");
                if (has_uuid == has_urn)
                    throw validation_error{"relationer/" + name +
                                           ": exactly one of 'uuid' and 'urn'"};
                if (has_uuid && (!item["uuid"].is_string() || !is_uuid(item["uuid"])))
                    throw validation_error{"relationer/" + name + ": 'uuid' is not a UUID"};
                if (has_urn &&
                    (!item["urn"].is_string() ||
                     (check_urn && item["urn"].get<std::string>().rfind("urn:", 0) != 0)))
                    throw validation_error{"relationer/" + name + ": 'urn' does not match '^urn:'"};
                for (const auto& [k, v] : item.items())
                    if (k != "uuid" && k != "urn" && k != "objekttype" && k != "virkning" &&
                        !allow_extra)
                        throw validation_error{"Additional properties are not allowed ('" + k +
                                               "' was unexpected)"};
                entry e;
                e.value = json::object();
                if (has_uuid)
                    e.value["uuid"] = lower(item["uuid"]);
                else
                    e.value["urn"] = item["urn"];
                if (item.contains("objekttype")) e.value["objekttype"] = item["objekttype"];
                e.p = parse_virkning(item.value("virkning", json()), "relationer/" + name);
                g[name].push_back(std::move(e));
            }
        }
        out.relationer = std::move(g);
    }
    return out;
}

} // namespace konform::reference::oio
