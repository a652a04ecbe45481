#include "interpreter.hpp"
#include "konform/check/readable_body.hpp"

#include "konform/check/rows.hpp"
#include "konform/http/curl_line.hpp"
#include "konform/http/redirect.hpp"
#include "konform/model/template_expression.hpp"
#include "konform/run/roll_up.hpp"
#include "request_builder.hpp"
#include "rows_spec.hpp"

#include <chrono>

namespace konform::run::detail {

using nlohmann::json;

struct interpreter::state {
    const model::testcase* tc = nullptr;
    testcase_result* result = nullptr;
    testcase_stream* out = nullptr;
    variables vars;
    bool stopped = false;
    verdict stop_verdict = verdict::inconclusive;
    bool reached = false;     // some exchange got an answer
    bool unreachable = false; // some exchange could not reach the system at all
    enum class phase { setup, main, cleanup } ph = phase::main;
    int iteration = -1; // the row index inside a for_each
    std::string row;    // the row's label inside a for_each
    // The step that last captured each variable, for the story of a failure.
    std::map<std::string, std::string, std::less<>> captured_by;

    bool cleanup() const { return ph == phase::cleanup; }
    bool proving() const { return ph == phase::main; }
};

namespace {

// The system could not be reached, did not answer at all, or did not finish its answer in
// time: what the "N test cases in a row" rule counts.
bool is_connection_failure(const http::exchange& x) {
    if (!x.error || x.resp) return false;
    if (x.timed_out) return true;
    return !x.answered &&
           (x.failed_in == http::phase::resolve || x.failed_in == http::phase::connect ||
            x.failed_in == http::phase::tls_handshake || x.failed_in == http::phase::send ||
            x.failed_in == http::phase::wait);
}

std::string excerpt(const std::string& s, std::size_t max = 2000) {
    if (s.size() <= max) return s;
    return s.substr(0, max) + "\n... (" + std::to_string(s.size()) +
           " bytes in all; see evidence.har)";
}

std::string headers_text(const http::header_list& headers) {
    std::string out;
    for (const auto& [k, v] : headers)
        out += k + ": " + v + "\n";
    return out;
}

// The requirements an assertion proves: its own `proves`, else all its test case verifies;
// none in setup and cleanup.
std::vector<std::string> proves_of(const model::assertion& a, const model::testcase& tc,
                                   bool proving = true) {
    if (!proving) return {};
    return a.proves.empty() ? tc.verifies : a.proves;
}

// A step's name as it is shown: its template rendered, or as written if it cannot be.
std::string step_name(const model::step& s, const variables& vars) {
    if (s.name.find("{{") == std::string::npos) return s.name;
    try {
        return render(s.name, vars);
    } catch (const std::exception&) {
        return s.name;
    }
}

// A value's text cut to a readable length (200 characters) for the story of a failure.
std::string shortened(std::string s) {
    if (s.size() > 200) s = s.substr(0, 197) + "...";
    return s;
}

// "row 3: {"postnr":"8000"}", cut to a readable length.
std::string row_label(std::size_t index, const json& row) {
    return "row " + std::to_string(index) + ": " +
           shortened(row.dump(-1, ' ', false, json::error_handler_t::replace));
}

// A value as the story of a failure shows it: JSON text, at most 200 characters.
std::string shown_value(const json& v) {
    return shortened(v.is_string() ? v.get<std::string>()
                                   : v.dump(-1, ' ', false, json::error_handler_t::replace));
}

// How an expectation that names variables was written, and where each captured variable
// came from: `/results/0 {"equals":"{{all.2}}"} (all: captured by step "the whole result")`.
std::string expectation_template(const model::assertion& a,
                                 const std::map<std::string, std::string, std::less<>>& by) {
    std::string written = a.predicates.dump(-1, ' ', false, json::error_handler_t::replace);
    if (written.find("{{") == std::string::npos && a.selector.find("{{") == std::string::npos)
        return {};
    if (written.size() > 300) written = written.substr(0, 297) + "...";
    std::string out = (a.selector.empty() ? "" : a.selector + " ") + written;
    // The variables its templates start from, in order, each said once.
    std::string from;
    auto name_sources = [&](const std::string& text) {
        try {
            for (const auto& placeholder : model::template_placeholders(text)) {
                const std::string name = model::parse_expression(placeholder).root();
                auto it = by.find(name);
                if (it == by.end()) continue;
                const std::string said = name + ": captured by step \"" + it->second + "\"";
                if (from.find(said) == std::string::npos) from += (from.empty() ? "" : "; ") + said;
            }
        } catch (const model::template_error&) {
            // Rendered already; a template that cannot be read names no source.
        }
    };
    name_sources(a.selector);
    auto walk = [&](const json& v, auto& self) -> void {
        if (v.is_string())
            name_sources(v.get_ref<const std::string&>());
        else if (v.is_structured())
            for (const auto& item : v)
                self(item, self);
    };
    walk(a.predicates, walk);
    if (!from.empty()) out += " (" + from + ")";
    return out;
}

assertion_result unjudged(const model::assertion& a, std::vector<std::string> proves, verdict v,
                          const std::string& why, std::size_t exchange) {
    assertion_result ar;
    ar.pointer = a.pointer;
    ar.subject = std::string(model::to_string(a.what));
    ar.description = a.description;
    ar.proves = std::move(proves);
    ar.v = v;
    ar.explanation = why;
    ar.exchange = exchange;
    return ar;
}

} // namespace

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

// Against a production target, a request that writes is never sent: why, or "".
std::string interpreter::refused_write(const model::request_spec& spec,
                                       const http::request& req) const {
    if (!target_.production || !model::writes(spec)) return {};
    return redact("refused before sending: a production verification sends no write (" +
                  req.method + " " + req.url + ")");
}

// The exchange as it may be written: request, response and explanation redacted.
http::exchange interpreter::redacted(const http::exchange& raw) const {
    http::exchange x = raw;
    if (secrets_.empty()) return x;
    secrets_.redact_in_place(x.req.url);
    for (auto& [k, v] : x.req.headers)
        secrets_.redact_in_place(v);
    secrets_.redact_in_place(x.req.body);
    if (x.resp) {
        for (auto& [k, v] : x.resp->headers)
            secrets_.redact_in_place(v);
        secrets_.redact_in_place(x.resp->body);
    }
    secrets_.redact_in_place(x.explanation);
    return x;
}

// Writes the exchange, redacted, to evidence; assertions judge the raw exchange (so a
// check that a system never echoes a credential can fail), and only what they write out
// is redacted.
std::size_t interpreter::record(const http::exchange& x, state& st) {
    ++st.result->exchange_count;
    if (secrets_.empty()) return st.out->add_exchange(x, st.tc->id); // nothing to copy
    return st.out->add_exchange(redacted(x), st.tc->id);
}

// Adds a judged step to the result and the stream; keeps excerpts of its exchange when an
// assertion failed on it.
void interpreter::finish_step(step_result sr, state& st, const http::exchange* raw) {
    testcase_result& tc = *st.result;
    const std::size_t before = tc.failures.size();
    account_step(tc, sr);
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
    step_result sr;
    sr.name = step_name(s, st.vars);
    sr.pointer = s.pointer;
    sr.iteration = st.iteration;
    sr.row = redact(st.row);
    sr.setup = st.ph == state::phase::setup;
    sr.v = st.stop_verdict;
    sr.message = "not reached: an earlier step did not pass";
    auto add = [&](const model::step& step, auto& self) -> void {
        for (const auto& a : step.expect)
            sr.assertions.push_back(unjudged(a, proves_of(a, *st.tc, st.proving()), st.stop_verdict,
                                             "not reached", no_exchange));
        for (const auto& inner : step.steps)
            self(inner, self);
    };
    add(s, add);
    finish_step(std::move(sr), st, nullptr);
}

// Evaluates the step's assertions against the response; the step takes the worst verdict.
void interpreter::judge(const model::step& s, state& st, check::response_view& view,
                        step_result& sr) {
    for (const auto& a : s.expect) {
        // Expected values may name variables ("equals": "{{uuid}}").
        check::outcome o;
        bool harness_error = false; // the test case, not the system, is at fault
        try {
            model::assertion rendered = a;
            rendered.predicates = render_json(a.predicates, st.vars);
            if (has_rows(rendered.predicates))
                rendered.predicates["rows"] = resolve_rows(rendered.predicates["rows"], prof_);
            if (a.what != model::subject::schema) rendered.selector = render(a.selector, st.vars);
            o = check::evaluate(rendered, view, schemas_);
        } catch (const std::exception& e) {
            harness_error = true;
            o = {false, a.predicates.dump(), "(not evaluated)",
                 std::string("the assertion could not be built: ") + e.what()};
        }
        assertion_result ar = unjudged(a, proves_of(a, *st.tc, st.proving()),
                                       harness_error ? verdict::error
                                       : o.passed    ? verdict::pass
                                                     : verdict::fail,
                                       redact(o.explanation), sr.exchange);
        ar.expected = redact(o.expected);
        ar.actual = redact(o.actual);
        if (ar.v != verdict::pass)
            ar.expected_template = redact(expectation_template(a, st.captured_by));
        ar.step = sr.name;
        ar.row = sr.row;
        sr.v = worst(sr.v, ar.v);
        sr.assertions.push_back(std::move(ar));
    }
}

// Takes the step's captures into the test case's variables; one that fails makes a passing
// step inconclusive, since what follows cannot be judged without it.
void interpreter::take_captures(const model::step& s, state& st, check::response_view& view,
                                step_result& sr) {
    for (const auto& spec : s.captures) {
        std::string error;
        std::optional<json> value;
        model::capture c = spec;
        try {
            c.selector = render(spec.selector, st.vars);
            value = check::extract(c, view, error);
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (value && c.append) {
            // Appended values are bounded as rows are: a loop cannot grow one without end.
            constexpr std::size_t max_appended = 100'000;
            json& list = st.vars[c.variable];
            if (!list.is_array()) list = json::array();
            if (list.size() < max_appended) {
                sr.captures.emplace_back(c.variable + "[" + std::to_string(list.size()) + "]",
                                         redact(shown_value(*value)));
                st.captured_by[c.variable] = sr.name;
                list.push_back(std::move(*value));
                continue;
            }
            error = "more than " + std::to_string(max_appended) + " appended values";
            value.reset();
        } else if (value) {
            sr.captures.emplace_back(c.variable, redact(shown_value(*value)));
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

// A paged query: the request once per page, the step's parameter counting up, until a page
// holds no rows. Every page's answer must pass the step's other assertions; its `rows`
// assertions judge all pages' rows together, holding only the compared fields of each.
boost::asio::awaitable<void> interpreter::paged_step(const model::step& s, state& st) {
    const model::step::paging& paging = *s.pages;
    step_result sr;
    sr.name = step_name(s, st.vars);
    sr.pointer = s.pointer;
    sr.iteration = st.iteration;
    sr.row = redact(st.row);
    sr.cleanup = st.cleanup();
    sr.setup = st.ph == state::phase::setup;
    sr.v = verdict::pass;
    auto result_of = [&](const model::assertion& a, verdict v, const check::outcome& o) {
        assertion_result ar =
            unjudged(a, proves_of(a, *st.tc, st.proving()), v, redact(o.explanation), sr.exchange);
        ar.expected = redact(o.expected);
        ar.actual = redact(o.actual);
        if (ar.v != verdict::pass)
            ar.expected_template = redact(expectation_template(a, st.captured_by));
        ar.step = sr.name;
        ar.row = sr.row;
        sr.v = worst(sr.v, ar.v);
        sr.assertions.push_back(std::move(ar));
    };
    auto stop_here = [&](const http::exchange* x) {
        const verdict v = sr.cleanup ? verdict::pass : sr.v;
        finish_step(std::move(sr), st, x);
        if (!st.cleanup() && v != verdict::pass) {
            st.stopped = true;
            st.stop_verdict = v == verdict::fail ? verdict::inconclusive : v;
        }
    };
    // The step cannot go on: every assertion takes verdict `v` for `why`.
    auto give_up = [&](verdict v, const std::string& why, const http::exchange* x) {
        for (const auto& a : s.expect)
            result_of(a, v, {false, "", "", why});
        stop_here(x);
    };
    // The rows comparisons, one per `rows` assertion, built before the first page.
    std::vector<std::optional<check::rows_comparison>> rows(s.expect.size());
    for (std::size_t i = 0; i < s.expect.size(); ++i) {
        if (!has_rows(s.expect[i].predicates)) continue;
        try {
            rows[i].emplace(
                resolve_rows(render_json(s.expect[i].predicates["rows"], st.vars), prof_));
        } catch (const std::exception& e) {
            give_up(verdict::error, std::string("the assertion could not be built: ") + e.what(),
                    nullptr);
            co_return;
        }
    }
    std::optional<http::exchange> last;
    bool ended = false;
    for (long long n = paging.from; n < paging.from + paging.max && !ended; ++n) {
        model::request_spec spec = *s.request;
        spec.query.emplace_back(paging.param, std::to_string(n));
        http::request req;
        try {
            req = build_request(spec, st.vars, target_.base_url);
        } catch (const std::exception& e) {
            give_up(verdict::error, std::string("the request could not be built: ") + e.what(),
                    nullptr);
            co_return;
        }
        if (std::string why = refused_write(spec, req); !why.empty()) {
            give_up(verdict::error, why, nullptr);
            co_return;
        }
        if (spec.authenticate && http::same_origin(req.url, target_.base_url)) {
            std::optional<http::exchange> token_exchange;
            const std::string why = co_await auth_.apply(req, token_exchange);
            if (token_exchange) record(*token_exchange, st);
            if (!why.empty()) {
                give_up(verdict::error, why, nullptr);
                co_return;
            }
        }
        http::exchange x = co_await client_.async_perform(std::move(req));
        if (x.ok()) st.reached = true;
        if (!x.ok() && is_connection_failure(x)) st.unreachable = true;
        sr.exchange = record(x, st);
        sr.method = x.req.method;
        sr.url = x.req.url;
        if (x.resp) sr.status = x.resp->status;
        sr.duration_ms += x.time.total;
        if (!x.ok()) {
            give_up(x.answered ? verdict::fail : verdict::error,
                    (x.answered ? "broken answer: " : "") + x.explanation + " (" + paging.param +
                        "=" + std::to_string(n) + ")",
                    &x);
            co_return;
        }
        check::response_view view(x, schemas_.namespaces, schemas_.max_json_values);
        for (std::size_t i = 0; i < s.expect.size(); ++i) {
            const model::assertion& a = s.expect[i];
            if (rows[i]) {
                // This page's records: the subject's value at its pointer.
                std::string error;
                const json* doc = view.as(a.what, error);
                std::optional<json> page;
                try {
                    if (doc) {
                        json::json_pointer ptr(render(a.selector, st.vars));
                        if (doc->contains(ptr)) page = doc->at(ptr);
                    }
                } catch (const std::exception& e) {
                    error = std::string("the selector could not be built: ") + e.what();
                }
                if (!page) {
                    result_of(a, verdict::fail,
                              {false, "records on every page", "(none)",
                               (error.empty() ? "the page has no " + a.selector : error) + " (" +
                                   paging.param + "=" + std::to_string(n) + ")"});
                    stop_here(&x);
                    co_return;
                }
                if (page->is_array() && page->empty()) ended = true;
                rows[i]->add(*page);
                if (rows[i]->full()) ended = true; // it failed already: no more pages
                continue;
            }
            check::outcome o;
            try {
                model::assertion rendered = a;
                rendered.predicates = render_json(a.predicates, st.vars);
                if (a.what != model::subject::schema)
                    rendered.selector = render(a.selector, st.vars);
                o = check::evaluate(rendered, view, schemas_);
            } catch (const std::exception& e) {
                result_of(a, verdict::error,
                          {false, a.predicates.dump(), "(not evaluated)",
                           std::string("the assertion could not be built: ") + e.what()});
                stop_here(&x);
                co_return;
            }
            if (!o.passed) {
                o.explanation += (o.explanation.empty() ? "" : " ") + std::string("(page ") +
                                 paging.param + "=" + std::to_string(n) + ")";
                result_of(a, verdict::fail, o);
                stop_here(&x);
                co_return;
            }
        }
        last = std::move(x);
    }
    for (std::size_t i = 0; i < s.expect.size(); ++i) {
        const model::assertion& a = s.expect[i];
        if (!rows[i]) {
            result_of(a, verdict::pass, {true, "", "every page", ""});
            continue;
        }
        check::outcome o = rows[i]->finish();
        if (!ended) {
            o.passed = false;
            o.explanation = "no empty page after " + std::to_string(paging.max) +
                            " pages: the query did not end within the step's pages.max";
        }
        result_of(a, o.passed ? verdict::pass : verdict::fail, o);
    }
    if (sr.setup && sr.v == verdict::fail) sr.v = verdict::inconclusive;
    stop_here(last ? &*last : nullptr);
}

boost::asio::awaitable<void> interpreter::exchange_step(const model::step& s, state& st) {
    if (s.pages) {
        co_await paged_step(s, st);
        co_return;
    }
    const bool cleanup = st.cleanup();
    step_result sr;
    sr.name = step_name(s, st.vars);
    sr.pointer = s.pointer;
    sr.iteration = st.iteration;
    sr.row = redact(st.row);
    sr.cleanup = cleanup;
    sr.setup = st.ph == state::phase::setup;
    // The step cannot be judged: every assertion takes verdict `v`, and the test case stops.
    auto give_up = [&](verdict v, const std::string& why, const http::exchange* x) {
        sr.v = v;
        sr.message = redact(why);
        for (const auto& a : s.expect) {
            sr.assertions.push_back(
                unjudged(a, proves_of(a, *st.tc, st.proving()), v, sr.message, sr.exchange));
            sr.assertions.back().step = sr.name;
            sr.assertions.back().row = sr.row;
        }
        if (sr.setup && sr.v == verdict::fail) sr.v = verdict::inconclusive;
        finish_step(std::move(sr), st, x);
        if (!cleanup) {
            st.stopped = true;
            st.stop_verdict = v == verdict::fail ? verdict::inconclusive : v;
        }
    };

    http::request req;
    try {
        req = build_request(*s.request, st.vars, target_.base_url);
    } catch (const std::exception& e) {
        give_up(verdict::error, std::string("the request could not be built: ") + e.what(),
                nullptr);
        co_return;
    }
    if (std::string why = refused_write(*s.request, req); !why.empty()) {
        give_up(verdict::error, why, nullptr);
        co_return;
    }
    // Credentials go only to the target's own origin, also across redirects.
    auto send = [&](http::request r) -> boost::asio::awaitable<std::optional<http::exchange>> {
        if (s.request->authenticate && http::same_origin(r.url, target_.base_url)) {
            std::optional<http::exchange> token_exchange;
            std::string why = co_await auth_.apply(r, token_exchange);
            if (token_exchange) record(*token_exchange, st);
            if (!why.empty()) {
                give_up(verdict::error, why, nullptr);
                co_return std::nullopt;
            }
        }
        co_return co_await client_.async_perform(std::move(r));
    };
    auto first = co_await send(req);
    if (!first) co_return;
    http::exchange x = std::move(*first);
    constexpr int max_redirects = 10;
    for (int hops = 0; s.request->follow_redirects; ++hops) {
        auto next = http::redirect_request(req, x);
        if (!next) break;
        if (!s.request->follow_cross_origin && !http::same_origin(next->url, req.url)) {
            sr.message = redact("redirect to another origin not followed (" + next->url +
                                "; the step allows it with follow_cross_origin)");
            break;
        }
        if (hops == max_redirects) {
            sr.exchange = record(x, st);
            give_up(verdict::fail,
                    "more than " + std::to_string(max_redirects) + " redirects (last to " +
                        next->url + ")",
                    &x);
            co_return;
        }
        record(x, st);
        req = std::move(*next);
        auto hop = co_await send(req);
        if (!hop) co_return;
        x = std::move(*hop);
    }
    // A TLS refusal the step expects ("refused") is an answer, not an unreachable system.
    const bool expected_refusal = !x.ok() && http::refused_by_tls(x) &&
                                  std::any_of(s.expect.begin(), s.expect.end(), [](const auto& a) {
                                      return a.what == model::subject::refused;
                                  });
    if (x.ok() || expected_refusal) st.reached = true;
    if (!x.ok() && !expected_refusal && is_connection_failure(x)) st.unreachable = true;
    sr.exchange = record(x, st);
    sr.method = x.req.method;
    sr.url = x.req.url;
    if (x.resp) sr.status = x.resp->status;
    sr.duration_ms = x.time.total;
    if (expected_refusal) {
        // The refusal a step expects: "refused" holds, nothing else can be judged.
        sr.v = verdict::pass;
        for (const auto& a : s.expect) {
            const bool expected = a.what == model::subject::refused;
            assertion_result ar = unjudged(
                a, proves_of(a, *st.tc, st.proving()), expected ? verdict::pass : verdict::error,
                expected ? "" : redact("no response to judge: " + x.explanation), sr.exchange);
            ar.expected = expected ? "refused (TLS handshake, 401 or 403)" : "";
            ar.actual = redact("TLS connection refused: " + x.explanation);
            ar.step = sr.name;
            ar.row = sr.row;
            sr.v = worst(sr.v, ar.v);
            sr.assertions.push_back(std::move(ar));
        }
        if (cleanup) sr.v = verdict::pass;
        const verdict v = sr.v;
        finish_step(std::move(sr), st, &x);
        if (!cleanup && v != verdict::pass) {
            st.stopped = true;
            st.stop_verdict = v;
        }
        co_return;
    }
    if (!x.ok()) {
        // An answer the system did send is its own: one that breaks HTTP/1.1 or a stated
        // limit fails the step (else a system could turn the one request that exposes a
        // defect into a harness error). Only no answer at all is an error.
        if (x.answered)
            give_up(verdict::fail, "broken answer: " + x.explanation, &x);
        else
            give_up(verdict::error, x.explanation, &x);
        co_return;
    }
    check::response_view view(x, schemas_.namespaces, schemas_.max_json_values);
    sr.v = verdict::pass;
    judge(s, st, view, sr);
    take_captures(s, st, view, sr);
    if (cleanup) sr.v = verdict::pass; // cleanup proves nothing
    if (sr.setup && sr.v == verdict::fail) {
        // What a test case stands on did not hold: it cannot be judged.
        sr.v = verdict::inconclusive;
        if (sr.message.empty()) sr.message = "setup step \"" + sr.name + "\" did not pass";
    }
    const verdict v = sr.v;
    finish_step(std::move(sr), st, &x);
    if (!cleanup && v != verdict::pass) {
        st.stopped = true;
        st.stop_verdict = v == verdict::fail ? verdict::inconclusive : v;
    }
}

boost::asio::awaitable<void> interpreter::run_step(const model::step& s, state& st) {
    if (st.stopped && !st.cleanup()) {
        not_reached(s, st);
        co_return;
    }
    if (s.request)
        co_await exchange_step(s, st);
    else if (s.loop)
        co_await loop_step(s, st);
    else
        co_await fragment_step(s, st);
}

// A used fragment: its parameters are set for its steps and put back after them; what its
// steps capture stays.
boost::asio::awaitable<void> interpreter::fragment_step(const model::step& s, state& st) {
    std::vector<std::pair<std::string, std::optional<json>>> saved;
    std::vector<std::pair<std::string, json>> values;
    try {
        for (const auto& [name, v] : s.bindings)
            values.emplace_back(name, render_json(v, st.vars));
    } catch (const std::exception& e) {
        step_result sr;
        sr.name = step_name(s, st.vars);
        sr.pointer = s.pointer;
        sr.v = verdict::error;
        sr.message =
            redact("the fragment's parameters could not be built: " + std::string(e.what()));
        finish_step(std::move(sr), st, nullptr);
        if (!st.cleanup()) st.stopped = true, st.stop_verdict = verdict::error;
        co_return;
    }
    for (auto& [name, v] : values) {
        auto it = st.vars.find(name);
        saved.emplace_back(name,
                           it == st.vars.end() ? std::nullopt : std::optional<json>(it->second));
        st.vars[name] = std::move(v);
    }
    for (const auto& inner : s.steps)
        co_await run_step(inner, st);
    for (auto& [name, old] : saved)
        if (old)
            st.vars[name] = std::move(*old);
        else
            st.vars.erase(name);
}

// The rows a for_each runs over, or nothing (and why).
std::optional<json> interpreter::loop_rows(const model::step& s, state& st, std::string& why) {
    const model::loop_source& src = *s.loop;
    // Rows built at run time may come from the system (a captured array): bounded, as a
    // range is, so no answer can make a loop send an unbounded number of requests.
    constexpr std::size_t max_rows = 100'000;
    const std::string too_many = "more than " + std::to_string(max_rows) + " rows";
    std::optional<json> rows;
    try {
        switch (src.from) {
        case model::loop_source::kind::dataset: // read row by row in loop_step
            why = "a data set is not built at run time";
            return std::nullopt;
        case model::loop_source::kind::expression:
            rows = render_value(src.name, st.vars);
            if (!rows->is_array()) {
                why = "for_each \"" + src.name + "\" is " + std::string(rows->type_name()) +
                      ", not an array";
                return std::nullopt;
            }
            break;
        case model::loop_source::kind::rows:
            rows = render_json(src.rows, st.vars);
            break;
        case model::loop_source::kind::range: {
            auto bound = [&](const json& b) {
                json v = b.is_string() ? render_value(b.get<std::string>(), st.vars) : b;
                if (v.is_string()) v = evaluate("v | int", {{"v", v}});
                if (!v.is_number_integer()) throw template_error("a range bound is a whole number");
                return v.get<long long>();
            };
            const long long first = bound(src.first), last = bound(src.last);
            // The count in unsigned arithmetic: last - first may not fit a long long.
            if (first <= last &&
                static_cast<unsigned long long>(last) - static_cast<unsigned long long>(first) >=
                    max_rows) {
                why = "the range " + std::to_string(first) + ".." + std::to_string(last) + " has " +
                      too_many;
                return std::nullopt;
            }
            rows = json::array();
            for (long long i = first; i <= last; ++i)
                rows->push_back(i);
            return rows;
        }
        }
    } catch (const std::exception& e) {
        why = e.what();
        return std::nullopt;
    }
    if (rows->size() > max_rows) {
        why = "for_each has " + std::to_string(rows->size()) + " rows, " + too_many;
        return std::nullopt;
    }
    return rows;
}

// Every row runs (unless the step says stop_on_failure); a row whose step does not pass
// ends that row only. The steps after the loop run only when every row passed.
boost::asio::awaitable<void> interpreter::loop_step(const model::step& s, state& st) {
    const model::dataset_rows* dataset = s.loop->from == model::loop_source::kind::dataset
                                             ? &prof_.datasets.at(s.loop->name).rows
                                             : nullptr;
    std::string why;
    std::optional<json> rows;
    if (!dataset) rows = loop_rows(s, st, why);
    if (!dataset && !rows) {
        step_result sr;
        sr.name = step_name(s, st.vars);
        sr.pointer = s.pointer;
        sr.v = verdict::error;
        sr.message = redact("the rows of for_each could not be built: " + why);
        finish_step(std::move(sr), st, nullptr);
        if (!st.cleanup()) st.stopped = true, st.stop_verdict = verdict::error;
        co_return;
    }
    const int outer_iteration = st.iteration;
    const std::string outer_row = st.row;
    const std::optional<json> outer_value =
        st.vars.count(s.as) ? std::optional<json>(st.vars[s.as]) : std::nullopt;
    bool any_stopped = false;
    verdict stop_verdict = verdict::pass;
    const std::size_t count = dataset ? dataset->size() : rows->size();
    for (std::size_t i = 0; i < count; ++i) {
        if (dataset && !s.where.empty()) {
            // A data set's row is built only when `where` selects it.
            bool selected = true;
            for (const auto& [column, value] : s.where.items()) {
                const auto cell = dataset->cell(i, column);
                selected = cell && *cell == value;
                if (!selected) break;
            }
            if (!selected) continue;
        }
        st.vars[s.as] = dataset ? dataset->row(i) : (*rows)[i];
        if (!dataset && !model::row_matches(st.vars[s.as], s.where)) continue;
        st.iteration = static_cast<int>(i);
        st.row = (outer_row.empty() ? "" : outer_row + ", ") + row_label(i, st.vars[s.as]);
        for (const auto& inner : s.steps)
            co_await run_step(inner, st);
        if (st.stopped && !st.cleanup()) {
            any_stopped = true;
            stop_verdict = worst(stop_verdict, st.stop_verdict);
            if (s.stop_on_failure || st.unreachable) break;
            st.stopped = false; // the next row runs
        }
    }
    st.iteration = outer_iteration;
    st.row = outer_row;
    if (outer_value)
        st.vars[s.as] = *outer_value;
    else
        st.vars.erase(s.as);
    if (any_stopped) {
        st.stopped = true;
        st.stop_verdict = stop_verdict;
    }
}

void interpreter::describe_cleanup(const model::step& s, state& st,
                                   std::vector<std::string>& kept) {
    constexpr std::size_t max_kept = 1000;
    if (kept.size() >= max_kept) return;
    try {
        if (s.request) {
            const http::request req = build_request(*s.request, st.vars, target_.base_url);
            kept.push_back(redact(req.method + " " + req.url));
            return;
        }
        // A fragment's parameters and a loop's rows bound as a run binds them.
        std::vector<std::pair<std::string, std::optional<json>>> saved;
        auto bind = [&](const std::string& name, json value) {
            auto it = st.vars.find(name);
            saved.emplace_back(name, it == st.vars.end() ? std::nullopt
                                                         : std::optional<json>(it->second));
            st.vars[name] = std::move(value);
        };
        if (!s.loop) {
            for (const auto& [name, v] : s.bindings)
                bind(name, render_json(v, st.vars));
            for (const auto& inner : s.steps)
                describe_cleanup(inner, st, kept);
        } else {
            std::string why;
            std::optional<json> rows;
            if (s.loop->from == model::loop_source::kind::dataset) {
                rows = json::array();
                const auto& d = prof_.datasets.at(s.loop->name).rows;
                for (std::size_t i = 0; i < d.size() && i < max_kept; ++i)
                    rows->push_back(d.row(i));
            } else
                rows = loop_rows(s, st, why);
            if (!rows) kept.push_back(redact("(" + step_name(s, st.vars) + ": " + why + ")"));
            bind(s.as, json());
            for (const auto& row : rows ? *rows : json::array()) {
                if (!model::row_matches(row, s.where)) continue;
                st.vars[s.as] = row;
                for (const auto& inner : s.steps)
                    describe_cleanup(inner, st, kept);
            }
        }
        for (auto& [name, old] : saved)
            if (old)
                st.vars[name] = std::move(*old);
            else
                st.vars.erase(name);
    } catch (const std::exception& e) {
        kept.push_back(redact("(" + step_name(s, st.vars) + ": " + e.what() + ")"));
    }
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
    st.ph = state::phase::setup;
    for (const auto& s : tc.setup)
        co_await run_step(s, st);
    st.ph = state::phase::main;
    for (const auto& s : tc.steps)
        co_await run_step(s, st);
    st.ph = state::phase::cleanup;
    if (keep_data_)
        for (const auto& s : tc.cleanup)
            describe_cleanup(s, st, r.kept);
    else
        for (const auto& s : tc.cleanup)
            co_await run_step(s, st);
    unreachable = st.unreachable && !st.reached;
    r.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    co_return r;
}

} // namespace konform::run::detail
