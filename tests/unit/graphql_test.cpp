// konform's own GraphQL parser (SDL and queries), introspection, schema conformance and
// query validation.
#include "fuzz_targets.hpp"
#include "konform/graphql/conformance.hpp"
#include "konform/graphql/introspection.hpp"
#include "konform/graphql/parser.hpp"
#include "konform/graphql/validate.hpp"
#include "konform/util/file.hpp"

#include <doctest/doctest.h>
#include <random>

using namespace konform::graphql;

namespace {

std::string spec_sdl() {
    return konform::util::read_file(std::string(KONFORM_SOURCE_DIR) +
                                    "/tests/fuzz/corpus/graphql/spec-sdl.graphql");
}

// The error a document gets, as "line:column: what".
std::string sdl_error(const std::string& text) {
    try {
        parse_schema(text);
    } catch (const syntax_error& e) {
        return e.what();
    }
    return "(parsed)";
}

std::string query_error(const std::string& text) {
    try {
        parse_executable(text);
    } catch (const syntax_error& e) {
        return e.what();
    }
    return "(parsed)";
}

std::vector<std::string> findings(const std::string& standard, const std::string& system,
                                  const std::vector<std::string>& types = {}) {
    std::vector<std::string> out;
    for (const auto& f : compare_schemas(parse_schema(standard), parse_schema(system), types))
        out.push_back(f.where + ": " + f.what);
    return out;
}

std::vector<std::string> problems(const std::string& sdl, const std::string& query) {
    std::vector<std::string> out;
    for (const auto& p : validate(parse_executable(query), parse_schema(sdl)))
        out.push_back(std::to_string(p.at.line) + ":" + std::to_string(p.at.column) + ": " +
                      p.what);
    return out;
}

} // namespace

TEST_CASE("graphql: the specification's type system examples parse into their types") {
    const schema s = parse_schema(spec_sdl());
    REQUIRE(s.type("Person"));
    const type_definition& person = *s.type("Person");
    CHECK(person.kind == type_kind::object);
    CHECK(person.interfaces == std::vector<std::string>{"NamedEntity", "ValuedEntity"});
    REQUIRE(person.field("picture"));
    CHECK(person.field("picture")->argument("size")->default_value == "50");
    CHECK(person.field("nickname")); // from `extend type`
    CHECK(s.type("SearchResult")->members == std::vector<std::string>{"Person", "Business"});
    CHECK(s.type("Direction")->enum_values.size() == 4);
    CHECK(s.type("Point2D")->kind == type_kind::input_object);
    CHECK(s.type("Query")->field("search")->type.text() == "[SearchResult!]!");
    CHECK(s.type("Query")->field("search")->argument("term")->required());
    CHECK_FALSE(s.type("Query")->field("search")->argument("near")->required());
    CHECK(s.type("Url")->kind == type_kind::scalar);
    CHECK(s.type("String")); // built in
}

TEST_CASE("graphql: a document that is not SDL is refused with its line and column") {
    CHECK(sdl_error("type Query {\n  a: \n}") == "3:1: expected a type, found '}'");
    CHECK(sdl_error("type Query { a: String }\ntype Query { b: Int }") ==
          "2:1: the type Query is defined twice");
    CHECK(sdl_error("type Query { a: \"open }") == "1:24: a string is not closed on its line");
    CHECK(sdl_error("type Query { a(x: Int = 0123): Int }") ==
          "1:25: a number does not start with 0");
    CHECK(sdl_error("query { a }") == "1:1: a schema holds no query");
    CHECK(sdl_error("extend type Nope { a: Int }") ==
          "1:1: extends Nope, which is not defined as a OBJECT");
    CHECK(sdl_error("type Query { a: Int }\n\x01") == "2:1: unexpected byte 0x01");
    CHECK(sdl_error("schema { query: Root }") == "1:1: the query type Root is not defined");
    // Nesting is bounded: no stack overflow on a hostile document.
    CHECK(sdl_error("type Query { a: " + std::string(100000, '[') + "Int }")
              .find("nested deeper than 128") != std::string::npos);
}

