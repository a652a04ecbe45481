// A step that sends one request (following redirects when it says so) and judges the answer.
#include "interpreter_state.hpp"
#include "konform/http/redirect.hpp"

#include <algorithm>

namespace konform::run::detail {

namespace {

// The system could not be reached, did not answer at all, or did not finish its answer in
// time: what the "N test cases in a row" rule counts.
bool is_connection_failure(const http::exchange& x) {
    if (!x.error || x.resp || x.interrupted) return false;
    if (x.timed_out) return true;
    return !x.answered &&
           (x.failed_in == http::phase::resolve || x.failed_in == http::phase::connect ||
            x.failed_in == http::phase::tls_handshake || x.failed_in == http::phase::send ||
            x.failed_in == http::phase::wait);
}

} // namespace

void interpreter::note_reach(const http::exchange& x, bool answered, state& st) {
    if (answered) st.reached = true;
    if (!answered && is_connection_failure(x)) st.unreachable = true;
}

// Credentials go only to the target's own origin, also across redirects.
boost::asio::awaitable<boost::system::result<http::exchange, interpreter::not_sent>>
interpreter::send(const model::request_spec& spec, http::request r, state& st) {
    if (spec.authenticate && http::same_origin(r.url, target_.base_url) &&
        !auth_.apply_at_once(r)) {
        std::optional<http::exchange> token_exchange;
        const authenticator::outcome applied = co_await auth_.apply(r, token_exchange);
        if (token_exchange) record(*token_exchange, st);
        if (!applied) co_return not_sent{verdict::error, unjudged::no_answer, applied.error()};
    }
    // The evidence of the steps before is written while the system answers (a stream not
    // yet live writes nothing).
    if (!st.out->live() || st.out->held() == 0)
        co_return co_await client_.async_perform(std::move(r));
    co_return co_await client_.async_perform(std::move(r),
                                             [out = st.out] { out->flush_quietly(); });
}

boost::asio::awaitable<void> interpreter::exchange_step(const model::step& s,
                                                        const model::exchange_step& ex, state& st) {
    step_result sr = begin_step(s, st);
    auto prepared = prepare(ex.request, st);
    if (!prepared) {
        give_up(s, std::move(sr), st, prepared.error());
        co_return;
    }
    http::request req = std::move(*prepared);
    auto first = co_await send(ex.request, req, st);
    if (!first) {
        give_up(s, std::move(sr), st, first.error());
        co_return;
    }
    http::exchange x = std::move(*first);
    constexpr int max_redirects = 10;
    for (int hops = 0; ex.request.follow_redirects && x.ok(); ++hops) {
        auto next = http::redirect_request(req, x);
        if (!next) break;
        // A production verification re-sends a POST (307, 308) only to the target's origin:
        // "safe" vouches for the target's lookup, not for whatever a Location names.
        if (target_.production && next->method != "GET" && next->method != "HEAD" &&
            !http::same_origin(next->url, target_.base_url)) {
            sr.message =
                redact("redirect not followed: a production verification sends " + next->method +
                       " only to the target's own origin (" + next->url + ")");
            break;
        }
        if (!ex.request.follow_cross_origin && !http::same_origin(next->url, req.url)) {
            sr.message = redact("redirect to another origin not followed (" + next->url +
                                "; the step allows it with follow_cross_origin)");
            break;
        }
        if (hops == max_redirects) {
            sr.exchange = record(x, st);
            give_up(s, std::move(sr), st, verdict::fail, unjudged::limit_hit,
                    "more than " + std::to_string(max_redirects) + " redirects (last to " +
                        next->url + ")",
                    &x);
            co_return;
        }
        record(std::move(x), st);
        req = std::move(*next);
        auto hop = co_await send(ex.request, req, st);
        if (!hop) {
            give_up(s, std::move(sr), st, hop.error());
            co_return;
        }
        x = std::move(*hop);
    }
    // A TLS refusal the step expects ("refused") is an answer, not an unreachable system.
    const bool expected_refusal =
        !x.ok() && http::refused_by_tls(x) &&
        std::any_of(ex.expect.begin(), ex.expect.end(),
                    [](const auto& a) { return a.what == model::subject::refused; });
    note_reach(x, x.ok() || expected_refusal, st);
    // The exchange is recorded when the step is judged (moved into the evidence, not
    // copied), with the index the next exchange takes: nothing else is recorded between.
    sr.exchange = st.out->next_exchange();
    sr.method = x.req.method;
    sr.url = redact(x.req.url);
    if (x.resp) sr.status = x.resp->status;
    sr.duration_ms = x.time.total;
    if (expected_refusal) {
        // The refusal a step expects: "refused" holds, nothing else can be judged.
        for (const auto& a : ex.expect) {
            const bool expected = a.what == model::subject::refused;
            assertion_result ar =
                assertion_of(a, st, sr, expected ? verdict::pass : verdict::error,
                             expected ? "" : "no response to judge: " + x.explanation,
                             expected ? unjudged::none : unjudged::no_answer);
            ar.expected = expected ? "refused (TLS handshake, 401 or 403)" : "";
            ar.actual = redact("TLS connection refused: " + x.explanation);
            sr.v = worst(sr.v, ar.v);
            sr.assertions.push_back(std::move(ar));
        }
        end_step(std::move(sr), st, &x);
        record(std::move(x), st);
        co_return;
    }
    if (!x.ok()) {
        no_answer(s, std::move(sr), st, x);
        record(std::move(x), st);
        co_return;
    }
    check::response_view view(x, schemas_);
    judge(s, st, view, sr);
    take_captures(s, st, view, sr);
    end_step(std::move(sr), st, &x);
    record(std::move(x), st);
}

} // namespace konform::run::detail
