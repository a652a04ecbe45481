// Judging one answer: the step's expectations (each rendered with the test case's variables,
// those that wait for another judged after it) and its captures.
#include "interpreter_state.hpp"
#include "konform/check/rows.hpp"
#include "rows_spec.hpp"
#include "step_text.hpp"

namespace konform::run::detail {

using nlohmann::json;

namespace {

// Whether every expectation of the subjects `a` waits for passed, among those judged.
bool needs_met_by(const model::assertion& a, const std::vector<model::assertion>& all,
                  const std::vector<std::optional<assertion_result>>& done) {
    for (model::subject needed : a.after)
        for (std::size_t i = 0; i < all.size(); ++i)
            if (all[i].what == needed && (!done[i] || !needs_met(done[i]->v))) return false;
    return true;
}

// A JSON capture's pointer, for a replay to take the value again (rendered from the test
// case's variables, so the caller redacts it like any other value).
std::string pointer_of(const model::capture& c) {
    return c.source == model::capture::from::json && !c.regex ? c.selector : std::string();
}

} // namespace

// An expectation as judged, for report.json: redacted as text, dropped when it is large.
json interpreter::redacted_check(const json& judged) const {
    constexpr std::size_t max_check = 4096;
    if (judged.is_null()) return judged;
    const std::string text = redact(judged.dump(-1, ' ', false, json::error_handler_t::replace));
    if (text.size() > max_check) return json();
    json out = json::parse(text, nullptr, false);
    return out.is_discarded() ? json() : out;
}

// Evaluates the step's assertions against the response; the step takes the worst verdict.
// An expectation with `after` is judged once those it waits for are: not reached unless
// they all passed.
void interpreter::judge(const model::step& s, state& st, check::response_view& view,
                        step_result& sr, bool passes_in_full) {
    std::vector<std::optional<assertion_result>> done(s.expectations().size());
    auto judge_one = [&](const model::assertion& a) {
        check::outcome o;
        bool harness_error = false; // the test case, not the system, is at fault
        // The expectation as the test case's variables make it: rendered (a copy) only
        // when it holds a placeholder, as most of a data set's expectations do not.
        std::optional<model::assertion> rendered;
        bool built = false; // rendered without an error
        try {
            const bool selector_templated =
                a.what != model::subject::schema && has_placeholder(a.selector);
            if (selector_templated || holds_placeholder(a.predicates) || has_rows(a.predicates)) {
                rendered = a;
                rendered->predicates = render_json(a.predicates, st.vars);
                if (selector_templated) rendered->selector = render(a.selector, st.vars);
                if (has_rows(rendered->predicates))
                    rendered->predicates["rows"] =
                        resolve_rows(rendered->predicates["rows"], prof_);
            }
            built = true;
            o = check::evaluate(rendered ? *rendered : a, view, schemas_, passes_in_full);
        } catch (const std::exception& e) {
            harness_error = true;
            o = {false, a.predicates.dump(), "(not evaluated)",
                 std::string("the assertion could not be built: ") + e.what()};
        }
        if (o.passed && !harness_error && !passes_in_full) {
            assertion_result held;
            held.v = verdict::pass;
            return held;
        }
        assertion_result ar =
            assertion_of(a, st, sr,
                         harness_error ? verdict::error
                         : o.passed    ? verdict::pass
                                       : verdict::fail,
                         o.explanation, harness_error ? unjudged::not_built : unjudged::none);
        ar.expected = redact(o.expected);
        ar.actual = redact(o.actual);
        if (ar.v != verdict::pass) {
            ar.expected_template = redact(expectation_template(a, st.captured_by));
            // The expectation as judged, for report.json; a rows check's resolved rows are
            // too large to keep.
            if (built && !has_rows(a.predicates)) {
                const model::assertion& judged = rendered ? *rendered : a;
                ar.check = redacted_check({{"selector", judged.selector},
                                           {"predicates", judged.predicates},
                                           {"written", a.predicates}});
            }
        }
        return ar;
    };
    for (std::size_t i = 0; i < s.expectations().size(); ++i)
        if (s.expectations()[i].after.empty()) done[i] = judge_one(s.expectations()[i]);
    for (std::size_t i = 0; i < s.expectations().size(); ++i) {
        const model::assertion& a = s.expectations()[i];
        if (a.after.empty()) continue;
        if (needs_met_by(a, s.expectations(), done)) {
            done[i] = judge_one(a);
            continue;
        }
        std::string waits;
        for (model::subject needed : a.after)
            waits += (waits.empty() ? "" : ", ") + std::string(model::to_string(needed));
        done[i] = assertion_of(a, st, sr, verdict::inconclusive,
                               "not reached: judged only after the step's " + waits +
                                   " expectations pass, and they did not",
                               unjudged::needs_unmet);
    }
    for (auto& ar : done) {
        sr.v = worst(sr.v, ar->v);
        sr.assertions.push_back(std::move(*ar));
    }
}

// Takes the step's captures into the test case's variables; one that fails makes a passing
// step inconclusive, since what follows cannot be judged without it.
void interpreter::take_captures(const model::step& s, state& st, check::response_view& view,
                                step_result& sr) {
    // Appended values are bounded as rows are: a loop cannot grow one without end.
    constexpr std::size_t max_appended = 100'000;
    if (!s.exchange()) return;
    for (const auto& spec : s.exchange()->captures) {
        std::string error;
        std::optional<json> value;
        model::capture c = spec;
        try {
            c.selector = render(spec.selector, st.vars);
            auto extracted = check::extract(c, view);
            if (extracted)
                value = std::move(*extracted);
            else
                error = extracted.error();
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (value && c.append) {
            json& list = st.vars[c.variable];
            if (!list.is_array()) list = json::array();
            if (list.size() < max_appended) {
                sr.captures.push_back({c.variable + "[" + std::to_string(list.size()) + "]",
                                       redact(shown_value(*value)), redact(pointer_of(c))});
                st.captured_by[c.variable] = sr.name;
                list.push_back(std::move(*value));
                continue;
            }
            error = "more than " + std::to_string(max_appended) + " appended values";
            value.reset();
        } else if (value) {
            sr.captures.push_back({c.variable, redact(shown_value(*value)), redact(pointer_of(c))});
            st.captured_by[c.variable] = sr.name;
            st.vars[c.variable] = std::move(*value);
            continue;
        }
        if (sr.v == verdict::pass) {
            sr.v = verdict::inconclusive;
            sr.message = redact("capture " + c.variable + " failed: " + error);
        }
    }
}

} // namespace konform::run::detail
