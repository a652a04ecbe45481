#include "konform/check/predicate.hpp"

#include "konform/check/rows.hpp"

#include "pattern.hpp"
#include <cmath>
#include <cstdlib>

namespace konform::check {

using nlohmann::json;

std::string show(const std::optional<json>& value, std::size_t max) {
    if (!value) return "(missing)";
    std::string s = value->dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > max) s = s.substr(0, max) + "... (" + std::to_string(s.size()) + " characters)";
    return s;
}

namespace {

std::string text_of(const json& v) {
    return v.is_string() ? v.get<std::string>()
                         : v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<double> number_of(const json& v) {
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        if (s.empty()) return std::nullopt;
        char* end = nullptr;
        double d = std::strtod(s.c_str(), &end);
        if (end == s.c_str() + s.size() && std::isfinite(d)) return d;
    }
    return std::nullopt;
}

// Equality that lets a text value (header, XPath) equal a number or boolean literal.
bool loose_equal(const json& actual, const json& expected) {
    if (actual == expected) return true;
    if (actual.is_string() && (expected.is_number() || expected.is_boolean())) {
        if (expected.is_boolean()) return text_of(actual) == text_of(expected);
        auto a = number_of(actual);
        return a && *a == expected.get<double>();
    }
    return false;
}

bool regex_search(const std::string& text, const std::string& pattern, std::string& error) {
    try {
        return boost::regex_search(text, detail::pattern(pattern));
    } catch (const std::exception& e) {
        error = std::string("the regular expression could not be applied: ") + e.what();
        return false;
    }
}

bool has_type(const json& v, const std::string& type) {
    if (type == "string") return v.is_string();
    if (type == "number") return v.is_number();
    if (type == "integer")
        return v.is_number_integer() ||
               (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
    if (type == "boolean") return v.is_boolean();
    if (type == "null") return v.is_null();
    if (type == "array") return v.is_array();
    if (type == "object") return v.is_object();
    return false;
}

std::string type_name(const json& v) {
    if (v.is_number_integer()) return "integer";
    if (v.is_number()) return "number";
    return v.type_name();
}

outcome fail(std::string expected, const std::optional<json>& actual,
             std::string explanation = {}) {
    return {false, std::move(expected), show(actual), std::move(explanation)};
}

// Compares with lt/le/gt/ge: numbers numerically, two strings lexicographically (ISO dates).
std::optional<int> compare(const json& actual, const json& expected) {
    if (actual.is_string() && expected.is_string()) {
        int c =
            actual.get_ref<const std::string&>().compare(expected.get_ref<const std::string&>());
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    auto a = number_of(actual), e = number_of(expected);
    if (!a || !e) return std::nullopt;
    return *a < *e ? -1 : *a > *e ? 1 : 0;
}

outcome evaluate_one(const std::string& name, const json& arg, const std::optional<json>& actual);

std::optional<std::size_t> size_of(const json& v) {
    if (v.is_array() || v.is_object()) return v.size();
    if (v.is_string()) return v.get_ref<const std::string&>().size();
    return std::nullopt;
}

outcome evaluate_one(const std::string& name, const json& arg, const std::optional<json>& actual) {
    const outcome ok{true, {}, show(actual), {}};
    if (name == "exists") return actual ? ok : fail("to exist", actual);
    if (name == "absent")
        return !actual ? outcome{true, {}, "(missing)", {}} : fail("to be absent", actual);
    if (!actual) return fail(name + " " + show(arg), actual, "the value is missing");
    const json& v = *actual;
    if (name == "equals") return loose_equal(v, arg) ? ok : fail("equals " + show(arg), actual);
    if (name == "not_equals")
        return !loose_equal(v, arg) ? ok : fail("not equal to " + show(arg), actual);
    if (name == "matches" || name == "not_matches") {
        std::string error;
        bool m = regex_search(text_of(v), arg.get<std::string>(), error);
        if (!error.empty()) return fail(name + " /" + arg.get<std::string>() + "/", actual, error);
        bool want = name == "matches";
        return m == want
                   ? ok
                   : fail((want ? "matches /" : "does not match /") + arg.get<std::string>() + "/",
                          actual);
    }
    if (name == "type")
        return has_type(v, arg.get<std::string>()) ? ok
                                                   : fail("of type " + arg.get<std::string>(),
                                                          actual, "found type " + type_name(v));
    if (name == "one_of") {
        for (const auto& e : arg)
            if (loose_equal(v, e)) return ok;
        return fail("one of " + show(arg), actual);
    }
    if (name == "lt" || name == "le" || name == "gt" || name == "ge") {
        auto c = compare(v, arg);
        const std::string want = (name == "lt"   ? "< "
                                  : name == "le" ? "<= "
                                  : name == "gt" ? "> "
                                                 : ">= ") +
                                 show(arg);
        if (!c) return fail(want, actual, "the value cannot be compared with " + show(arg));
        bool held = name == "lt"   ? *c < 0
                    : name == "le" ? *c <= 0
                    : name == "gt" ? *c > 0
                                   : *c >= 0;
        return held ? ok : fail(want, actual);
    }
    if (name == "contains") {
        bool held = false;
        if (v.is_string())
            held = v.get_ref<const std::string&>().find(text_of(arg)) != std::string::npos;
        else if (v.is_array())
            for (const auto& e : v)
                held = held || loose_equal(e, arg);
        else if (v.is_object() && arg.is_string())
            held = v.contains(arg.get<std::string>());
        return held ? ok : fail("contains " + show(arg), actual);
    }
    if (name == "count") {
        auto n = size_of(v);
        if (!n)
            return fail("count " + show(arg), actual,
                        "the value is a " + type_name(v) + ", which has no count");
        json count = *n;
        if (arg.is_number())
            return loose_equal(count, arg)
                       ? ok
                       : fail("count " + show(arg), actual, "count is " + count.dump());
        outcome inner = evaluate_predicates(arg, count);
        if (inner.passed) return ok;
        return fail("count " + inner.expected, actual, "count is " + count.dump());
    }
    if (name == "rows") {
        rows_comparison c(arg);
        c.add(v);
        return c.finish();
    }
    if (name == "each" || name == "some") {
        if (!v.is_array() && !v.is_object())
            return fail(name + " element " + show(arg), actual, "the value is not an array");
        std::size_t i = 0, held = 0;
        for (const auto& e : v) {
            outcome inner = evaluate_predicates(arg, e);
            if (inner.passed)
                ++held;
            else if (name == "each")
                return fail("each element " + inner.expected, actual,
                            "element " + std::to_string(i) + " is " + inner.actual +
                                (inner.explanation.empty() ? "" : " (" + inner.explanation + ")"));
            ++i;
        }
        if (name == "some" && held == 0)
            return fail("some element " + show(arg), actual, "no element satisfies it");
        return ok;
    }
    return fail(name, actual, "unknown predicate \"" + name + "\"");
}

} // namespace

outcome evaluate_predicates(const json& predicates, const std::optional<json>& given) {
    // "at": a JSON Pointer into the value, so each/some can look inside array elements.
    std::optional<json> actual = given;
    std::string at;
    if (predicates.contains("at")) {
        at = predicates["at"].get<std::string>();
        actual.reset();
        try {
            json::json_pointer p(at);
            if (given && given->contains(p)) actual = given->at(p);
        } catch (const json::exception&) {
        }
    }
    outcome last{true, {}, show(actual), {}};
    std::string expected_all;
    for (const auto& [name, arg] : predicates.items()) {
        if (name == "at") continue;
        outcome o = evaluate_one(name, arg, actual);
        if (!o.passed) {
            if (!at.empty()) o.expected = at + " " + o.expected;
            return o;
        }
        // A rows comparison says what it compared in words, not as its (long) arguments.
        if (name == "rows" && predicates.size() == 1) return o;
        if (!expected_all.empty()) expected_all += " and ";
        expected_all += name + (name == "exists" || name == "absent" ? "" : " " + show(arg));
    }
    last.expected = expected_all;
    return last;
}

} // namespace konform::check
