#pragma once

#include "konform/model/profile.hpp"
#include "konform/model/target.hpp"
#include "konform/run/runner.hpp"

#include <filesystem>
#include <string>

namespace konform::test {

// The example profile, loaded once.
const model::profile& example_profile();

// A target for the example profile at `base_url`, claiming every optional class, with the
// reference system's token in the environment variable GREETINGS_TOKEN.
model::target example_target(const std::string& base_url);

// Runs a command through the shell; returns its exit status and fills `output` with stdout.
int shell(const std::string& command, std::string* output = nullptr);

// A fresh, empty temporary folder, removed when the object goes.
struct temp_dir {
    std::filesystem::path path;
    temp_dir();
    ~temp_dir();
};

std::string read_text(const std::filesystem::path& file);

} // namespace konform::test
