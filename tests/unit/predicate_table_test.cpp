// The predicate table is the one list of predicates: the format schema, `konform fmt` and
// the guide say the same, and the evaluator knows each one.
#include "konform/check/predicate.hpp"
#include "konform/model/json_style.hpp"
#include "konform/model/predicates.hpp"
#include "konform/util/file.hpp"

#include <doctest/doctest.h>
#include <set>

using namespace konform;
using nlohmann::json;

TEST_CASE("predicate table: the test-case format schema allows exactly the table's predicates") {
    const json schema =
        json::parse(util::read_file(KONFORM_SOURCE_DIR "/schemas/testcase.schema.json"));
    const json& assertion = schema["definitions"]["assertion"]["properties"];
    const json& nested = schema["definitions"]["predicates"]["properties"];
    std::set<std::string> in_nested;
    for (const auto& [k, v] : nested.items())
        if (!model::is_modifier(k)) in_nested.insert(k);
    std::set<std::string> expected_nested;
    for (const auto& p : model::predicate_table()) {
        CAPTURE(p.name);
        CHECK(assertion.contains(std::string(p.name)));
        if (p.nested) expected_nested.insert(std::string(p.name));
    }
    CHECK(in_nested == expected_nested);
    // "as" names exactly the value types of the table, in the assertion and nested.
    std::set<std::string> types;
    for (const auto& t : model::value_type_table())
        types.insert(std::string(t.name));
    for (const json* props : {&assertion, &nested}) {
        std::set<std::string> in_schema;
        for (const auto& t : (*props)["as"]["enum"])
            in_schema.insert(t.get<std::string>());
        CHECK(in_schema == types);
        CHECK(props->contains("within"));
        CHECK(props->contains("decimals"));
    }
}

TEST_CASE("predicate table: the guide's table of value types has one row per type") {
    const std::string guide = util::read_file(KONFORM_SOURCE_DIR "/docs/writing-profiles.md");
    const auto start = guide.find("| `as` | reads both values as |");
    REQUIRE(start != std::string::npos);
    const std::string table = guide.substr(start, guide.find("\n\n", start) - start);
    std::size_t lines = 0;
    for (char c : table)
        lines += c == '\n';
    for (const auto& t : model::value_type_table()) {
        CAPTURE(t.name);
        CHECK(table.find("| `\"" + std::string(t.name) + "\"` | " + std::string(t.doc) + " |") !=
              std::string::npos);
    }
    CHECK(lines + 1 == model::value_type_table().size() + 2);
}

TEST_CASE("predicate table: the guide's table has one row per predicate, with its line") {
    const std::string guide = util::read_file(KONFORM_SOURCE_DIR "/docs/writing-profiles.md");
    const auto start = guide.find("| predicate | holds when the value |");
    REQUIRE(start != std::string::npos);
    const std::string table = guide.substr(start, guide.find("\n\n", start) - start);
    std::size_t rows = 0;
    for (const auto& p : model::predicate_table()) {
        CAPTURE(p.name);
        const std::string row = "| `" + std::string(p.name) + "` | " + std::string(p.doc) + " |";
        CHECK(table.find(row) != std::string::npos);
        ++rows;
    }
    std::size_t lines = 0;
    for (char c : table)
        lines += c == '\n';
    CHECK(lines + 1 == rows + 3); // header, rule, `at`, and one row per predicate
}

TEST_CASE("predicate table: every predicate is evaluated, and an unknown one fails") {
    for (const auto& p : model::predicate_table()) {
        CAPTURE(p.name);
        json arg = p.argument == model::predicate_argument::flag        ? json(true)
                   : p.argument == model::predicate_argument::regex     ? json("x")
                   : p.argument == model::predicate_argument::values    ? json::array({1})
                   : p.argument == model::predicate_argument::count     ? json(1)
                   : p.argument == model::predicate_argument::nested    ? json{{"exists", true}}
                   : p.argument == model::predicate_argument::records   ? json::object()
                   : p.argument == model::predicate_argument::type_name ? json("array")
                                                                        : json(1);
        if (p.argument == model::predicate_argument::records) continue; // needs a data set
        const check::outcome o =
            check::evaluate_predicates(json{{std::string(p.name), arg}}, json::array({1}));
        CHECK(o.explanation.find("unknown predicate") == std::string::npos);
    }
    const check::outcome o = check::evaluate_predicates(json{{"longer_than", 3}}, json("abc"));
    CHECK_FALSE(o.passed);
    CHECK(o.explanation == "unknown predicate \"longer_than\"");
}

TEST_CASE("predicate table: konform fmt writes predicates in the table's order, after the "
          "subject and before proves") {
    const std::string text =
        R"({"proves": "R", "some": {"exists": true}, "json": "/a", "equals": 1, "count": 2})";
    const std::string formatted = model::restyle(text);
    CHECK(formatted.find("\"json\"") < formatted.find("\"equals\""));
    CHECK(formatted.find("\"equals\"") < formatted.find("\"count\""));
    CHECK(formatted.find("\"count\"") < formatted.find("\"some\""));
    CHECK(formatted.find("\"some\"") < formatted.find("\"proves\""));
}
