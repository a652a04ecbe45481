#include "interpreter.hpp"

#include "interpreter_state.hpp"
#include "konform/check/readable_body.hpp"
#include "konform/http/curl_line.hpp"
#include "konform/run/roll_up.hpp"
#include "request_builder.hpp"
#include "step_text.hpp"

#include <boost/beast/core/string.hpp>

#include <chrono>

namespace konform::run::detail {

using nlohmann::json;

namespace {

// The requirements an assertion proves: its own `proves`, else all its test case verifies;
// none in setup and cleanup.
std::vector<std::string> proves_of(const model::assertion& a, const model::testcase& tc,
                                   bool proving) {
    if (!proving) return {};
    return a.proves.empty() ? tc.verifies : a.proves;
}

} // namespace

variable_scope::~variable_scope() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it)
        if (it->second)
            vars_[it->first] = std::move(*it->second);
        else
            vars_.erase(it->first);
}

void variable_scope::set(const std::string& name, json value) {
    bool saved = false;
    for (const auto& [n, old] : saved_)
        saved = saved || n == name;
    if (!saved) {
        auto it = vars_.find(name);
        saved_.emplace_back(name, it == vars_.end() ? std::nullopt
                                                    : std::optional<json>(std::move(it->second)));
    }
    vars_[name] = std::move(value);
}

testcase_result start_result(const model::profile& p, const model::testcase& tc) {
    testcase_result r;
    r.id = tc.id;
    r.title = tc.title;
    r.cls = tc.cls;
    r.file = std::filesystem::relative(tc.file, p.dir).generic_string();
    r.verifies = tc.verifies;
    return r;
}

interpreter::interpreter(const model::profile& p, const model::target& t, http::client& c,
                         authenticator& auth, const secrets& s, const check::schema_set& schemas)
    : prof_(p), target_(t), client_(c), auth_(auth), secrets_(s), schemas_(schemas) {
    curl_tls_.insecure = t.tls.insecure;
    curl_tls_.ca_file = t.tls.ca_file.string();
    curl_tls_.client_cert = t.tls.client_cert.string();
    curl_tls_.client_key = t.tls.client_key.string();
    curl_tls_.pkcs12 = !t.tls.client_cert.empty() && http::is_pkcs12(t.tls.client_cert);
    if (!t.tls.client_key_password.empty())
        curl_tls_.password_placeholder = t.tls.client_key_password.placeholder();
}

boost::system::result<http::request, interpreter::not_sent>
interpreter::prepare(const model::request_spec& spec, const state& st) const {
    http::request req;
    try {
        req = build_request(spec, st.vars, target_.base_url);
    } catch (const std::exception& e) {
        return not_sent{verdict::error, unjudged::not_built,
                        std::string("the request could not be built: ") + e.what()};
    }
    // Against a production target, a request that writes is never sent.
    if (target_.production && model::writes(spec))
        return not_sent{verdict::error, unjudged::refused_before_sending,
                        redact("refused before sending: a production verification sends no "
                               "write (" +
                               req.method + " " + req.url + ")")};
    return req;
}

// The exchange as it may be written: request, response and explanation redacted.
// A token the system issued is redacted where konform put it: its requests' Authorization
// header and the token response (secrets::add_placed).
http::exchange interpreter::redacted(http::exchange x) const {
    if (secrets_.empty()) return x;
    secrets_.redact_in_place(x.req.url);
    for (auto& [k, v] : x.req.headers) {
        secrets_.redact_in_place(v);
        if (boost::beast::iequals(k, "Authorization")) secrets_.redact_placed(v);
    }
    secrets_.redact_in_place(x.req.body);
    if (x.resp) {
        for (auto& [k, v] : x.resp->headers)
            secrets_.redact_in_place(v);
        secrets_.redact_in_place(x.resp->body);
        const auto& auth = target_.auth;
        if (auth.type == model::auth_config::kind::oauth2_client_credentials &&
            x.req.url == auth.token_url)
            secrets_.redact_placed(x.resp->body);
    }
    secrets_.redact_in_place(x.explanation);
    return x;
}

