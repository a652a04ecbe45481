// Replays every input kept in tests/fuzz/regressions/<target>/ and the seed corpora through
// the fuzz targets, so what once broke konform stays a test (scripts/fuzz adds new ones).
#include "fuzz_targets.hpp"
#include "konform/util/file.hpp"
#include "konform/util/sha256.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;

TEST_CASE("fuzz regressions: every kept input and seed runs cleanly through its target") {
    const std::map<std::string, int (*)(const std::uint8_t*, std::size_t)> targets{
        {"loaders", konform::fuzz::loaders},       {"templates", konform::fuzz::templates},
        {"predicates", konform::fuzz::predicates}, {"response", konform::fuzz::response},
        {"canonical", konform::fuzz::canonical},   {"json_parse", konform::fuzz::json_parse},
        {"header", konform::fuzz::header},         {"style", konform::fuzz::style},
        {"schema", konform::fuzz::schema},         {"graphql", konform::fuzz::graphql}};
    int replayed = 0;
    for (const char* kind : {"regressions", "corpus"}) {
        for (const auto& [name, fn] : targets) {
            fs::path dir = fs::path(KONFORM_SOURCE_DIR) / "tests/fuzz" / kind / name;
            if (!fs::exists(dir)) continue;
            for (const auto& f : fs::directory_iterator(dir)) {
                if (!f.is_regular_file() || f.path().filename() == "README.md") continue;
                CAPTURE(f.path().string());
                std::string bytes = konform::util::read_file(f.path());
                CHECK(fn(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
                ++replayed;
            }
        }
    }
    CHECK(replayed >= 11);
}
