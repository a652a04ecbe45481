// Requests as a step describes them, rendered: SOAP envelopes and repeated query parameters.
#include "request_builder.hpp"

#include <boost/url/parse.hpp>
#include <doctest/doctest.h>
#include <functional>

using namespace konform;
using run::detail::build_request;

TEST_CASE("request: a SOAP 1.2 request carries its action in the content type") {
    model::request_spec spec;
    spec.method = "POST";
    spec.path = "/cpr";
    spec.soap = model::request_spec::soap_message{"1.2", "urn:x/{{op}}", "<h:Ctx>{{who}}</h:Ctx>",
                                                  "<p:Lookup>{{pnr}}</p:Lookup>"};
    run::variables vars{{"op", "Lookup"}, {"who", "a&b"}, {"pnr", "0101<60>"}};
    const auto req = build_request(spec, vars, "https://sp.test");
    CHECK(*http::find_header(req.headers, "Content-Type") ==
          "application/soap+xml; charset=utf-8; action=\"urn:x/Lookup\"");
    CHECK_FALSE(http::find_header(req.headers, "SOAPAction"));
    CHECK(req.body == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope "
                      "xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Header><h:Ctx>"
                      "a&amp;b</h:Ctx></soap:Header><soap:Body><p:Lookup>0101&lt;60&gt;</p:Lookup>"
                      "</soap:Body></soap:Envelope>");
    // An action that would break the header is refused, never sent.
    vars["op"] = "x\"; evil=\"1";
    CHECK_THROWS_AS(build_request(spec, vars, "https://sp.test"), run::template_error);
}

TEST_CASE("request: a SOAP 1.1 request sends SOAPAction, also when it is empty") {
    model::request_spec spec;
    spec.method = "POST";
    spec.path = "/cpr";
    spec.soap = model::request_spec::soap_message{"1.1", "", "", "<p:Lookup/>"};
    const auto req = build_request(spec, {}, "https://sp.test");
    CHECK(*http::find_header(req.headers, "SOAPAction") == "\"\"");
    CHECK(*http::find_header(req.headers, "Content-Type") == "text/xml; charset=utf-8");
    CHECK(req.body.find("<soap:Header>") == std::string::npos);
}

TEST_CASE("request: a query value that is one placeholder giving an array repeats the parameter") {
    model::request_spec spec;
    spec.path = "/o";
    spec.query = {{"uuid", "{{ids}}"}, {"n", "{{n}}"}};
    run::variables vars{{"ids", nlohmann::json::array({"a", "b c"})}, {"n", 3}};
    CHECK(build_request(spec, vars, "http://h").url == "http://h/o?uuid=a&uuid=b%20c&n=3");
}

TEST_CASE("request: a captured value with [ ] or a stray % in the path still makes a valid URL") {
    model::request_spec spec;
    spec.method = "GET";
    spec.path = "/things/{{id}}";
    run::variables vars{{"id", "a[1]%zz%41"}};
    auto req = build_request(spec, vars, "http://127.0.0.1:8080");
    CHECK(req.url == "http://127.0.0.1:8080/things/a%5B1%5D%25zz%41");
    CHECK(boost::urls::parse_uri(req.url).has_value());
    // An IPv6 host keeps its brackets.
    req = build_request(spec, {{"id", "x"}}, "http://[::1]:8080");
    CHECK(req.url == "http://[::1]:8080/things/x");
}

TEST_CASE("request: a GraphQL request sends its query as written, its variables rendered and "
          "a cursor as the system gave it") {
    model::request_spec spec;
    spec.method = "POST";
    spec.path = "/graphql";
    model::request_spec::graphql_message g;
    g.query = "query Q($id: String) { a(id: $id) { b }}";
    g.variables = {{"id", "{{id}}"}, {"n", "{{n | int}}"}};
    g.operation = "Q";
    g.paging_variables.emplace_back("after", "{{id}}"); // a cursor is never a template
    spec.graphql = g;
    run::variables vars{{"id", "x1"}, {"n", "3"}};
    auto req = build_request(spec, vars, "http://h");
    const auto body = nlohmann::json::parse(req.body);
    CHECK(body["query"] == g.query);
    CHECK(body["operationName"] == "Q");
    CHECK(body["variables"] == nlohmann::json{{"id", "x1"}, {"n", 3}, {"after", "{{id}}"}});
    CHECK(*http::find_header(req.headers, "Content-Type") == "application/json");
    CHECK(*http::find_header(req.headers, "Accept") ==
          "application/graphql-response+json, application/json;q=0.9");
    // The step's own Accept stands alone.
    spec.headers.emplace_back("accept", "application/json");
    req = build_request(spec, vars, "http://h");
    int accepts = 0;
    for (const auto& [k, v] : req.headers)
        accepts += k == "Accept" || k == "accept";
    CHECK(accepts == 1);
}

TEST_CASE("request: one that names a generator does not build alike twice; one of variables "
          "does") {
    model::request_spec spec;
    spec.path = "/items/{{id}}";
    spec.headers = {{"Authorization", "Bearer {{token}}"}};
    spec.json_body = nlohmann::json{{"name", "{{name | upper}}"}, {"n", 1}};
    CHECK(run::detail::builds_alike(spec));
    for (auto change : std::vector<std::function<void(model::request_spec&)>>{
             [](auto& s) { s.path = "/items/{{$uuid}}"; },
             [](auto& s) {
                 s.query = {{"at", "{{ $now }}"}};
             },
             [](auto& s) {
                 s.headers.push_back({"X-Request-Id", "{{$random}}"});
             },
             [](auto& s) {
                 s.json_body = nlohmann::json{{"ids", {"{{$uuid}}"}}};
             },
             [](auto& s) { s.text_body = "sent {{$timestamp}}"; },
             [](auto& s) {
                 s.soap = model::request_spec::soap_message{"1.1", "", "", "<d>{{$today}}</d>"};
             }}) {
        model::request_spec changed = spec;
        change(changed);
        CHECK_FALSE(run::detail::builds_alike(changed));
    }
    spec.text_body = "costs $5 {{amount}}"; // a dollar outside a placeholder is text
    CHECK(run::detail::builds_alike(spec));
}
