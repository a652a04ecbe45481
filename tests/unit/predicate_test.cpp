#include "konform/check/predicate.hpp"

#include <doctest/doctest.h>

using namespace konform::check;
using nlohmann::json;

namespace {
bool holds(const json& preds, const std::optional<json>& v) {
    return evaluate_predicates(preds, v).passed;
}
} // namespace

TEST_CASE("predicate: equals and not_equals, with text values compared to numbers") {
    CHECK(holds({{"equals", 1}}, json(1)));
    CHECK(holds({{"equals", 1}}, json(1.0)));
    CHECK_FALSE(holds({{"equals", 1}}, json(2)));
    CHECK(holds({{"equals", 200}}, json("200")));
    CHECK_FALSE(holds({{"equals", "1"}}, json(1)));
    CHECK(holds({{"equals", json{{"a", {1, 2}}}}}, json{{"a", {1, 2}}}));
    CHECK(holds({{"not_equals", "x"}}, json("y")));
    CHECK_FALSE(holds({{"not_equals", "x"}}, json("x")));
}

TEST_CASE("predicate: text equals a number only when it writes that number in plain decimal") {
    CHECK(holds({{"equals", 1}}, json("1")));
    CHECK(holds({{"equals", 1.5}}, json("1.50")));
    CHECK(holds({{"equals", -3}}, json("-3")));
    for (const char* other : {" 1", "1 ", "0x1", "1e0", "+1.0", "+1", "01", "1.", ".5", "", "1,0"})
        CHECK_MESSAGE(!holds({{"equals", 1}}, json(other)), other);
    CHECK_FALSE(holds({{"equals", 825}}, json("0825")));
    CHECK_FALSE(holds({{"equals", "0825"}}, json(825)));
    CHECK(holds({{"equals", true}}, json("true")));
    CHECK_FALSE(holds({{"equals", true}}, json("1")));
    CHECK_FALSE(holds({{"equals", "true"}}, json(true)));
    // The same rule for one_of, contains in an array, count and the comparisons.
    CHECK_FALSE(holds({{"one_of", {1, 2}}}, json(" 1")));
    CHECK_FALSE(holds({{"contains", 825}}, json::array({"0825"})));
    CHECK_FALSE(holds({{"gt", 0}}, json("0x1")));
    CHECK(holds({{"gt", 0}}, json("1")));
}

TEST_CASE("predicate: matches uses a search, not a full match") {
    CHECK(holds({{"matches", "^application/json"}}, json("application/json; charset=utf-8")));
    CHECK(holds({{"matches", "json"}}, json("application/json")));
    CHECK_FALSE(holds({{"matches", "^json"}}, json("application/json")));
    CHECK(holds({{"not_matches", "xml"}}, json("application/json")));
    CHECK(holds({{"matches", "^4"}}, json(404)));
}

TEST_CASE("predicate: exists and absent") {
    CHECK(holds({{"exists", true}}, json(nullptr)));
    CHECK_FALSE(holds({{"exists", true}}, std::nullopt));
    CHECK(holds({{"absent", true}}, std::nullopt));
    CHECK_FALSE(holds({{"absent", true}}, json("x")));
    auto o = evaluate_predicates({{"equals", 1}}, std::nullopt);
    CHECK_FALSE(o.passed);
    CHECK(o.actual == "(missing)");
}

TEST_CASE("predicate: type") {
    CHECK(holds({{"type", "string"}}, json("x")));
    CHECK(holds({{"type", "integer"}}, json(3)));
    CHECK(holds({{"type", "integer"}}, json(3.0)));
    CHECK_FALSE(holds({{"type", "integer"}}, json(3.5)));
    CHECK(holds({{"type", "number"}}, json(3.5)));
    CHECK(holds({{"type", "array"}}, json::array()));
    CHECK(holds({{"type", "object"}}, json::object()));
    CHECK(holds({{"type", "null"}}, json(nullptr)));
    CHECK_FALSE(holds({{"type", "boolean"}}, json("true")));
}

TEST_CASE("predicate: one_of and comparisons") {
    CHECK(holds({{"one_of", {200, 201}}}, json(201)));
    CHECK_FALSE(holds({{"one_of", {200, 201}}}, json(204)));
    CHECK(holds({{"ge", 200}, {"lt", 300}}, json(204)));
    CHECK_FALSE(holds({{"ge", 200}, {"lt", 300}}, json(300)));
    CHECK(holds({{"le", 5}}, json(5)));
    CHECK(holds({{"gt", 5}}, json("6")));
    CHECK(holds({{"lt", "2024-01-01"}}, json("2023-12-31")));
    auto o = evaluate_predicates({{"lt", 5}}, json("abc"));
    CHECK_FALSE(o.passed);
    CHECK(o.explanation.find("cannot be compared") != std::string::npos);
}

