#include "konform/run/runner.hpp"

#include "interpreter.hpp"
#include "konform/run/roll_up.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>

namespace konform::run {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

testcase_result not_run(const model::profile& p, const model::testcase& tc, verdict v,
                        std::string reason) {
    testcase_result r = detail::start_result(p, tc);
    r.v = v;
    r.reason = std::move(reason);
    return r;
}

// Why a test case is not run at all (inapplicable or filtered out), or "".
std::optional<testcase_result> planned_out(const model::profile& p, const model::target& t,
                                           const run_options& opt, const model::testcase& tc) {
    if (!class_applicable(p, t, tc.cls))
        return not_run(p, tc, verdict::inapplicable, "class " + tc.cls + " is not claimed");
    if (!opt.only.empty() && !contains(opt.only, tc.id))
        return not_run(p, tc, verdict::skipped, "not selected with --only");
    if (!opt.classes.empty() && !contains(opt.classes, tc.cls))
        return not_run(p, tc, verdict::skipped, "not selected with --class");
    if (t.production && tc.eff == model::effect::writes)
        return not_run(p, tc, verdict::skipped,
                       "writes to the system: a production verification runs only read-only "
                       "test cases");
    if (t.production && tc.load && !t.limits.allow_load)
        return not_run(p, tc, verdict::skipped,
                       "a load test case: a production target runs none unless its limits set "
                       "allow_load");
    // Left out by konform's choice, like a write: skipped, so that a comparison with the
    // certified run does not count its requirements as regressed.
    if (t.production && tc.needs_certification_data)
        return not_run(p, tc, verdict::skipped,
                       "needs the certification data set, which a production system does not "
                       "hold");
    for (const auto& n : tc.requires_parameters)
        if (!t.parameters.count(n))
            return not_run(p, tc, verdict::inapplicable, "the target sets no parameter " + n);
    return std::nullopt;
}

// Runs test cases up to `jobs` at once on one io_context and commits them in order.
class scheduler {
public:
    scheduler(const model::profile& p, const model::target& t, const run_options& opt,
              detail::interpreter& interp, http::client& client, run_result& r, sink* out)
        : p_(p), t_(t), opt_(opt), interp_(interp), client_(client), r_(r), out_(out),
          slots_(p.testcases.size()) {}

    void run() {
        auto& ioc = client_.context();
        // A timer that is always the first to expire: an exchange's timeouts (seconds
        // away) then never become the first, and arming them costs the event loop no system
        // call (two an exchange otherwise). It beats ten times a second until the last test
        // case is committed.
        beat_.emplace(ioc);
        next_beat();
        if (!slots_.empty()) go_live(0);
        plan_order();
        start_more();
        while (committed_ < slots_.size()) {
            ioc.restart();
            ioc.run_for(std::chrono::milliseconds(100));
            if (opt_.stop && opt_.stop->load() && !cancelled_) {
                cancelled_ = true;
                r_.interrupted = true;
                client_.cancel();
            }
            start_more();
        }
        stop_beat();
        ioc.restart();
        ioc.poll();
    }

private:
    struct slot {
        detail::testcase_stream stream;
        std::optional<testcase_result> result;
        bool started = false;
        bool unreachable = false;
    };

    // The next test case to start: in input order while running one at a time, else
    // the longest first.
    std::optional<std::size_t> next_candidate() const {
        const bool parallel = jobs() > 1;
        for (std::size_t k = 0; k < order_.size(); ++k) {
            const std::size_t i = parallel ? order_[k] : k;
            if (!slots_[i].started && !slots_[i].result) return i;
        }
        return std::nullopt;
    }

