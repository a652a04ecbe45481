#include "konform/run/template.hpp"

#include <doctest/doctest.h>

using namespace konform::run;
using nlohmann::json;

TEST_CASE("template: variables, dotted fields and array indexes") {
    variables v{{"id", "abc"},
                {"row", json{{"language", "da"}, {"n", 2}}},
                {"list", json::array({"x", "y"})}};
    CHECK(render("/greetings/{{id}}", v) == "/greetings/abc");
    CHECK(render("{{ row.language }}-{{row.n}}", v) == "da-2");
    CHECK(render("{{list.1}}", v) == "y");
    CHECK(render("no placeholders", v) == "no placeholders");
}

TEST_CASE("template: unknown names and bad syntax are errors, not empty strings") {
    variables v{{"id", "abc"}, {"list", json::array({"x", "y"})}};
    CHECK_THROWS_AS(render("{{missing}}", v), template_error);
    CHECK_THROWS_WITH_AS(render("{{id.field}}", v), doctest::Contains("no field"), template_error);
    CHECK_THROWS_WITH_AS(render("/x/{{id", v), doctest::Contains("unterminated"), template_error);
    CHECK_THROWS_AS(render("{{}}", v), template_error);
    CHECK_THROWS_AS(render("{{list.99999999999999999999999}}", v),
                    template_error); // found by fuzzing
    CHECK_THROWS_AS(render("{{list.-1}}", v), template_error);
    CHECK_THROWS_WITH_AS(render("{{$nope}}", v), doctest::Contains("unknown generator"),
                         template_error);
}

TEST_CASE("template: generators") {
    variables v;
    std::string a = render("{{$uuid}}", v), b = render("{{$uuid}}", v);
    CHECK(a.size() == 36);
    CHECK(a[14] == '4');
    CHECK(a != b);
    std::string now = render("{{$now}}", v);
    CHECK(now.size() == 24);
    CHECK(now.back() == 'Z');
    CHECK(render("{{$today}}", v) == now.substr(0, 10));
    CHECK(std::stol(render("{{$timestamp}}", v)) > 1700000000);
}

TEST_CASE("template: XML escaping protects the document") {
    variables v{{"name", "<a & 'b'>"}};
    CHECK(render("<x>{{name}}</x>", v, escaping::xml) == "<x>&lt;a &amp; &apos;b&apos;&gt;</x>");
    CHECK(render("<x>{{name}}</x>", v) == "<x><a & 'b'></x>");
}

TEST_CASE("template: JSON rendering keeps types for whole-value placeholders") {
    variables v{{"n", 3}, {"obj", json{{"a", 1}}}, {"s", "æøå"}};
    json in = {{"count", "{{n}}"},
               {"nested", {{"o", "{{obj}}"}}},
               {"text", "hej {{s}}"},
               {"list", {"{{n}}", 1}}};
    json out = render_json(in, v);
    CHECK(out["count"] == 3);
    CHECK(out["nested"]["o"] == json{{"a", 1}});
    CHECK(out["text"] == "hej æøå");
    CHECK(out["list"][0] == 3);
}

TEST_CASE("template: case filters") {
    variables v{{"id", "ab-Cd"}};
    CHECK(render("{{id | upper}}", v) == "AB-CD");
    CHECK(render("{{ id|lower }}", v) == "ab-cd");
    CHECK_THROWS_WITH_AS(render("{{id | reverse}}", v), doctest::Contains("unknown filter"),
                         template_error);
}

TEST_CASE("template: a sole placeholder keeps the type its filters give") {
    variables v{{"n", "4"}, {"f", "2.5"}, {"yes", "TRUE"}, {"count", 3}};
    CHECK(render_value("{{n | int}}", v) == json(4));
    CHECK(render_value("{{f | number}}", v) == json(2.5));
    CHECK(render_value("{{yes | bool}}", v) == json(true));
    CHECK(render_value("{{count | string}}", v) == json("3"));
    CHECK(render_value("{{count}}", v) == json(3));
    CHECK(render_value("n={{n | int}}", v) == json("n=4")); // not sole: text
    CHECK_THROWS_WITH_AS(render_value("{{f | int}}", v), doctest::Contains("not a whole number"),
                         template_error);
    CHECK_THROWS_WITH_AS(render_value("{{yes | number}}", v), doctest::Contains("not a number"),
                         template_error);
}

TEST_CASE("template: text filters, Danish letters included") {
    variables v{{"by", "  Ærø Å  "}, {"q", "dør/1 & æ"}};
    CHECK(render("{{by | trim | lower}}", v) == "ærø å");
    CHECK(render("{{by | upper | trim}}", v) == "ÆRØ Å");
    CHECK(render("{{q | urlencode}}", v) == "d%C3%B8r%2F1%20%26%20%C3%A6");
    CHECK(render_value("{{by | trim | length}}", v) == json(5)); // characters, not bytes
}

TEST_CASE("template: array filters and arguments") {
    variables v{{"list", json::array({3, 1, 2})}, {"obj", json{{"a", 1}}}, {"nil", nullptr}};
    CHECK(render_value("{{list | first}}", v) == json(3));
    CHECK(render_value("{{list | last}}", v) == json(2));
    CHECK(render_value("{{list | sort}}", v) == json::array({1, 2, 3}));
    CHECK(render_value("{{list | slice(1, 3)}}", v) == json::array({1, 2}));
    CHECK(render_value("{{list | slice(-1)}}", v) == json::array({2}));
    CHECK(render("{{list | sort | join(', ')}}", v) == "1, 2, 3");
    CHECK(render("{{list | join}}", v) == "3,1,2");
    CHECK(render_value("{{list | length}}", v) == json(3));
    CHECK(render("{{obj | json}}", v) == R"({"a":1})");
    CHECK(render("{{missing | default('none')}}", v) == "none");
    CHECK(render_value("{{nil | default(7)}}", v) == json(7));
    CHECK(render_value("{{list.0 | default(7)}}", v) == json(3));
    // An empty array or object stands as a default, so a loop over a capture that never
    // happened runs no row.
    CHECK(render_value("{{missing | default([])}}", v) == json::array());
    CHECK(render_value("{{missing | default( { } )}}", v) == json::object());
    CHECK_THROWS_AS(render_value("{{missing | default([1])}}", v), template_error);
    CHECK(render_value("{{ 'abc' | upper }}", v) == json("ABC"));
    CHECK_THROWS_WITH_AS(render("{{obj | first}}", v), doctest::Contains("takes an array"),
                         template_error);
    CHECK_THROWS_WITH_AS(render("{{list | slice}}", v),
                         doctest::Contains("takes 1 to 2 argument(s), not 0"), template_error);
    CHECK_THROWS_WITH_AS(render("{{list | join(,)}}", v), doctest::Contains("filter arguments"),
                         template_error);
    CHECK_THROWS_AS(render("{{missing | upper}}", v), template_error);
}
