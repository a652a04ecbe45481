#include "konform/schema/json_schema.hpp"
#include "konform/schema/xml_schema.hpp"

#include <atomic>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>

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

TEST_CASE("json schema: false schemas and propertyNames reject with a reason") {
    auto none = json_schema::compile(json(false));
    CHECK(none.validate(json(1)).size() == 1);
    CHECK(none.validate(json::object()).front().message.find("rejects") != std::string::npos);
    CHECK(json_schema::compile(json(true)).validate(json(1)).empty());
    auto names = json_schema::compile(json::parse(R"({"propertyNames": {"maxLength": 3}})"));
    CHECK(names.validate(json{{"foo", 1}}).empty());
    CHECK(names.validate(json{{"foobar", 1}}).size() == 1);
    auto no_foo = json_schema::compile(json::parse(R"({"properties": {"foo": false}})"));
    CHECK(no_foo.validate(json{{"bar", 1}}).empty());
    CHECK_FALSE(no_foo.validate(json{{"foo", 1}}).empty());
}

TEST_CASE("json schema: a $ref to a subschema's $id is answered from the schema itself") {
    auto tree = json_schema::compile(json::parse(R"({
        "$id": "https://konform.invalid/tree", "type": "object",
        "properties": {"nodes": {"type": "array", "items": {"$ref": "node"}}},
        "definitions": {"node": {"$id": "https://konform.invalid/node", "type": "object",
            "properties": {"value": {"type": "number"}, "subtree": {"$ref": "tree"}}}}})"));
    CHECK(tree.validate(json::parse(R"({"nodes": [{"value": 1, "subtree": {"nodes": []}}]})"))
              .empty());
    CHECK_FALSE(
        tree.validate(
                json::parse(R"({"nodes": [{"value": 1, "subtree": {"nodes": [{"value": "x"}]}}]})"))
            .empty());
    // A document outside the schema is never fetched.
    CHECK_THROWS_WITH_AS(
        json_schema::compile(json::parse(R"({"$ref": "https://konform.invalid/x.json"})")),
        doctest::Contains("never fetches schemas from the network"), std::invalid_argument);
}

TEST_CASE("json schema: a schema whose validation would never end is refused, not run") {
    for (
        const char* endless :
        {R"({"$ref": "#"})",
         R"({"$ref": "#/definitions/a", "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}})",
         R"({"definitions": {"a": {"allOf": [{"$ref": "#/definitions/a"}]}}, "properties": {"x": {"$ref": "#/definitions/a"}}})",
         R"({"anyOf": [{"not": {"$ref": "#"}}]})"}) {
        CAPTURE(endless);
        CHECK_THROWS_AS(json_schema::compile(json::parse(endless)), std::invalid_argument);
    }
    // A pointer of many empty tokens is the root (valijson skips them, once recursing each).
    CHECK_THROWS_AS(json_schema::compile(json{{"$ref", "#" + std::string(100'000, '/')}}),
                    std::invalid_argument);
    auto slashes = json_schema::compile(json::parse(
        R"({"$ref": "#//definitions///a/", "definitions": {"a": {"type": "integer"}}})"));
    CHECK(slashes.validate(json(1)).empty());
    CHECK_FALSE(slashes.validate(json("x")).empty());
    // Recursion that looks deeper into the value ends, and is allowed.
    auto list = json_schema::compile(json::parse(
        R"({"type": "object", "properties": {"next": {"$ref": "#"}, "value": {"type": "integer"}}})"));
    CHECK(list.validate(json::parse(R"({"value": 1, "next": {"value": 2, "next": {}}})")).empty());
    CHECK_FALSE(list.validate(json::parse(R"({"value": 1, "next": {"value": "x"}})")).empty());
}

TEST_CASE("json schema: a $ref to another file where valijson would loop is resolved") {
    auto fetch = [](const std::string& uri) -> std::optional<json> {
        if (uri == "item.json") return json::parse(R"({"type": "integer"})");
        if (uri == "a.json") return json::parse(R"({"$ref": "b.json"})");
        if (uri == "b.json") return json::parse(R"({"$ref": "a.json"})");
        return std::nullopt;
    };
    auto root_ref = json_schema::compile(json::parse(R"({"$ref": "item.json"})"), fetch);
    CHECK(root_ref.validate(json(1)).empty());
    CHECK_FALSE(root_ref.validate(json("x")).empty());
    CHECK_THROWS_AS(json_schema::compile(json::parse(R"({"$ref": "a.json"})"), fetch),
                    std::invalid_argument);
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
    // The error names the element it is about, with the document's own prefixes.
    CHECK(errors.front().find("(at /S:Envelope/S:Body/g:GreetingResponse/g:Language)") !=
          std::string::npos);
    CHECK_FALSE(xsd.validate("<not closed").empty());
    CHECK_THROWS_AS(xml_schema::load("/nonexistent.xsd"), std::invalid_argument);
}

namespace {
const std::string envelope_open =
    R"(<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><g:GreetingResponse xmlns:g="urn:konform:example:greetings:1"><g:Id>6f1e2a3b-0000-4000-8000-000000000001</g:Id><g:Text>Hej</g:Text><g:Language>da</g:Language>)";
const std::string envelope_close = "</g:GreetingResponse></S:Body></S:Envelope>";
} // namespace

TEST_CASE("xml schema: an error in the SF1520 response names its line and element path") {
    auto xsd = xml_schema::load(KONFORM_SOURCE_DIR
                                "/profiles/sf1520-cpr-personlookup/schemas/personlookup.xsd");
    const std::string head =
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\n<soap:Body>\n"
        "<c:PersonLookupResponse "
        "xmlns:c=\"http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/\">\n"
        "<c:persondata>\n<c:personnummer>7203850101</c:personnummer>\n";
    const std::string tail =
        "</c:persondata>\n</c:PersonLookupResponse></soap:Body></soap:Envelope>";
    CHECK(xsd.validate(head + "<c:koen>M</c:koen><c:antalBoernUnder18>2</c:antalBoernUnder18>\n" +
                       tail)
              .empty());
    // koen after antalBoernUnder18: the order of the contract's sequence is broken.
    auto errors = xsd.validate(
        head + "<c:antalBoernUnder18>2</c:antalBoernUnder18>\n<c:koen>M</c:koen>\n" + tail);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].rfind("line 7: Element 'c:koen': This element is not expected.", 0) == 0);
    CHECK(errors[0].find(
              "(at /soap:Envelope/soap:Body/c:PersonLookupResponse/c:persondata/c:koen)") !=
          std::string::npos);
    // An enumeration is checked: koen is K or M.
    errors = xsd.validate(
        head + "<c:koen>X</c:koen><c:antalBoernUnder18>2</c:antalBoernUnder18>\n" + tail);
    REQUIRE_FALSE(errors.empty());
    CHECK(errors[0].find("c:persondata/c:koen)") != std::string::npos);
}

TEST_CASE("xml schema: validation stops after the budget's errors, not after every element") {
    auto xsd = xml_schema::load(KONFORM_SOURCE_DIR "/profiles/example/schemas/greetings.xsd");
    // 200,000 incomplete elements where the SOAP Body allows any: libxml2 reports (and
    // formats) errors for each, in quadratic time (100,000 took 13 s before the budget).
    std::string doc = R"(<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" )"
                      R"(xmlns:g="urn:konform:example:greetings:1"><S:Body>)";
    for (int i = 0; i < 200000; ++i)
        doc += "<g:GreetingResponse/>";
    doc += "</S:Body></S:Envelope>";
    validation_budget budget;
    budget.max_errors = 5;
    auto errors = xsd.validate(doc, budget);
    REQUIRE(errors.size() == 6);
    CHECK(errors.back() == "validation stopped after 5 errors");
    CHECK(errors.front().find("line 1: ") == 0);
}

TEST_CASE("xml schema: validation honours the deadline and the stop flag") {
    auto xsd = xml_schema::load(KONFORM_SOURCE_DIR "/profiles/example/schemas/greetings.xsd");
    std::string doc = envelope_open;
    for (int i = 0; i < 2000; ++i)
        doc += "<g:Extra/>";
    doc += envelope_close;
    validation_budget past;
    past.max_errors = 100000;
    past.deadline = std::chrono::steady_clock::now();
    auto errors = xsd.validate(doc, past);
    REQUIRE_FALSE(errors.empty());
    CHECK(errors.back() == "validation stopped: it took longer than the time limit");
    CHECK(errors.size() < 300);

    std::atomic<bool> stop{true};
    validation_budget stopped;
    stopped.max_errors = 100000;
    stopped.stop = &stop;
    CHECK(xsd.validate(doc, stopped).back() == "validation stopped: the run was interrupted");
    // A valid document within budget has no entries at all.
    CHECK(xsd.validate(envelope_open + envelope_close, stopped).empty());
}

TEST_CASE("xml schema: a hostile document is neither expanded nor allowed to read files") {
    auto xsd = xml_schema::load(KONFORM_SOURCE_DIR "/profiles/example/schemas/greetings.xsd");
    std::string dtd = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY l0 \"lol\">";
    for (int i = 1; i < 10; ++i) {
        dtd += "<!ENTITY l" + std::to_string(i) + " \"";
        for (int k = 0; k < 10; ++k)
            dtd += "&l" + std::to_string(i - 1) + ";";
        dtd += "\">";
    }
    auto bomb = xsd.validate(dtd + "]><r>&l9;</r>");
    REQUIRE_FALSE(bomb.empty());
    std::string all;
    for (const auto& e : bomb)
        all += e;
    CHECK(all.find("lollol") == std::string::npos);
    auto xxe = xsd.validate("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM "
                            "\"file:///etc/passwd\">]><r>&x;</r>");
    REQUIRE_FALSE(xxe.empty());
    for (const auto& e : xxe)
        CHECK(e.find("root:") == std::string::npos);
    CHECK(xsd.validate("<not closed").front().find("not well-formed XML") == 0);
}

TEST_CASE("xml schema: includes and imports come only from the schema's folder") {
    const auto dir = std::filesystem::temp_directory_path() / "konform-xsd-confined";
    std::filesystem::create_directories(dir / "p/sub");
    auto write = [](const std::filesystem::path& f, const std::string& text) {
        std::ofstream(f) << text;
    };
    const std::string b =
        R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:b"><xs:element name="B" type="xs:string"/></xs:schema>)";
    write(dir / "p/sub/b.xsd", b);
    write(dir / "outside.xsd", b);
    auto main_with = [&](const std::string& location) {
        return R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:a"><xs:import namespace="urn:b" schemaLocation=")" +
               location + R"("/><xs:element name="A" type="xs:string"/></xs:schema>)";
    };
    write(dir / "p/main.xsd", main_with("sub/b.xsd"));
    write(dir / "p/out.xsd", main_with("../outside.xsd"));
    write(dir / "p/net.xsd", main_with("http://127.0.0.1:9/b.xsd"));
    CHECK(xml_schema::load((dir / "p/main.xsd").string())
              .validate(R"(<a:A xmlns:a="urn:a">x</a:A>)")
              .empty());
    CHECK_THROWS_WITH_AS(xml_schema::load((dir / "p/out.xsd").string()),
                         doctest::Contains("which is not a file in the schema's folder"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(xml_schema::load((dir / "p/net.xsd").string()),
                         doctest::Contains("http://127.0.0.1:9/b.xsd"), std::invalid_argument);
    std::filesystem::remove_all(dir);
}

TEST_CASE("json schema: a chain of $refs too long to follow is refused, not followed") {
    json defs = json::object();
    for (int i = 0; i < 1500; ++i)
        defs["d" + std::to_string(i)] = {
            {"allOf", json::array({{{"$ref", "#/definitions/d" + std::to_string(i + 1)}}})}};
    defs["d1500"] = {{"type", "integer"}};
    CHECK_THROWS_WITH_AS(
        json_schema::compile(json{{"$ref", "#/definitions/d0"}, {"definitions", defs}}),
        doctest::Contains("more than 1,000 steps deep"), std::invalid_argument);
}
