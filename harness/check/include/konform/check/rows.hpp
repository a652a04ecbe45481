#pragma once

#include "konform/check/predicate.hpp"
#include "konform/check/same_value.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace konform::check {

// Compares the records a system answered (an array, from one response or from every page
// of a paged query) with the records expected, on a key: which are missing, which are
// extra or repeated, which differ in which field, and, when the order is part of the
// standard, where the order first departs. The spec:
//   {"expected": [records], "key": "id", "fields": {"column": "/pointer", ...},
//    "ordered": false, "source": "data set adresser, where {...}",
//    "compare": {"column": {"as": "integer"}, "x": {"within": 1e-7}}}
// `fields` maps each compared column of an expected record to where the answered record
// holds it (a JSON Pointer); the key is always compared. `compare` reads a column as its
// contract types it (the modifiers of a predicate object: as, within, decimals). Only the compared
// fields of each answered record are kept, so a paged whole-data-set check holds no more than the
// selection itself.
class rows_comparison {
public:
    explicit rows_comparison(const nlohmann::json& spec);

    // Adds one response's records; anything but an array is remembered as a wrong shape.
    void add(const nlohmann::json& records);
    // Records added so far.
    std::size_t answered() const { return answered_; }
    // Records beyond the expected ones that are still compared; past them the answer fails.
    static constexpr std::size_t max_surplus = 100'000;
    // Whether no more records are compared (the answer already has too many).
    bool full() const { return actual_.size() >= expected_.size() + max_surplus; }
    outcome finish() const;

private:
    struct record {
        std::string key;
        std::vector<std::optional<nlohmann::json>> values; // one per field
    };
    std::string key_of(const std::optional<nlohmann::json>& value) const;

    std::vector<std::pair<std::string, std::string>> fields_; // column, pointer
    std::vector<reading> readings_;                           // one per field
    std::size_t key_field_ = 0;
    bool ordered_ = false;
    std::string source_;
    std::vector<record> expected_;
    std::map<std::string, std::size_t> expected_index_;
    std::vector<record> actual_;
    std::size_t answered_ = 0;
    std::string shape_error_;
};

// The key of a record as shown and matched: text as is, other values as JSON.
std::string key_text(const nlohmann::json& value);

} // namespace konform::check