// Writes the exchange, redacted, to evidence; assertions judge the raw exchange (so a
// check that a system never echoes a credential can fail), and only what they write out
// is redacted.
std::size_t interpreter::record(const http::exchange& x, state& st) {
    if (!secrets_.empty()) return record(redacted(x), st);
    ++st.result->exchange_count;
    return st.out->add_exchange(x, st.tc->id); // copied only if the stream holds it
}

std::size_t interpreter::record(http::exchange&& x, state& st) {
    ++st.result->exchange_count;
    return st.out->add_exchange(redacted(std::move(x)), st.tc->id); // redacted in place
}

step_result interpreter::begin_step(const model::step& s, const state& st) const {
    step_result sr;
    sr.name = step_name(s, st.vars);
    sr.pointer = s.pointer;
    sr.iteration = st.iteration;
    sr.row = redact(st.row);
    sr.cleanup = st.cleanup();
    sr.setup = st.ph == step_phase::setup;
    sr.v = verdict::pass;
    return sr;
}

assertion_result interpreter::assertion_of(const model::assertion& a, const state& st,
                                           const step_result& sr, verdict v, const std::string& why,
                                           unjudged reason) const {
    assertion_result ar;
    ar.pointer = a.pointer;
    ar.subject = std::string(model::to_string(a.what));
    ar.description = a.description;
    ar.proves = proves_of(a, *st.tc, st.proving());
    ar.v = v;
    ar.explanation = redact(why);
    ar.exchange = sr.exchange;
    ar.step = sr.name;
    ar.row = sr.row;
    ar.why = reason;
    return ar;
}

void interpreter::end_step(step_result sr, state& st, const http::exchange* x) {
    const step_phase phase = st.ph;
    const verdict judged = sr.v;
    sr.v = step_verdict(phase, judged);
    if (sr.v == verdict::inconclusive && judged == verdict::fail && sr.message.empty())
        sr.message = "setup step \"" + sr.name + "\" did not pass";
    if (sr.why == unjudged::interrupted) st.interrupted = true;
    const verdict v = sr.v;
    finish_step(std::move(sr), st, x);
    if (stops_testcase(phase, v)) {
        st.stopped = true;
        st.stop_verdict = not_reached_verdict(v);
    }
}

void interpreter::give_up(const model::step& s, step_result sr, state& st, verdict v,
                          unjudged reason, const std::string& why, const http::exchange* x) {
    sr.v = v;
    sr.why = reason;
    sr.message = redact(why);
    for (const auto& a : s.expectations())
        sr.assertions.push_back(assertion_of(a, st, sr, v, why, reason));
    end_step(std::move(sr), st, x);
}

void interpreter::no_answer(const model::step& s, step_result sr, state& st,
                            const http::exchange& x, const std::string& where) {
    // An answer the system did send is its own: one that breaks HTTP/1.1 or a stated limit
    // fails the step (else a system could turn the one request that exposes a defect into
    // a harness error). Only no answer at all, or an interrupt, is an error.
    const verdict v = no_answer_verdict(x.answered, x.interrupted);
    const unjudged reason = x.interrupted ? unjudged::interrupted
                            : x.answered  ? unjudged::none
                                          : unjudged::no_answer;
    give_up(s, std::move(sr), st, v, reason,
            (x.answered && !x.interrupted ? "broken answer: " : "") + x.explanation + where, &x);
}

// Adds a judged step to the result and the stream; keeps excerpts of its exchange when an
// assertion failed on it.
void interpreter::finish_step(step_result sr, state& st, const http::exchange* raw) {
    testcase_result& tc = *st.result;
    const std::size_t before = tc.failures.size();
    account_step(tc, sr);
    if (sr.load.is_object()) {
        json shown = sr.load;
        shown.erase("histogram");
        shown.erase("samples");
        shown["step"] = sr.name;
        tc.loads.push_back(std::move(shown));
    }
    if (raw && tc.failures.size() > before) {
        const http::exchange shown = redacted(*raw);
        const http::exchange* x = &shown;
        if (placeholders_.empty())
            for (const auto& [value, placeholder] : secrets_.items())
                placeholders_.push_back(placeholder);
        exchange_excerpt e;
        e.exchange = sr.exchange;
        e.curl = http::curl_line(x->req, placeholders_, curl_tls_);
        e.request = x->req.method + " " + x->req.url + "\n" + headers_text(x->req.headers);
        if (!x->req.body.empty())
            e.request += "\n" + redact(excerpt(check::readable_body(x->req.body)));
        if (!x->resp)
            e.response = "(no response) " + x->explanation;
        else
            e.response = "HTTP " + std::to_string(x->resp->status) + " " + x->resp->reason + "\n" +
                         headers_text(x->resp->headers) + "\n" +
                         redact(excerpt(check::readable_body(x->resp->body)));
        sr.curl = e.curl;
        tc.evidence.push_back(std::move(e));
    }
    st.out->add_step(std::move(sr));
}

