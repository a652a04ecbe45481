#include "organisation_system.hpp"

#include "body_parser.hpp"
#include "faults.hpp"
#include "server/uuid.hpp"
#include "store.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>

namespace konform::reference::oio {

namespace {

json error(const std::string& message) {
    return {{"message", message}};
}

struct window {
    double from, to; // virkning: entries overlapping [from, to], or containing `from` when snapshot
    bool snapshot = true;
    std::optional<double> registreringstid;
    std::optional<std::pair<double, double>> registrering_range;
};

class organisation_service {
public:
    explicit organisation_service(const std::string& fault)
        : f_(switches_for(fault_table(), fault)) {
        // The unit it holds from the start, imported as a client would.
        server_request seed;
        seed.method = "PUT";
        seed.path = seed.target = std::string("/organisation/organisationenhed/") + existing_unit;
        seed.headers = {{"authorization", std::string("Bearer ") + token},
                        {"content-type", "application/json"}};
        seed.body = R"({"attributter":{"organisationenhedegenskaber":[{"brugervendtnoegle":)"
                    R"("konform-existing-unit","enhedsnavn":"Existing unit","virkning":)"
                    R"({"from":"2015-01-01","to":"infinity"}}]},"relationer":{},"tilstande":)"
                    R"({"organisationenhedgyldighed":[{"gyldighed":"Aktiv","virkning":)"
                    R"({"from":"2015-01-01","to":"infinity"}}]}})";
        handle(seed);
    }

    server_response handle(const server_request& req) {
        std::lock_guard lock(mutex_);
        if (!f_.token_not_checked && req.header("authorization") != std::string("Bearer ") + token)
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
        if (f_.mangle_danish)
            for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
                     {"æ", "ae"}, {"ø", "oe"}, {"å", "aa"}, {"Æ", "Ae"}, {"Ø", "Oe"}, {"Å", "Aa"}})
                for (auto p = text.find(from); p != std::string::npos; p = text.find(from, p))
                    text.replace(p, from.size(), to);
        auto r = server_response::json(status, text);
        if (f_.wrong_content_type) r.headers = {{"Content-Type", "text/html; charset=utf-8"}};
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
        if (snap && range && !f_.mixed_time_accepted)
            return std::string(
                "'virkningstid' may not be used together with 'virkningFra' or 'virkningTil'");
        bool rsnap = q.count("registreringstid") > 0,
             rrange = q.count("registreretfra") || q.count("registrerettil");
        if (rsnap && rrange && !f_.mixed_time_accepted)
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
        if (f_.ignore_virkning) w.snapshot = false, w.from = -infinity, w.to = infinity;
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
            q[f_.case_sensitive_params && !fixed.count(lower(k)) ? k : lower(k)].push_back(v);
        return q;
    }

    server_response read(const object_type& t, const std::string& id, const server_request& req) {
        auto it = store_.find(id);
        if (it == store_.end() || it->second.type != &t) {
            if (f_.unknown_uuid_200)
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
            if (f_.deleted_404)
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
        if (!unknown.empty() && !f_.unknown_params_ignored) {
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
        if (q.count("uuid") && q["uuid"].size() > 1 && !f_.two_uuids_search_accepted)
            return reply(400, error("Only one uuid may be given in a search"));
        bool case_sensitive = f_.case_sensitive_search;
        std::vector<std::pair<std::string, std::string>> hits; // bvn, uuid
        for (const auto& [id, o] : store_) {
            if (o.type != &t) continue;
            const registration& r = o.current();
            if (r.livscykluskode == "Slettet" && !f_.deleted_still_searchable) continue;
            if (r.livscykluskode == "Passiveret" && f_.passivated_hidden) continue;
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
                        if (f_.relation_search_ignored) any = true;
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
        if (f_.paging_unsorted)
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
        if (f_.paging_off_by_one && first > 0) --first;
        json ids = json::array();
        for (std::size_t i = first; i < hits.size() && ids.size() < max; ++i)
            ids.push_back(hits[i].second);
        return reply(200, {{"results", json::array({ids})}});
    }

    std::optional<server_response> parse_json(const server_request& req, json& body) {
        if (req.body.empty() || req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
            if (f_.empty_body_201) {
                body = json::object();
                return std::nullopt;
            }
            return reply(400, {{"uuid", nullptr}});
        }
        try {
            body = json::parse(req.body);
        } catch (const json::exception&) {
            if (f_.malformed_json_500) return reply(500, error("Internal Server Error"));
            return reply(400, error("The request body is not valid JSON"));
        }
        return std::nullopt;
    }

    parsed_body validate(const json& body, const object_type& t, bool require_all) {
        bool extra = f_.extra_properties_accepted;
        bool require = require_all && !f_.missing_tilstande_accepted;
        return parse_body(body, t, require, extra, !f_.bad_urn_accepted, !f_.max_items_ignored,
                          !f_.publiceret_invalid_accepted);
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
            parsed_body p = validate(body, t, !f_.empty_body_201 || !body.empty());
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
                std::string code = revive || f_.import_wrong_livscyklus ? "Importeret" : "Rettet";
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
            bool replace = f_.patch_replaces;
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

    fault_switches f_;
    std::mutex mutex_;
    std::map<std::string, object> store_;
};

handler make(const std::string& fault_name) {
    auto state = std::make_shared<organisation_service>(fault_name);
    return [state](const server_request& req) { return state->handle(req); };
}

} // namespace

system_info organisation_system() {
    return {"oio-rest-organisation", faults_of(fault_table()), &make};
}

} // namespace konform::reference::oio
