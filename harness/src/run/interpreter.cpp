#include "interpreter.hpp"

#include "konform/http/curl_line.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <chrono>

namespace konform::run::detail {

using nlohmann::json;

namespace {

// Percent-encodes what may not stand in a URL as written (spaces, non-ASCII such as
// æ, ø, å, quotes), leaving reserved characters and existing escapes alone.
std::string encode_unsafe(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        bool safe = c > 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>' && c != '\\' &&
                    c != '^' && c != '`' && c != '{' && c != '|' && c != '}';
        if (safe)
            out += static_cast<char>(c);
        else
            out += '%', out += hex[c >> 4], out += hex[c & 0xF];
    }
    return out;
}

std::string query_encode(std::string_view s) {
    return boost::urls::encode(s, boost::urls::unreserved_chars);
}

// The system could not be reached or did not answer at all (as opposed to a broken answer).
bool is_connection_failure(const http::exchange& x) {
    return x.error && !x.resp &&
           (x.failed_in == http::phase::resolve || x.failed_in == http::phase::connect ||
            x.failed_in == http::phase::tls_handshake || x.failed_in == http::phase::send ||
            x.failed_in == http::phase::wait);
}

} // namespace

interpreter::interpreter(const model::profile& p, const model::target& t, http::client& c,
                         authenticator& auth, const secrets& s, const check::schema_set& schemas,
                         run_result& out)
    : prof_(p), target_(t), client_(c), auth_(auth), secrets_(s), schemas_(schemas), out_(out) {}

http::request interpreter::build(const model::request_spec& spec, const variables& vars) {
    http::request req;
    req.method = spec.method;
    std::string path = render(spec.path, vars);
    std::string url = path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0
                          ? path
                          : target_.base_url + path;
    url = encode_unsafe(url);
    std::string query;
    for (const auto& [k, v] : spec.query) {
        query += query.empty() ? "" : "&";
        query += query_encode(render(k, vars)) + "=" + query_encode(render(v, vars));
    }
    if (!query.empty()) url += (url.find('?') == std::string::npos ? "?" : "&") + query;
    req.url = url;
    bool has_content_type = false;
    for (const auto& [k, v] : spec.headers) {
        req.headers.emplace_back(k, render(v, vars));
        has_content_type = has_content_type || boost::algorithm::iequals(k, "Content-Type");
    }
    auto content_type = [&](const char* t) {
        if (!has_content_type) req.headers.emplace_back("Content-Type", t);
    };
    if (spec.json_body) {
        req.body = render_json(*spec.json_body, vars).dump();
        content_type("application/json");
    } else if (spec.xml_body) {
        req.body = render(*spec.xml_body, vars, escaping::xml);
        content_type("text/xml; charset=utf-8");
    } else if (spec.text_body) {
        req.body = render(*spec.text_body, vars);
    } else if (spec.form_body) {
        for (const auto& [k, v] : *spec.form_body)
            req.body += (req.body.empty() ? "" : "&") + query_encode(k) + "=" +
                        query_encode(render(v, vars));
        content_type("application/x-www-form-urlencoded");
    }
    if (!spec.soap_action.empty())
        req.headers.emplace_back("SOAPAction", "\"" + render(spec.soap_action, vars) + "\"");
    return req;
}

std::size_t interpreter::record(http::exchange x, const std::string& testcase) {
    // Redact before anything else sees the exchange: request, response and explanation.
    auto& s = secrets_;
    x.req.url = s.redact(x.req.url);
    for (auto& [k, v] : x.req.headers)
        v = s.redact(v);
    x.req.body = s.redact(x.req.body);
    if (x.resp) {
        for (auto& [k, v] : x.resp->headers)
            v = s.redact(v);
        x.resp->body = s.redact(x.resp->body);
    }
    x.explanation = s.redact(x.explanation);
    if (placeholders_.empty())
        for (const auto& [value, placeholder] : s.items())
            placeholders_.push_back(placeholder);
    recorded_exchange r;
    r.curl = http::curl_line(x.req, placeholders_, target_.tls.insecure);
    r.x = std::move(x);
    r.testcase = testcase;
    if (r.x.ok() && out_.binding.remote_address.empty()) {
        out_.binding.remote_address = r.x.remote_address;
        out_.binding.server_header = r.x.resp->header("Server").value_or("");
        out_.binding.tls = r.x.tls;
    }
    out_.exchanges.push_back(std::move(r));
    return out_.exchanges.size() - 1;
}

