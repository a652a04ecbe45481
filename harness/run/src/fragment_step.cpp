// A used fragment: its parameters are set for its steps and put back after them; what its
// steps capture stays.
#include "interpreter_state.hpp"

namespace konform::run::detail {

using nlohmann::json;

boost::asio::awaitable<void> interpreter::fragment_step(const model::step& s,
                                                        const model::fragment_use& use, state& st) {
    std::vector<std::pair<std::string, json>> values;
    try {
        for (const auto& [name, v] : use.bindings)
            values.emplace_back(name, render_json(v, st.vars));
    } catch (const std::exception& e) {
        give_up(s, begin_step(s, st), st, verdict::error, unjudged::not_built,
                "the fragment's parameters could not be built: " + std::string(e.what()), nullptr);
        co_return;
    }
    variable_scope scope(st.vars);
    for (auto& [name, v] : values)
        scope.set(name, std::move(v));
    for (const auto& inner : use.steps)
        co_await run_step(inner, st);
}

} // namespace konform::run::detail
