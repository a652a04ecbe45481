#pragma once

#include "exit_code.hpp"

#include <CLI/CLI.hpp>
#include <functional>

namespace konform::cli {

// Each command registers its subcommand and returns the action to run when it is chosen.
using action = std::function<exit_code()>;

action add_run(CLI::App& app);
action add_lint(CLI::App& app);
action add_validate(CLI::App& app);
action add_keygen(CLI::App& app);
action add_sign(CLI::App& app);
action add_verify(CLI::App& app);


} // namespace konform::cli
