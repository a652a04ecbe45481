// What a cleanup would send, rendered but not sent: with --keep-data, and after an
// interrupt, each test case lists what it left in the system.
#include "interpreter_state.hpp"
#include "request_builder.hpp"
#include "step_text.hpp"

namespace konform::run::detail {

using nlohmann::json;

void interpreter::describe_cleanup(const model::step& s, state& st,
                                   std::vector<std::string>& kept) {
    constexpr std::size_t max_kept = 1000;
    if (kept.size() >= max_kept) return;
    try {
        if (const auto* x = s.exchange()) {
            const http::request req = build_request(x->request, st.vars, target_.base_url);
            kept.push_back(redact(req.method + " " + req.url));
            return;
        }
        // A fragment's parameters and a loop's rows bound as a run binds them.
        variable_scope scope(st.vars);
        if (const auto* use = s.use()) {
            for (const auto& [name, v] : use->bindings)
                scope.set(name, render_json(v, st.vars));
            for (const auto& inner : use->steps)
                describe_cleanup(inner, st, kept);
            return;
        }
        if (!s.loop()) return; // a load never stands in a cleanup (the loader refuses it)
        const model::loop_step& loop = *s.loop();
        if (auto name = loop_variable(loop.source); name && !st.vars.count(*name))
            return; // never captured: nothing was made
        std::string why;
        std::optional<json> rows;
        if (loop.source.from == model::loop_source::kind::dataset) {
            rows = json::array();
            const auto& d = prof_.datasets.at(loop.source.name).rows;
            for (std::size_t i = 0; i < d.size() && i < max_kept; ++i)
                rows->push_back(d.row(i));
        } else
            rows = loop_rows(loop, st, why);
        if (!rows) kept.push_back(redact("(" + step_name(s, st.vars) + ": " + why + ")"));
        for (const auto& row : rows ? *rows : json::array()) {
            if (!model::row_matches(row, loop.where)) continue;
            scope.set(loop.as, row);
            for (const auto& inner : loop.steps)
                describe_cleanup(inner, st, kept);
        }
    } catch (const std::exception& e) {
        kept.push_back(redact("(" + step_name(s, st.vars) + ": " + e.what() + ")"));
    }
}

} // namespace konform::run::detail
