#pragma once

#include "exit_code.hpp"

#include "konform/service/store.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace konform::cli {

// The value of an environment variable that holds a secret (a key passphrase); throws
// model::load_error naming the option when it is not set.
std::string secret_from_env(const std::string& option, const std::string& variable);

// The evidence file of a report: the file the report names, taken from beside the report
// (only its file name counts, so a report cannot point konform at any other file).
std::filesystem::path evidence_beside(const std::filesystem::path& report,
                                      const nlohmann::json& doc);

// The service's store over the database at `url` (sqlite:FILE under `data`, or
// postgresql://...), migrated to this konform's schema; throws model::load_error naming
// --db when it cannot be opened.
std::unique_ptr<service::store> open_service_store(const std::string& url,
                                                   const std::filesystem::path& data);

// Each command registers its subcommand and returns the action to run when it is chosen.
using action = std::function<exit_code()>;

action add_run(CLI::App& app);
action add_lint(CLI::App& app);
action add_fmt(CLI::App& app);
action add_validate(CLI::App& app);
action add_keygen(CLI::App& app);
action add_sign(CLI::App& app);
action add_verify(CLI::App& app);
action add_diff(CLI::App& app);
action add_repro(CLI::App& app);
action add_admin(CLI::App& app);
action add_serve(CLI::App& app);
action add_worker(CLI::App& app);
action add_log(CLI::App& app);

} // namespace konform::cli
