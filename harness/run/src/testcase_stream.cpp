#include "testcase_stream.hpp"

namespace konform::run::detail {

std::size_t testcase_stream::add_exchange(const http::exchange& x, const std::string& testcase) {
    if (live_)
        on_exchange_(x, testcase);
    else
        held_exchanges_.push_back({x, testcase});
    return count_++;
}

void testcase_stream::add_step(step_result s) {
    if (live_)
        emit(s);
    else
        held_steps_.push_back(std::move(s));
}

void testcase_stream::emit(step_result& s) {
    s.exchange = global(s.exchange);
    for (auto& a : s.assertions)
        a.exchange = global(a.exchange);
    // A load's sample exchanges ({"first": {"exchange": i, ...}, ...}).
    if (s.load.is_object() && s.load.contains("samples"))
        for (auto& [name, sample] : s.load["samples"].items())
            sample["exchange"] = global(sample["exchange"].get<std::size_t>());
    on_step_(s);
}

void testcase_stream::go_live(std::size_t base, exchange_fn on_exchange, step_fn on_step) {
    base_ = base;
    on_exchange_ = std::move(on_exchange);
    on_step_ = std::move(on_step);
    live_ = true;
    for (const auto& h : held_exchanges_)
        on_exchange_(h.x, h.testcase);
    for (auto& s : held_steps_)
        emit(s);
    held_exchanges_ = {};
    held_steps_ = {};
}

} // namespace konform::run::detail
