// Every example in docs/writing-profiles.md marked "<!-- check: KIND -->" must pass
// konform's own loaders, so the guide cannot drift from the code.
#include "konform/model/json_file.hpp"
#include "konform/model/testcase.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/sha256.hpp"

#include <doctest/doctest.h>

using namespace konform;

TEST_CASE("docs: every checked example in the profile writers' guide loads") {
    const std::string guide = util::read_file(KONFORM_SOURCE_DIR "/docs/writing-profiles.md");
    const std::string marker = "<!-- check: ";
    int checked = 0;
    // The guide's fragments, for the test cases that use them.
    model::fragment_library fragments;
    for (std::size_t pos = guide.find(marker); pos != std::string::npos;
         pos = guide.find(marker, pos + 1)) {
        if (guide.compare(pos + marker.size(), 8, "fragment") != 0) continue;
        std::size_t open = guide.find("```json\n", pos);
        std::size_t close = guide.find("\n```", open + 8);
        auto doc = util::parse_json(guide.substr(open + 8, close - open - 8),
                                    util::default_max_json_values, util::json_comments::allowed);
        model::fragment f;
        f.id = doc["id"];
        f.file = "writing-profiles.md";
        for (const auto& [name, spec] : doc["parameters"].items())
            f.parameters.emplace_back(name, spec.contains("default")
                                                ? std::optional<nlohmann::json>(spec["default"])
                                                : std::nullopt);
        f.steps = doc["steps"];
        fragments.emplace(f.id, f);
    }
    CHECK(fragments.size() >= 1);
    for (std::size_t pos = guide.find(marker); pos != std::string::npos;
         pos = guide.find(marker, pos + 1)) {
        std::size_t kind_end = guide.find(" -->", pos);
        std::string kind = guide.substr(pos + marker.size(), kind_end - pos - marker.size());
        std::size_t open = guide.find("```json\n", kind_end);
        std::size_t close = guide.find("\n```", open + 8);
        REQUIRE(open != std::string::npos);
        REQUIRE(close != std::string::npos);
        std::string text = guide.substr(open + 8, close - open - 8);
        CAPTURE(kind);
        CAPTURE(text.substr(0, 60));
        nlohmann::json doc;
        REQUIRE_NOTHROW(doc = util::parse_json(text, util::default_max_json_values,
                                               util::json_comments::allowed));
        model::diagnostics diag;
        model::check_format(doc, kind, "writing-profiles.md", diag);
        if (diag.empty() && kind == "testcase")
            model::parse_testcase(doc, "writing-profiles.md", diag, fragments);
        for (const auto& p : diag.problems())
            MESSAGE(p.to_string());
        CHECK(diag.empty());
        ++checked;
    }
    CHECK(checked >= 7);
}

TEST_CASE("docs: the guide's GraphQL example quotes the datafordeler-dar profile's query file") {
    const std::string guide = util::read_file(KONFORM_SOURCE_DIR "/docs/writing-profiles.md");
    const std::string file = util::read_file(
        KONFORM_SOURCE_DIR "/profiles/datafordeler-dar/queries/husnumre-by-vejmidte.graphql");
    const auto open = guide.find("```graphql\n");
    REQUIRE(open != std::string::npos);
    const auto close = guide.find("```", open + 11);
    CHECK(guide.substr(open + 11, close - open - 11) == file);
}