    void start_more() {
        while (auto candidate = next_candidate()) {
            const std::size_t i = *candidate;
            const auto& tc = p_.testcases[i];
            slot& s = slots_[i];
            if (auto skip = planned_out(p_, t_, opt_, tc)) {
                finish(i, std::move(*skip));
                continue;
            }
            if (opt_.stop && opt_.stop->load()) {
                r_.interrupted = true;
                finish(i, not_run(p_, tc, verdict::error, "not run: the run was interrupted"));
                continue;
            }
            if (opt_.unreachable_after > 0 && unreachable_streak_ >= opt_.unreachable_after) {
                finish(i,
                       not_run(
                           p_, tc, verdict::error,
                           "not run: system unreachable (" + std::to_string(unreachable_streak_) +
                               " test cases in a row got no answer" +
                               (unreachable_why_.empty() ? "" : "; the last: " + unreachable_why_) +
                               ")"));
                continue;
            }
            if (running_ >= jobs() || serial_running_ || (tc.serial && running_ > 0)) return;
            s.started = true;
            ++running_;
            serial_running_ = tc.serial;
            boost::asio::co_spawn(client_.context(), interp_.run(tc, s.stream, s.unreachable),
                                  [this, i](std::exception_ptr e, testcase_result res) {
                                      --running_;
                                      serial_running_ = false;
                                      e = write_held(i, e);
                                      if (e) {
                                          // A harness fault must not lose the run: this test
                                          // case is `error`, the report is still written.
                                          res = not_run(p_, p_.testcases[i], verdict::error,
                                                        "harness error: " + what(e));
                                      }
                                      finish(i, std::move(res));
                                      start_more();
                                  });
        }
    }

    // Writes what test case i's stream still holds (in the order given); a failure to
    // write makes the test case a harness error, as one while it ran does.
    std::exception_ptr write_held(std::size_t i, std::exception_ptr e) {
        if (e) {
            slots_[i].stream.flush_quietly();
            return e;
        }
        try {
            slots_[i].stream.flush();
        } catch (...) {
            return std::current_exception();
        }
        return nullptr;
    }

    // With more than one job, the longest test cases (by their steps, for_each rows
    // counted) start first, so that one long test case does not run alone at the end;
    // reports keep input order either way.
    void plan_order() {
        order_.resize(slots_.size());
        for (std::size_t i = 0; i < order_.size(); ++i)
            order_[i] = i;
        if (opt_.jobs <= 1 || order_.size() < 2) return;
        std::vector<std::size_t> weight(order_.size());
        for (std::size_t i = 0; i < order_.size(); ++i)
            weight[i] = estimated_exchanges(p_.testcases[i]);
        // The first test case stays first: it finds out whether the system answers at all.
        std::stable_sort(order_.begin() + 1, order_.end(),
                         [&](std::size_t a, std::size_t b) { return weight[a] > weight[b]; });
    }

    std::size_t estimated_exchanges(const model::testcase& tc) const {
        auto count = [&](const std::vector<model::step>& steps, auto& self) -> std::size_t {
            std::size_t n = 0;
            for (const auto& st : steps) {
                const model::loop_step* loop = st.loop();
                if (st.exchange())
                    ++n;
                else if (!loop)
                    n += self(st.inner(), self); // a used fragment
                else if (auto d = p_.datasets.find(loop->source.name); d != p_.datasets.end())
                    n += d->second.rows.size() * self(loop->steps, self);
                else if (loop->source.rows.is_array())
                    n += loop->source.rows.size() * self(loop->steps, self);
                else
                    n += self(loop->steps, self);
            }
            return n;
        };
        return count(tc.setup, count) + count(tc.steps, count) + count(tc.cleanup, count);
    }

    static std::string what(std::exception_ptr e) {
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            return x.what();
        } catch (...) {
            return "unknown exception";
        }
    }

    // One at a time until a test case has reached the system, and again while test
    // cases in a row fail to reach it, so an unreachable system is tried exactly
    // unreachable_after times whatever --jobs says.
    int jobs() const {
        if (!reached_ || unreachable_streak_ > 0) return 1;
        int j = std::max(1, opt_.jobs);
        if (t_.limits.max_connections) j = std::min(j, *t_.limits.max_connections);
        return j;
    }

    void finish(std::size_t i, testcase_result res) {
        slots_[i].result = std::move(res);
        while (committed_ < slots_.size() && slots_[committed_].result)
            commit(committed_++);
        if (committed_ == slots_.size()) stop_beat(); // the event loop may run out of work
    }

