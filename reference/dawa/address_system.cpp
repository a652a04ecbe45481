#include "address_system.hpp"

#include "faults.hpp"
#include "register.hpp"
#include "representation.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <set>

namespace konform::reference::dawa {

using nlohmann::json;

namespace {

constexpr long long paging_limit = 25000; // commonParameters.js PAGING_LIMIT

// A 400 (or 404) the request earns; thrown while its parameters are read.
struct request_error {
    int status;
    json body;
};

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::size_t from = 0;
    while (true) {
        const auto at = s.find(sep, from);
        out.push_back(s.substr(from, at == std::string::npos ? std::string::npos : at - from));
        if (at == std::string::npos) return out;
        from = at + 1;
    }
}

// Lower case for matching: ASCII letters and Æ, Ø, Å (UTF-8).
std::string folded(std::string s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 'A' && c <= 'Z') s[i] = static_cast<char>(c - 'A' + 'a');
        if (c == 0xC3 && i + 1 < s.size()) {
            const auto n = static_cast<unsigned char>(s[i + 1]);
            if (n == 0x86 || n == 0x98 || n == 0x85) s[i + 1] = static_cast<char>(n + 0x20);
        }
    }
    return s;
}

// Whether every word of `q` begins a word of the address's text (DAWA searches by word
// prefixes: "lUna" finds Lunavej).
bool text_matches(const address& a, const std::string& q, bool fold) {
    auto words = [&](const std::string& text) {
        std::vector<std::string> out;
        std::string word;
        for (char c : (fold ? folded(text) : text) + " ") {
            if (c == ' ' || c == ',' || c == '.') {
                if (!word.empty()) out.push_back(word);
                word.clear();
            } else
                word += c;
        }
        return out;
    };
    const auto have = words(a.vejnavn + " " + a.husnr + " " + a.etage + " " + a.doer + " " +
                            a.postnr + " " + a.postnrnavn);
    for (const auto& w : words(q)) {
        bool found = false;
        for (const auto& h : have)
            found = found || h.rfind(w, 0) == 0;
        if (!found) return false;
    }
    return true;
}

std::string betegnelse(const address& a) {
    std::string t = a.vejnavn + " " + a.husnr;
    if (!a.etage.empty() || !a.doer.empty())
        t += ", " + a.etage + (a.doer.empty() ? "" : ". " + a.doer);
    return t + ", " + a.postnr + " " + a.postnrnavn;
}

class address_register {
public:
    explicit address_register(const std::string& fault) : f_(switches_for(fault_table(), fault)) {}

    server_response handle(const server_request& req) const {
        try {
            params_ = {};
            for (const auto& [k, v] : req.query)
                if (!(f_.doer_param_ignored && k == "dør")) params_[k] = v;
            static const std::regex item("^/(adresser|adgangsadresser|postnumre)/([^/]+)$");
            std::smatch m;
            if (req.method != "GET") return message(405, "GET only");
            if (req.path == "/adresser") return list_addresses(false);
            if (req.path == "/adresser/autocomplete") return list_addresses(true);
            if (req.path == "/adgangsadresser") return list_access_addresses();
            if (req.path == "/postnumre") return list_postal_codes();
            if (std::regex_match(req.path, m, item)) return one(m[1], m[2]);
            return message(404, "no resource at " + req.path);
        } catch (const request_error& e) {
            return json_reply(e.status, e.body);
        }
    }

private:
    // --- parameters -------------------------------------------------------------------
    bool has(const std::string& name) const { return params_.count(name) > 0; }
    std::string param(const std::string& name) const {
        auto it = params_.find(name);
        return it == params_.end() ? "" : it->second;
    }

    [[noreturn]] void bad(const std::string& name, const std::string& why) const {
        json body = f_.error_body_shape
                        ? json{{"message", name + ": " + why}}
                        : json{{"type", "QueryParameterFormatError"},
                               {"title", "One or more query parameters was ill-formed."},
                               {"details", json::array({json::array({name, why})})}};
        throw request_error{400, body};
    }

    long long integer(const std::string& name, long long min, long long max) const {
        return integer_value(name, param(name), min, max);
    }

    // `v`, the value (or one of the values) of parameter `name`, as an integer in [min, max].
    long long integer_value(const std::string& name, const std::string& v, long long min,
                            long long max) const {
        if (v.empty() || v.size() > 12 || v.find_first_not_of("-0123456789") != std::string::npos ||
            (v.rfind('-') != std::string::npos && v.rfind('-') > 0) || v == "-")
            bad(name, "Invalid integer: " + v);
        const long long n = std::stoll(v);
        if (n < min) bad(name, "Value " + v + " is less than minimum " + std::to_string(min));
        if (n > max) bad(name, "Value " + v + " is greater than maximum " + std::to_string(max));
        return n;
    }