void interpreter::not_reached(const model::step& s, state& st) {
    auto& tc = *st.result;
    step_result sr;
    sr.name = s.name;
    sr.pointer = s.pointer;
    sr.v = st.stop_verdict;
    sr.message = "not reached: an earlier step did not pass";
    auto add = [&](const model::step& step, auto& self) -> void {
        for (const auto& a : step.expect) {
            assertion_result ar;
            ar.pointer = a.pointer;
            ar.subject = std::string(model::to_string(a.what));
            ar.description = a.description;
            ar.proves = a.proves.empty() ? tc.verifies : a.proves;
            ar.v = st.stop_verdict;
            ar.explanation = "not reached";
            sr.assertions.push_back(std::move(ar));
        }
        for (const auto& inner : step.steps)
            self(inner, self);
    };
    add(s, add);
    tc.steps.push_back(std::move(sr));
}

void interpreter::exchange_step(const model::step& s, state& st, int iteration, bool cleanup) {
    auto& tc = *st.result;
    step_result sr;
    sr.name = s.name;
    sr.pointer = s.pointer;
    sr.iteration = iteration;
    sr.cleanup = cleanup;
    auto proves_of = [&](const model::assertion& a) {
        return a.proves.empty() ? tc.verifies : a.proves;
    };

    auto fail_all = [&](verdict v, const std::string& why) {
        sr.v = v;
        sr.message = secrets_.redact(why);
        for (const auto& a : s.expect) {
            assertion_result ar;
            ar.pointer = a.pointer;
            ar.subject = std::string(model::to_string(a.what));
            ar.description = a.description;
            ar.proves = proves_of(a);
            ar.v = v;
            ar.explanation = sr.message;
            ar.exchange = sr.exchange;
            sr.assertions.push_back(std::move(ar));
        }
    };

    http::request req;
    try {
        req = build(*s.request, st.vars);
    } catch (const std::exception& e) {
        fail_all(verdict::error, std::string("the request could not be built: ") + e.what());
        tc.steps.push_back(std::move(sr));
        if (!cleanup) st.stopped = true, st.stop_verdict = verdict::error;
        return;
    }
    if (s.request->authenticate) {
        std::string why = auth_.apply(req);
        if (auto tx = auth_.take_token_exchange()) record(std::move(*tx), tc.id);
        if (!why.empty()) {
            fail_all(verdict::error, why);
            tc.steps.push_back(std::move(sr));
            if (!cleanup) st.stopped = true, st.stop_verdict = verdict::error;
            return;
        }
    }
    http::exchange x = client_.perform(req);
    constexpr int max_redirects = 10;
    for (int hops = 0; s.request->follow_redirects && x.ok(); ++hops) {
        int code = x.resp->status;
        auto loc = x.resp->header("Location");
        if (!(code == 301 || code == 302 || code == 303 || code == 307 || code == 308) || !loc)
            break;
        if (hops == max_redirects) {
            record(x, tc.id);
            fail_all(verdict::error, "more than " + std::to_string(max_redirects) +
                                         " redirects (last to " + *loc + ")");
            tc.steps.push_back(std::move(sr));
            if (!cleanup) st.stopped = true, st.stop_verdict = verdict::error;
            return;
        }
        record(x, tc.id);
        auto base = boost::urls::parse_uri(req.url);
        auto ref = boost::urls::parse_uri_reference(*loc);
        if (!base || !ref) break;
        boost::urls::url next;
        if (!boost::urls::resolve(*base, *ref, next)) break;
        req.url = std::string(next.buffer());
        if (code == 303 || ((code == 301 || code == 302) && req.method == "POST")) {
            req.method = "GET";
            req.body.clear();
        }
        x = client_.perform(req);
    }
    if (x.ok()) st.reached = true;
    if (!x.ok() && is_connection_failure(x)) last_unreachable_ = true;
    const bool ok = x.ok();
    sr.exchange = record(std::move(x), tc.id);
    const http::exchange& rx = out_.exchanges[sr.exchange].x;
    if (!ok) {
        fail_all(verdict::error, rx.explanation);
        tc.steps.push_back(std::move(sr));
        if (!cleanup) st.stopped = true, st.stop_verdict = verdict::error;
        return;
    }
    check::response_view view(rx, schemas_.namespaces);
    sr.v = verdict::pass;
    for (const auto& a : s.expect) {
        // Expected values may name variables ("equals": "{{uuid}}").
        check::outcome o;
        bool harness_error = false; // the test case, not the system, is at fault
        try {
            model::assertion rendered = a;
            rendered.predicates = render_json(a.predicates, st.vars);
            if (a.what != model::subject::schema) rendered.selector = render(a.selector, st.vars);
            o = check::evaluate(rendered, view, schemas_);
        } catch (const std::exception& e) {
            harness_error = true;
            o = {false, a.predicates.dump(), "(not evaluated)",
                 std::string("the assertion could not be built: ") + e.what()};
        }
        assertion_result ar;
        ar.pointer = a.pointer;
        ar.subject = std::string(model::to_string(a.what));
        ar.description = a.description;
        ar.proves = proves_of(a);
        ar.v = harness_error ? verdict::error : o.passed ? verdict::pass : verdict::fail;
        ar.expected = secrets_.redact(o.expected);
        ar.actual = secrets_.redact(o.actual);
        ar.explanation = secrets_.redact(o.explanation);
        ar.exchange = sr.exchange;
        sr.v = worst(sr.v, ar.v);
        sr.assertions.push_back(std::move(ar));
    }
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
        if (value)
            st.vars[c.variable] = *value;
        else if (sr.v == verdict::pass) {
            sr.v = verdict::inconclusive;
            sr.message = secrets_.redact("capture " + c.variable + " failed: " + error);
        }
    }
    if (cleanup) sr.v = verdict::pass; // cleanup proves nothing
    tc.steps.push_back(std::move(sr));
    const verdict v = tc.steps.back().v;
    if (!cleanup && v != verdict::pass) {
        st.stopped = true;
        st.stop_verdict = v == verdict::fail ? verdict::inconclusive : v;
    }
}

