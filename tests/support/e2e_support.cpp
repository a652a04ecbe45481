#include "e2e_support.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace konform::test {

const model::profile& example_profile() {
    static const model::profile p = model::load_profile(KONFORM_SOURCE_DIR "/profiles/example");
    return p;
}

const model::profile& shipped_profile(const std::string& name) {
    static std::map<std::string, model::profile> cache;
    auto it = cache.find(name);
    if (it == cache.end())
        it = cache.emplace(name, model::load_profile(KONFORM_SOURCE_DIR "/profiles/" + name)).first;
    return it->second;
}

model::target shipped_target(const std::string& name, const std::string& base_url) {
    ::setenv("GREETINGS_TOKEN", "example-token", 1);
    ::setenv("ORG_TOKEN", "oio-demo-token", 1);
    ::setenv("DAR_API_KEY", "konform-example-key", 1);
    model::target t =
        model::load_target(KONFORM_SOURCE_DIR "/profiles/" + name + "/target.example.json");
    t.base_url = base_url;
    return t;
}

model::target example_target(const std::string& base_url) {
    ::setenv("GREETINGS_TOKEN", "example-token", 1);
    model::target t;
    t.file = "test-target.json";
    t.base_url = base_url;
    t.product = "reference";
    t.claims = {"write", "xml"};
    t.auth.type = model::auth_config::kind::bearer;
    t.auth.secret.env = "GREETINGS_TOKEN";
    return t;
}

int shell(const std::string& command, std::string* output) {
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) return -1;
    std::array<char, 4096> buf{};
    std::string out;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
        out.append(buf.data(), n);
    int status = ::pclose(p);
    if (output) *output = out;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

temp_dir::temp_dir() {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("konform-e2e-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
}

temp_dir::~temp_dir() {
    std::filesystem::remove_all(path);
}

std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string normalised(std::string s) {
    // What differs between two runs of one certification, each by its own name; digests
    // of what does not change (the profile and its files) stay, so a golden file pins them.
    static const std::pair<std::regex, const char*> rules[] = {
        {std::regex(
             R"re(\d{4}-\d\d-\d\dT\d\d(:|%3A)\d\d(:|%3A)\d\d(\.\d+)?(Z|(\+|%2B)\d\d(:|%3A)\d\d))re"),
         "<time>"},
        {std::regex(
             R"re("(duration_ms|time|blocked|dns|connect|ssl|send|wait|receive)": ?[-0-9.e+]+)re"),
         "\"$1\": <duration>"},
        {std::regex(R"re(\(\d+(\.\d)? ms\))re"), "(<duration>)"},
        {std::regex(R"re(\b\d+\.\d ms\b)re"), "<duration>"},
        {std::regex(R"re(time="[0-9.]+")re"), "time=\"<duration>\""},
        {std::regex(
             R"re([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})re"),
         "<uuid>"},
        {std::regex(R"re([0-9a-fA-F-]{1,35}(\.\.\. \())re"), "<uuid>$1"},
        {std::regex(R"re(127\.0\.0\.1:\d+)re"), "127.0.0.1:<port>"},
        // The evidence's digest covers times and ports: it differs from run to run.
        {std::regex(R"re(("file": ?"evidence\.har",\s*"sha256": ?")[0-9a-f]{64})re"),
         "$1<evidence-sha256>"},
        {std::regex(R"re((Evidence \(SHA-256\)\s*)[0-9a-f]{64})re"), "$1<evidence-sha256>"},
        {std::regex(R"re(/tmp/[^ "\n<]+)re"), "<tmp>"}};
    for (const auto& [pattern, name] : rules)
        s = std::regex_replace(s, pattern, name);
    return s;
}

std::string first_difference(const std::string& a, const std::string& b) {
    if (a == b) return {};
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i])
        ++i;
    const std::size_t from = i < 150 ? 0 : i - 150;
    return "at byte " + std::to_string(i) + ":\n  " + a.substr(from, 300) + "\n  " +
           b.substr(from, 300);
}

} // namespace konform::test
