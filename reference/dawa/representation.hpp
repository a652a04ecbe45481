#pragma once

#include "register.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace konform::reference::dawa {

// The flat form of an address (struktur=flad, and every CSV row): DAWA's field names, an
// empty etage or dør as null.
nlohmann::json flat(const address& a, int status);
// The nested form (struktur=nestet, the default): the access address inside.
nlohmann::json nested(const address& a, int status);
nlohmann::json flat(const access_address& a);

// Flat records as CSV (the header row from the first record's keys, unless `header` is
// false; nulls as empty cells; CRLF line ends).
std::string csv_of(const std::vector<nlohmann::json>& records, bool header);

// GeoJSON: a FeatureCollection of points with the records as properties, with or without
// the crs member naming EPSG:4326. Positions as DAWA writes them: computed from EPSG:25832
// with eight decimals (ST_AsGeoJSON(ST_Transform(geom, 4326), 8)), so they differ from the
// registered six in the seventh and eighth; `east_shift` (degrees) moves every position.
nlohmann::json feature(const nlohmann::json& record, double east_shift = 0);
nlohmann::json feature_collection(const std::vector<nlohmann::json>& records, bool with_crs,
                                  double east_shift = 0);

// The ASCII spelling some systems fall back to: æ, ø, å as ae, oe, aa.
std::string mangle_danish(std::string s);

} // namespace konform::reference::dawa
