#include "konform/model/json_style.hpp"
#include "konform/model/problem.hpp"
#include "konform/util/jsonc.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using konform::model::restyle;
namespace jsonc = konform::util::jsonc;

TEST_CASE("fmt: short values stand on one line, long ones get a member per line") {
    CHECK(restyle(R"({"expect":[ {"status" :200} ],"id":"A"})") ==
          "{\"id\": \"A\", \"expect\": [{\"status\": 200}]}\n");
    const std::string long_path(90, 'x');
    const auto out = restyle(R"({"request": {"method": "GET", "path": "/)" + long_path + R"("}})");
    CHECK(out == "{\n  \"request\": {\n    \"method\": \"GET\",\n    \"path\": \"/" + long_path +
                     "\"\n  }\n}\n");
    CHECK(restyle("[]") == "[]\n");
    CHECK(restyle("{ }") == "{}\n");
}

TEST_CASE("fmt: no line is longer than the style's width when it can be broken") {
    nlohmann::json steps = nlohmann::json::array();
    for (int i = 0; i < 20; ++i)
        steps.push_back({{"request", {{"method", "GET"}, {"path", "/items/" + std::to_string(i)}}},
                         {"expect", {{{"status", 200}}}}});
    const auto out = restyle(nlohmann::json{{"steps", steps}}.dump());
    std::size_t start = 0, longest = 0;
    while (start < out.size()) {
        const auto end = out.find('\n', start);
        longest = std::max(longest, end - start);
        start = end + 1;
    }
    CHECK(longest <= konform::model::style_width);
    CHECK(longest > 60); // the steps did go on single lines
}

TEST_CASE("fmt: keys of konform's objects in one order, data and schemas as written") {
    // A step: request before expect before capture; inside the body the author's order.
    CHECK(restyle(R"({"capture": {"b": {"json": "/b"}, "a": {"json": "/a"}},
        "expect": [{"equals": {"z": 1, "a": 2}, "json": "/x"}],
        "request": {"json": {"z": 1, "a": 2}, "path": "/", "method": "POST"}})") ==
          "{\n"
          "  \"request\": {\"method\": \"POST\", \"path\": \"/\", \"json\": {\"z\": 1, \"a\": "
          "2}},\n"
          "  \"expect\": [{\"json\": \"/x\", \"equals\": {\"z\": 1, \"a\": 2}}],\n"
          "  \"capture\": {\"b\": {\"json\": \"/b\"}, \"a\": {\"json\": \"/a\"}}\n"
          "}\n");
    // Unknown keys follow the known ones, in their own order.
    CHECK(restyle(R"({"zeta": 1, "alpha": 2, "id": "x"})") ==
          "{\"id\": \"x\", \"zeta\": 1, \"alpha\": 2}\n");
    // A JSON Schema keeps every key where it stood.
    const std::string schema =
        R"({"type": "object", "$schema": "http://json-schema.org/draft-07/schema#", "id": 1})";
    CHECK(restyle(schema) == schema + "\n");
    // A data set (an array at the top) is data: its rows keep their columns' order, even
    // where a column is named like a key of konform's.
    CHECK(restyle(R"([{"pnr": "1", "status": 1, "id": "a"}])") ==
          "[{\"pnr\": \"1\", \"status\": 1, \"id\": \"a\"}]\n");
    // The SOAP object of a request is data too; assertion subjects come before predicates.
    CHECK(restyle(
              R"({"soap": {"version": "1.1", "action": "a", "body": "<b/>"}, "method": "POST"})") ==
          "{\"method\": \"POST\", \"soap\": {\"version\": \"1.1\", \"action\": \"a\", \"body\": "
          "\"<b/>\"}}\n");
    CHECK(restyle(R"({"matches": ":Client$", "soap_fault": "code"})") ==
          "{\"soap_fault\": \"code\", \"matches\": \":Client$\"}\n");
}

TEST_CASE("fmt: comments, empty lines and scalars' text are kept") {
    const std::string in = R"(// before
{
  "title": "t", // why this title

  /* the id
     comes first */
  "id": "A",
  "variables": {"o": "\u00f8", "n": 1.50, "big": 12345678901234567890},
  "steps": [
    {"request": {"method": "GET", "path": "/"}} // the only step
    // nothing after it
  ]
}
// after
)";
    const std::string want = R"(// before
{
  /* the id
     comes first */
  "id": "A",
  "title": "t", // why this title
  "variables": {"o": "\u00f8", "n": 1.50, "big": 12345678901234567890},
  "steps": [
    {"request": {"method": "GET", "path": "/"}} // the only step
    // nothing after it
  ]
}
// after
)";
    CHECK(restyle(in) == want);
    CHECK(restyle(want) == want); // idempotent
}

TEST_CASE("fmt: formatting formatted text changes nothing") {
    const std::string in = R"({"steps": [{"for_each": {"from": 1, "to": 3}, "as": "i",
      "steps": [{"use": "create", "with": {"bvn": "{{i}}"}}, {"request": {"method": "DELETE",
      "path": "/organisation/organisationenhed/{{id}}"}, "expect": [{"status": 200},
      {"json": "/uuid", "matches": "^[0-9a-f-]{36}$"}]}]}], "id": "X"})";
    const auto once = restyle(in);
    CHECK(restyle(once) == once);
    CHECK(nlohmann::json::parse(once) == nlohmann::json::parse(in));
}

TEST_CASE("fmt: text that is not JSON is refused with its place") {
    CHECK_THROWS_AS(restyle(R"({"a": [1, 2)"), nlohmann::json::parse_error);
    CHECK_THROWS_AS(restyle(R"({"a": 1} trailing)"), nlohmann::json::parse_error);
    CHECK_THROWS_WITH_AS(jsonc::parse("{\"a\": 1,\n  /* open"),
                         "line 2, column 3: a /* comment is not closed", jsonc::syntax_error);
}

TEST_CASE("jsonc: a JSON Pointer's line, the deepest line on its way when it runs past") {
    const std::string text = "{\n  \"steps\": [\n    {\"request\": {}},\n    {\n      "
                             "\"request\": {\"path\": \"/a~b\"}\n    }\n  ],\n  \"a/b\": 1\n}\n";
    CHECK(jsonc::line_of(text, "") == 1u);
    CHECK(jsonc::line_of(text, "/steps") == 2u);
    CHECK(jsonc::line_of(text, "/steps/0") == 3u);
    CHECK(jsonc::line_of(text, "/steps/1/request/path") == 5u);
    CHECK(jsonc::line_of(text, "/steps/1/expect/0") == 4u); // runs past: the step's line
    CHECK(jsonc::line_of(text, "/steps/9") == 2u);
    CHECK(jsonc::line_of(text, "/a~1b") == 8u);
    CHECK_FALSE(jsonc::line_of("{", "/a").has_value());
    CHECK_FALSE(jsonc::line_of(text, "steps").has_value());
}

TEST_CASE("problems name the line their pointer points at") {
    konform::model::problem p{"t.json", "/steps/0", "unknown key", 3};
    CHECK(p.to_string() == "t.json:3: /steps/0: unknown key");
    p.line = 0;
    CHECK(p.to_string() == "t.json: /steps/0: unknown key");
    CHECK(konform::model::line_of_pointer("/nonexistent/t.json", "/steps/0") == 0u);
    CHECK(konform::model::line_of_pointer("t.json", "line 2, column 3") == 0u);
}
