// The official JSON-Schema-Test-Suite (Debian's json-schema-test-suite, draft 7) through
// `konform validate`: every case that needs no network gives the suite's answer.
#include "e2e_support.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using namespace konform;

namespace {

const fs::path suite = "/usr/share/json-schema-test-suite/tests/draft7";
const std::string bin = KONFORM_BINARY;

// A schema whose "$ref" names a document on the network: one the suite serves from
// http://localhost:1234 (its remotes folder), or the draft-07 meta-schema on the web.
bool names_network_document(const nlohmann::json& schema) {
    const std::string text = schema.dump();
    for (const char* remote : {"\"$ref\":\"http://", "integer.json", "subSchemas.json", "name.json",
                               "folderInteger.json"})
        if (text.find(remote) != std::string::npos) return true;
    return false;
}

} // namespace

TEST_CASE("JSON-Schema-Test-Suite draft 7: konform validate gives every answer that needs no "
          "network") {
    REQUIRE_MESSAGE(fs::is_directory(suite),
                    suite.string() << " is missing: scripts/setup --tests installs it");
    test::temp_dir tmp;
    int passed = 0, network = 0, cases = 0;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(suite))
        if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        const auto groups = nlohmann::json::parse(std::ifstream(file));
        std::size_t group_index = 0;
        for (const auto& group : groups) {
#ifdef KONFORM_SANITIZED
            // Under the sanitizers every fifth group (one process each): the ordinary pass
            // runs them all, this pass looks for memory errors in the same code paths.
            if (group_index++ % 5 != 0) continue;
#else
            ++group_index;
#endif
            std::ofstream(tmp.path / "schema.json") << group["schema"].dump();
            std::string command = bin + " validate --schema " + (tmp.path / "schema.json").string();
            const auto& tests = group["tests"];
            for (std::size_t i = 0; i < tests.size(); ++i) {
                const auto doc = tmp.path / ("d" + std::to_string(i) + ".json");
                std::ofstream(doc) << tests[i]["data"].dump();
                command += " " + doc.string();
            }
            std::string out;
            test::shell(command + " 2>&1", &out);
            for (std::size_t i = 0; i < tests.size(); ++i) {
                ++cases;
                const std::string doc = (tmp.path / ("d" + std::to_string(i) + ".json")).string();
                const bool valid = out.find(doc + ": valid\n") != std::string::npos;
                const bool invalid = out.find(doc + ": invalid\n") != std::string::npos;
                const bool expected = tests[i]["valid"].get<bool>();
                if ((expected && valid) || (!expected && invalid)) {
                    ++passed;
                } else if (names_network_document(group["schema"]) &&
                           out.find("not a usable JSON Schema: the $ref") != std::string::npos) {
                    ++network;
                } else {
                    CHECK_MESSAGE(false, file.filename().string()
                                             << ": " << group["description"].get<std::string>()
                                             << ": " << tests[i]["description"].get<std::string>()
                                             << ": " << out.substr(0, 300));
                }
            }
        }
    }
    MESSAGE("JSON-Schema-Test-Suite draft 7: " << passed << " of " << cases << " passed, "
                                               << network << " need the network");
    CHECK(passed + network == cases);
#ifdef KONFORM_SANITIZED
    CHECK(passed >= 60); // a fifth of the suite, really there and really run
#else
    CHECK(passed >= 360); // the suite is really there and really run
#endif
}
