#include "commands.hpp"
#include "konform/model/problem.hpp"
#include "konform/version.hpp"

#include <cstdlib>
#include <iostream>

namespace konform::cli {

std::string secret_from_env(const std::string& option, const std::string& variable) {
    const char* v = std::getenv(variable.c_str());
    if (!v || !*v) throw model::load_error(option, variable, "environment variable is not set");
    return v;
}

} // namespace konform::cli

int main(int argc, char** argv) {
    using namespace konform::cli;
    CLI::App app{"konform: conformance tests and signed certification reports for public-sector "
                 "interface standards"};
    app.set_version_flag("--version", std::string("konform ") + konform::version);
    app.require_subcommand(1);
    std::vector<std::pair<CLI::App*, action>> commands;
    auto add = [&](action (*f)(CLI::App&)) {
        std::size_t before = app.get_subcommands({}).size();
        action a = f(app);
        commands.emplace_back(app.get_subcommands({})[before], std::move(a));
    };
    add(add_run);
    add(add_lint);
    add(add_fmt);
    add(add_validate);
    add(add_keygen);
    add(add_sign);
    add(add_verify);
    add(add_diff);
    add(add_repro);
    add(add_admin);
    add(add_serve);
    add(add_worker);
    add(add_log);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : as_int(exit_code::input_error);
    }
    try {
        for (auto& [sub, act] : commands)
            if (sub->parsed()) return as_int(act());
    } catch (const konform::model::load_error& e) {
        for (const auto& p : e.problems())
            std::cerr << "konform: " << p.to_string() << '\n';
        return as_int(exit_code::input_error);
    } catch (const std::exception& e) {
        std::cerr << "konform: internal error: " << e.what() << '\n';
        return as_int(exit_code::incomplete);
    }
    return as_int(exit_code::input_error);
}
