#include "konform/run/runner.hpp"

#include "interpreter.hpp"
#include "konform/model/json_file.hpp"

#include <algorithm>
#include <set>

namespace konform::run {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

bool class_applicable(const model::profile& p, const model::target& t, const std::string& cls) {
    const auto* c = p.find_class(cls);
    return c && (c->mandatory || contains(t.claims, cls));
}

check::schema_set compile_schemas(const model::profile& p) {
    check::schema_set s;
    s.namespaces = p.namespaces;
    for (const auto& [name, ref] : p.schemas) {
        try {
            if (ref.is_xsd)
                s.xml.emplace(name, schema::xml_schema::load(ref.file.string()));
            else {
                model::diagnostics diag;
                auto doc = model::read_json_file(ref.file, diag);
                model::throw_if_any(diag);
                s.json.emplace(name, schema::json_schema::compile(*doc));
            }
        } catch (const std::invalid_argument& e) {
            throw model::load_error(ref.file.string(), "", e.what());
        }
    }
    return s;
}

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

void roll_up(run_result& r) {
    const model::profile& p = *r.prof;
    const model::target& t = *r.tgt;
    r.requirements.clear();
    r.classes.clear();
    r.testcase_counts.clear();
    r.requirement_counts.clear();
    for (const auto& tc : r.testcases)
        ++r.testcase_counts[tc.v];

    for (const auto& req : p.requirements) {
        requirement_result rr;
        rr.req = &req;
        bool any = false;
        verdict v = verdict::inapplicable;
        for (const auto& tc : r.testcases) {
            if (!contains(tc.verifies, req.id)) continue;
            rr.testcases.push_back(tc.id);
            if (tc.v == verdict::inapplicable || tc.v == verdict::skipped) {
                v = worst(v, tc.v);
                continue;
            }
            bool touched = false;
            for (const auto& s : tc.steps) {
                if (s.cleanup) continue;
                for (const auto& a : s.assertions)
                    if (contains(a.proves, req.id))
                        v = any ? worst(v, a.v) : a.v, any = touched = true;
            }
            if (!touched) {
                // The test case lists it but never reached an assertion for it.
                v = any ? worst(v, worst(tc.v, verdict::inconclusive))
                        : worst(tc.v, verdict::inconclusive);
                any = true;
            }
        }
        if (!class_applicable(p, t, req.cls)) {
            v = verdict::inapplicable;
            rr.reason = "class " + req.cls + " is not claimed";
        } else if (rr.testcases.empty()) {
            v = verdict::inconclusive;
            rr.reason = "no test case verifies it";
        } else if (!any && v == verdict::inapplicable) {
            v = verdict::inconclusive;
        }
        rr.v = v;
        ++r.requirement_counts[v];
        r.requirements.push_back(std::move(rr));
    }

    for (const auto& c : p.classes) {
        class_result cr;
        cr.cls = &c;
        cr.applicable = class_applicable(p, t, c.id);
        verdict v = verdict::inapplicable;
        bool any = false;
        for (const auto& rr : r.requirements)
            if (rr.req->cls == c.id && rr.req->lvl == model::level::must)
                v = any ? worst(v, rr.v) : rr.v, any = true;
        cr.v = cr.applicable ? (any ? v : verdict::pass) : verdict::inapplicable;
        r.classes.push_back(cr);
    }

    bool failed = false, unsure = false;
    std::string unsure_reason;
    for (const auto& rr : r.requirements) {
        if (rr.req->lvl != model::level::must || !class_applicable(p, t, rr.req->cls)) continue;
        if (rr.v == verdict::fail)
            failed = true;
        else if (rr.v != verdict::pass) {
            if (!unsure)
                unsure_reason =
                    "MUST requirement " + rr.req->id + " is " + std::string(to_string(rr.v));
            unsure = true;
        }
    }
    if (r.interrupted) {
        r.overall = run_verdict::incomplete;
        r.incomplete_reason = "the run was interrupted";
    } else if (failed)
        r.overall = run_verdict::not_conformant;
    else if (unsure) {
        r.overall = run_verdict::incomplete;
        r.incomplete_reason = unsure_reason;
    } else
        r.overall = run_verdict::conformant;
}

run_result run_profile(const model::profile& p, const model::target& t, const run_options& opt,
                       const progress_fn& progress) {
    run_result r;
    r.prof = &p;
    r.tgt = &t;
    r.binding.url = t.base_url;
    r.started = std::chrono::system_clock::now();
    check::schema_set schemas = compile_schemas(p);

    boost::asio::io_context ioc;
    http::client_options copt = opt.http;
    copt.stop = opt.stop;
    copt.tls.ca_file = t.tls.ca_file.empty() ? copt.tls.ca_file : t.tls.ca_file;
    copt.tls.insecure = copt.tls.insecure || t.tls.insecure;
    copt.tls.client_cert = t.tls.client_cert;
    copt.tls.client_key = t.tls.client_key;
    std::unique_ptr<http::client> client;
    try {
        client = std::make_unique<http::client>(ioc, copt);
    } catch (const std::invalid_argument& e) {
        throw model::load_error(t.file.string(), "/tls", e.what());
    }
    secrets sec;
    for (const auto& [name, value] : t.parameters)
        if (value.secret || (p.parameters.count(name) && p.parameters.at(name).secret))
            sec.add(value.value, value.placeholder.empty() ? "${" + name + "}" : value.placeholder);
    authenticator auth(t, *client, sec); // throws model::load_error for a missing secret
    detail::interpreter interp(p, t, *client, auth, sec, schemas, r);

    const std::size_t total = p.testcases.size();
    int unreachable_streak = 0;
    for (std::size_t i = 0; i < total; ++i) {
        const auto& tc = p.testcases[i];
        testcase_result res;
        auto skip = [&](verdict v, std::string reason) {
            res.id = tc.id;
            res.title = tc.title;
            res.cls = tc.cls;
            res.file = std::filesystem::relative(tc.file, p.dir).generic_string();
            res.verifies = tc.verifies;
            res.v = v;
            res.reason = std::move(reason);
        };
        if (!class_applicable(p, t, tc.cls))
            skip(verdict::inapplicable, "class " + tc.cls + " is not claimed");
        else if (!opt.only.empty() && !contains(opt.only, tc.id))
            skip(verdict::skipped, "not selected with --only");
        else if (!opt.classes.empty() && !contains(opt.classes, tc.cls))
            skip(verdict::skipped, "not selected with --class");
        else if (auto missing =
                     std::find_if(tc.requires_parameters.begin(), tc.requires_parameters.end(),
                                  [&](const std::string& n) { return !t.parameters.count(n); });
                 missing != tc.requires_parameters.end())
            skip(verdict::inapplicable, "the target sets no parameter " + *missing);
        else if (opt.stop && opt.stop->load()) {
            r.interrupted = true;
            skip(verdict::error, "not run: the run was interrupted");
        } else if (opt.unreachable_after > 0 && unreachable_streak >= opt.unreachable_after)
            skip(verdict::error, "not run: system unreachable (" +
                                     std::to_string(unreachable_streak) +
                                     " test cases in a row could not reach it)");
        else {
            try {
                res = interp.run(tc);
            } catch (const std::exception& e) {
                // A harness fault must not lose the run: this test case is `error`, the
                // report is still written.
                skip(verdict::error, std::string("harness error: ") + e.what());
            }
            unreachable_streak = interp.last_unreachable() ? unreachable_streak + 1 : 0;
            if (opt.stop && opt.stop->load()) r.interrupted = true;
        }
        r.testcases.push_back(res);
        if (progress) progress(i, total, r.testcases.back(), r);
    }
    r.finished = std::chrono::system_clock::now();
    roll_up(r);
    return r;
}

} // namespace konform::run
