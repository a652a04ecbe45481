#include "representation.hpp"

#include <cmath>

namespace konform::reference::dawa {

using nlohmann::json;

namespace {

json or_null(const std::string& s) {
    return s.empty() ? json() : json(s);
}

} // namespace

json flat(const address& a, int status) {
    return {{"id", a.id},
            {"status", status},
            {"kommunekode", a.kommunekode},
            {"kommunenavn", a.kommunenavn},
            {"vejkode", a.vejkode},
            {"vejnavn", a.vejnavn},
            {"husnr", a.husnr},
            {"etage", or_null(a.etage)},
            {"dør", or_null(a.doer)},
            {"postnr", a.postnr},
            {"postnrnavn", a.postnrnavn},
            {"adgangsadresseid", a.adgangsadresseid},
            {"x", std::stod(a.x)},
            {"y", std::stod(a.y)}};
}

json nested(const address& a, int status) {
    std::string betegnelse = a.vejnavn + " " + a.husnr;
    if (!a.etage.empty() || !a.doer.empty())
        betegnelse += ", " + a.etage + (a.doer.empty() ? "" : ". " + a.doer);
    betegnelse += ", " + a.postnr + " " + a.postnrnavn;
    return {{"id", a.id},
            {"status", status},
            {"etage", or_null(a.etage)},
            {"dør", or_null(a.doer)},
            {"adressebetegnelse", betegnelse},
            {"adgangsadresse",
             {{"id", a.adgangsadresseid},
              {"vejstykke", {{"kode", a.vejkode}, {"navn", a.vejnavn}}},
              {"husnr", a.husnr},
              {"postnummer", {{"nr", a.postnr}, {"navn", a.postnrnavn}}},
              {"kommune", {{"kode", a.kommunekode}, {"navn", a.kommunenavn}}},
              {"adgangspunkt", {{"koordinater", {std::stod(a.x), std::stod(a.y)}}}}}}};
}

json flat(const access_address& a) {
    return {{"id", a.id},           {"status", a.status},         {"kommunekode", a.kommunekode},
            {"vejkode", a.vejkode}, {"vejnavn", a.vejnavn},       {"husnr", a.husnr},
            {"postnr", a.postnr},   {"postnrnavn", a.postnrnavn}, {"x", std::stod(a.x)},
            {"y", std::stod(a.y)}};
}

std::string csv_of(const std::vector<json>& records, bool header) {
    std::string out;
    if (records.empty()) return header ? "id\r\n" : "";
    if (header) {
        bool first = true;
        for (const auto& [key, value] : records.front().items()) {
            out += (first ? "" : ",") + key;
            first = false;
        }
        out += "\r\n";
    }
    for (const auto& r : records) {
        bool first = true;
        for (const auto& [key, value] : r.items()) {
            out += first ? "" : ",";
            first = false;
            if (value.is_null()) continue;
            std::string cell = value.is_string() ? value.get<std::string>() : value.dump();
            if (cell.find_first_of(",\"\r\n") != std::string::npos) {
                std::string quoted = "\"";
                for (char c : cell)
                    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
                cell = quoted + "\"";
            }
            out += cell;
        }
        out += "\r\n";
    }
    return out;
}

namespace {

// a registered position as a transformation from another projection gives it back
double transformed(double degrees) {
    return std::round((degrees + 0.00000037) * 1e8) / 1e8;
}

} // namespace

json feature(const json& record, double east_shift) {
    const json x = record.value("x", json()), y = record.value("y", json());
    const json position =
        x.is_number() && y.is_number()
            ? json{transformed(x.get<double>() + east_shift), transformed(y.get<double>())}
            : json{x, y};
    return {{"type", "Feature"},
            {"geometry", {{"type", "Point"}, {"coordinates", position}}},
            {"properties", record}};
}

json feature_collection(const std::vector<json>& records, bool with_crs, double east_shift) {
    json out = {{"type", "FeatureCollection"}};
    if (with_crs) out["crs"] = {{"type", "name"}, {"properties", {{"name", "EPSG:4326"}}}};
    out["features"] = json::array();
    for (const auto& r : records)
        out["features"].push_back(feature(r, east_shift));
    return out;
}

std::string mangle_danish(std::string s) {
    static const std::pair<std::string, std::string> table[] = {
        {"æ", "ae"}, {"ø", "oe"}, {"å", "aa"}, {"Æ", "Ae"}, {"Ø", "Oe"}, {"Å", "Aa"}};
    for (const auto& [from, to] : table)
        for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
            s.replace(at, from.size(), to);
    return s;
}

} // namespace konform::reference::dawa
