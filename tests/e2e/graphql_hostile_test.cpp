// GraphQL answers are hostile input like any other: cursors that never end or come back,
// huge errors arrays with escape sequences, an introspection answer past the limits, errors
// where data was expected. Each gets a fail with a plain explanation, never a hang.
#include "e2e_support.hpp"
#include "server/http_server.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace konform;
using nlohmann::json;

namespace {

const std::string bin = KONFORM_BINARY;

// A profile with one GraphQL test case per hostile answer, all against `/graphql`.
void write_profile(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir / "testcases");
    std::ofstream(dir / "schema.graphql") << R"(
        type Query { items(first: Int, after: String): Conn }
        type Conn { nodes: [Item!], pageInfo: PageInfo! }
        type Item { id: String! }
        type PageInfo { hasNextPage: Boolean!, endCursor: String }
    )";
    json profile{
        {"id", "hostile.graphql"},
        {"version", "1.0.0"},
        {"title", "Hostile GraphQL answers"},
        {"classes", json::array({{{"id", "core"}, {"title", "all"}, {"mandatory", true}}})},
        {"schemas", {{"s", "schema.graphql"}}},
        {"requirements", json::array()},
        {"testcases", json::array({"testcases/*.json"})}};
    auto add = [&](const std::string& id, json steps) {
        profile["requirements"].push_back(
            {{"id", id}, {"class", "core"}, {"level", "MUST"}, {"text", id}, {"ref", "test"}});
        std::ofstream(dir / "testcases" / (id + ".json")) << json{
            {"id", "TC-" + id},
            {"title", id},
            {"class", "core"},
            {"verifies", {id}},
            {"steps", steps}}.dump();
    };
    const json paged_request{
        {"method", "POST"},
        {"path", "/graphql"},
        {"graphql",
         {{"query", "query($after: String) { items(first: 2, after: $after) "
                    "{ nodes { id } pageInfo { hasNextPage endCursor } } }"}}}};
    const json rows{{"data", "/items/nodes"},
                    {"rows", {{"expected", json::array({{{"id", "a"}}})}, {"key", "id"}}}};
    for (const char* id : {"ENDLESS", "REPEATS"})
        add(id,
            json::array(
                {{{"request", paged_request},
                  {"pages", {{"cursor", "after"}, {"page_info", "/items/pageInfo"}, {"max", 50}}},
                  {"expect", json::array({rows})}}}));
    add("ERRORS",
        json::array({{{"request",
                       {{"method", "POST"},
                        {"path", "/graphql"},
                        {"graphql", {{"query", "{ items { nodes { id } } }"}}}}},
                      {"expect", json::array({{{"data", "/items/nodes"}, {"count", 1}}})}}}));
    add("SCHEMA",
        json::array(
            {{{"request",
               {{"method", "POST"}, {"path", "/graphql"}, {"graphql", {{"introspection", true}}}}},
              {"expect", json::array({{{"schema", "s"}}})}}}));
    std::ofstream(dir / "profile.json") << profile.dump();
}

reference::server_response hostile(const reference::server_request& req, int& requests) {
    ++requests;
    const json body = json::parse(req.body, nullptr, false);
    const std::string query = body.value("query", "");
    const json vars = body.value("variables", json::object());
    // The two large answers are made once: under the sanitizers, making them per request
    // would take longer than the exchange may.
    static const std::string schema_answer = [] {
        json types =
            json::array({{{"kind", "OBJECT"}, {"name", "Query"}, {"fields", json::array()}}});
        for (int i = 0; i < 30000; ++i) // 30,000 types
            types.push_back({{"kind", "SCALAR"}, {"name", "T" + std::to_string(i)}});
        return json{
            {"data", {{"__schema", {{"queryType", {{"name", "Query"}}}, {"types", types}}}}}}
            .dump();
    }();
    static const std::string errors_answer = [] {
        json errors = json::array(); // 100,000 errors, escape sequences in them
        for (int i = 0; i < 100000; ++i)
            errors.push_back({{"message", "bad \x1b[31mred\x1b[0m " + std::to_string(i)}});
        return json{{"errors", errors}, {"data", nullptr}}.dump();
    }();
    if (query.find("__schema") != std::string::npos)
        return reference::server_response::json(200, schema_answer);
    if (query.find("first: 2") == std::string::npos)
        return reference::server_response::json(200, errors_answer);
    // Paging: `endless` gives a new cursor every time; `repeats` gives the same one twice.
    const std::string after = vars.value("after", "");
    const bool repeats = req.query.size() == 0 && req.target.find("repeats") != std::string::npos;
    const int n = after.empty() ? 0 : std::stoi(after.substr(1)) + 1;
    const std::string next = repeats ? "c0" : "c" + std::to_string(n);
    return reference::server_response::json(
        200, json{{"data",
                   {{"items",
                     {{"nodes", json::array({{{"id", "x" + std::to_string(n)}}})},
                      {"pageInfo", {{"hasNextPage", true}, {"endCursor", next}}}}}}}}
                 .dump());
}

