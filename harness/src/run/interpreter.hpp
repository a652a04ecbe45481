#pragma once

#include "konform/check/assertion.hpp"
#include "konform/http/client.hpp"
#include "konform/model/profile.hpp"
#include "konform/run/auth.hpp"
#include "konform/run/result.hpp"
#include "konform/run/secrets.hpp"
#include "konform/run/template.hpp"

namespace konform::run::detail {

// Runs the steps of one test case against the target and records every exchange.
class interpreter {
public:
    interpreter(const model::profile& p, const model::target& t, http::client& c,
                authenticator& auth, const secrets& s, const check::schema_set& schemas,
                run_result& out);

    testcase_result run(const model::testcase& tc);

    // True when the last test case failed to reach the system at all.
    bool last_unreachable() const { return last_unreachable_; }

private:
    struct state {
        variables vars;
        testcase_result* result = nullptr;
        bool stopped = false;
        verdict stop_verdict = verdict::inconclusive;
        bool reached = false;
    };

    void run_step(const model::step& s, state& st, int iteration, bool cleanup);
    void exchange_step(const model::step& s, state& st, int iteration, bool cleanup);
    std::size_t record(http::exchange x, const std::string& testcase);
    http::request build(const model::request_spec& spec, const variables& vars);
    void not_reached(const model::step& s, state& st);

    const model::profile& prof_;
    const model::target& target_;
    http::client& client_;
    authenticator& auth_;
    const secrets& secrets_;
    const check::schema_set& schemas_;
    run_result& out_;
    std::vector<std::string> placeholders_;
    bool last_unreachable_ = false;
};

} // namespace konform::run::detail
