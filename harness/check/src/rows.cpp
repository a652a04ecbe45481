#include "konform/check/rows.hpp"

#include "konform/check/same_value.hpp"
#include "konform/check/typed_value.hpp"

#include <set>

namespace konform::check {

using nlohmann::json;

namespace {

constexpr std::size_t shown_per_kind = 20;

std::optional<json> at(const json& item, const std::string& pointer) {
    try {
        json::json_pointer p(pointer);
        if (item.contains(p)) return item.at(p);
    } catch (const json::exception&) {
    }
    return std::nullopt;
}

// A data set's empty cell (CSV cannot say null) equals null or an absent field, and so does
// an answer's empty text (a CSV answer's empty cell).
bool nothing(const std::optional<json>& v) {
    return !v || v->is_null() || (v->is_string() && v->get_ref<const std::string&>().empty());
}

bool same(const std::optional<json>& expected, const std::optional<json>& actual,
          const reading& how) {
    const bool e_null = nothing(expected);
    const bool a_null = nothing(actual);
    if (e_null || a_null) return e_null && a_null;
    return same_value(*actual, *expected, how);
}

std::string value_text(const std::optional<json>& v) {
    return v ? show(v, 80) : "(absent)";
}

// "3 missing (first 20 of 35): a, b, c"
std::string listing(const std::string& what, const std::vector<std::string>& items) {
    if (items.empty()) return "";
    std::string out = std::to_string(items.size()) + " " + what;
    if (items.size() > shown_per_kind) out += " (first " + std::to_string(shown_per_kind) + ")";
    out += ": ";
    for (std::size_t i = 0; i < items.size() && i < shown_per_kind; ++i)
        out += (i ? "; " : "") + items[i];
    return out;
}

} // namespace

std::string key_text(const json& value) {
    return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string rows_comparison::key_of(const std::optional<json>& value) const {
    if (!value) return "(no key)";
    // A key read as an integer or decimal matches in its canonical form: "0101" is 101.
    const reading& how = readings_[key_field_];
    if (how.as == model::value_type::integer || how.as == model::value_type::decimal) {
        const std::string text = key_text(*value);
        const auto canonical =
            how.as == model::value_type::integer ? read_integer(text) : read_decimal(text);
        if (canonical) return *canonical;
    }
    return key_text(*value);
}

rows_comparison::rows_comparison(const json& spec) {
    const std::string key = spec.at("key").get<std::string>();
    ordered_ = spec.value("ordered", false);
    source_ = spec.value("source", std::string("the expected records"));
    const json& fields = spec.contains("fields") ? spec["fields"] : json::object();
    fields_.emplace_back(key, fields.contains(key) ? fields[key].get<std::string>() : "/" + key);
    for (const auto& [column, pointer] : fields.items())
        if (column != key) fields_.emplace_back(column, pointer.get<std::string>());
    const json& compare = spec.contains("compare") ? spec["compare"] : json::object();
    for (const auto& [column, pointer] : fields_)
        readings_.push_back(compare.contains(column) ? reading::of(compare[column]) : reading{});
    for (const auto& e : spec.at("expected")) {
        record r;
        for (const auto& [column, pointer] : fields_)
            r.values.push_back(e.contains(column) ? std::optional<json>(e[column]) : std::nullopt);
        r.key = key_of(r.values[key_field_]);
        expected_index_.emplace(r.key, expected_.size());
        expected_.push_back(std::move(r));
    }
}

void rows_comparison::add(const json& records) {
    if (!records.is_array()) {
        if (shape_error_.empty())
            shape_error_ = std::string("the answer is ") + records.type_name() + ", not an array";
        return;
    }
    for (const auto& item : records) {
        if (full()) {
            // A conformant answer holds the expected records: past this many more, the
            // rest are only counted, so no answer can make the comparison grow without end.
            if (shape_error_.empty())
                shape_error_ = "the answer holds more than " +
                               std::to_string(expected_.size() + max_surplus) +
                               " records; the rest were not compared";
            ++answered_;
            continue;
        }
        ++answered_;
        record r;
        for (const auto& [column, pointer] : fields_)
            r.values.push_back(at(item, pointer));
        r.key = key_of(r.values[key_field_]);
        actual_.push_back(std::move(r));
    }
}

outcome rows_comparison::finish() const {
    outcome o;
    o.expected = std::to_string(expected_.size()) + " records, " + source_ + ", matched on " +
                 fields_[key_field_].first + (ordered_ ? ", in order" : ", in any order");
    o.actual = std::to_string(answered_) + " records";
    if (!shape_error_.empty()) {
        o.explanation = shape_error_;
        return o;
    }
    std::vector<std::string> missing, extra, repeated, differing;
    std::set<std::string> seen;
    for (const auto& a : actual_) {
        auto it = expected_index_.find(a.key);
        if (it == expected_index_.end()) {
            extra.push_back(fields_[key_field_].first + "=" + a.key);
            continue;
        }
        if (!seen.insert(a.key).second) {
            repeated.push_back(fields_[key_field_].first + "=" + a.key);
            continue;
        }
        const record& e = expected_[it->second];
        std::string diff;
        // The key too: "825" and 825 name one record, but only one of them is its value.
        for (std::size_t f = 0; f < fields_.size(); ++f)
            if (!same(e.values[f], a.values[f], readings_[f]))
                diff += (diff.empty() ? "" : ", ") + fields_[f].first + " expected " +
                        value_text(e.values[f]) + readings_[f].describe() + ", got " +
                        value_text(a.values[f]);
        if (!diff.empty())
            differing.push_back(fields_[key_field_].first + "=" + a.key + ": " + diff);
    }
    for (const auto& e : expected_)
        if (!seen.count(e.key)) missing.push_back(fields_[key_field_].first + "=" + e.key);
    std::string order;
    if (ordered_ && missing.empty() && extra.empty() && repeated.empty())
        for (std::size_t i = 0; i < actual_.size() && i < expected_.size(); ++i)
            if (actual_[i].key != expected_[i].key) {
                order = "out of order from position " + std::to_string(i) + ": expected " +
                        fields_[key_field_].first + "=" + expected_[i].key + ", got " +
                        actual_[i].key;
                break;
            }
    for (const auto& part : {listing("missing", missing), listing("extra", extra),
                             listing("repeated", repeated), listing("differing", differing), order})
        if (!part.empty()) o.explanation += (o.explanation.empty() ? "" : "\n") + part;
    o.passed = o.explanation.empty();
    return o;
}

} // namespace konform::check
