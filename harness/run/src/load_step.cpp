// A load step: its requests sent under a stated load (an open model: arrivals on a fixed
// schedule, each latency from its intended start; or a closed one: virtual users with
// think time), its answers judged on a sample, its service levels on the whole.
#include "interpreter_state.hpp"
#include "konform/check/service_level.hpp"
#include "konform/load/recorder.hpp"
#include "request_builder.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <optional>

namespace konform::run::detail {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;
using nlohmann::json;

namespace {

constexpr auto use_ec = asio::as_tuple(asio::use_awaitable);

double seconds_between(clock_type::time_point a, clock_type::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

std::int64_t micros(clock_type::duration d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

clock_type::duration from_seconds(double s) {
    return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
}

// When arrival `i` of an open load is meant to start, in seconds from the load's start:
// the rate rises linearly over the ramp-up (arrivals r t² / 2R), then holds.
double arrival_time(double i, double rate, double ramp) {
    const double ramp_arrivals = rate * ramp / 2;
    if (i < ramp_arrivals) return std::sqrt(2 * i * ramp / rate);
    return ramp + (i - ramp_arrivals) / rate;
}

// A judged sample of one expectation of the load's requests.
struct tally {
    std::uint64_t judged = 0, failed = 0;
    std::optional<assertion_result> first_failure;
};

// An exchange kept as evidence: the first, the slowest, the first failing.
struct kept_exchange {
    http::exchange x;
    std::int64_t latency_us = 0;
};

} // namespace

// Everything the load's coroutines share; they all run on the client's one thread.
struct load_run {
    load::recorder rec;
    double ramp = 0, window = 0, rate = 0;
    clock_type::time_point start;
    clock_type::time_point window_end, hard_end;
    std::uint64_t next = 0;                  // the next arrival (open) to take
    std::uint64_t answers = 0;               // answers seen, measured or not, for the sample
    std::uint64_t sample_every = 1;          // every n-th answer is judged
    std::vector<json> rows;                  // the data set's rows, cycled
    std::vector<std::vector<tally>> tallies; // per step, per expectation
    std::vector<step_result> scratch;        // per step: a sample's verdicts, judged into
    // Per step: its request as built once, when no row changes it (the load's variables do
    // not change while it runs); copied for each arrival, which auth may still change.
    std::vector<std::optional<http::request>> built;
    std::optional<kept_exchange> first, slowest, failing;
    std::string build_error; // the first request that could not be built
    bool interrupted = false;
    int running = 0; // workers and the ticker; the step ends when none is left
    int workers = 0;
    std::optional<asio::steady_timer> all_done, tick;
    std::uint64_t tick_requests = 0, tick_errors = 0;
};

asio::awaitable<void> interpreter::load_step(const model::step& s, const model::load_step& ld,
                                             state& st) {
    step_result sr = begin_step(s, st);
    const model::load_plan& plan = ld.plan;
    auto& ioc = client_.context();
    load_run run;
    run.ramp = plan.ramp_up_s;
    run.window = plan.duration_s;
    run.sample_every =
        std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(1.0 / plan.sample)));
    run.tallies.resize(ld.steps.size());
    for (std::size_t i = 0; i < ld.steps.size(); ++i) {
        run.tallies[i].resize(ld.steps[i].expectations().size());
        run.scratch.push_back(begin_step(ld.steps[i], st));
    }

    // The target's limits cap every load; a cut load proves no service level.
    std::string capped;
    const auto& lim = target_.limits;
    const bool open = plan.model == model::load_plan::kind::open;
    const double rate_cap = model::requests_per_second_cap(target_);
    int connections =
        open ? (plan.connections > 0 ? plan.connections
                                     : std::clamp(static_cast<int>(std::ceil(plan.rate)), 4, 1000))
             : plan.users;
    if (lim.max_connections && connections > *lim.max_connections) {
        if (!open || plan.connections > 0)
            capped = std::to_string(connections) + (open ? " connections" : " users") +
                     " stated, max_connections " + std::to_string(*lim.max_connections);
        connections = *lim.max_connections;
    }
    run.rate = plan.rate;
    if (open && rate_cap > 0 && plan.rate > rate_cap) {
        capped += (capped.empty() ? "" : "; ") + std::string("a rate of ") +
                  std::to_string(plan.rate) + "/s stated, max_requests_per_second " +
                  std::to_string(rate_cap);
        run.rate = rate_cap;
    }
    run.rec.set_window(run.window);
    if (open) run.rec.set_stated_rate(plan.rate);