void interpreter::run_step(const model::step& s, state& st, int iteration, bool cleanup) {
    if (st.stopped && !cleanup) {
        not_reached(s, st);
        return;
    }
    if (s.request) {
        exchange_step(s, st, iteration, cleanup);
        return;
    }
    const auto& rows = prof_.datasets.at(s.for_each).rows;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        st.vars[s.as] = rows[i];
        for (const auto& inner : s.steps)
            run_step(inner, st, static_cast<int>(i), cleanup);
        if (st.stopped && !cleanup) break;
    }
    st.vars.erase(s.as);
}

testcase_result interpreter::run(const model::testcase& tc) {
    auto start = std::chrono::steady_clock::now();
    testcase_result r;
    r.id = tc.id;
    r.title = tc.title;
    r.cls = tc.cls;
    r.file = std::filesystem::relative(tc.file, prof_.dir).generic_string();
    r.verifies = tc.verifies;
    last_unreachable_ = false;
    state st;
    st.result = &r;
    for (const auto& [name, p] : target_.parameters)
        st.vars[name] = p.value;
    for (const auto& [name, spec] : prof_.parameters)
        if (!st.vars.count(name) && spec.default_value) st.vars[name] = *spec.default_value;
    try {
        for (const auto& [name, value] : tc.variables)
            st.vars[name] = render(value, st.vars);
    } catch (const std::exception& e) {
        st.stopped = true;
        st.stop_verdict = verdict::error;
        r.reason = std::string("test case variables: ") + e.what();
    }
    for (const auto& s : tc.steps)
        run_step(s, st, -1, false);
    for (const auto& s : tc.cleanup)
        run_step(s, st, -1, true);

    r.v = verdict::pass;
    for (const auto& s : r.steps)
        if (!s.cleanup)
            for (const auto& a : s.assertions)
                r.v = worst(r.v, a.v);
    for (const auto& s : r.steps)
        if (!s.cleanup && s.v != verdict::pass) {
            r.v = worst(r.v, s.v);
            if (r.reason.empty() && !s.message.empty() && s.message.rfind("not reached", 0) != 0)
                r.reason = s.message;
        }
    if (last_unreachable_ && st.reached) last_unreachable_ = false;
    r.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return r;
}

} // namespace konform::run::detail
