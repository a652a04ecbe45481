#include "organisation_system.hpp"

#include "server/uuid.hpp"

#include "object_types.hpp"
#include "oio_time.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>

namespace konform::reference::oio {

using nlohmann::json;

namespace {

// ---- the bitemporal store ---------------------------------------------------------------

struct period {
    double from = -infinity, to = infinity;
    bool from_included = true, to_included = false;
    json extra = json::object(); // aktoerref, aktoertypekode, notetekst

    bool contains(double t) const {
        return (from_included ? from <= t : from < t) && (to_included ? t <= to : t < to);
    }
    bool overlaps(double a, double b) const { return from < b && a < to; }
};

struct entry {
    json value; // the fields, without virkning
    period p;
};

using groups = std::map<std::string, std::vector<entry>>;

struct registration {
    double from = 0, to = infinity;
    std::string livscykluskode;
    std::string note;
    groups attributter, tilstande, relationer;
};

struct object {
    const object_type* type = nullptr;
    std::vector<registration> regs;
    const registration& current() const { return regs.back(); }
};

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool is_uuid(const std::string& s) {
    static const std::regex re(
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    return std::regex_match(s, re);
}

// OIO string matching: case-insensitive, '%' any run, '_' literal, '\%' a literal '%'.
bool like(const std::string& pattern, const std::string& value, bool case_sensitive) {
    std::string re = "^";
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size() && pattern[i + 1] == '%')
            re += "%", ++i;
        else if (c == '%')
            re += ".*";
        else if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos)
            re += std::string("\\") + c;
        else
            re += c;
    }
    re += "$";
    // Case folding of ASCII and of æ/ø/å (UTF-8) so "SØREN" matches "søren".
    auto fold = [&](std::string s) {
        if (case_sensitive) return s;
        s = lower(s);
        static const std::pair<const char*, const char*> danish[] = {
            {"Æ", "æ"}, {"Ø", "ø"}, {"Å", "å"}};
        for (const auto& [up, low] : danish)
            for (auto pos = s.find(up); pos != std::string::npos; pos = s.find(up, pos))
                s.replace(pos, 2, low);
        return s;
    };
    try {
        return std::regex_match(fold(value), std::regex(fold(re)));
    } catch (const std::regex_error&) {
        return false;
    }
}

json error(const std::string& message) {
    return {{"message", message}};
}

// ---- request validation -----------------------------------------------------------------

struct validation_error {
    std::string message;
};

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

struct parsed_body {
    std::optional<std::string> note;
    std::optional<std::string> livscyklus;
    std::optional<groups> attributter, tilstande, relationer;
};

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

// Merge: entries of the new data replace the old ones for the periods they cover; the old
// values stay in force outside them.
std::vector<entry> merge_periods(const std::vector<entry>& old, const std::vector<entry>& fresh) {
    std::vector<entry> out;
    for (const auto& o : old) {
        std::vector<period> pieces{o.p};
        for (const auto& n : fresh) {
            std::vector<period> next;
            for (const auto& p : pieces) {
                if (!p.overlaps(n.p.from, n.p.to)) {
                    next.push_back(p);
                    continue;
                }
                if (p.from < n.p.from) {
                    period left = p;
                    left.to = n.p.from;
                    left.to_included = false;
                    next.push_back(left);
                }
                if (n.p.to < p.to) {
                    period right = p;
                    right.from = n.p.to;
                    right.from_included = true;
                    next.push_back(right);
                }
            }
            pieces = std::move(next);
        }
        for (const auto& p : pieces)
            out.push_back({o.value, p});
    }
    for (const auto& n : fresh)
        out.push_back(n);
    std::stable_sort(out.begin(), out.end(),
                     [](const entry& a, const entry& b) { return a.p.from < b.p.from; });
    return out;
}

json virkning_json(const period& p) {
    json v = {{"from", format_time(p.from)},
              {"to", format_time(p.to)},
              {"from_included", p.from_included},
              {"to_included", p.to_included}};
    v.update(p.extra);
    return v;
}

