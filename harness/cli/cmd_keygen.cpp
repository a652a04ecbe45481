#include "commands.hpp"
#include "konform/model/problem.hpp"
#include "konform/sign/keys.hpp"

#include <cstdlib>
#include <iostream>

namespace konform::cli {

action add_keygen(CLI::App& app) {
    auto out = std::make_shared<std::string>();
    auto pass_env = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("keygen", "Make an Ed25519 key pair for signing reports");
    cmd->add_option("--out", *out, "Folder for private.pem (mode 0600) and public.pem")->required();
    cmd->add_option("--pass-env", *pass_env,
                    "Encrypt private.pem with the passphrase in this environment variable");
    return [out, pass_env] {
        try {
            std::string pass = pass_env->empty() ? "" : secret_from_env("--pass-env", *pass_env);
            std::string id = sign::write_key_pair(*out, pass);
            std::cout << "key id " << id << "\nprivate key " << *out
                      << "/private.pem (keep it secret)\npublic key " << *out << "/public.pem\n";
        } catch (const std::invalid_argument& e) {
            throw model::load_error(*out, "", e.what());
        }
        return exit_code::ok;
    };
}

} // namespace konform::cli
