#pragma once

#include "object_types.hpp"
#include "oio_time.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace konform::reference::oio {

using nlohmann::json;

// The bitemporal store of the OIO reference system: objects with registrations
// (registrering time), each holding attribute, state and relation entries with their own
// valid-time periods (virkning).

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

std::string lower(std::string s);

bool is_uuid(const std::string& s);

// OIO string matching: case-insensitive, '%' any run, '_' literal, '\%' a literal '%'.
bool like(const std::string& pattern, const std::string& value, bool case_sensitive);

// Merge: entries of the new data replace the old ones for the periods they cover; the old
// values stay in force outside them.
std::vector<entry> merge_periods(const std::vector<entry>& old, const std::vector<entry>& fresh);

json virkning_json(const period& p);

} // namespace konform::reference::oio