// ---- the service --------------------------------------------------------------------------

struct window {
    double from, to; // virkning: entries overlapping [from, to], or containing `from` when snapshot
    bool snapshot = true;
    std::optional<double> registreringstid;
    std::optional<std::pair<double, double>> registrering_range;
};

class organisation_service {
public:
    explicit organisation_service(std::string fault) : fault_(std::move(fault)) {}

    server_response handle(const server_request& req) {
        std::lock_guard lock(mutex_);
        if (fault_ != "token-not-checked" &&
            req.header("authorization") != std::string("Bearer ") + token)
            return reply(401, error("missing or invalid bearer token"));
        if (!req.valid_target) return reply(400, error("invalid request target"));
        std::vector<std::string> parts;
        std::string path = req.path;
        std::size_t pos = 0;
        while (pos < path.size()) {
            auto next = path.find('/', pos);
            std::string part =
                path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
            if (!part.empty()) parts.push_back(part);
            if (next == std::string::npos) break;
            pos = next + 1;
        }
        if (parts.size() == 1 && parts[0] == "site-map") return site_map();
        if (parts.size() < 2 || parts.size() > 3) return not_found_route(req.path);
        const object_type* t = find_object_type(parts[0], parts[1]);
        if (!t) return not_found_route(req.path);
        if (parts.size() == 2) {
            if (req.method == "GET") return search_or_list(*t, req);
            if (req.method == "POST") return create(*t, req);
            return reply(405, error("method not allowed"));
        }
        if (!is_uuid(parts[2])) return not_found_route(req.path);
        std::string id = lower(parts[2]);
        if (req.method == "GET") return read(*t, id, req);
        if (req.method == "PUT") return import(*t, id, req);
        if (req.method == "PATCH") return update(*t, id, req);
        if (req.method == "DELETE") return remove(*t, id);
        return reply(405, error("method not allowed"));
    }

private:
    server_response reply(int status, const json& body) {
        std::string text = body.dump();
        if (fault_ == "mangle-danish")
            for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
                     {"æ", "ae"}, {"ø", "oe"}, {"å", "aa"}, {"Æ", "Ae"}, {"Ø", "Oe"}, {"Å", "Aa"}})
                for (auto p = text.find(from); p != std::string::npos; p = text.find(from, p))
                    text.replace(p, from.size(), to);
        auto r = server_response::json(status, text);
        if (fault_ == "wrong-content-type")
            r.headers = {{"Content-Type", "text/html; charset=utf-8"}};
        return r;
    }

    server_response not_found_route(const std::string& path) {
        return reply(404,
                     {{"error", 404},
                      {"text", "The requested URL " + path + " was not found on the server."}});
    }

    server_response site_map() {
        json links = json::array();
        for (const auto& t : object_types())
            links.push_back("/" + t.service + "/" + t.name);
        return reply(200, {{"site-map", links}});
    }

    // Reads the time parameters; returns an error message for an invalid combination.
    std::optional<std::string> read_window(const std::map<std::string, std::vector<std::string>>& q,
                                           window& w) {
        auto one = [&](const char* k) -> std::optional<std::string> {
            auto it = q.find(k);
            if (it == q.end()) return std::nullopt;
            return it->second.front();
        };
        auto time = [&](const char* k, double fallback, std::string& err) {
            auto v = one(k);
            if (!v) return fallback;
            auto t = parse_time(*v);
            if (!t) err = "invalid time in " + std::string(k) + ": " + *v;
            return t ? *t : fallback;
        };
        std::string err;
        double now = now_unique();
        bool snap = q.count("virkningstid") > 0,
             range = q.count("virkningfra") || q.count("virkningtil");
        if (snap && range && fault_ != "mixed-time-accepted")
            return std::string(
                "'virkningstid' may not be used together with 'virkningFra' or 'virkningTil'");
        bool rsnap = q.count("registreringstid") > 0,
             rrange = q.count("registreretfra") || q.count("registrerettil");
        if (rsnap && rrange && fault_ != "mixed-time-accepted")
            return std::string("'registreringstid' may not be used together with 'registreretFra' "
                               "or 'registreretTil'");
        if (range && !snap) {
            w.snapshot = false;
            w.from = time("virkningfra", -infinity, err);
            w.to = time("virkningtil", infinity, err);
        } else {
            w.snapshot = true;
            w.from = w.to = time("virkningstid", now, err);
        }
        if (rsnap)
            w.registreringstid = time("registreringstid", now, err);
        else if (rrange)
            w.registrering_range = std::make_pair(time("registreretfra", -infinity, err),
                                                  time("registrerettil", infinity, err));
        if (fault_ == "ignore-virkning") w.snapshot = false, w.from = -infinity, w.to = infinity;
        if (!err.empty()) return err;
        return std::nullopt;
    }

    bool in_window(const period& p, const window& w) const {
        return w.snapshot ? p.contains(w.from)
                          : p.overlaps(w.from, w.to) || (w.from == w.to && p.contains(w.from));
    }

    json registration_json(const object& o, const registration& r, const window& w) {
        json reg = {{"fratidspunkt",
                     {{"tidsstempeldatotid", format_time(r.from)}, {"graenseindikator", true}}},
                    {"tiltidspunkt",
                     {{"tidsstempeldatotid", format_time(r.to)}, {"graenseindikator", false}}},
                    {"livscykluskode", r.livscykluskode},
                    {"brugerref", "42c432e8-9c4a-11e6-9f62-873cf34a735f"}};
        if (!r.note.empty()) reg["note"] = r.note;
        auto emit = [&](const groups& g, const char* key) {
            json out = json::object();
            for (const auto& [name, entries] : g) {
                json list = json::array();
                for (const auto& e : entries) {
                    if (!in_window(e.p, w)) continue;
                    json item = e.value;
                    item["virkning"] = virkning_json(e.p);
                    list.push_back(std::move(item));
                }
                if (!list.empty()) out[name] = std::move(list);
            }
            if (!out.empty() || std::string(key) != "relationer") reg[key] = std::move(out);
        };
        emit(r.attributter, "attributter");
        emit(r.tilstande, "tilstande");
        emit(r.relationer, "relationer");
        (void)o;
        return reg;
    }

    std::vector<const registration*> registrations_in(const object& o, const window& w) {
        std::vector<const registration*> out;
        for (const auto& r : o.regs) {
            if (w.registreringstid) {
                if (r.from <= *w.registreringstid && *w.registreringstid < r.to) out.push_back(&r);
            } else if (w.registrering_range) {
                if (r.from < w.registrering_range->second && w.registrering_range->first < r.to)
                    out.push_back(&r);
            }
        }
        if (!w.registreringstid && !w.registrering_range) out.push_back(&o.current());
        return out;
    }

    json object_json(const std::string& id, const object& o, const window& w) {
        json regs = json::array();
        for (const auto* r : registrations_in(o, w))
            regs.push_back(registration_json(o, *r, w));
        return {{"id", id}, {"registreringer", regs}};
    }

    std::map<std::string, std::vector<std::string>> query_map(const server_request& req) {
        std::map<std::string, std::vector<std::string>> q;
        static const std::set<std::string> fixed{
            "registreretfra", "registrerettil", "registreringstid", "virkningfra",
            "virkningtil",    "virkningstid",   "foersteresultat",  "maximalantalresultater"};
        for (const auto& [k, v] : req.query)
            q[fault_ == "case-sensitive-params" && !fixed.count(lower(k)) ? k : lower(k)].push_back(
                v);
        return q;
    }

    server_response read(const object_type& t, const std::string& id, const server_request& req) {
        auto it = store_.find(id);
        if (it == store_.end() || it->second.type != &t) {
            if (fault_ == "unknown-uuid-200")
                return {200, {{"Content-Type", "application/json"}}, "", false};
            return reply(404, error("No " + t.class_name + " with ID " + id + " found in service " +
                                    std::string(1, static_cast<char>(std::toupper(t.service[0]))) +
                                    t.service.substr(1)));
        }
        window w;
        if (auto err = read_window(query_map(req), w)) return reply(400, error(*err));
        const object& o = it->second;
        if (o.current().livscykluskode == "Slettet" && !w.registreringstid &&
            !w.registrering_range) {
            if (fault_ == "deleted-404")
                return reply(404, error("No " + t.class_name + " with ID " + id + " found"));
            return reply(410, error("This object has been deleted."));
        }
        return reply(200, {{id, json::array({object_json(id, o, w)})}});
    }

    // The current brugervendtnoegle (for ordering), or "".
    std::string bvn(const object& o, const window& w) {
        auto it = o.current().attributter.find(o.type->attribute);
        if (it == o.current().attributter.end()) return {};
        for (const auto& e : it->second)
            if (in_window(e.p, w) && e.value.contains("brugervendtnoegle"))
                return e.value["brugervendtnoegle"];
        return {};
    }

    server_response search_or_list(const object_type& t, const server_request& req) {
        auto q = query_map(req);
        static const std::set<std::string> time_params{"registreretfra",   "registrerettil",
                                                       "registreringstid", "virkningfra",
                                                       "virkningtil",      "virkningstid"};
        static const std::set<std::string> paging{"foersteresultat", "maximalantalresultater"};
        std::set<std::string> known{"bvn",  "brugervendtnoegle", "livscykluskode",
                                    "uuid", "vilkaarligattr",    "vilkaarligrel",
                                    "note"};
        for (const auto& f : t.attribute_fields)
            known.insert(f);
        known.insert(t.state_field);
        for (const auto& r : t.single_relations)
            known.insert(r);
        for (const auto& r : t.multi_relations)
            known.insert(r);
        std::vector<std::string> unknown;
        for (const auto& [k, v] : q)
            if (!known.count(k) && !time_params.count(k) && !paging.count(k)) unknown.push_back(k);
        if (!unknown.empty() && fault_ != "unknown-params-ignored") {
            std::string list;
            for (const auto& u : unknown)
                list += (list.empty() ? "" : ", ") + u;
            return reply(400, error("Unsupported argument(s): " + list));
        }
        window w;
        if (auto err = read_window(q, w)) return reply(400, error(*err));
        if (q.empty()) return reply(200, {{"results", json::array()}});
        bool only_uuid_or_time = true;
        for (const auto& [k, v] : q)
            if (k != "uuid" && !time_params.count(k)) only_uuid_or_time = false;
        if (only_uuid_or_time && q.count("uuid")) {
            json list = json::array();
            for (const auto& raw : q["uuid"]) {
                std::string id = lower(raw);
                auto it = store_.find(id);
                if (it != store_.end() && it->second.type == &t)
                    list.push_back(object_json(id, it->second, w));
            }
            return reply(200, {{"results", json::array({list})}});
        }
        if (q.count("uuid") && q["uuid"].size() > 1 && fault_ != "two-uuids-search-accepted")
            return reply(400, error("Only one uuid may be given in a search"));
        bool case_sensitive = fault_ == "case-sensitive-search";
        std::vector<std::pair<std::string, std::string>> hits; // bvn, uuid
        for (const auto& [id, o] : store_) {
            if (o.type != &t) continue;
            const registration& r = o.current();
            if (r.livscykluskode == "Slettet" && fault_ != "deleted-still-searchable") continue;
            if (r.livscykluskode == "Passiveret" && fault_ == "passivated-hidden") continue;
            bool match = true;
            for (const auto& [k, values] : q) {
                if (time_params.count(k) || paging.count(k)) continue;
                for (const auto& v : values) {
                    if (k == "uuid")
                        match = match && id == lower(v);
                    else if (k == "livscykluskode")
                        match = match && r.livscykluskode == v;
                    else if (k == "note")
                        match = match && like(v, r.note, case_sensitive);
                    else if (k == "vilkaarligattr") {
                        bool any = false;
                        for (const auto& [name, entries] : r.attributter)
                            for (const auto& e : entries)
                                if (in_window(e.p, w))
                                    for (const auto& [f, val] : e.value.items())
                                        any =
                                            any || like(v, val.get<std::string>(), case_sensitive);
                        match = match && any;
                    } else if (k == "vilkaarligrel") {
                        bool any = false;
                        for (const auto& [name, entries] : r.relationer)
                            for (const auto& e : entries)
                                if (in_window(e.p, w))
                                    any = any || e.value.value("uuid", "") == lower(v) ||
                                          e.value.value("urn", "") == v;
                        match = match && any;
                    } else if (k == t.state_field) {
                        bool any = false;
                        for (const auto& [name, entries] : r.tilstande)
                            for (const auto& e : entries)
                                if (in_window(e.p, w))
                                    any = any || e.value.value(t.state_field, "") == v;
                        match = match && any;
                    } else if (t.single_relations.count(k) || t.multi_relations.count(k)) {
                        bool any = false;
                        auto it = r.relationer.find(k);
                        if (fault_ == "relation-search-ignored") any = true;
                        if (it != r.relationer.end())
                            for (const auto& e : it->second)
                                if (in_window(e.p, w))
                                    any = any || e.value.value("uuid", "") == lower(v) ||
                                          e.value.value("urn", "") == v;
                        match = match && any;
                    } else {
                        std::string field = k == "bvn" ? "brugervendtnoegle" : k;
                        bool any = false;
                        for (const auto& [name, entries] : r.attributter)
                            for (const auto& e : entries)
                                if (in_window(e.p, w) && e.value.contains(field))
                                    any = any || like(v, e.value[field].get<std::string>(),
                                                      case_sensitive);
                        match = match && any;
                    }
                }
            }
            if (match) hits.emplace_back(bvn(o, w), id);
        }
        if (fault_ == "paging-unsorted")
            std::sort(hits.begin(), hits.end(),
                      [](auto& a, auto& b) { return a.second < b.second; });
        else
            std::sort(hits.begin(), hits.end());
        std::size_t first = 0, max = hits.size();
        try {
            if (q.count("foersteresultat")) first = std::stoul(q["foersteresultat"].front());
            if (q.count("maximalantalresultater"))
                max = std::stoul(q["maximalantalresultater"].front());
        } catch (const std::exception&) {
            return reply(400,
                         error("foersteresultat and maximalantalresultater take whole numbers"));
        }
        if (fault_ == "paging-off-by-one" && first > 0) --first;
        json ids = json::array();
        for (std::size_t i = first; i < hits.size() && ids.size() < max; ++i)
            ids.push_back(hits[i].second);
        return reply(200, {{"results", json::array({ids})}});
    }

    std::optional<server_response> parse_json(const server_request& req, json& body) {
        if (req.body.empty() || req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
            if (fault_ == "empty-body-201") {
                body = json::object();
                return std::nullopt;
            }
            return reply(400, {{"uuid", nullptr}});
        }
        try {
            body = json::parse(req.body);
        } catch (const json::exception&) {
            if (fault_ == "malformed-json-500") return reply(500, error("Internal Server Error"));
            return reply(400, error("The request body is not valid JSON"));
        }
        return std::nullopt;
    }

    parsed_body validate(const json& body, const object_type& t, bool require_all) {
        bool extra = fault_ == "extra-properties-accepted";
        bool require = require_all && fault_ != "missing-tilstande-accepted";
        return parse_body(body, t, require, extra, fault_ != "bad-urn-accepted",
                          fault_ != "max-items-ignored", fault_ != "publiceret-invalid-accepted");
    }

    registration new_registration(const parsed_body& p, const std::string& livscyklus) {
        registration r;
        r.from = now_unique();
        r.livscykluskode = livscyklus;
        r.note = p.note.value_or("");
        if (p.attributter) r.attributter = *p.attributter;
        if (p.tilstande) r.tilstande = *p.tilstande;
        if (p.relationer)
            for (const auto& [k, v] : *p.relationer)
                if (!v.empty()) r.relationer[k] = v;
        return r;
    }

    void append(object& o, registration r) {
        o.regs.back().to = r.from;
        o.regs.push_back(std::move(r));
    }

    server_response create(const object_type& t, const server_request& req) {
        json body;
        if (auto bad = parse_json(req, body)) return *bad;
        try {
            parsed_body p = validate(body, t, fault_ != "empty-body-201" || !body.empty());
            std::string id = fresh_uuid();
            object o;
            o.type = &t;
            o.regs.push_back(new_registration(p, "Opstaaet"));
            store_[id] = std::move(o);
            return reply(201, {{"uuid", id}});
        } catch (const validation_error& e) {
            return reply(400, error(e.message));
        }
    }

    server_response import(const object_type& t, const std::string& id, const server_request& req) {
        json body;
        if (auto bad = parse_json(req, body)) return *bad;
        try {
            parsed_body p = validate(body, t, true);
            auto it = store_.find(id);
            if (it == store_.end()) {
                object o;
                o.type = &t;
                o.regs.push_back(new_registration(p, "Importeret"));
                store_[id] = std::move(o);
            } else {
                if (it->second.type != &t)
                    return reply(400, error("the uuid belongs to another object type"));
                const std::string& current = it->second.current().livscykluskode;
                bool revive = current == "Slettet" || current == "Passiveret";
                std::string code =
                    revive || fault_ == "import-wrong-livscyklus" ? "Importeret" : "Rettet";
                append(it->second, new_registration(p, code));
            }
            return reply(200, {{"uuid", id}});
        } catch (const validation_error& e) {
            return reply(400, error(e.message));
        }
    }

    server_response update(const object_type& t, const std::string& id, const server_request& req) {
        auto it = store_.find(id);
        if (it == store_.end() || it->second.type != &t)
            return reply(404, error("No " + t.class_name + " with ID " + id + " found"));
        json body;
        if (auto bad = parse_json(req, body)) return *bad;
        object& o = it->second;
        try {
            parsed_body p = validate(body, t, false);
            const registration& cur = o.current();
            if (p.livscyklus) {
                if (*p.livscyklus != "Passiv")
                    return reply(400, error("livscyklus takes only 'Passiv'"));
                registration r = cur;
                r.from = now_unique();
                r.to = infinity;
                r.livscykluskode = "Passiveret";
                r.note = p.note.value_or("");
                append(o, std::move(r));
                return reply(200, {{"uuid", id}});
            }
            if (cur.livscykluskode == "Passiveret" || cur.livscykluskode == "Slettet")
                return reply(400,
                             {{"message", "Unable to update " + t.class_name + " with uuid [" + id +
                                              "], being in state [" + cur.livscykluskode +
                                              "]. Invalid [livscyklus] transition to [Rettet]"},
                              {"context", json::array({"livscyklus"})}});
            registration r = cur;
            r.from = now_unique();
            r.to = infinity;
            r.livscykluskode = "Rettet";
            r.note = p.note.value_or("");
            bool replace = fault_ == "patch-replaces";
            auto merge_group = [&](groups& target, const std::optional<groups>& fresh) {
                if (!fresh) return;
                for (const auto& [name, entries] : *fresh)
                    target[name] = replace ? entries : merge_periods(target[name], entries);
            };
            merge_group(r.attributter, p.attributter);
            merge_group(r.tilstande, p.tilstande);
            if (p.relationer) {
                if (replace) r.relationer.clear();
                // The list sent replaces all relations of its type; a type left out is kept.
                for (const auto& [name, entries] : *p.relationer) {
                    if (entries.empty())
                        r.relationer.erase(name);
                    else
                        r.relationer[name] = entries;
                }
            }
            append(o, std::move(r));
            return reply(200, {{"uuid", id}});
        } catch (const validation_error& e) {
            return reply(400, error(e.message));
        }
    }

    server_response remove(const object_type& t, const std::string& id) {
        auto it = store_.find(id);
        if (it == store_.end() || it->second.type != &t)
            return reply(404, error("No " + t.class_name + " with ID " + id + " found"));
        registration r = it->second.current();
        if (r.livscykluskode == "Slettet")
            return reply(404, error("No " + t.class_name + " with ID " + id + " found"));
        r.from = now_unique();
        r.to = infinity;
        r.livscykluskode = "Slettet";
        append(it->second, std::move(r));
        return reply(202, {{"uuid", id}});
    }

    std::string fault_;
    std::mutex mutex_;
    std::map<std::string, object> store_;
};

