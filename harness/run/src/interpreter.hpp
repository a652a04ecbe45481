#pragma once

#include "konform/check/assertion.hpp"
#include "konform/http/client.hpp"
#include "konform/http/client_certificate.hpp"
#include "konform/http/curl_line.hpp"
#include "konform/model/profile.hpp"
#include "konform/run/auth.hpp"
#include "konform/run/result.hpp"
#include "konform/run/secrets.hpp"
#include "konform/run/sink.hpp"
#include "konform/run/template.hpp"
#include "testcase_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

namespace konform::run::detail {

// A test case's result before it runs: its identity, verdict pass.
testcase_result start_result(const model::profile& p, const model::testcase& tc);

// Runs the steps of one test case against the target. Every exchange and judged step goes
// to the test case's stream; the returned result keeps what the summaries need. Several
// test cases may run at once on the client's io_context (one thread).
class interpreter {
public:
    interpreter(const model::profile& p, const model::target& t, http::client& c,
                authenticator& auth, const secrets& s, const check::schema_set& schemas);

    // Cleanup steps are listed in the result's `kept`, not sent (--keep-data).
    void keep_data(bool keep) { keep_data_ = keep; }
    // Where a load's line per second goes while it runs (the console), if anywhere.
    void live(sink* out) { live_ = out; }

    // Sets `unreachable` when the test case could not reach the system at all.
    boost::asio::awaitable<testcase_result> run(const model::testcase& tc, testcase_stream& out,
                                                bool& unreachable);

private:
    struct state;

    // One unit per step kind (exchange_step.cpp, paged_step.cpp, loop_step.cpp,
    // fragment_step.cpp); run_step dispatches, and every kind ends through end_step.
    boost::asio::awaitable<void> run_step(const model::step& s, state& st);
    boost::asio::awaitable<void> exchange_step(const model::step& s, const model::exchange_step& x,
                                               state& st);
    boost::asio::awaitable<void> paged_step(const model::step& s, const model::exchange_step& x,
                                            state& st);
    boost::asio::awaitable<void> loop_step(const model::step& s, const model::loop_step& loop,
                                           state& st);
    boost::asio::awaitable<void> fragment_step(const model::step& s, const model::fragment_use& use,
                                               state& st);
    boost::asio::awaitable<void> load_step(const model::step& s, const model::load_step& load,
                                           state& st);
    // The rows of a for_each built at run time (inline, a template, a range), at most
    // 100,000, or nothing (and why); a data set's rows are read one at a time instead.
    std::optional<nlohmann::json> loop_rows(const model::loop_step& loop, state& st,
                                            std::string& why);
    // Why a step's request was not sent: the step's verdict, the typed reason, the words.
    struct not_sent {
        verdict v;
        unjudged why;
        std::string text;
    };
    // The request a step sends, built from its template, or why it may not be sent (it
    // cannot be built; a production verification never sends a write).
    boost::system::result<http::request, not_sent> prepare(const model::request_spec& spec,
                                                           const state& st) const;
    // Sends a request with the target's credentials where they belong; records the token
    // exchange. Why not, when the credentials could not be had.
    boost::asio::awaitable<boost::system::result<http::exchange, not_sent>>
    send(const model::request_spec& spec, http::request r, state& st);
    // Notes whether an exchange reached the system, for the unreachable-system rule.
    void note_reach(const http::exchange& x, bool answered, state& st);
    // Judges the step's expectations into sr.assertions, one an expectation, in order. With
    // `passes_in_full` false (a load's sample), an expectation that held is only its
    // verdict: what it expected and found is written out only for one that did not.
    void judge(const model::step& s, state& st, check::response_view& view, step_result& sr,
               bool passes_in_full = true);
    void take_captures(const model::step& s, state& st, check::response_view& view,
                       step_result& sr);
    std::size_t record(const http::exchange& x, state& st);
    // The same for an exchange no longer needed: redacted in place and moved, not copied.
    std::size_t record(http::exchange&& x, state& st);
    http::exchange redacted(http::exchange x) const;

    // The one builder of step and assertion results: a step's identity in its test case,
    // and an assertion's requirements (none outside the main steps), step and row.
    step_result begin_step(const model::step& s, const state& st) const;
    assertion_result assertion_of(const model::assertion& a, const state& st, const step_result& sr,
                                  verdict v, const std::string& why,
                                  unjudged reason = unjudged::none) const;
    // Ends a step: its verdict through the step policy, into the result and the stream,
    // and the test case stops when the policy says so.
    void end_step(step_result sr, state& st, const http::exchange* x);
    // The step cannot be judged: every assertion takes verdict `v` for `why`, then end_step.
    void give_up(const model::step& s, step_result sr, state& st, verdict v, unjudged reason,
                 const std::string& why, const http::exchange* x);
    void give_up(const model::step& s, step_result sr, state& st, const not_sent& why) {
        give_up(s, std::move(sr), st, why.v, why.why, why.text, nullptr);
    }
    // What came of an exchange that gave no answer to judge, and why, typed.
    void no_answer(const model::step& s, step_result sr, state& st, const http::exchange& x,
                   const std::string& where = {});
    void finish_step(step_result sr, state& st, const http::exchange* x);
    void not_reached(const model::step& s, state& st);
    std::string redact(const std::string& s) const { return secrets_.redact(s); }
    nlohmann::json redacted_check(const nlohmann::json& judged) const;

    const model::profile& prof_;
    const model::target& target_;
    http::client& client_;
    authenticator& auth_;
    const secrets& secrets_;
    const check::schema_set& schemas_;
    std::vector<std::string> placeholders_;
    http::curl_tls curl_tls_; // the target's TLS options as curl takes them
    bool keep_data_ = false;
    sink* live_ = nullptr;
    // The requests a cleanup step would send, rendered but not sent, into `kept`.
    void describe_cleanup(const model::step& s, state& st, std::vector<std::string>& kept);
};

} // namespace konform::run::detail