    if (!ld.rows.empty()) {
        auto d = prof_.datasets.find(ld.rows);
        if (d == prof_.datasets.end() || d->second.rows.empty()) {
            give_up(s, std::move(sr), st, verdict::error, unjudged::not_built,
                    "the load's data set \"" + ld.rows + "\" has no rows", nullptr);
            co_return;
        }
        const std::size_t max_rows = 100'000; // the rows a load cycles through, held in memory
        for (std::size_t i = 0; i < d->second.rows.size() && run.rows.size() < max_rows; ++i)
            if (json row = d->second.rows.row(i); model::row_matches(row, ld.where))
                run.rows.push_back(std::move(row));
        if (run.rows.empty()) {
            give_up(s, std::move(sr), st, verdict::error, unjudged::not_built,
                    "no row of the data set \"" + ld.rows + "\" matches the load's where", nullptr);
            co_return;
        }
    }

    // Which steps' requests are built once: decided once, not at each arrival.
    std::vector<bool> alike(ld.steps.size(), false);
    if (run.rows.empty()) {
        run.built.resize(ld.steps.size());
        for (std::size_t k = 0; k < ld.steps.size(); ++k)
            alike[k] = builds_alike(ld.steps[k].exchange()->request);
    }

    // The evidence of the steps before is written now, not while the load's first requests
    // are out: their latencies are the system's alone.
    st.out->flush();
    run.start = clock_type::now();
    run.window_end = run.start + from_seconds(run.ramp + run.window);
    // Arrivals still waiting for a connection this long after the window are never sent.
    run.hard_end = run.window_end + from_seconds(2.0 + run.window / 10);
    run.all_done.emplace(ioc, clock_type::time_point::max());

    // Binds arrival `i`'s row (the rows in turn, each taken by every step once), if any.
    auto bind_row = [&](variable_scope& scope, std::uint64_t i) {
        if (!run.rows.empty()) scope.set(ld.as, run.rows[(i / ld.steps.size()) % run.rows.size()]);
    };

    // Sends arrival `i` (its step and row by turn) meant to start at `intended`; records it
    // when it was meant for the measured window.
    auto send_one = [&](std::uint64_t i, clock_type::time_point intended,
                        bool measured) -> asio::awaitable<void> {
        const std::size_t step_index = i % ld.steps.size();
        const model::step& inner = ld.steps[step_index];
        const model::exchange_step& ex = *inner.exchange();
        const std::size_t second = static_cast<std::size_t>(
            std::max(0.0, seconds_between(run.start, intended) - run.ramp));
        std::optional<http::request> req;
        if (!run.built.empty() && run.built[step_index])
            req = *run.built[step_index];
        else {
            // Rendered with its row, synchronously: other arrivals share the variables.
            variable_scope scope(st.vars);
            bind_row(scope, i);
            auto prepared = prepare(ex.request, st);
            if (prepared) {
                req = std::move(*prepared);
                if (alike[step_index]) run.built[step_index] = req;
            } else if (run.build_error.empty())
                run.build_error = prepared.error().text;
        }
        if (!req) {
            if (measured) run.rec.answered(second, 0, true);
            co_return;
        }
        auto sent = co_await send(ex.request, std::move(*req), st);
        const auto done = clock_type::now();
        if (!sent) {
            if (run.build_error.empty()) run.build_error = sent.error().text;
            if (measured) run.rec.answered(second, micros(done - intended), true);
            co_return;
        }
        http::exchange& x = *sent;
        if (x.interrupted) {
            run.interrupted = true;
            co_return;
        }
        const std::int64_t latency = micros(done - intended);
        bool error = !x.ok() || x.resp->status >= 500;
        note_reach(x, x.ok(), st);
        bool check_failed = false;
        if (x.ok() && run.answers++ % run.sample_every == 0 && !inner.expectations().empty()) {
            variable_scope scope(st.vars);
            bind_row(scope, i);
            check::response_view view(x, schemas_);
            step_result& scratch = run.scratch[step_index];
            scratch.assertions.clear();
            scratch.v = verdict::pass;
            judge(inner, st, view, scratch, false);
            auto& t = run.tallies[step_index];
            for (std::size_t k = 0; k < scratch.assertions.size() && k < t.size(); ++k) {
                ++t[k].judged;
                if (scratch.assertions[k].v != verdict::pass) {
                    ++t[k].failed;
                    check_failed = true;
                    if (!t[k].first_failure) t[k].first_failure = std::move(scratch.assertions[k]);
                }
            }
        }
        if (measured) run.rec.answered(second, latency, error);
        ++run.tick_requests;
        if (error) ++run.tick_errors;
        if (!run.first)
            run.first = kept_exchange{x, latency};
        else if (measured && (!run.slowest || latency > run.slowest->latency_us))
            run.slowest = kept_exchange{x, latency};
        if ((error || check_failed) && !run.failing) run.failing = kept_exchange{x, latency};
    };