handler make(const std::string& fault_name) {
    auto state = std::make_shared<organisation_service>(fault_name);
    return [state](const server_request& req) { return state->handle(req); };
}

} // namespace

system_info organisation_system() {
    return {
        "oio-rest-organisation",
        {
            {"unknown-uuid-200",
             {"ORG-READ-404"},
             "answers 200 with an empty body for an unknown uuid"},
            {"deleted-404", {"ORG-DELETE-410"}, "answers 404 instead of 410 for a deleted object"},
            {"deleted-still-searchable",
             {"ORG-DELETE-SEARCH"},
             "keeps deleted objects in search results"},
            {"passivated-hidden",
             {"ORG-PASSIVATE-SEARCH"},
             "leaves passivated objects out of searches"},
            {"ignore-virkning",
             {"BT-DEFAULT-NOW", "BT-VIRKNINGSTID", "BT-SEARCH-VIRKNING"},
             "ignores valid time in reads and searches"},
            {"mixed-time-accepted",
             {"BT-MIXED-400"},
             "accepts virkningstid together with virkningFra"},
            {"paging-off-by-one", {"PAGE-OFFSET"}, "starts foersteresultat one result early"},
            {"paging-unsorted", {"PAGE-ORDER"}, "orders results by uuid, not brugervendtnoegle"},
            {"case-sensitive-search",
             {"ORG-SEARCH-CASE"},
             "matches search strings case-sensitively"},
            {"case-sensitive-params",
             {"ORG-SEARCH-PARAM-CASE"},
             "matches parameter names case-sensitively"},
            {"extra-properties-accepted",
             {"ORG-CREATE-EXTRA"},
             "accepts properties the schema does not allow"},
            {"missing-tilstande-accepted",
             {"ORG-CREATE-REQUIRED"},
             "creates objects without attributter or tilstande"},
            {"bad-urn-accepted",
             {"ORG-CREATE-URN"},
             "accepts a urn that does not start with 'urn:'"},
            {"max-items-ignored", {"ORG-CREATE-MAXITEMS"}, "accepts two items in a 0..1 relation"},
            {"empty-body-201", {"ORG-CREATE-EMPTY"}, "creates an object from an empty body"},
            {"patch-replaces",
             {"ORG-UPDATE-MERGE", "ORG-UPDATE-REL-KEEP"},
             "PATCH replaces instead of merging"},
            {"import-wrong-livscyklus",
             {"ORG-IMPORT-RETTET"},
             "marks an import over an existing object Importeret"},
            {"mangle-danish", {"ORG-DANISH"}, "answers æ, ø, å as ae, oe, aa"},
            {"unknown-params-ignored",
             {"ORG-ERR-UNKNOWN-PARAM"},
             "ignores unknown query parameters"},
            {"two-uuids-search-accepted", {"ORG-SEARCH-TWO-UUID"}, "accepts two uuids in a search"},
            {"malformed-json-500", {"ORG-MALFORMED-JSON"}, "answers 500 to malformed JSON"},
            {"wrong-content-type", {"ORG-JSON-CT"}, "labels JSON responses text/html"},
            {"token-not-checked", {"ORG-AUTH-401"}, "does not check the bearer token"},
            {"publiceret-invalid-accepted",
             {"KLAS-PUBLICERET-INVALID"},
             "accepts any publiceret value"},
            {"relation-search-ignored",
             {"ORG-SEARCH-REL", "KLAS-SEARCH-FACET"},
             "ignores relation search parameters"},
        },
        &make};
}

} // namespace konform::reference::oio