TEST_CASE("predicate: contains on strings, arrays and objects") {
    CHECK(holds({{"contains", "ø"}}, json("Søren")));
    CHECK(holds({{"contains", 2}}, json({1, 2, 3})));
    CHECK_FALSE(holds({{"contains", 4}}, json({1, 2, 3})));
    CHECK(holds({{"contains", "a"}}, json{{"a", 1}}));
    CHECK_FALSE(holds({{"contains", "b"}}, json{{"a", 1}}));
}

TEST_CASE("predicate: count with a number or predicates") {
    CHECK(holds({{"count", 3}}, json({1, 2, 3})));
    CHECK_FALSE(holds({{"count", 2}}, json({1, 2, 3})));
    CHECK(holds({{"count", {{"ge", 1}}}}, json({1})));
    CHECK_FALSE(holds({{"count", {{"ge", 1}}}}, json::array()));
    CHECK(holds({{"count", 2}}, json("ab")));
    CHECK_FALSE(holds({{"count", 1}}, json(5)));
}

TEST_CASE("predicate: each and some, with 'at' into elements") {
    json results = json::array({{{"language", "da"}}, {{"language", "da"}}});
    CHECK(holds({{"each", {{"at", "/language"}, {"equals", "da"}}}}, results));
    results.push_back({{"language", "en"}});
    auto o = evaluate_predicates({{"each", {{"at", "/language"}, {"equals", "da"}}}}, results);
    CHECK_FALSE(o.passed);
    CHECK(o.explanation.find("element 2") != std::string::npos);
    CHECK(holds({{"some", {{"at", "/language"}, {"equals", "en"}}}}, results));
    CHECK_FALSE(holds({{"some", {{"equals", 9}}}}, json({1, 2})));
    CHECK(holds({{"each", {{"type", "integer"}}}}, json::array()));
    CHECK_FALSE(holds({{"each", {{"type", "integer"}}}}, json("not an array")));
}

TEST_CASE("predicate: all predicates of an object must hold") {
    CHECK(holds({{"type", "string"}, {"matches", "^a"}}, json("abc")));
    CHECK_FALSE(holds({{"type", "string"}, {"matches", "^b"}}, json("abc")));
}

TEST_CASE("predicate: ^ and $ anchor the whole value, never a line inside it") {
    const std::string uuid = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    CHECK(holds({{"matches", uuid}}, json("6f1e2a3b-0000-4000-8000-000000000001")));
    CHECK_FALSE(
        holds({{"matches", uuid}}, json("NOT-A-UUID\n6f1e2a3b-0000-4000-8000-000000000001")));
    CHECK_FALSE(
        holds({{"matches", uuid}}, json("6f1e2a3b-0000-4000-8000-000000000001\nNOT-A-UUID")));
    CHECK(holds({{"not_matches", "^admin$"}}, json("user\nadmin")));
}

TEST_CASE("predicates: without words for what held, a verdict is the same and a failure keeps "
          "its words") {
    const json doc = json::parse(R"({"items": [{"n": 1}, {"n": 2}, {"n": 30}]})");
    const json held = json::parse(R"({"at": "/items", "each": {"at": "/n", "lt": 100}})");
    const json fails = json::parse(R"({"at": "/items", "each": {"at": "/n", "lt": 10}})");
    for (const json* p : {&held, &fails}) {
        const outcome full = evaluate_predicates(*p, &doc, true);
        const outcome quiet = evaluate_predicates(*p, &doc, false);
        CHECK(full.passed == quiet.passed);
        if (full.passed) {
            CHECK_FALSE(full.actual.empty());
            CHECK(quiet.expected.empty());
            CHECK(quiet.actual.empty());
        } else {
            CHECK(quiet.expected == full.expected);
            CHECK(quiet.actual == full.actual);
            CHECK(quiet.explanation == full.explanation);
            CHECK(full.explanation.find("element 2") != std::string::npos);
        }
    }
    CHECK_FALSE(evaluate_predicates(fails, &doc, true).passed);
}