void interpreter::not_reached(const model::step& s, state& st) {
    step_result sr = begin_step(s, st);
    sr.v = st.stop_verdict;
    sr.why = unjudged::not_reached;
    sr.message = "not reached: an earlier step did not pass";
    auto add = [&](const model::step& step, auto& self) -> void {
        for (const auto& a : step.expectations())
            sr.assertions.push_back(
                assertion_of(a, st, sr, st.stop_verdict, "not reached", unjudged::not_reached));
        for (const auto& inner : step.inner())
            self(inner, self);
    };
    add(s, add);
    finish_step(std::move(sr), st, nullptr);
}

boost::asio::awaitable<void> interpreter::run_step(const model::step& s, state& st) {
    if (st.cleanup() && (keep_data_ || st.interrupted)) {
        // Nothing more is sent: the cleanup a step would send is listed as left behind.
        describe_cleanup(s, st, st.result->kept);
        co_return;
    }
    if (st.stopped && !st.cleanup()) {
        not_reached(s, st);
        co_return;
    }
    // One unit per kind of step.
    struct dispatch {
        interpreter& self;
        const model::step& s;
        state& st;
        boost::asio::awaitable<void> operator()(const model::exchange_step& x) {
            return x.pages ? self.paged_step(s, x, st) : self.exchange_step(s, x, st);
        }
        boost::asio::awaitable<void> operator()(const model::loop_step& loop) {
            return self.loop_step(s, loop, st);
        }
        boost::asio::awaitable<void> operator()(const model::fragment_use& use) {
            return self.fragment_step(s, use, st);
        }
        boost::asio::awaitable<void> operator()(const model::load_step& load) {
            return self.load_step(s, load, st);
        }
    };
    co_await std::visit(dispatch{*this, s, st}, s.kind);
}

boost::asio::awaitable<testcase_result> interpreter::run(const model::testcase& tc,
                                                         testcase_stream& out, bool& unreachable) {
    auto start = std::chrono::steady_clock::now();
    testcase_result r = start_result(prof_, tc);
    state st;
    st.tc = &tc;
    st.result = &r;
    st.out = &out;
    for (const auto& [name, p] : target_.parameters)
        st.vars[name] = p.value;
    for (const auto& [name, spec] : prof_.parameters)
        if (!st.vars.count(name) && spec.default_value) st.vars[name] = *spec.default_value;
    try {
        for (const auto& [name, value] : tc.variables)
            st.vars[name] = render_json(value, st.vars);
    } catch (const std::exception& e) {
        st.stopped = true;
        st.stop_verdict = verdict::error;
        r.reason = std::string("test case variables: ") + e.what();
    }
    st.ph = step_phase::setup;
    for (const auto& s : tc.setup)
        co_await run_step(s, st);
    st.ph = step_phase::main;
    for (const auto& s : tc.steps)
        co_await run_step(s, st);
    if (st.interrupted) {
        // The interrupted step is already error (step_policy's no_answer_verdict), so the
        // test case is never a pass; here it only says why.
        r.interrupted = true;
        if (r.reason.empty())
            r.reason = "the run was interrupted before the test case's steps ended";
    }
    st.ph = step_phase::cleanup;
    for (const auto& s : tc.cleanup)
        co_await run_step(s, st);
    unreachable = st.unreachable && !st.reached;
    r.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    co_return r;
}

} // namespace konform::run::detail