TEST_CASE("graphql: queries parse with variables, aliases, fragments and escapes") {
    const auto doc = parse_executable(R"(
        query Adresse($id: String!, $t: DafDateTime = "2026-01-01T00:00:00Z") {
          first: DAR_Adresse(where: {id_lokalId: {eq: $id}}, first: 10) {
            nodes { ...A }
            pageInfo { hasNextPage endCursor }
          }
        }
        fragment A on DAR_Adresse { id_lokalId doerbetegnelse }
        mutation M { touch(text: "S\u00f8ren \"\\\" p\u00e5 \u00c6r\u00f8") }
    )");
    REQUIRE(doc.operations.size() == 2);
    const operation& op = *doc.find("Adresse");
    CHECK(op.variables.size() == 2);
    CHECK(op.variables[0].type.text() == "String!");
    CHECK(op.selections[0].alias == "first");
    CHECK(op.selections[0].name == "DAR_Adresse");
    CHECK(op.selections[0].arguments[0].val.items[0].first == "id_lokalId");
    CHECK(doc.fragments.count("A"));
    CHECK(doc.find("M")->selections[0].arguments[0].val.text == "Søren \"\\\" på Ærø");
    CHECK(doc.find("") == nullptr); // two operations: one must be named
    CHECK(query_error("{ a } { b }") == "1:1: an anonymous operation must be the only one");
    CHECK(query_error("query { a(x: ) }") == "1:14: expected a value, found ')'");
    CHECK(query_error("query { a { b }") == "1:16: expected '}', found the end of the document");
    CHECK(query_error("type Query { a: Int }") ==
          "1:1: expected query, mutation, subscription or fragment, found 'type'");
    CHECK(query_error("{ a(x: {k: 1, k: 2}) }") == "1:15: the object names k twice");
}

TEST_CASE("graphql: a schema read back from its own introspection answer is the same schema") {
    const schema s = parse_schema(spec_sdl());
    const schema back = from_introspection(to_introspection(s));
    CHECK(compare_schemas(s, back).empty());
    CHECK(back.type("Query")->field("search")->type.text() == "[SearchResult!]!");
    CHECK(back.type("SearchResult")->members.size() == 2);
    CHECK(introspection_query().find("includeDeprecated: true") != std::string::npos);
    // An answer past the limits, or without a schema, is refused with a reason.
    introspection_limits small;
    small.max_types = 5;
    CHECK_THROWS_WITH(from_introspection(to_introspection(s), small),
                      doctest::Contains("more than the 5 konform reads"));
    CHECK_THROWS_WITH(from_introspection(nlohmann::json::parse(R"({"data": null})")),
                      doctest::Contains("no data.__schema"));
    auto deep = nlohmann::json::parse(R"({"kind": "NAMED", "name": "Int"})");
    for (int i = 0; i < 40; ++i)
        deep = {{"kind", "LIST"}, {"name", nullptr}, {"ofType", deep}};
    auto answer = to_introspection(parse_schema("type Query { a: Int }"));
    for (auto& t : answer["__schema"]["types"])
        if (t["name"] == "Query") t["fields"][0]["type"] = deep;
    CHECK_THROWS_WITH(from_introspection(answer), doctest::Contains("wrapped more than 16 times"));
}

