#include "konform/check/xml_document.hpp"

#include <doctest/doctest.h>

using namespace konform::check;

namespace {
const xml_document::namespace_map ns{{"soap", "http://schemas.xmlsoap.org/soap/envelope/"},
                                     {"ex", "urn:ex"}};

xml_document parse(const std::string& text) {
    std::string error;
    auto d = xml_document::parse(text, ns, error);
    REQUIRE_MESSAGE(d.has_value(), error);
    return *d;
}
} // namespace

TEST_CASE("xpath: the server's prefixes do not change the result") {
    const char* a =
        R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ex:R xmlns:ex="urn:ex"><ex:Id>1</ex:Id></ex:R></soap:Body></soap:Envelope>)";
    const char* b =
        R"(<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><g:R xmlns:g="urn:ex"><g:Id>1</g:Id></g:R></S:Body></S:Envelope>)";
    const char* c =
        R"(<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><R xmlns="urn:ex"><Id>1</Id></R></Body></Envelope>)";
    for (const char* doc : {a, b, c}) {
        auto v = parse(doc).evaluate("/soap:Envelope/soap:Body/ex:R/ex:Id");
        REQUIRE(v.has_value());
        CHECK(*v == "1");
    }
}

TEST_CASE("xpath: same prefix bound to another namespace does not match") {
    auto d = parse(R"(<ex:R xmlns:ex="urn:other"><ex:Id>1</ex:Id></ex:R>)");
    CHECK_FALSE(d.evaluate("/ex:R/ex:Id").has_value());
}

TEST_CASE("xpath: node sets, numbers, strings, booleans and attributes") {
    auto d = parse(R"(<r xmlns:e="urn:ex"><e:i a="x">1</e:i><e:i>2</e:i></r>)");
    CHECK(*d.evaluate("count(/r/ex:i)") == 2);
    CHECK(*d.evaluate("/r/ex:i") == nlohmann::json({"1", "2"}));
    CHECK(*d.evaluate("/r/ex:i/@a") == "x");
    CHECK(*d.evaluate("string(/r/ex:i[2])") == "2");
    CHECK(*d.evaluate("boolean(/r/ex:nope)") == false);
    CHECK_FALSE(d.evaluate("/r/missing").has_value());
    CHECK_THROWS_AS(d.evaluate("/r/[bad"), std::invalid_argument);
}

TEST_CASE("xml: malformed input and entities are not trouble") {
    std::string error;
    CHECK_FALSE(xml_document::parse("<a><b></a>", ns, error).has_value());
    CHECK(error.find("not well-formed") != std::string::npos);
    // An external entity pointing at a local file is never resolved.
    auto d = parse(
        R"(<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>)");
    auto v = d.evaluate("string(/r)");
    CHECK(v->get<std::string>().find("root:") == std::string::npos);
}

TEST_CASE("xml: deep nesting is handled without recursion") {
    std::string deep;
    for (int i = 0; i < 20000; ++i)
        deep += "<a>";
    for (int i = 0; i < 20000; ++i)
        deep += "</a>";
    std::string error;
    auto d = xml_document::parse(deep, ns, error);
    CHECK((d.has_value() || !error.empty()));
}