json failures_of(const json& report, const std::string& tc) {
    for (const auto& t : report["testcases"])
        if (t["id"] == tc) return t;
    return nullptr;
}

} // namespace

TEST_CASE("graphql: hostile answers fail with a plain explanation, bounded, never a hang") {
    test::temp_dir tmp;
    write_profile(tmp.path / "p");
    int requests = 0;
    reference::http_server server(0, [&](const reference::server_request& r) {
        reference::server_request copy = r;
        if (copy.path == "/repeats/graphql") copy.target += "?repeats";
        return hostile(copy, requests);
    });
    server.start();
    std::string out;
    for (const std::string prefix : {"", "/repeats"}) {
        CAPTURE(prefix);
        const auto target = tmp.path / "target.json";
        std::ofstream(target) << json{{"base_url", server.base_url() + prefix},
                                      {"limits",
                                       {{"read_timeout_ms", 120000}, {"total_timeout_ms", 240000}}}}
                                     .dump();
        const auto dir = tmp.path / ("out" + std::to_string(prefix.size()));
        const int rc =
            test::shell(bin + " run --profile '" + (tmp.path / "p").string() + "' --target '" +
                            target.string() + "' --out '" + dir.string() + "' 2>&1",
                        &out);
        CHECK_MESSAGE(rc == 1, out);
        CHECK(out.find("\x1b[31m") == std::string::npos); // escape sequences shown, not obeyed
        const json report = json::parse(test::read_text(dir / "report.json"));
        const std::string text = report.dump();
        CAPTURE(out.substr(0, 3000));
        if (prefix.empty()) {
            CHECK(text.find("no last page after 50 pages") != std::string::npos);
            CHECK(text.find("the answer holds errors (100000): bad \\\\x1b[31mred") !=
                  std::string::npos);
            CHECK(text.find("more than the 20000 konform reads") != std::string::npos);
            CHECK(test::read_text(dir / "report.json").size() < 2'000'000);
        } else {
            CHECK(text.find("came back: the pages would never end") != std::string::npos);
        }
    }
    CHECK(requests < 200); // 50 pages at most, plus the rest
}

TEST_CASE("graphql: offset paging counts a variable up until an empty page, and the records "
          "of every page are judged together") {
    test::temp_dir tmp;
    const auto dir = tmp.path / "p";
    std::filesystem::create_directories(dir / "testcases");
    std::ofstream(dir / "schema.graphql")
        << "type Query { items(offset: Int, limit: Int): [Item!]! } type Item { id: String! }";
    json expected = json::array();
    for (int i = 0; i < 23; ++i)
        expected.push_back({{"id", "r" + std::to_string(i)}});
    std::ofstream(dir / "profile.json") << json{
        {"id", "offset.graphql"},
        {"version", "1.0.0"},
        {"title", "Offset paging"},
        {"classes", json::array({{{"id", "core"}, {"title", "all"}, {"mandatory", true}}})},
        {"schemas", {{"s", "schema.graphql"}}},
        {"requirements", json::array({{{"id", "R"},
                                       {"class", "core"},
                                       {"level", "MUST"},
                                       {"text", "all"},
                                       {"ref", "test"}}})},
        {"testcases",
         json::array({"testcases/*.json"})}}.dump();
    std::ofstream(dir / "testcases/t.json")
        << json{{"id", "TC-R"},
                {"title", "every item"},
                {"class", "core"},
                {"verifies", {"R"}},
                {"steps",
                 json::array(
                     {{{"request",
                        {{"method", "POST"},
                         {"path", "/graphql"},
                         {"graphql",
                          {{"query", "query($offset: Int) { items(offset: $offset, limit: "
                                     "10) { id } }"}}}}},
                       {"pages", {{"variable", "offset"}, {"from", 0}, {"step", 10}}},
                       {"expect",
                        json::array({{{"data", "/items"},
                                      {"rows", {{"expected", expected}, {"key", "id"}}}}})}}})}}
               .dump();
    std::vector<int> offsets;
    int skip_one = 0; // 1: the system leaves record r15 out
    reference::http_server server(0, [&](const reference::server_request& r) {
        const json body = json::parse(r.body);
        const int offset = body["variables"].value("offset", -1);
        offsets.push_back(offset);
        json items = json::array();
        for (int i = offset; i >= 0 && i < offset + 10 && i < 23; ++i)
            if (!(skip_one && i == 15)) items.push_back({{"id", "r" + std::to_string(i)}});
        return reference::server_response::json(200, json{{"data", {{"items", items}}}}.dump());
    });
    server.start();
    const auto target = tmp.path / "target.json";
    std::ofstream(target) << json{{"base_url", server.base_url()}}.dump();
    std::string out;
    const std::string run = bin + " run --profile '" + dir.string() + "' --target '" +
                            target.string() + "' --force --out '" + (tmp.path / "o").string() +
                            "' 2>&1";
    CHECK_MESSAGE(test::shell(run, &out) == 0, out);
    CHECK(offsets == std::vector<int>{0, 10, 20, 30}); // the fourth page is empty
    skip_one = 1;
    CHECK(test::shell(run, &out) == 1);
    CHECK(out.find("id=r15") != std::string::npos);
}
