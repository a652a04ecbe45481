// konform admin: what an operator does to the service's database before anyone logs in.
#include "commands.hpp"
#include "konform/model/problem.hpp"
#include "konform/service/schema.hpp"
#include "konform/service/store.hpp"

#include <iostream>

namespace konform::cli {

namespace {

struct admin_args {
    std::string db = "sqlite:konform.db", data = "konform-data", org, role;
};

exit_code issue_token(const admin_args& a) {
    const auto r = service::role_of(a.role);
    if (!r) throw model::load_error("--role", a.role, "must be kl, vendor or municipality");
    auto st = open_service_store(a.db, a.data);
    try {
        const service::organisation org = st->ensure_organisation(a.org, *r);
        // Shown once: only its hash is kept.
        std::cout << st->issue_token(org) << '\n';
        std::cerr << "konform: a new API token for " << org.name << " ("
                  << service::to_string(org.r) << "); it is shown only now\n";
    } catch (const service::database_error& e) {
        throw model::load_error("--org", a.org, e.what());
    }
    return exit_code::ok;
}

} // namespace

std::unique_ptr<service::store> open_service_store(const std::string& url,
                                                   const std::filesystem::path& data) {
    try {
        auto db = service::open_database(url, data);
        service::apply_migrations(*db);
        return std::make_unique<service::store>(std::move(db));
    } catch (const service::database_error& e) {
        throw model::load_error("--db", "", e.what());
    }
}

action add_admin(CLI::App& app) {
    auto a = std::make_shared<admin_args>();
    auto* cmd = app.add_subcommand("admin", "Organisations and API tokens of the service");
    cmd->add_option("--db", a->db, "Database: sqlite:FILE (under --data) or postgresql://...")
        ->capture_default_str();
    cmd->add_option("--data", a->data, "The service's folder (SQLite file, server key)")
        ->capture_default_str();
    cmd->require_subcommand(1);
    auto* token = cmd->add_subcommand(
        "token", "Make an organisation (if new) and print a new API token for it, once");
    token->add_option("--org", a->org, "The organisation's name")->required();
    token->add_option("--role", a->role, "kl, vendor or municipality")->required();
    return [a, token] { return token->parsed() ? issue_token(*a) : exit_code::input_error; };
}

} // namespace konform::cli
