#include "konform/check/same_value.hpp"

#include "konform/check/typed_value.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

namespace konform::check {

using model::value_type;
using nlohmann::json;

std::optional<double> decimal_number(std::string_view text) {
    std::size_t i = 0;
    const auto digit = [&](std::size_t at) {
        return at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]));
    };
    if (i < text.size() && text[i] == '-') ++i;
    if (!digit(i)) return std::nullopt;
    if (text[i] == '0' && digit(i + 1)) return std::nullopt; // a leading zero: "0825"
    while (digit(i))
        ++i;
    if (i < text.size() && text[i] == '.') {
        if (!digit(++i)) return std::nullopt;
        while (digit(i))
            ++i;
    }
    if (i != text.size()) return std::nullopt;
    double d = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d))
        return std::nullopt;
    return d;
}

bool same_value(const json& actual, const json& expected) {
    if (actual == expected) return true;
    if (!actual.is_string()) return false;
    const auto& text = actual.get_ref<const std::string&>();
    if (expected.is_boolean()) return text == (expected.get<bool>() ? "true" : "false");
    if (expected.is_number()) {
        const auto n = decimal_number(text);
        return n && *n == expected.get<double>();
    }
    return false;
}

reading reading::of(const json& predicates) {
    return of(predicates, reading{});
}

reading reading::of(const json& predicates, const reading& outer) {
    reading r = outer;
    if (!predicates.is_object()) return r;
    if (auto it = predicates.find("as"); it != predicates.end() && it->is_string())
        if (const auto* t = model::find_value_type(it->get_ref<const std::string&>())) r.as = t->id;
    if (auto it = predicates.find("within"); it != predicates.end() && it->is_number())
        r.within = std::abs(it->get<double>());
    if (auto it = predicates.find("decimals"); it != predicates.end() && it->is_number_integer())
        r.within = std::pow(10.0, -it->get<double>());
    return r;
}

std::string reading::describe() const {
    std::string out;
    if (as != value_type::json)
        for (const auto& t : model::value_type_table())
            if (t.id == as) out = "as " + std::string(t.name);
    if (within) {
        std::ostringstream w;
        w << *within;
        out += (out.empty() ? "" : ", ") + std::string("within ") + w.str();
    }
    return out.empty() ? out : " (" + out + ")";
}

namespace {

// The lexical form a side gives a typed reading: text as is, a JSON number as written.
std::optional<std::string> lexical(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (!std::isfinite(d)) return std::nullopt;
        char buf[64];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
        if (ec != std::errc()) return std::nullopt;
        return std::string(buf, end);
    }
    return std::nullopt;
}

std::optional<double> as_double(std::string_view canonical) {
    double d = 0;
    const auto [end, ec] =
        std::from_chars(canonical.data(), canonical.data() + canonical.size(), d);
    if (ec != std::errc() || !std::isfinite(d)) return std::nullopt;
    return d;
}

bool close(double a, double e, double within) {
    return std::abs(a - e) <= within * (1 + 1e-9) + 1e-300;
}

int sign(long long v) {
    return v < 0 ? -1 : v > 0 ? 1 : 0;
}

// Orders and equates two values read as `as`; nothing when a side is not of the type or the
// two cannot be ordered (a dateTime with an offset and one without).
struct typed_order {
    std::optional<int> order;
    bool equal = false;
};

typed_order typed(const json& actual, const json& expected, const reading& how) {
    const auto a = lexical(actual), e = lexical(expected);
    if (!a || !e ||
        (how.as != value_type::integer && how.as != value_type::decimal &&
         (!actual.is_string() || !expected.is_string())))
        return {};
    switch (how.as) {
    case value_type::json:
        return {};
    case value_type::integer:
    case value_type::decimal: {
        const auto read = how.as == value_type::integer ? read_integer : read_decimal;
        const auto ca = read(*a), ce = read(*e);
        if (!ca || !ce) return {};
        if (how.within) {
            const auto da = as_double(*ca), de = as_double(*ce);
            if (!da || !de) return {};
            if (close(*da, *de, *how.within)) return {0, true};
            return {*da < *de ? -1 : 1, false};
        }
        const int c = compare_canonical(*ca, *ce);
        return {c, c == 0};
    }
    case value_type::date: {
        const auto da = read_date(*a), de = read_date(*e);
        if (!da || !de) return {};
        const int c = sign(da->day - de->day);
        const bool offsets_agree = !da->offset_minutes || !de->offset_minutes ||
                                   *da->offset_minutes == *de->offset_minutes;
        return {c, c == 0 && offsets_agree};
    }
    case value_type::date_time: {
        const auto da = read_date_time(*a), de = read_date_time(*e);
        if (!da || !de || da->offset_minutes.has_value() != de->offset_minutes.has_value())
            return {};
        const long long sa = da->seconds - da->offset_minutes.value_or(0) * 60LL;
        const long long se = de->seconds - de->offset_minutes.value_or(0) * 60LL;
        int c = sign(sa - se);
        if (c == 0) {
            const int f = da->fraction.compare(de->fraction);
            c = f < 0 ? -1 : f > 0 ? 1 : 0;
        }
        return {c, c == 0};
    }
    }
    return {};
}

std::optional<double> number_of(const json& v) {
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) return decimal_number(v.get_ref<const std::string&>());
    return std::nullopt;
}

// JSON equality with numbers within the tolerance, at any depth of like-shaped values.
bool within_tolerance(const json& actual, const json& expected, double within) {
    if (expected.is_number()) {
        const auto a = number_of(actual);
        return a && close(*a, expected.get<double>(), within);
    }
    if (expected.is_array()) {
        if (!actual.is_array() || actual.size() != expected.size()) return false;
        for (std::size_t i = 0; i < expected.size(); ++i)
            if (!within_tolerance(actual[i], expected[i], within)) return false;
        return true;
    }
    if (expected.is_object()) {
        if (!actual.is_object() || actual.size() != expected.size()) return false;
        for (const auto& [k, v] : expected.items()) {
            const auto it = actual.find(k);
            if (it == actual.end() || !within_tolerance(*it, v, within)) return false;
        }
        return true;
    }
    return same_value(actual, expected);
}

} // namespace

bool same_value(const json& actual, const json& expected, const reading& how) {
    if (how.as != value_type::json) return typed(actual, expected, how).equal;
    if (how.within) return within_tolerance(actual, expected, *how.within);
    return same_value(actual, expected);
}

std::optional<int> order_values(const json& actual, const json& expected, const reading& how) {
    if (how.as != value_type::json) return typed(actual, expected, how).order;
    if (actual.is_string() && expected.is_string()) {
        const int c =
            actual.get_ref<const std::string&>().compare(expected.get_ref<const std::string&>());
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    const auto a = number_of(actual), e = number_of(expected);
    if (!a || !e) return std::nullopt;
    if (how.within && close(*a, *e, *how.within)) return 0;
    return *a < *e ? -1 : *a > *e ? 1 : 0;
}

} // namespace konform::check
