#include "konform/schema/json_schema.hpp"
#include "konform/schema/xml_schema.hpp"

#include <doctest/doctest.h>

using namespace konform::schema;
using nlohmann::json;

TEST_CASE("json schema: violations name the instance pointer") {
    auto s = json_schema::compile(json::parse(R"({
        "type": "object", "required": ["id"], "additionalProperties": false,
        "properties": {"id": {"type": "string"}, "items": {"type": "array", "items": {"type": "integer"}}}})"));
    CHECK(s.validate(json{{"id", "x"}}).empty());
    auto v = s.validate(json{{"id", 1}});
    REQUIRE_FALSE(v.empty());
    bool at_id = false;
    for (const auto& x : v)
        at_id = at_id || x.pointer == "/id";
    CHECK(at_id);
    v = s.validate(json{{"id", "x"}, {"items", {1, "two"}}});
    bool at_item = false;
    for (const auto& x : v)
        at_item = at_item || x.pointer == "/items/1";
    CHECK(at_item);
    CHECK_FALSE(s.validate(json{{"id", "x"}, {"extra", 1}}).empty());
    CHECK_FALSE(s.validate(json::object()).empty());
}

TEST_CASE("json schema: an unusable schema is refused") {
    CHECK_THROWS_AS(json_schema::compile(json{{"type", 12}}), std::invalid_argument);
}

TEST_CASE("xml schema: the example profile's XSD with its import") {
    auto xsd = xml_schema::load(KONFORM_SOURCE_DIR "/profiles/example/schemas/greetings.xsd");
    const std::string good =
        R"(<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><g:GreetingResponse xmlns:g="urn:konform:example:greetings:1"><g:Id>6f1e2a3b-0000-4000-8000-000000000001</g:Id><g:Text>Hej</g:Text><g:Language>da</g:Language></g:GreetingResponse></S:Body></S:Envelope>)";
    CHECK(xsd.validate(good).empty());
    std::string missing = good;
    missing.erase(missing.find("<g:Text>"), std::string("<g:Text>Hej</g:Text>").size());
    auto errors = xsd.validate(missing);
    REQUIRE_FALSE(errors.empty());
    CHECK(errors.front().find("line") == 0);
    CHECK_FALSE(xsd.validate("<not closed").empty());
    CHECK_THROWS_AS(xml_schema::load("/nonexistent.xsd"), std::invalid_argument);
}