    // The last worker wakes the ticker; the last coroutine of all ends the step, so none
    // outlives the state it shares.
    auto finish = [&] {
        if (--run.running == 0) run.all_done->cancel();
    };
    auto finish_worker = [&] {
        if (--run.workers == 0) run.tick->cancel();
        finish();
    };

    // Open model: each connection takes the next arrival, waits for its time, sends it.
    // A connection busy with a slow answer takes its next arrival late, and that lateness
    // is in the latency: a stall is counted, not hidden.
    auto open_worker = [&]() -> asio::awaitable<void> {
        asio::steady_timer timer(ioc);
        const double end_s = run.ramp + run.window;
        for (;;) {
            if (run.interrupted) break;
            const std::uint64_t i = run.next++;
            const double at = arrival_time(static_cast<double>(i), run.rate, run.ramp);
            if (at >= end_s) break;
            const auto intended = run.start + from_seconds(at);
            const bool measured = at >= run.ramp;
            auto now = clock_type::now();
            if (now < intended) {
                timer.expires_at(intended);
                co_await timer.async_wait(use_ec);
                now = clock_type::now();
                if (measured && std::chrono::duration<double, std::milli>(now - intended).count() >
                                    check::allowed_start_lag_ms)
                    run.rec.generator_late();
            }
            if (now >= run.hard_end) {
                // Every connection was busy until the load's end: never sent.
                if (measured)
                    run.rec.not_sent(static_cast<std::size_t>(at - run.ramp),
                                     micros(now - intended));
                continue;
            }
            co_await send_one(i, intended, measured);
        }
        finish_worker();
    };

    // Closed model: each user sends, waits for the answer, thinks, and sends again; users
    // start one by one over the ramp-up.
    auto closed_worker = [&](int user) -> asio::awaitable<void> {
        asio::steady_timer timer(ioc);
        const double offset = connections > 1 ? run.ramp * user / connections : 0;
        timer.expires_at(run.start + from_seconds(offset));
        co_await timer.async_wait(use_ec);
        for (;;) {
            if (run.interrupted) break;
            const auto intended = clock_type::now();
            if (intended >= run.window_end) break;
            const bool measured = intended >= run.start + from_seconds(run.ramp);
            co_await send_one(run.next++, intended, measured);
            if (plan.think_ms > 0) {
                timer.expires_after(from_seconds(plan.think_ms / 1000));
                co_await timer.async_wait(use_ec);
            }
        }
        finish_worker();
    };

    // The console's line per second while the load runs.
    auto ticker = [&]() -> asio::awaitable<void> {
        asio::steady_timer& timer = *run.tick;
        for (std::size_t n = 1; run.workers > 0; ++n) {
            timer.expires_at(run.start + std::chrono::seconds(n));
            co_await timer.async_wait(use_ec);
            if (!live_ || run.workers == 0) continue;
            const double elapsed = seconds_between(run.start, clock_type::now());
            live_->load_second(
                st.tc->id, {{"elapsed_s", static_cast<int>(elapsed)},
                            {"of_s", run.ramp + run.window},
                            {"phase", elapsed < run.ramp ? "ramp-up" : "measured"},
                            {"requests", run.tick_requests},
                            {"errors", run.tick_errors},
                            {"p99_ms", static_cast<double>(run.rec.latency().value_at(99)) / 1000},
                            {"max_ms", static_cast<double>(run.rec.latency().max()) / 1000}});
            run.tick_requests = run.tick_errors = 0;
        }
        finish();
    };

    run.tick.emplace(ioc);
    run.workers = connections;
    run.running = connections + 1;
    for (int c = 0; c < connections; ++c)
        asio::co_spawn(ioc, open ? open_worker() : closed_worker(c), asio::detached);
    asio::co_spawn(ioc, ticker(), asio::detached);
    co_await run.all_done->async_wait(use_ec);