    // Integers of a multi-valued filter ("8000|8200"), as 4-digit codes.
    std::set<long long> codes(const std::string& name, long long min, long long max) const {
        std::set<long long> out;
        for (const auto& v : split(param(name), '|'))
            out.insert(integer_value(name, v, min, max));
        return out;
    }

    // With `valider`, a parameter the resource does not know is an error; without it, it is
    // ignored (parameterParsing: "Ukendt parameter X"; valider and cache are always known).
    void check_known() const {
        if (!has("valider") || f_.valider_ignored) return;
        static const std::set<std::string> known = {"valider",
                                                    "cache",
                                                    "id",
                                                    "q",
                                                    "fuzzy",
                                                    "kvhx",
                                                    "status",
                                                    "vejkode",
                                                    "vejnavn",
                                                    "husnr",
                                                    "husnrfra",
                                                    "husnrtil",
                                                    "postnr",
                                                    "kommunekode",
                                                    "regionskode",
                                                    "sognekode",
                                                    "etage",
                                                    "dør",
                                                    "adgangsadresseid",
                                                    "supplerendebynavn",
                                                    "polygon",
                                                    "cirkel",
                                                    "x",
                                                    "y",
                                                    "srid",
                                                    "struktur",
                                                    "format",
                                                    "callback",
                                                    "noformat",
                                                    "ndjson",
                                                    "side",
                                                    "per_side",
                                                    "medtagnedlagte",
                                                    "stormodtagere",
                                                    "medtagugyldige",
                                                    "geometri",
                                                    "caretpos",
                                                    "type",
                                                    "startfra"};
        for (const auto& [name, value] : params_)
            if (!known.count(name)) bad(name, "Ukendt parameter " + name);
    }

    void check_common() const {
        check_known();
        if (has("format")) {
            const std::string f = param("format");
            if (f != "json" && f != "csv" && f != "geojson" && f != "geojsonz")
                bad("format", "Value " + f + " is not one of json, csv, geojson, geojsonz");
        }
        if (has("struktur")) {
            const std::string s = param("struktur");
            if (s != "flad" && s != "nestet" && s != "mini")
                bad("struktur", "Value " + s + " is not one of flad, nestet, mini");
        }
        static const std::regex callback("^[$_a-zA-Z0-9.]+$");
        if (has("callback") && !std::regex_match(param("callback"), callback))
            bad("callback", "String does not match pattern ^[\\$_a-zA-Z0-9\\.]+$");
    }

    // The page of `all` the request asks for (all of it without side and per_side).
    template <typename T> std::vector<T> page(std::vector<T> all) const {
        if (!has("side") && !has("per_side")) return all;
        const long long per_side = has("per_side") ? integer("per_side", 1, 1LL << 40)
                                                   : (f_.per_side_default_10 ? 10 : 20);
        const long long side = has("side") ? integer("side", 1, 1LL << 40) : 1;
        if (side > 1 && side * per_side > paging_limit && !f_.paging_limit_not_enforced)
            bad("side", "Der kan højst pagineres i de første " + std::to_string(paging_limit) +
                            " elementer");
        long long offset = (side - 1) * per_side;
        if (f_.paging_overlap && side > 1) --offset;
        std::vector<T> out;
        for (long long i = offset; i < offset + per_side && i < static_cast<long long>(all.size());
             ++i)
            out.push_back(all[static_cast<std::size_t>(i)]);
        return out;
    }

    // --- answers ------------------------------------------------------------------------
    server_response json_reply(int status, const json& body) const {
        const std::string type =
            f_.json_without_charset ? "application/json" : "application/json; charset=UTF-8";
        return {status, {{"Content-Type", type}}, body.dump(has("noformat") ? -1 : 2), false};
    }
    static server_response message(int status, const std::string& text) {
        return {status, {{"Content-Type", "text/plain; charset=UTF-8"}}, text + "\n", false};
    }

