// One reading of an XML answer for every check: decoded once by its declarations, refused
// when they disagree or lie, well-formed as an XML parser requires, bounded in attributes;
// and SOAP found by namespace URI and version, never by local name alone.
#include "konform/check/assertion.hpp"
#include "konform/check/xml_reading.hpp"
#include "konform/schema/xml_well_formed.hpp"

#include <doctest/doctest.h>

using namespace konform;
using nlohmann::json;

namespace {

http::exchange answered(std::string body, std::string content_type = "text/xml; charset=utf-8") {
    http::exchange x;
    x.req.url = "http://127.0.0.1:1/x";
    http::response r;
    r.status = 200;
    r.headers = {{"Content-Type", std::move(content_type)}};
    r.body = std::move(body);
    x.resp = r;
    return x;
}

check::outcome judge(const http::exchange& x, model::subject what, std::string selector,
                     json predicates, const check::schema_set& schemas) {
    model::assertion a;
    a.what = what;
    a.selector = std::move(selector);
    a.predicates = std::move(predicates);
    check::response_view view(x, schemas);
    return check::evaluate(a, view, schemas);
}

check::schema_set with_ns() {
    check::schema_set s;
    s.namespaces = {{"p", "urn:p"}};
    return s;
}

const std::string soap11 = "http://schemas.xmlsoap.org/soap/envelope/";
const std::string soap12 = "http://www.w3.org/2003/05/soap-envelope";

std::string envelope(const std::string& ns, const std::string& body) {
    return "<s:Envelope xmlns:s=\"" + ns + "\"><s:Body>" + body + "</s:Body></s:Envelope>";
}

// A SOAP 1.1 request, as konform's request builder writes one.
void soap11_request(http::exchange& x) {
    x.req.headers = {{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "\"a\""}};
    x.req.body = envelope(soap11, "<q/>");
}

} // namespace