    // The figures and the evidence.
    json figures = run.rec.to_json();
    figures["model"] = open ? "open" : "closed";
    if (open) {
        figures["rate"] = plan.rate;
        figures["connections"] = connections;
    } else {
        figures["users"] = connections;
        figures["think_ms"] = plan.think_ms;
    }
    figures["ramp_up_s"] = plan.ramp_up_s;
    json curve = json::array(); // the percentile curve the report draws
    for (double p : {0.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0})
        curve.push_back({p, static_cast<double>(run.rec.latency().value_at(p)) / 1000});
    figures["percentiles"] = std::move(curve);
    figures["sample"] = plan.sample;
    json samples = json::object();
    for (auto [name, kept] : {std::pair{"first", &run.first}, std::pair{"slowest", &run.slowest},
                              std::pair{"failing", &run.failing}})
        if (*kept) {
            const std::size_t index = record((*kept)->x, st);
            samples[name] = {{"exchange", index},
                             {"latency_ms", static_cast<double>((*kept)->latency_us) / 1000}};
            // The step names the failing exchange if there is one, else the first.
            if (sr.exchange == no_exchange || kept == &run.failing) sr.exchange = index;
        }
    figures["samples"] = samples;
    sr.load = std::move(figures);
    if (run.first) {
        sr.method = run.first->x.req.method;
        if (run.first->x.resp) sr.status = run.first->x.resp->status;
        sr.url = redact(run.first->x.req.url);
    }
    sr.duration_ms = seconds_between(run.start, clock_type::now()) * 1000;

    // Every expectation of the load's requests, over the answers judged.
    for (std::size_t i = 0; i < ld.steps.size(); ++i)
        for (std::size_t k = 0; k < run.tallies[i].size(); ++k) {
            const tally& t = run.tallies[i][k];
            const model::assertion& a = ld.steps[i].expectations()[k];
            if (t.failed) {
                assertion_result ar = *t.first_failure;
                ar.explanation =
                    redact("failed on " + std::to_string(t.failed) + " of " +
                           std::to_string(t.judged) + " answers judged" +
                           (ar.explanation.empty() ? "" : "; the first: " + ar.explanation));
                ar.exchange = sr.exchange;
                ar.step = sr.name;
                sr.v = worst(sr.v, ar.v);
                sr.assertions.push_back(std::move(ar));
                continue;
            }
            assertion_result ar =
                assertion_of(a, st, sr, t.judged ? verdict::pass : verdict::inconclusive,
                             t.judged ? "" : "no answer was judged",
                             t.judged ? unjudged::none : unjudged::no_answer);
            ar.actual = "held on " + std::to_string(t.judged) + " answers judged";
            sr.v = worst(sr.v, ar.v);
            sr.assertions.push_back(std::move(ar));
        }

    // A closed model has no stated rate; the target's cap held its users back when they
    // sent at it (the cap's waits are in their latencies).
    if (!open && rate_cap > 0 && run.rec.achieved_rate() >= 0.9 * rate_cap)
        capped += (capped.empty() ? "" : "; ") + std::string("max_requests_per_second ") +
                  std::to_string(rate_cap) + " held the users back";
    // The service levels: judged on the figures, unless the load was not applied as stated.
    std::string not_applied = check::load_not_applied(run.rec, capped);
    if (run.interrupted)
        not_applied = "the run was interrupted after " +
                      std::to_string(static_cast<int>(sr.duration_ms / 1000)) +
                      " s: the figures are partial";
    if (!run.build_error.empty() && run.rec.requests() == 0) not_applied = run.build_error;
    for (const auto& a : ld.expect) {
        check::outcome o = check::service_level(a, run.rec);
        verdict v = o.passed ? verdict::pass : verdict::fail;
        std::string why = o.explanation;
        if (!not_applied.empty()) {
            v = run.interrupted ? verdict::error : verdict::inconclusive;
            why = not_applied;
        }
        assertion_result ar = assertion_of(
            a, st, sr, v, why, run.interrupted ? unjudged::interrupted : unjudged::none);
        ar.expected = o.expected;
        ar.actual = o.actual;
        sr.v = worst(sr.v, ar.v);
        sr.assertions.push_back(std::move(ar));
    }
    if (run.interrupted) {
        sr.why = unjudged::interrupted;
        sr.message = not_applied;
    } else if (!run.build_error.empty()) {
        sr.message = redact(run.build_error);
    }
    const http::exchange* evidence = run.failing ? &run.failing->x : nullptr;
    end_step(std::move(sr), st, evidence);
}

} // namespace konform::run::detail
