#pragma once

#include "konform/model/profile.hpp"
#include "konform/model/target.hpp"
#include "konform/run/runner.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace konform::test {

// The example profile, loaded once.
const model::profile& example_profile();

// A shipped profile by folder name ("oio-rest-organisation"), loaded once.
const model::profile& shipped_profile(const std::string& name);

// The profile's target.example.json aimed at `base_url`, with the reference systems' demo
// tokens in the environment.
model::target shipped_target(const std::string& name, const std::string& base_url);

// A target for the example profile at `base_url`, claiming every optional class, with the
// reference system's token in the environment variable GREETINGS_TOKEN.
model::target example_target(const std::string& base_url);

// Keeps everything a run streams, for tests that look at its exchanges and steps.
struct recording_sink : run::sink {
    std::vector<run::recorded_exchange> exchanges;
    std::vector<std::pair<std::size_t, run::step_result>> steps;
    void exchange(const http::exchange& x, const std::string& testcase) override {
        exchanges.push_back({x, testcase});
    }
    void step(std::size_t index, const run::step_result& s) override {
        steps.emplace_back(index, s);
    }
};

// Runs a command through the shell; returns its exit status and fills `output` with stdout.
int shell(const std::string& command, std::string* output = nullptr);

// A fresh, empty temporary folder, removed when the object goes.
struct temp_dir {
    std::filesystem::path path;
    temp_dir();
    ~temp_dir();
};

std::string read_text(const std::filesystem::path& file);

// Text with what differs between two runs of the same certification replaced by a named
// placeholder: <time>, <duration>, <uuid> (also cut short in excerpts), 127.0.0.1:<port>,
// <evidence-sha256>, <tmp>. Digests of the profile and its files are kept.
std::string normalised(std::string text);

// "" when equal, else where they first differ, with some context.
std::string first_difference(const std::string& a, const std::string& b);

} // namespace konform::test