TEST_CASE("xml reading: the declared encoding decodes the bytes, once, for every check") {
    // Genuine windows-1252: 0xF8 is ø.
    auto text = check::read_xml_text(
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?><n>S\xF8ren</n>", "text/xml");
    REQUIRE(text.has_value());
    CHECK(text->find("<n>Søren</n>") != std::string::npos);
    CHECK(text->find("encoding=\"UTF-8\"") != std::string::npos);
    // The HTTP charset wins over the declaration when both read the bytes the same way.
    CHECK(check::read_xml_text("<?xml version=\"1.0\" encoding=\"us-ascii\"?><n>x</n>",
                               "text/xml; charset=UTF-8")
              .has_value());
    // A UTF-16 byte order mark.
    const std::string utf16("\xFF\xFE<\0n\0/\0>\0", 10);
    auto wide = check::read_xml_text(utf16, "");
    REQUIRE(wide.has_value());
    CHECK(*wide == "<n/>");
    CHECK(check::charset_of("text/xml; Charset=\"ISO-8859-1\"") == "iso-8859-1");
}

TEST_CASE("xml reading: declarations that disagree, or bytes that are not what they say, are "
          "refused") {
    // UTF-8 bytes under a windows-1252 declaration: a client reads "SÃ¸ren".
    auto lie = check::read_xml_text("<?xml version=\"1.0\" encoding=\"windows-1252\"?><n>Søren</n>",
                                    "text/xml; charset=windows-1252");
    REQUIRE_FALSE(lie.has_value());
    CHECK(lie.error().why.find("declared as windows-1252, but its bytes are UTF-8") !=
          std::string::npos);
    // The HTTP charset and the declaration read the same bytes into different text.
    auto two =
        check::read_xml_text("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><n>S\xF8ren</n>",
                             "text/xml; charset=utf-8");
    REQUIRE_FALSE(two.has_value());
    CHECK(two.error().why.find("declarations disagree") != std::string::npos);
    // Bytes that are not UTF-8 where UTF-8 applies.
    CHECK_FALSE(check::read_xml_text("<n>S\xF8ren</n>", "text/xml").has_value());
    CHECK_FALSE(check::read_xml_text("<n/>", "text/xml; charset=x-no-such-encoding").has_value());
    CHECK_FALSE(check::read_xml_text("<n/>", "text/xml; charset=\"utf-8\x1b[2J\"").has_value());
}

TEST_CASE("xml reading: XPath and XSD read the same text") {
    // The mojibake answer fails every XML check, the XPath as the schema would.
    auto x = answered(
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?><p:n xmlns:p=\"urn:p\">Søren</p:n>",
        "text/xml; charset=windows-1252");
    auto o = judge(x, model::subject::xpath, "/p:n", {{"equals", "Søren"}}, with_ns());
    CHECK_FALSE(o.passed);
    CHECK(o.explanation.find("bytes are UTF-8") != std::string::npos);
    // Genuine windows-1252 text reads as Søren.
    auto good = answered(
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?><p:n xmlns:p=\"urn:p\">S\xF8ren</p:n>",
        "text/xml; charset=windows-1252");
    CHECK(judge(good, model::subject::xpath, "/p:n", {{"equals", "Søren"}}, with_ns()).passed);
}

TEST_CASE("xml reading: what no XML parser reads fails, though a lenient one would read it") {
    for (const char* bad : {
             R"(<p:n xmlns:p="urn:p" a="1" a="2">1</p:n>)",                 // an attribute twice
             R"(<p:n xmlns:p="urn:p">a & b</p:n>)",                         // a raw ampersand
             R"(<p:n xmlns:p="urn:p"><q:x>1</q:x></p:n>)",                  // an undeclared prefix
             R"(<p:n xmlns:p="urn:p">1</p:n><p:n xmlns:p="urn:p">2</p:n>)", // two roots
         }) {
        auto o = judge(answered(bad), model::subject::xpath, "/p:n", {{"exists", true}}, with_ns());
        CHECK_MESSAGE(!o.passed, bad);
        CHECK_MESSAGE(o.explanation.find("not well-formed XML") != std::string::npos,
                      o.explanation);
    }
    CHECK_FALSE(schema::xml_not_well_formed(R"(<p:n xmlns:p="urn:p">1</p:n>)"));
}

TEST_CASE("xml reading: an element with more attributes than the limit is refused before "
          "libxml2 reads it") {
    std::string many = "<n";
    for (int i = 0; i < 80'000; ++i)
        many += " a" + std::to_string(i) + "=\"1\"";
    many += "/>";
    check::schema_set s;
    auto o = judge(answered(many), model::subject::xpath, "/n", {{"exists", true}}, s);
    CHECK_FALSE(o.passed);
    CHECK(o.explanation.find("an element holds more than 256 attributes") != std::string::npos);
    s.xml_limits.max_attributes_per_element = 100'000;
    s.xml_limits.max_attributes = 1000;
    o = judge(answered(many), model::subject::xpath, "/n", {{"exists", true}}, s);
    CHECK(o.explanation.find("it holds more than 1000 attributes") != std::string::npos);
}

TEST_CASE("soap: the envelope and its fault are found by namespace URI and the request's "
          "version") {
    const std::string fault11 =
        "<s:Fault><faultcode>s:Client</faultcode><faultstring>no</faultstring></s:Fault>";
    auto conformant = answered(envelope(soap11, fault11));
    soap11_request(conformant);
    CHECK(judge(conformant, model::subject::soap_fault, "code", {{"matches", ":Client$"}}, {})
              .passed);
    // A made-up namespace is no SOAP envelope.
    auto made_up = answered(envelope("urn:not-soap", fault11));
    soap11_request(made_up);
    auto o = judge(made_up, model::subject::soap_fault, "code", {{"matches", ":Client$"}}, {});
    CHECK_FALSE(o.passed);
    CHECK(o.explanation.find("not a SOAP Envelope") != std::string::npos);
    // SOAP 1.2's envelope answering a SOAP 1.1 request.
    auto other_version = answered(
        envelope(soap12, "<s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code></s:Fault>"));
    soap11_request(other_version);
    o = judge(other_version, model::subject::soap_fault, "code", {{"exists", true}}, {});
    CHECK_FALSE(o.passed);
    CHECK(o.explanation.find("SOAP 1.2 envelope, but the request was SOAP 1.1") !=
          std::string::npos);
    // A fault sent as text/plain is not a SOAP message.
    auto plain = answered(envelope(soap11, fault11), "text/plain");
    soap11_request(plain);
    o = judge(plain, model::subject::soap_fault, "code", {{"exists", true}}, {});
    CHECK_FALSE(o.passed);
    CHECK(o.explanation.find("not labelled as XML") != std::string::npos);
    // SOAP 1.1's fault children are unqualified: a faultcode in the envelope's namespace is
    // not one.
    auto qualified =
        answered(envelope(soap11, "<s:Fault><s:faultcode>s:Client</s:faultcode></s:Fault>"));
    soap11_request(qualified);
    CHECK_FALSE(
        judge(qualified, model::subject::soap_fault, "code", {{"matches", ":Client$"}}, {}).passed);
}
