#include "e2e_support.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
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

} // namespace konform::test
