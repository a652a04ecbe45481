// The pure check layer: one assertion or capture against one finished exchange.
#include "konform/check/assertion.hpp"

#include <doctest/doctest.h>

using namespace konform;
using nlohmann::json;

namespace {

http::exchange answered(int status, std::string body, http::header_list headers = {}) {
    http::exchange x;
    x.req.url = "http://127.0.0.1:1/x";
    http::response r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = std::move(body);
    x.resp = r;
    x.time.total = 12.5;
    return x;
}

model::assertion on(model::subject what, std::string selector, json predicates) {
    model::assertion a;
    a.what = what;
    a.selector = std::move(selector);
    a.predicates = std::move(predicates);
    return a;
}

check::outcome judge(const http::exchange& x, const model::assertion& a,
                     const check::schema_set& schemas = {}) {
    check::response_view view(x, schemas);
    return check::evaluate(a, view, schemas);
}

} // namespace

TEST_CASE("assertion: status, header, JSON Pointer, body and duration") {
    auto x =
        answered(201, R"({"id": "a1", "items": [1, 2]})", {{"Content-Type", "application/json"}});
    CHECK(judge(x, on(model::subject::status, "", {{"equals", 201}})).passed);
    auto wrong = judge(x, on(model::subject::status, "", {{"equals", 200}}));
    CHECK_FALSE(wrong.passed);
    CHECK(wrong.expected == "status equals 200");
    CHECK(wrong.actual == "201");
    CHECK(judge(x, on(model::subject::header, "content-type", {{"matches", "^application/json"}}))
              .passed);
    CHECK_FALSE(judge(x, on(model::subject::header, "Location", {{"exists", true}})).passed);
    CHECK(judge(x, on(model::subject::json, "/items", {{"count", 2}})).passed);
    CHECK(judge(x, on(model::subject::json, "/id", {{"equals", "a1"}})).passed);
    CHECK_FALSE(judge(x, on(model::subject::json, "/missing", {{"exists", true}})).passed);
    CHECK(judge(x, on(model::subject::body, "", {{"contains", "items"}})).passed);
    CHECK(judge(x, on(model::subject::duration, "", {{"lt", 100}})).passed);
    CHECK_FALSE(judge(x, on(model::subject::duration, "", {{"lt", 10}})).passed);
}

TEST_CASE("assertion: a JSON Pointer that names nothing says what is there instead") {
    auto x = answered(200, R"({"results": [{"id": "a1", "navn": "x"}], "total": 1})",
                      {{"Content-Type", "application/json"}});
    auto o = judge(x, on(model::subject::json, "/results/0/name", {{"equals", "x"}}));
    CHECK_FALSE(o.passed);
    CHECK(o.explanation.find("at /results/0 the keys are: id, navn") != std::string::npos);
    o = judge(x, on(model::subject::json, "/result/0", {{"exists", true}}));
    CHECK(o.explanation.find("at the top level the keys are: results, total") != std::string::npos);
    o = judge(x, on(model::subject::json, "/results/3/id", {{"exists", true}}));
    CHECK(o.explanation.find("at /results there is an array of 1") != std::string::npos);
    // A pointer that names something gives no hint.
    o = judge(x, on(model::subject::json, "/total", {{"equals", 2}}));
    CHECK(o.explanation.find("the keys are") == std::string::npos);
}

TEST_CASE("assertion: refused holds for 401 and 403 and fails for a served client") {
    const auto refused = on(model::subject::refused, "", json::object());
    CHECK(judge(answered(401, ""), refused).passed);
    CHECK(judge(answered(403, ""), refused).passed);
    const auto served = judge(answered(200, "{}"), refused);
    CHECK_FALSE(served.passed);
    CHECK(served.actual == "answered 200");
    CHECK(served.explanation == "the system served a client it should have refused");
    CHECK_FALSE(judge(answered(404, ""), refused).passed);
}

