#include "testcase_stream.hpp"

#include <utility>

namespace konform::run::detail {

namespace {

// What holding an exchange keeps in memory, roughly: its variable-length parts.
std::size_t weight(const http::exchange& x) {
    std::size_t n = x.req.url.size() + x.req.body.size() + x.explanation.size();
    for (const auto& [k, v] : x.req.headers)
        n += k.size() + v.size();
    if (x.resp) {
        n += x.resp->body.size();
        for (const auto& [k, v] : x.resp->headers)
            n += k.size() + v.size();
    }
    return n;
}

} // namespace

template <class Exchange>
std::size_t testcase_stream::add(Exchange&& x, const std::string& testcase) {
    if (live_) {
        rethrow_failure();
        const std::size_t w = weight(x);
        if (held_exchanges_.size() >= limit_.exchanges || held_bytes_ + w > limit_.bytes)
            write_held();
        if (w > limit_.bytes) {
            on_exchange_(x, testcase); // held is empty: order is kept
            return count_++;
        }
        held_bytes_ += w;
    }
    held_exchanges_.push_back({std::forward<Exchange>(x), testcase});
    return count_++;
}

std::size_t testcase_stream::add_exchange(const http::exchange& x, const std::string& testcase) {
    return add(x, testcase);
}

std::size_t testcase_stream::add_exchange(http::exchange&& x, const std::string& testcase) {
    return add(std::move(x), testcase);
}

void testcase_stream::add_step(step_result s) {
    if (live_) {
        rethrow_failure();
        if (held_steps_.size() >= limit_.steps) write_held();
    }
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

// Exchanges and steps go to different outputs, each in its own order.
void testcase_stream::write_held() {
    // Taken out first: a write that throws leaves nothing to be written twice.
    auto exchanges = std::move(held_exchanges_);
    auto steps = std::move(held_steps_);
    held_exchanges_.clear();
    held_steps_.clear();
    held_bytes_ = 0;
    for (const auto& h : exchanges)
        on_exchange_(h.x, h.testcase);
    for (auto& s : steps)
        emit(s);
    // The vectors' memory is used again for the next steps.
    exchanges.clear();
    steps.clear();
    held_exchanges_ = std::move(exchanges);
    held_steps_ = std::move(steps);
}

void testcase_stream::rethrow_failure() {
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void testcase_stream::flush() {
    rethrow_failure();
    if (live_) write_held();
}

void testcase_stream::flush_quietly() noexcept {
    if (!live_ || failure_) return;
    try {
        write_held();
    } catch (...) {
        failure_ = std::current_exception();
    }
}

void testcase_stream::go_live(std::size_t base, exchange_fn on_exchange, step_fn on_step) {
    base_ = base;
    on_exchange_ = std::move(on_exchange);
    on_step_ = std::move(on_step);
    live_ = true;
    write_held();
    held_exchanges_ = {};
    held_steps_ = {};
}

} // namespace konform::run::detail
