#include "konform/check/predicate.hpp"

#include "konform/check/rows.hpp"
#include "konform/check/same_value.hpp"
#include "konform/model/predicates.hpp"

#include "pattern.hpp"
#include <cmath>
#include <cstdlib>

namespace konform::check {

using nlohmann::json;

namespace {

// A value as show() gives it, from a pointer (null: missing), without copying it.
std::string shown(const json* value, std::size_t max = 200) {
    if (!value) return "(missing)";
    std::string s = value->dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > max) s = s.substr(0, max) + "... (" + std::to_string(s.size()) + " characters)";
    return s;
}

} // namespace

std::string show(const std::optional<json>& value, std::size_t max) {
    return shown(value ? &*value : nullptr, max);
}

namespace {

std::string text_of(const json& v) {
    return v.is_string() ? v.get<std::string>()
                         : v.dump(-1, ' ', false, json::error_handler_t::replace);
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

outcome fail(std::string expected, const json* actual, std::string explanation = {}) {
    return {false, std::move(expected), shown(actual), std::move(explanation)};
}

// A predicate that held: evaluate_all shows the value once, for all of them.
const outcome held{true, {}, {}, {}};

outcome evaluate_one(const std::string& name, const json& arg, const json* actual,
                     const reading& how);
outcome evaluate_all(const json& predicates, const json* given, const reading& outer,
                     bool describe = true);

std::optional<std::size_t> size_of(const json& v) {
    if (v.is_array() || v.is_object()) return v.size();
    if (v.is_string()) return v.get_ref<const std::string&>().size();
    return std::nullopt;
}

// One function per kind of predicate; evaluate_one dispatches on the predicate table's enum
// (model/predicates.hpp), so a predicate the table gains without an evaluator does not build.

outcome pattern(model::predicate p, const json& arg, const json* actual) {
    const std::string re = arg.is_string() ? arg.get<std::string>() : shown(&arg);
    const bool want = p == model::predicate::matches;
    std::string error;
    const bool m = regex_search(text_of(*actual), re, error);
    if (!error.empty())
        return fail(std::string(want ? "matches" : "not_matches") + " /" + re + "/", actual, error);
    return m == want ? held : fail((want ? "matches /" : "does not match /") + re + "/", actual);
}

outcome bound(model::predicate p, const json& arg, const json* actual, const reading& how) {
    using model::predicate;
    const auto want = [&] {
        return (p == predicate::lt   ? "< "
                : p == predicate::le ? "<= "
                : p == predicate::gt ? "> "
                                     : ">= ") +
               shown(&arg) + how.describe();
    };
    auto c = order_values(*actual, arg, how);
    if (!c) return fail(want(), actual, "the value cannot be compared with " + shown(&arg));
    const bool holds = p == predicate::lt   ? *c < 0
                       : p == predicate::le ? *c <= 0
                       : p == predicate::gt ? *c > 0
                                            : *c >= 0;
    return holds ? held : fail(want(), actual);
}

outcome contains(const json& arg, const json* actual, const reading& how) {
    const json& v = *actual;
    bool found = false;
    if (v.is_string())
        found = v.get_ref<const std::string&>().find(text_of(arg)) != std::string::npos;
    else if (v.is_array())
        for (const auto& e : v)
            found = found || same_value(e, arg, how);
    else if (v.is_object() && arg.is_string())
        found = v.contains(arg.get<std::string>());
    return found ? held : fail("contains " + shown(&arg), actual);
}

outcome count(const json& arg, const json* actual, const reading& how) {
    auto n = size_of(*actual);
    if (!n)
        return fail("count " + shown(&arg), actual,
                    "the value is a " + type_name(*actual) + ", which has no count");
    json counted = *n;
    if (arg.is_number())
        return same_value(counted, arg)
                   ? held
                   : fail("count " + shown(&arg), actual, "count is " + counted.dump());
    outcome inner = evaluate_all(arg, &counted, how, false);
    if (inner.passed) return held;
    return fail("count " + inner.expected, actual, "count is " + counted.dump());
}

outcome elements(bool every, const json& arg, const json* actual, const reading& how) {
    const std::string name = every ? "each" : "some";
    const json& v = *actual;
    if (!v.is_array() && !v.is_object())
        return fail(name + " element " + shown(&arg), actual, "the value is not an array");
    std::size_t i = 0, holding = 0;
    for (const auto& e : v) {
        outcome inner = evaluate_all(arg, &e, how, false);
        if (inner.passed)
            ++holding;
        else if (every)
            return fail("each element " + inner.expected, actual,
                        "element " + std::to_string(i) + " is " + inner.actual +
                            (inner.explanation.empty() ? "" : " (" + inner.explanation + ")"));
        ++i;
    }
    if (!every && holding == 0)
        return fail("some element " + shown(&arg), actual, "no element satisfies it");
    return held;
}

outcome evaluate_one(const std::string& name, const json& arg, const json* actual,
                     const reading& how) {
    using model::predicate;
    const model::predicate_info* info = model::find_predicate(name);
    if (!info) return fail(name, actual, "unknown predicate \"" + name + "\"");
    const outcome& ok = held;
    if (info->id == predicate::exists) return actual ? ok : fail("to exist", actual);
    if (info->id == predicate::absent) return !actual ? held : fail("to be absent", actual);
    if (!actual) return fail(name + " " + shown(&arg), actual, "the value is missing");
    const json& v = *actual;
    switch (info->id) {
    case predicate::exists:
    case predicate::absent:
        break; // judged above, present or not
    case predicate::equals:
        return same_value(v, arg, how) ? ok
                                       : fail("equals " + shown(&arg) + how.describe(), actual);
    case predicate::not_equals:
        return !same_value(v, arg, how)
                   ? ok
                   : fail("not equal to " + shown(&arg) + how.describe(), actual);
    case predicate::matches:
    case predicate::not_matches:
        return pattern(info->id, arg, actual);
    case predicate::type: {
        const std::string t = arg.is_string() ? arg.get<std::string>() : shown(&arg);
        return has_type(v, t) ? ok : fail("of type " + t, actual, "found type " + type_name(v));
    }
    case predicate::one_of:
        for (const auto& e : arg)
            if (same_value(v, e, how)) return ok;
        return fail("one of " + shown(&arg) + how.describe(), actual);
    case predicate::lt:
    case predicate::le:
    case predicate::gt:
    case predicate::ge:
        return bound(info->id, arg, actual, how);
    case predicate::contains:
        return contains(arg, actual, how);
    case predicate::count:
        return count(arg, actual, how);
    case predicate::each:
    case predicate::some:
        return elements(info->id == predicate::each, arg, actual, how);
    case predicate::rows: {
        rows_comparison c(arg);
        c.add(v);
        return c.finish();
    }
    }
    return ok;
}

outcome evaluate_all(const json& predicates, const json* given, const reading& outer,
                     bool describe) {
    const reading how = reading::of(predicates, outer);
    // "at": a JSON Pointer into the value, so each/some can look inside array elements.
    const json* actual = given;
    std::string at;
    if (predicates.contains("at")) {
        at = predicates["at"].get<std::string>();
        actual = nullptr;
        try {
            json::json_pointer p(at);
            if (given && given->contains(p)) actual = &given->at(p);
        } catch (const json::exception&) {
        }
    }
    outcome last{true, {}, {}, {}};
    std::string expected_all;
    for (const auto& [name, arg] : predicates.items()) {
        if (model::is_modifier(name)) continue;
        outcome o = evaluate_one(name, arg, actual, how);
        if (!o.passed) {
            if (!at.empty()) o.expected = at + " " + o.expected;
            return o;
        }
        // A rows comparison says what it compared in words, not as its (long) arguments.
        if (name == "rows" && predicates.size() == 1) return o;
        if (!describe) continue;
        if (!expected_all.empty()) expected_all += " and ";
        expected_all += name + (name == "exists" || name == "absent" ? "" : " " + shown(&arg));
    }
    if (!describe) return last;
    last.expected = expected_all + how.describe();
    last.actual = shown(actual);
    return last;
}

} // namespace

outcome evaluate_predicates(const json& predicates, const std::optional<json>& given) {
    return evaluate_all(predicates, given ? &*given : nullptr, {});
}

outcome evaluate_predicates(const json& predicates, const json* given, bool describe_held) {
    return evaluate_all(predicates, given, {}, describe_held);
}

} // namespace konform::check