    void next_beat() {
        beat_->expires_after(std::chrono::milliseconds(100));
        beat_->async_wait([this](boost::system::error_code ec) {
            if (!ec && beating_) next_beat();
        });
    }

    void stop_beat() {
        beating_ = false;
        if (beat_) beat_->cancel();
    }

    // Test case i is complete and every earlier one is committed: it takes its place.
    void commit(std::size_t i) {
        slot& s = slots_[i];
        testcase_result& res = *s.result;
        mark_advisory(res, p_);
        for (auto& f : res.failures)
            f.exchange = s.stream.global(f.exchange);
        for (auto& e : res.evidence)
            e.exchange = s.stream.global(e.exchange);
        if (res.v == verdict::fail || res.v == verdict::error || res.v == verdict::inconclusive)
            for (auto& told : res.story)
                told.exchange = s.stream.global(told.exchange);
        else
            res.story = {}, res.story_omitted = 0;
        if (s.started) {
            unreachable_streak_ = s.unreachable ? unreachable_streak_ + 1 : 0;
            // Why, said once in every test case not run after the streak (a missing client
            // certificate reads "... asks for a client certificate; set tls.client_cert").
            if (s.unreachable && !res.failures.empty())
                unreachable_why_ = res.failures.front().explanation;
            reached_ = reached_ || !s.unreachable;
        }
        if (opt_.stop && opt_.stop->load()) r_.interrupted = true;
        r_.testcases.push_back(std::move(res));
        if (out_) out_->testcase(i, slots_.size(), r_.testcases.back(), r_);
        s.stream = {};
        if (i + 1 < slots_.size()) go_live(i + 1);
    }

    void go_live(std::size_t i) {
        slots_[i].stream.go_live(
            r_.exchange_count,
            [this](const http::exchange& x, const std::string& testcase) {
                ++r_.exchange_count;
                if (x.ok() && r_.binding.remote_address.empty()) {
                    r_.binding.remote_address = x.remote_address;
                    r_.binding.server_header = x.resp->header("Server").value_or("");
                    r_.binding.tls = x.tls;
                }
                if (out_) out_->exchange(x, testcase);
            },
            [this, i](const step_result& st) {
                if (out_) out_->step(i, st);
            });
    }

    const model::profile& p_;
    const model::target& t_;
    const run_options& opt_;
    detail::interpreter& interp_;
    http::client& client_;
    run_result& r_;
    sink* out_;
    std::vector<slot> slots_;
    std::vector<std::size_t> order_; // longest first, for running in parallel
    std::size_t committed_ = 0;
    std::optional<boost::asio::steady_timer> beat_;
    bool beating_ = true;
    int running_ = 0;
    bool serial_running_ = false;
    bool cancelled_ = false;
    int unreachable_streak_ = 0;
    std::string unreachable_why_;
    bool reached_ = false;
};

} // namespace

void check_target(const model::profile& p, const model::target& t, model::diagnostics& diag) {
    const std::string f = t.file.string();
    for (std::size_t i = 0; i < t.claims.size(); ++i) {
        const auto* c = p.find_class(t.claims[i]);
        const std::string where = "/claims/" + std::to_string(i);
        if (!c) {
            diag.add(f, where, "profile " + p.id + " has no class \"" + t.claims[i] + "\"");
            continue;
        }
        for (const auto& dep : c->depends_on)
            if (!class_applicable(p, t, dep))
                diag.add(f, where,
                         "class \"" + c->id + "\" depends on \"" + dep +
                             "\", which is not claimed");
    }
    for (const auto& [name, spec] : p.parameters)
        if (spec.required && !spec.default_value && !t.parameters.count(name))
            diag.add(f, "/parameters",
                     "missing required parameter \"" + name + "\"" +
                         (spec.description.empty() ? "" : " (" + spec.description + ")"));
    for (const auto& [name, value] : t.parameters)
        if (!p.parameters.count(name))
            diag.add(f, "/parameters/" + name,
                     "profile " + p.id + " declares no parameter \"" + name + "\"");
}