    // One record or a list in the format the request asks for.
    server_response formatted(const std::vector<json>& flat_records,
                              const std::vector<json>& records, bool single) const {
        const std::string format = param("format");
        if (format == "csv") {
            std::string csv = csv_of(flat_records, !f_.csv_without_header);
            if (f_.danish_mangled_in_csv) csv = mangle_danish(csv);
            return {200, {{"Content-Type", "text/csv; charset=UTF-8"}}, csv, false};
        }
        if (format == "geojson" || format == "geojsonz") {
            const double shift = f_.geojson_coordinates_shifted ? 0.00001 : 0;
            json body = single ? feature(flat_records.front(), shift)
                               : feature_collection(flat_records, !f_.geojson_without_crs, shift);
            if (single && !f_.geojson_without_crs)
                body["crs"] = {{"type", "name"}, {"properties", {{"name", "EPSG:4326"}}}};
            return json_reply(200, body);
        }
        if (has("ndjson") && !single) {
            std::string body;
            for (std::size_t i = 0; i < records.size(); ++i)
                body += (i ? (f_.ndjson_lf ? "\n" : "\r\n") : "") + records[i].dump();
            return {200, {{"Content-Type", "application/x-ndjson; charset=UTF-8"}}, body, false};
        }
        const json body = single ? records.front() : json(records);
        if (has("callback")) {
            const std::string type = f_.jsonp_as_json ? "application/json; charset=UTF-8"
                                                      : "application/javascript; charset=UTF-8";
            return {200,
                    {{"Content-Type", type}},
                    param("callback") + "(" + body.dump(2) + ");",
                    false};
        }
        return json_reply(200, body);
    }

    bool include_discontinued() const {
        return f_.historic_as_current || param("medtagnedlagte") == "true";
    }
    // nedlagt (2) and henlagt (4) are left out unless medtagnedlagte is given
    bool hidden(const address& a) const {
        if (a.status == 4 && f_.henlagt_listed) return false;
        return (a.status == 2 || a.status == 4) && !include_discontinued();
    }
    int shown_status(const address& a) const {
        return f_.historic_as_current && (a.status == 2 || a.status == 4) ? 1 : a.status;
    }

    // /adresser, or its autocomplete: suggestions {tekst, adresse}, 20 unless per_side says.
    server_response list_addresses(bool autocomplete) const {
        check_common();
        std::optional<std::set<long long>> kommuner, postnumre, vejkoder;
        if (has("kommunekode")) kommuner = codes("kommunekode", 0, 9999);
        if (has("postnr")) postnumre = codes("postnr", 1, f_.postnr_range_unchecked ? 99999 : 9999);
        if (has("vejkode")) vejkoder = codes("vejkode", 0, 9999);
        std::optional<long long> status;
        if (has("status") && !f_.status_filter_ignored) status = integer("status", 1, 4);
        std::vector<const address*> found;
        bool dropped = false;
        for (const auto& a : addresses()) {
            if (hidden(a)) continue;
            if (kommuner && !kommuner->count(std::stoll(a.kommunekode))) continue;
            if (postnumre && !postnumre->count(std::stoll(a.postnr))) continue;
            if (vejkoder && !vejkoder->count(std::stoll(a.vejkode))) continue;
            if (status && a.status != *status) continue;
            if (has("vejnavn") && a.vejnavn != param("vejnavn")) continue;
            if (has("q") && (autocomplete || !f_.q_ignored) &&
                !text_matches(a, param("q"), !(autocomplete && f_.autocomplete_case_sensitive)))
                continue;
            if (has("husnr") && a.husnr != param("husnr")) continue;
            if (has("etage") && a.etage != param("etage")) continue;
            if (has("dør") && a.doer != param("dør")) continue;
            if (has("adgangsadresseid") && a.adgangsadresseid != param("adgangsadresseid"))
                continue;
            if (f_.kommune_row_missing && kommuner && a.kommunekode == "0461" && !dropped) {
                dropped = true; // the first address of Odense, in id order
                continue;
            }
            found.push_back(&a);
        }
        std::vector<json> flats, records;
        const bool flad = param("struktur") == "flad";
        if (autocomplete) {
            if (!has("per_side")) params_["per_side"] = "20";
            for (const address* a : page(found)) {
                const json item = {{"tekst", betegnelse(*a)},
                                   {"adresse",
                                    {{"id", a->id},
                                     {"href", "/adresser/" + a->id},
                                     {"vejnavn", a->vejnavn},
                                     {"husnr", a->husnr},
                                     {"etage", a->etage.empty() ? json() : json(a->etage)},
                                     {"dør", a->doer.empty() ? json() : json(a->doer)},
                                     {"postnr", a->postnr},
                                     {"postnrnavn", a->postnrnavn}}}};
                flats.push_back(item);
            }
            return formatted(flats, flats, false);
        }
        for (const address* a : page(found)) {
            flats.push_back(flat(*a, shown_status(*a)));
            records.push_back(flad ? flats.back() : nested(*a, shown_status(*a)));
        }
        return formatted(flats, records, false);
    }