TEST_CASE("graphql conformance: what the system lacks or types differently, additions accepted") {
    const std::string standard = R"(
        type Query { adresse(id: ID!, first: Int): Adresse, liste(where: Filter): [Adresse!]! }
        type Adresse { id: ID!, status: Status!, etage: String }
        enum Status { GAELDENDE NEDLAGT }
        input Filter { eq: String, startsWith: String }
    )";
    // The same schema, with additions and a stricter output type: it conforms.
    CHECK(findings(standard, R"(
        type Root { adresse(id: ID!, first: Int, extra: Boolean): Adresse, liste(where: Filter): [Adresse!]!, more: Int }
        schema { query: Root }
        type Adresse { id: ID!, status: Status!, etage: String!, doer: String }
        enum Status { GAELDENDE NEDLAGT HENLAGT }
        input Filter { eq: String, startsWith: String, in: [String!] }
    )")
              .empty());
    const auto f = findings(standard, R"(
        type Query { adresse(id: ID!, first: Int!): Adresse, liste(where: Filter, tid: String!): [Adresse]! }
        type Adresse { id: ID!, status: Status }
        enum Status { GAELDENDE }
        input Filter { eq: String }
    )");
    const std::vector<std::string> expected{
        "Query.adresse(first): the standard makes first optional (Int), the system requires it "
        "(Int!)",
        "Query.liste: the standard's type is [Adresse!]!, the system's is [Adresse]!",
        "Query.liste(tid): the system requires tid (String!), which the standard does not have",
        "Adresse.status: the standard's type is Status!, the system's is Status (nullable where "
        "the standard is not)",
        "Adresse.etage: the field etage: String is missing",
        "Status.NEDLAGT: the enum value NEDLAGT is missing",
        "Filter(startsWith): the input field startsWith: String is missing"};
    for (const auto& e : expected)
        CHECK_MESSAGE(std::find(f.begin(), f.end(), e) != f.end(), e);
    CHECK(f.size() == expected.size());
    // Per requirement: only the types it names.
    CHECK(findings(standard, "type Query { a: Int }", {"Status"}) ==
          std::vector<std::string>{"Status: the type Status (ENUM) is missing"});
    CHECK(findings(standard, "type Query { a: Int } scalar Status", {"Status"}) ==
          std::vector<std::string>{
              "Status: the standard's Status is ENUM, the system's Status is SCALAR"});
}

TEST_CASE("graphql lint: each query checked against the schema it is written for") {
    const std::string sdl = R"(
        type Query { adresse(where: Filter, first: Int, id: ID!): Conn }
        type Conn { nodes: [Adresse!]!, pageInfo: PageInfo! }
        type PageInfo { hasNextPage: Boolean!, endCursor: String }
        type Adresse { id: ID!, etage: String }
        input Filter { eq: String }
    )";
    CHECK(problems(sdl, "query($id: ID!) { adresse(id: $id) { nodes { id etage __typename } } }")
              .empty());
    const auto p = problems(sdl, R"(query($x: Nope) {
  adresse(first: 1, wrong: 2, where: {eq: "a", ne: "b"}) {
    nodes { idd }
    pageInfo
    total { n }
  }
  z: adresse(id: $undefined) { nodes { etage { a } } }
})");
    const std::vector<std::string> expected{
        "1:7: the variable $x has an unknown type Nope",
        "2:21: Query.adresse has no argument wrong",
        "2:52: Filter has no input field ne",
        "2:3: Query.adresse needs its argument id: ID!",
        "3:13: Adresse has no field idd",
        "4:5: Conn.pageInfo is a PageInfo: it needs a selection of its fields",
        "5:5: Conn has no field total",
        "7:18: the variable $undefined is not defined by the operation",
        "7:40: Adresse.etage is a String and takes no selection"};
    CHECK(p == expected);
}

TEST_CASE("graphql: random damage to a schema and a query never crashes the parser") {
    const std::string seed = spec_sdl() + std::string(1, '\0') +
                             konform::util::read_file(std::string(KONFORM_SOURCE_DIR) +
                                                      "/tests/fuzz/corpus/graphql/query.bin");
    std::mt19937 rng(2026);
    int parsed = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string s = seed;
        for (int edits = 1 + static_cast<int>(rng() % 4); edits > 0 && !s.empty(); --edits) {
            const std::size_t at = rng() % s.size();
            switch (rng() % 3) {
            case 0:
                s[at] = static_cast<char>(rng() % 256);
                break;
            case 1:
                s.erase(at, 1 + rng() % 8);
                break;
            default:
                s.insert(at, std::string(1 + rng() % 3, "{}[]()!:$@\"#.\\"[rng() % 14]));
            }
        }
        CHECK(konform::fuzz::graphql(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()) ==
              0);
        try {
            parse_schema(s.substr(0, s.find('\0')));
            ++parsed;
        } catch (const syntax_error&) {
        }
    }
    CHECK(parsed > 0); // some damage leaves SDL, so the round trip is exercised too
}
