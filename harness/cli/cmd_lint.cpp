#include "commands.hpp"
#include "konform/model/profile.hpp"

#include <iostream>
#include <map>
#include <set>

namespace konform::cli {

namespace {

struct lint_args {
    std::string profile;
    bool strict = false;
};

exit_code execute(const lint_args& a) {
    model::diagnostics diag;
    model::profile prof = model::load_profile(a.profile, diag);
    for (const auto& p : diag.problems())
        std::cerr << p.to_string() << '\n';
    if (!diag.empty()) {
        std::cerr << diag.problems().size() << " problem(s) in " << a.profile << '\n';
        return exit_code::input_error;
    }
    std::map<std::string, std::vector<std::string>> verified_by;
    for (const auto& tc : prof.testcases)
        for (const auto& id : tc.verifies)
            verified_by[id].push_back(tc.id);
    std::cout << prof.id << " " << prof.version << ": " << prof.requirements.size()
              << " requirements, " << prof.testcases.size() << " test cases, digest " << prof.digest
              << "\n\n";
    std::vector<std::string> uncovered;
    int must = 0, covered_must = 0;
    for (const auto& r : prof.requirements) {
        const auto& tcs = verified_by[r.id];
        std::string list;
        for (const auto& t : tcs)
            list += (list.empty() ? "" : ", ") + t;
        std::cout << "  " << r.id << " [" << model::to_string(r.lvl) << ", " << r.cls
                  << "]: " << (list.empty() ? "NOT VERIFIED" : list) << '\n';
        if (r.lvl == model::level::must) {
            ++must;
            if (tcs.empty())
                uncovered.push_back(r.id);
            else
                ++covered_must;
        }
    }
    std::cout << "\nMUST coverage: " << covered_must << "/" << must << '\n';
    // What a production verification (read-only) can run, and what it covers.
    std::vector<std::string> read_only;
    std::set<std::string> covered_read_only;
    for (const auto& tc : prof.testcases)
        if (tc.eff == model::effect::read_only) {
            read_only.push_back(tc.id);
            covered_read_only.insert(tc.verifies.begin(), tc.verifies.end());
        }
    std::cout << "effects: " << read_only.size() << " read-only, "
              << prof.testcases.size() - read_only.size()
              << " writing test case(s); a production verification runs the read-only ones, "
                 "covering "
              << covered_read_only.size() << " of " << prof.requirements.size()
              << " requirements\n";
    for (const auto& id : read_only)
        std::cout << "  read-only: " << id << '\n';
    // A read-only test case over the certification data set would judge a production
    // system's real data against the synthetic one: false regressions.
    for (const auto& tc : prof.testcases)
        if (tc.eff == model::effect::read_only && !tc.needs_certification_data)
            if (auto d = model::first_dataset_use(tc))
                std::cout << "  warning: read-only test case " << tc.id << " uses data set " << *d
                          << " but does not say \"needs\": [\"certification-data\"]; a "
                             "production verification would judge real data against it\n";
    for (const auto& id : uncovered)
        std::cout << "  MUST requirement " << id << " is verified by no test case\n";
    if (a.strict && !uncovered.empty()) return exit_code::not_ok;
    return exit_code::ok;
}

} // namespace

action add_lint(CLI::App& app) {
    auto a = std::make_shared<lint_args>();
    auto* cmd =
        app.add_subcommand("lint", "List every problem in a profile and its requirement coverage");
    cmd->add_option("profile", a->profile, "Profile folder (or its profile.json)")->required();
    cmd->add_flag("--strict", a->strict,
                  "Exit 1 when a MUST requirement is verified by no test case");
    return [a] { return execute(*a); };
}

} // namespace konform::cli
