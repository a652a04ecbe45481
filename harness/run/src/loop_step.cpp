// A for_each: its steps once per row, the row bound to its name. Every row runs (unless the
// step says stop_on_failure); a row whose step does not pass ends that row only, and the
// steps after the loop run only when every row passed.
#include "interpreter_state.hpp"
#include "konform/model/template_expression.hpp"
#include "step_text.hpp"

namespace konform::run::detail {

using nlohmann::json;

namespace {

// Rows built at run time may come from the system (a captured array): bounded, as a
// range is, so no answer can make a loop send an unbounded number of requests.
constexpr std::size_t max_rows = 100'000;

} // namespace

std::optional<std::string> loop_variable(const model::loop_source& src) {
    if (src.from != model::loop_source::kind::expression) return std::nullopt;
    try {
        if (auto sole = model::sole_placeholder(src.name))
            return model::parse_expression(*sole).root();
    } catch (const model::template_error&) {
    }
    return std::nullopt;
}

namespace {

json range_rows(const model::loop_source& src, const variables& vars, std::string& why) {
    auto bound = [&](const json& b) {
        json v = b.is_string() ? render_value(b.get<std::string>(), vars) : b;
        if (v.is_string()) v = evaluate("v | int", {{"v", v}});
        if (!v.is_number_integer()) throw template_error("a range bound is a whole number");
        return v.get<long long>();
    };
    const long long first = bound(src.first), last = bound(src.last);
    // The count in unsigned arithmetic: last - first may not fit a long long.
    if (first <= last &&
        static_cast<unsigned long long>(last) - static_cast<unsigned long long>(first) >=
            max_rows) {
        why = "the range " + std::to_string(first) + ".." + std::to_string(last) +
              " has more than " + std::to_string(max_rows) + " rows";
        return json();
    }
    json rows = json::array();
    for (long long i = first; i <= last; ++i)
        rows.push_back(i);
    return rows;
}

} // namespace

std::optional<json> interpreter::loop_rows(const model::loop_step& loop, state& st,
                                           std::string& why) {
    const model::loop_source& src = loop.source;
    json rows;
    try {
        switch (src.from) {
        case model::loop_source::kind::dataset: // read row by row in loop_step
            why = "a data set is not built at run time";
            return std::nullopt;
        case model::loop_source::kind::expression:
            rows = render_value(src.name, st.vars);
            if (!rows.is_array()) {
                why = "for_each \"" + src.name + "\" is " + std::string(rows.type_name()) +
                      ", not an array";
                return std::nullopt;
            }
            break;
        case model::loop_source::kind::rows:
            rows = render_json(src.rows, st.vars);
            break;
        case model::loop_source::kind::range:
            rows = range_rows(src, st.vars, why);
            if (rows.is_null()) return std::nullopt;
            return rows;
        }
    } catch (const std::exception& e) {
        why = e.what();
        return std::nullopt;
    }
    if (rows.size() > max_rows) {
        why = "for_each has " + std::to_string(rows.size()) + " rows, more than " +
              std::to_string(max_rows) + " rows";
        return std::nullopt;
    }
    return rows;
}

boost::asio::awaitable<void> interpreter::loop_step(const model::step& s,
                                                    const model::loop_step& loop, state& st) {
    // A cleanup over what a step would have captured, when that step never captured it
    // (its setup failed): nothing was made, so nothing is sent, and the story says so.
    if (auto name = loop_variable(loop.source); name && st.cleanup() && !st.vars.count(*name)) {
        step_result sr = begin_step(s, st);
        sr.message = "nothing to clean up: " + *name + " was never captured";
        end_step(std::move(sr), st, nullptr);
        co_return;
    }
    const model::dataset_rows* dataset = loop.source.from == model::loop_source::kind::dataset
                                             ? &prof_.datasets.at(loop.source.name).rows
                                             : nullptr;
    std::string why;
    std::optional<json> rows;
    if (!dataset) rows = loop_rows(loop, st, why);
    if (!dataset && !rows) {
        give_up(s, begin_step(s, st), st, verdict::error, unjudged::not_built,
                "the rows of for_each could not be built: " + why, nullptr);
        co_return;
    }
    const int outer_iteration = st.iteration;
    const std::string outer_row = st.row;
    variable_scope scope(st.vars);
    bool any_stopped = false;
    verdict stop_verdict = verdict::pass;
    const std::size_t count = dataset ? dataset->size() : rows->size();
    for (std::size_t i = 0; i < count; ++i) {
        if (dataset && !loop.where.empty()) {
            // A data set's row is built only when `where` selects it.
            bool selected = true;
            for (const auto& [column, value] : loop.where.items()) {
                const auto cell = dataset->cell(i, column);
                selected = cell && *cell == value;
                if (!selected) break;
            }
            if (!selected) continue;
        }
        json row = dataset ? dataset->row(i) : (*rows)[i];
        if (!dataset && !model::row_matches(row, loop.where)) continue;
        st.iteration = static_cast<int>(i);
        st.row = (outer_row.empty() ? "" : outer_row + ", ") + row_label(i, row);
        scope.set(loop.as, std::move(row));
        for (const auto& inner : loop.steps)
            co_await run_step(inner, st);
        if (st.stopped && !st.cleanup()) {
            any_stopped = true;
            stop_verdict = worst(stop_verdict, st.stop_verdict);
            if (!next_row(loop.stop_on_failure, st.unreachable, st.interrupted)) break;
            st.stopped = false; // the next row runs
        }
        if (st.interrupted) break;
    }
    st.iteration = outer_iteration;
    st.row = outer_row;
    if (any_stopped) {
        st.stopped = true;
        st.stop_verdict = stop_verdict;
    }
}

} // namespace konform::run::detail