TEST_CASE("assertion: a body that is not JSON fails with the reason") {
    auto x = answered(200, "<html>oops</html>");
    auto o = judge(x, on(model::subject::json, "/id", {{"exists", true}}));
    CHECK_FALSE(o.passed);
    CHECK(o.actual == "(no JSON body)");
    CHECK_FALSE(o.explanation.empty());
}

TEST_CASE("assertion: XPath with declared prefixes, whatever prefixes the answer uses") {
    check::schema_set schemas;
    schemas.namespaces = {{"g", "urn:g"}};
    auto x = answered(200, R"(<a:R xmlns:a="urn:g"><a:Text>Hej</a:Text></a:R>)");
    CHECK(judge(x, on(model::subject::xpath, "/g:R/g:Text", {{"equals", "Hej"}}), schemas).passed);
    CHECK_FALSE(
        judge(x, on(model::subject::xpath, "/g:R/g:Text", {{"equals", "Hi"}}), schemas).passed);
}

TEST_CASE("assertion: a schema the profile does not declare fails, never passes") {
    auto x = answered(200, "{}");
    auto o = judge(x, on(model::subject::schema, "nope", json::object()));
    CHECK_FALSE(o.passed);
    CHECK(o.actual == "(unknown schema)");
}

TEST_CASE("capture: from JSON, a header and the body with a regex group") {
    auto x = answered(200, R"({"uuid": "u-1", "n": 3})", {{"Location", "/things/42"}});
    const check::schema_set none;
    check::response_view view(x, none);
    model::capture c;
    c.variable = "id";
    c.source = model::capture::from::json;
    c.selector = "/n";
    auto v = check::extract(c, view);
    REQUIRE(v);
    CHECK(*v == 3); // the JSON value keeps its type
    c.source = model::capture::from::header;
    c.selector = "Location";
    c.regex = "/things/(\\d+)";
    v = check::extract(c, view);
    REQUIRE(v);
    CHECK(*v == "42");
    c.source = model::capture::from::json;
    c.selector = "/absent";
    c.regex.reset();
    auto missing = check::extract(c, view);
    REQUIRE_FALSE(missing);
    CHECK(missing.error() ==
          "the response has no value at /absent; at the top level the keys are: n, uuid");
}

TEST_CASE("capture: a regex anchors the whole value, not a line of it") {
    auto x = answered(200, "", {{"Location", "evil\n/things/42"}});
    const check::schema_set none;
    check::response_view view(x, none);
    model::capture c;
    c.variable = "id";
    c.source = model::capture::from::header;
    c.selector = "Location";
    c.regex = "^/things/(\\d+)$";
    CHECK_FALSE(check::extract(c, view));
}

TEST_CASE("assertion: a GraphQL answer's data and errors, and the rule that errors fail data") {
    const auto ok = answered(200, R"({"data": {"a": {"nodes": [1, 2]}}})");
    CHECK(judge(ok, on(model::subject::data, "/a/nodes", {{"count", 2}})).passed);
    // An answer without a member: every pointer into it names nothing.
    CHECK(judge(ok, on(model::subject::errors, "", {{"absent", true}})).passed);
    CHECK_FALSE(judge(ok, on(model::subject::errors, "", {{"exists", true}})).passed);
    const auto failed = answered(200, R"({"errors": [{"message": "no \u001b[31m"}, {}, {}, {}]})");
    CHECK(judge(failed, on(model::subject::data, "", {{"absent", true}})).passed == false);
    auto tolerated = on(model::subject::data, "", {{"absent", true}});
    tolerated.errors_expected = true;
    CHECK(judge(failed, tolerated).passed);
    // Expecting data of an answer with errors fails, saying how many and the first ones.
    const auto o = judge(answered(200, R"({"data": {"a": 1}, "errors": [{"message": "x"}]})"),
                         on(model::subject::data, "/a", {{"equals", 1}}));
    CHECK_FALSE(o.passed);
    CHECK(o.explanation.find("the answer holds errors (1): x") == 0);
    CHECK(check::graphql_errors_problem(
              *std::make_unique<check::response_view>(failed, check::schema_set{}))
              .find("\\x1b[31m; ") != std::string::npos);
}