    server_response list_access_addresses() const {
        check_common();
        std::optional<std::set<long long>> kommuner, postnumre;
        if (has("kommunekode")) kommuner = codes("kommunekode", 0, 9999);
        if (has("postnr")) postnumre = codes("postnr", 1, 9999);
        std::vector<const access_address*> found;
        for (const auto& a : access_addresses()) {
            if (kommuner && !kommuner->count(std::stoll(a.kommunekode))) continue;
            if (postnumre && !postnumre->count(std::stoll(a.postnr))) continue;
            if (has("vejnavn") && a.vejnavn != param("vejnavn")) continue;
            found.push_back(&a);
        }
        std::vector<json> flats;
        for (const access_address* a : page(found))
            flats.push_back(flat(*a));
        return formatted(flats, flats, false);
    }

    server_response list_postal_codes() const {
        check_common();
        std::vector<json> records;
        const auto& all = postal_codes();
        const bool stormodtagere = param("stormodtagere") == "true" || f_.stormodtagere_listed;
        for (std::size_t i = 0; i < all.size(); ++i)
            if (!(f_.postnumre_incomplete && i + 1 == all.size()) &&
                (stormodtagere || !all[i].stormodtager))
                records.push_back({{"nr", all[i].nr}, {"navn", all[i].navn}});
        return formatted(records, page(records), false);
    }

    server_response one(const std::string& kind, const std::string& key) const {
        check_common();
        auto not_found = [&] {
            if (f_.unknown_id_200) return json_reply(200, json());
            return json_reply(404, {{"type", "ResourceNotFoundError"},
                                    {"title", "The resource was not found"},
                                    {"details", {{kind == "postnumre" ? "nr" : "id", key}}}});
        };
        if (kind == "postnumre") {
            for (const auto& p : postal_codes())
                if (p.nr == key) {
                    const json r = {{"nr", p.nr}, {"navn", p.navn}};
                    return formatted({r}, {r}, true);
                }
            return not_found();
        }
        static const std::regex uuid("^([0-9a-fA-F]{8}\\-[0-9a-fA-F]{4}\\-[0-9a-fA-F]{4}\\-[0-9a-"
                                     "fA-F]{4}\\-[0-9a-fA-F]{12})$");
        if (!std::regex_match(key, uuid))
            return json_reply(
                f_.malformed_uuid_400 ? 400 : 404,
                {{"type", "ResourcePathFormatError"},
                 {"title", "The URI path was ill-formed."},
                 {"details", json::array({json::array(
                                 {"id", "String does not match pattern "
                                        "^([0-9a-fA-F]{8}\\-[0-9a-fA-F]{4}\\-[0-9a-fA-F]{4}\\-"
                                        "[0-9a-fA-F]{4}\\-[0-9a-fA-F]{12})$: " +
                                            key})})}});
        if (kind == "adgangsadresser") {
            for (const auto& a : access_addresses())
                if (a.id == key) return formatted({flat(a)}, {flat(a)}, true);
            return not_found();
        }
        const auto& all = addresses();
        auto it = std::lower_bound(all.begin(), all.end(), key,
                                   [](const address& a, const std::string& k) { return a.id < k; });
        if (it == all.end() || it->id != key || hidden(*it)) return not_found();
        const json f = flat(*it, shown_status(*it));
        return formatted({f}, {param("struktur") == "flad" ? f : nested(*it, shown_status(*it))},
                         true);
    }

    fault_switches f_;
    mutable std::map<std::string, std::string> params_; // the request being answered
};

handler make(const std::string& fault_name) {
    auto state = std::make_shared<const address_register>(fault_name);
    // The register keeps the current request's parameters: one request at a time.
    auto lock = std::make_shared<std::mutex>();
    return [state, lock](const server_request& req) {
        std::lock_guard guard(*lock);
        return state->handle(req);
    };
}

} // namespace

system_info address_system() {
    auto faults = faults_of(fault_table());
    for (auto& f :
         service_level_faults("DAWA-SL-LATENCY", "DAWA-SL-PEAK-LATENCY", "DAWA-SL-PEAK-ERRORS"))
        faults.push_back(std::move(f));
    return {"dawa-adresser", std::move(faults), &make, false, &use_data_folder};
}

} // namespace konform::reference::dawa