run_result run_profile(const model::profile& p, const model::target& t, const run_options& opt,
                       sink* out) {
    return run_profile(std::make_shared<const model::profile>(p),
                       std::make_shared<const model::target>(t), opt, out);
}

run_result run_profile(std::shared_ptr<const model::profile> given,
                       std::shared_ptr<const model::target> held_target, const run_options& opt,
                       sink* out) {
    run_result r;
    const model::profile& whole = *given;
    const model::target& t = *held_target;
    r.target_held = std::move(held_target);
    r.profile_held = given;
    // A partial run runs, and reports, only the selected test cases; a production
    // verification only the read-only ones.
    if (!opt.only.empty() || !opt.classes.empty() || t.production) {
        auto selected = std::make_shared<model::profile>(whole);
        selected->testcases.clear();
        for (const auto& tc : whole.testcases)
            if ((opt.only.empty() || contains(opt.only, tc.id)) &&
                (opt.classes.empty() || contains(opt.classes, tc.cls)) &&
                (!t.production || tc.eff == model::effect::read_only ||
                 contains(opt.only, tc.id))) // named: reported as skipped, and why
                selected->testcases.push_back(tc);
        auto list = [](const std::vector<std::string>& v) {
            std::string out;
            for (const auto& s : v)
                out += (out.empty() ? "" : ", ") + s;
            return out;
        };
        if (!opt.only.empty()) r.selection = "--only " + list(opt.only);
        if (!opt.classes.empty())
            r.selection += (r.selection.empty() ? "" : " ") + ("--class " + list(opt.classes));
        r.production = t.production;
        r.profile_testcases = whole.testcases.size();
        r.profile_held = std::move(selected);
    }
    const model::profile& p = *r.profile_held;
    r.prof = &p;
    r.tgt = &t;
    r.binding.url = t.base_url;
    r.started = std::chrono::system_clock::now();
    check::schema_set schemas = check::schema_set::of(p);
    schemas.xsd_time_limit = opt.http.lim.total_timeout;
    schemas.stop = opt.stop;
    schemas.max_json_values = opt.max_json_values;

    boost::asio::io_context ioc;
    http::client_options copt = opt.http;
    copt.stop = opt.stop;
    copt.tls.ca_file = t.tls.ca_file.empty() ? copt.tls.ca_file : t.tls.ca_file;
    copt.tls.insecure = copt.tls.insecure || t.tls.insecure;
    copt.tls.client_cert = t.tls.client_cert;
    copt.tls.client_key = t.tls.client_key;
    secrets sec;
    if (!t.tls.client_key_password.empty()) {
        copt.tls.client_key_password =
            t.tls.client_key_password.resolve(t, "/tls/client_key_password");
        copt.tls.has_client_key_password = true;
        sec.add(copt.tls.client_key_password, t.tls.client_key_password.placeholder());
    }
    if (!t.user_agent.empty()) copt.user_agent = t.user_agent;
    copt.lim.max_requests_per_second = model::requests_per_second_cap(t);
    std::unique_ptr<http::client> client;
    try {
        client = std::make_unique<http::client>(ioc, copt);
    } catch (const std::invalid_argument& e) {
        throw model::load_error(t.file.string(), "/tls", e.what());
    }
    for (const auto& [name, value] : t.parameters)
        if (value.secret || (p.parameters.count(name) && p.parameters.at(name).secret))
            sec.add(value.value, value.placeholder.empty() ? "${" + name + "}" : value.placeholder);
    authenticator auth(t, *client, sec); // throws model::load_error for a missing secret
    detail::interpreter interp(p, t, *client, auth, sec, schemas);
    interp.keep_data(opt.keep_data);
    interp.live(out);
    scheduler sched(p, t, opt, interp, *client, r, out);
    r.jobs = opt.jobs;
    sched.run();
    r.finished = std::chrono::system_clock::now();
    r.placeholders = sec.placeholders();
    roll_up(r);
    return r;
}

} // namespace konform::run
