// Every shipped profile against its reference system: the correct system is conformant
// with every requirement passing, and every injected fault fails exactly the requirements
// it lists (precision, not only detection).
#include "e2e_support.hpp"
#include "server/http_server.hpp"
#include "system.hpp"

#include <doctest/doctest.h>
#include <set>

using namespace konform;
using run::verdict;

namespace {

std::set<std::string> failed(const run::run_result& r) {
    std::set<std::string> out;
    for (const auto& rr : r.requirements)
        if (rr.v == verdict::fail) out.insert(rr.req->id);
    return out;
}

// Serves `profile` with `fault` and runs the profile against it `times` times in a row.
std::vector<run::run_result> run_against(const std::string& profile, const std::string& fault,
                                         int times = 1) {
    const auto* sys = reference::find_system(profile);
    REQUIRE(sys);
    reference::http_server server(0, sys->make(fault));
    server.start();
    static std::map<std::string, model::target> targets; // results point at their target
    targets[profile] = test::shipped_target(profile, server.base_url());
    std::vector<run::run_result> out;
    for (int i = 0; i < times; ++i)
        out.push_back(run::run_profile(test::shipped_profile(profile), targets[profile], {}));
    return out;
}

} // namespace

TEST_CASE("shipped profiles: the reference systems are conformant, twice in a row") {
    for (const auto& sys : reference::systems()) {
        CAPTURE(sys.profile);
        auto runs = run_against(sys.profile, "", 2);
        for (const auto& r : runs) {
            CHECK(r.overall == run::run_verdict::conformant);
            for (const auto& rr : r.requirements)
                CHECK_MESSAGE(rr.v == verdict::pass, rr.req->id << " " << rr.reason);
            for (const auto& tc : r.testcases)
                CHECK_MESSAGE(tc.v == verdict::pass, tc.id << ": " << tc.reason);
        }
    }
}

TEST_CASE("shipped profiles: every fault is caught, and only its requirements fail") {
    for (const auto& sys : reference::systems()) {
        CAPTURE(sys.profile);
        const auto& prof = test::shipped_profile(sys.profile);
        int caught = 0;
        for (const auto& f : sys.faults) {
            CAPTURE(f.name);
            auto r = run_against(sys.profile, f.name).front();
            std::set<std::string> expected(f.requirements.begin(), f.requirements.end());
            for (const auto& id : expected)
                REQUIRE_MESSAGE(prof.find_requirement(id), "fault lists unknown " << id);
            CHECK(failed(r) == expected);
            bool must = false;
            for (const auto& id : expected)
                must = must || prof.find_requirement(id)->lvl == model::level::must;
            CHECK(r.overall ==
                  (must ? run::run_verdict::not_conformant : run::run_verdict::conformant));
            caught += failed(r) == expected ? 1 : 0;
        }
        MESSAGE(sys.profile << " mutation score: " << caught << "/" << sys.faults.size());
        CHECK(caught == static_cast<int>(sys.faults.size()));
    }
}

TEST_CASE("shipped profiles: every MUST requirement is verified by a test case") {
    for (const auto& sys : reference::systems()) {
        const auto& prof = test::shipped_profile(sys.profile);
        std::set<std::string> verified;
        for (const auto& tc : prof.testcases)
            verified.insert(tc.verifies.begin(), tc.verifies.end());
        for (const auto& r : prof.requirements)
            if (r.lvl == model::level::must)
                CHECK_MESSAGE(verified.count(r.id), sys.profile << ": " << r.id);
    }
}

TEST_CASE("oio-rest-organisation: at least 40 requirements and 15 faults over every class") {
    const auto& prof = test::shipped_profile("oio-rest-organisation");
    CHECK(prof.requirements.size() >= 40);
    const auto* sys = reference::find_system("oio-rest-organisation");
    CHECK(sys->faults.size() >= 15);
    std::set<std::string> classes_hit;
    for (const auto& f : sys->faults)
        for (const auto& id : f.requirements)
            classes_hit.insert(prof.find_requirement(id)->cls);
    for (const auto& c : prof.classes)
        CHECK_MESSAGE(classes_hit.count(c.id), "no fault in class " << c.id);
}
