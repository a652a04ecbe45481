// Profile language 2 end to end: fragments, setup, loops over every kind of row source,
// typed values and the lint, run against the example reference system on 127.0.0.1.
#include "e2e_support.hpp"
#include "example/greetings.hpp"
#include "server/http_server.hpp"
#include "system.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <set>

using namespace konform;
using run::verdict;
namespace fs = std::filesystem;

namespace {

// A profile folder for the example system, written by the test.
struct language_profile {
    test::temp_dir tmp;
    language_profile() {
        fs::create_directories(tmp.path / "testcases");
        fs::create_directories(tmp.path / "fragments");
        write("profile.json", R"({
  // comments are allowed in every file konform reads
  "id": "lang2", "version": "1.0.0", "title": "Language 2",
  "classes": [{"id": "core", "title": "Core", "mandatory": true},
              {"id": "write", "title": "Write", "setup": [{"use": "create", "with": {"text": "class {{$uuid}}"}}],
               "cleanup": [{"request": {"method": "DELETE", "path": "/greetings/{{id}}"}}]}],
  "requirements": [
    {"id": "R-SEARCH", "class": "core", "level": "MUST", "text": "search"},
    {"id": "R-READ", "class": "write", "level": "MUST", "text": "read"}],
  "datasets": {"languages": {"file": "languages.csv", "types": {"min": "integer"}}},
  "parameters": {"existing_id": {"default": "6f1e2a3b-0000-4000-8000-000000000001"}},
  "fragments": ["fragments/*.json"],
  "testcases": ["testcases/*.json"]
})");
        write("languages.csv", "language,min\nda,2\nen,1\n");
        write("fragments/create.json", R"({
  "id": "create", /* a greeting, its id captured */
  "parameters": {"text": {}, "language": {"default": "da"}},
  "steps": [{"name": "create {{language}}",
             "request": {"method": "POST", "path": "/greetings", "json": {"text": "{{text}}", "language": "{{language}}"}},
             "expect": [{"status": 201}], "capture": {"id": {"json": "/id"}}}]
})");
    }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(tmp.path / name) << text;
    }
    std::vector<model::problem> lint() {
        model::diagnostics d;
        model::load_profile(tmp.path, d);
        return d.problems();
    }
};

run::run_result run_profile(const model::profile& p, test::recording_sink& sink) {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make(""));
    server.start();
    return run::run_profile(p, test::example_target(server.base_url()), {}, &sink);
}

bool has(const std::vector<model::problem>& ps, const std::string& words) {
    std::string all;
    for (const auto& p : ps) {
        if (p.to_string().find(words) != std::string::npos) return true;
        all += "\n  " + p.to_string();
    }
    MESSAGE("problems:" << all);
    return false;
}

} // namespace

TEST_CASE("language 2: every row runs, and each failing row is listed with its values") {
    language_profile lp;
    lp.write("testcases/rows.json",
             R"({"id": "T-ROWS", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "steps": [
    {"for_each": "languages", "steps": [{"name": "search {{row.language}}",
      "request": {"method": "GET", "path": "/greetings", "query": {"language": "{{row.language}}"}},
      "expect": [{"json": "/results", "count": {"ge": "{{row.min}}"}}]}]},
    {"for_each": [{"l": "da", "n": 2}, {"l": "xx", "n": 1}, {"l": "yy", "n": 1}], "as": "r",
     "steps": [{"name": "search {{r.l}}",
      "request": {"method": "GET", "path": "/greetings", "query": {"language": "{{r.l}}"}},
      "expect": [{"json": "/results", "count": {"ge": "{{r.n}}"}}]}]},
    {"name": "never reached", "request": {"method": "GET", "path": "/greetings"}, "expect": [{"status": 200}]}
  ]})");
    auto p = model::load_profile(lp.tmp.path);
    test::recording_sink sink;
    auto r = run_profile(p, sink);
    REQUIRE(r.testcases.size() == 1);
    const auto& tc = r.testcases[0];
    CHECK(tc.v == verdict::fail);
    // Both failing rows are reported, by name and values; the passing ones are not.
    REQUIRE(tc.failures.size() == 2);
    CHECK(tc.failures[0].step == "search xx");
    CHECK(tc.failures[0].row == R"(row 1: {"l":"xx","n":1})");
    CHECK(tc.failures[1].step == "search yy");
    CHECK(tc.failures[1].row == R"(row 2: {"l":"yy","n":1})");
    // Five searches ran (2 data-set rows, 3 inline rows); the step after the loop did not.
    int searches = 0;
    for (const auto& [i, s] : sink.steps)
        searches += s.name.rfind("search ", 0) == 0 && s.status ? 1 : 0;
    CHECK(searches == 5);
    CHECK(sink.steps.back().second.name == "never reached");
    CHECK(sink.steps.back().second.message.rfind("not reached", 0) == 0);
}

TEST_CASE("language 2: stop_on_failure ends the loop at the first failing row") {
    language_profile lp;
    lp.write("testcases/rows.json",
             R"({"id": "T-STOP", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "steps": [{"for_each": ["xx", "yy", "da"], "as": "l", "stop_on_failure": true, "steps": [{
      "request": {"method": "GET", "path": "/greetings", "query": {"language": "{{l}}"}},
      "expect": [{"json": "/results", "count": {"ge": 1}}]}]}]})");
    test::recording_sink sink;
    auto r = run_profile(model::load_profile(lp.tmp.path), sink);
    CHECK(r.testcases[0].v == verdict::fail);
    CHECK(r.testcases[0].failures.size() == 1);
    CHECK(sink.exchanges.size() == 1);
}

TEST_CASE("language 2: fragments and class setup create data; captures flow; cleanup removes it") {
    language_profile lp;
    lp.write("testcases/read.json",
             R"({"id": "T-READ", "title": "t", "class": "write", "verifies": ["R-READ"],
  "setup": [{"use": "create", "with": {"text": "own", "language": "en"}},
            {"name": "keep the first", "request": {"method": "GET", "path": "/greetings/{{id}}"},
             "capture": {"first": {"json": "/id"}}}],
  "steps": [
    {"name": "read {{id | slice(0, 8)}}", "request": {"method": "GET", "path": "/greetings/{{first}}"},
     "expect": [{"status": 200}, {"json": "/language", "equals": "en"}, {"json": "/text", "equals": "{{'OWN' | lower}}"}]},
    {"for_each": {"from": 1, "to": 3}, "as": "n", "steps": [
      {"use": "create", "with": {"text": "number {{n}}"}}]},
    {"request": {"method": "GET", "path": "/greetings", "query": {"language": "da"}},
     "capture": {"all": {"json": "/results"}}},
    {"for_each": "{{all | slice(0, 2)}}", "as": "g", "steps": [
      {"name": "reread {{g.id}}", "request": {"method": "GET", "path": "/greetings/{{g.id}}"}, "expect": [{"status": 200}]}]}
  ],
  "cleanup": [{"request": {"method": "DELETE", "path": "/greetings/{{first}}"}}]})");
    auto p = model::load_profile(lp.tmp.path);
    // The class's setup comes first, the class's cleanup last.
    REQUIRE(p.testcases[0].setup.size() == 3);
    REQUIRE(p.testcases[0].setup[0].use());
    CHECK(p.testcases[0].setup[0].use()->fragment == "create");
    CHECK(p.testcases[0].setup[0].inner()[0].pointer == "/classes/1/setup/0/steps/0");
    CHECK(p.testcases[0].cleanup.size() == 2);
    test::recording_sink sink;
    auto r = run_profile(p, sink);
    CHECK_MESSAGE(r.testcases[0].v == verdict::pass, r.testcases[0].reason);
    std::vector<std::string> names;
    for (const auto& [i, s] : sink.steps)
        names.push_back(s.name);
    REQUIRE(names.size() >= 8);
    CHECK(names[0] == "create da");
    CHECK(names[1] == "create en");
    CHECK(names[3].rfind("read ", 0) == 0);
    CHECK(names[3].size() == 13); // "read " + 8 characters of a uuid
    CHECK(names[4] == "create da");
    CHECK(sink.steps[0].second.setup);
    // Setup proves nothing: only the test case's own assertions count.
    CHECK(r.testcases[0].proven.at("R-READ") == verdict::pass);
    int deletes = 0;
    for (const auto& x : sink.exchanges)
        deletes += x.x.req.method == "DELETE";
    CHECK(deletes == 2); // the test case's own cleanup and the class's
}

TEST_CASE("language 2: a failing setup makes the test case inconclusive, not failed") {
    language_profile lp;
    lp.write("testcases/t.json",
             R"({"id": "T-SETUP", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "setup": [{"request": {"method": "GET", "path": "/greetings/00000000-0000-4000-8000-000000000000"}, "expect": [{"status": 200}]}],
  "steps": [{"request": {"method": "GET", "path": "/greetings"}, "expect": [{"status": 200}]}]})");
    test::recording_sink sink;
    auto r = run_profile(model::load_profile(lp.tmp.path), sink);
    CHECK(r.testcases[0].v == verdict::inconclusive);
    CHECK(r.testcases[0].proven.at("R-SEARCH") == verdict::inconclusive);
    CHECK(sink.exchanges.size() == 1);
}

TEST_CASE("language 2: where runs only the rows holding its values, and must select one") {
    language_profile lp;
    lp.write("testcases/where.json",
             R"({"id": "T-WHERE", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "steps": [
    {"for_each": "languages", "where": {"language": "en", "min": 1}, "steps": [{"name": "search {{row.language}}",
      "request": {"method": "GET", "path": "/greetings", "query": {"language": "{{row.language}}"}},
      "expect": [{"status": 200}]}]},
    {"for_each": [{"l": "da", "ok": true}, {"l": "xx", "ok": false}], "where": {"ok": true}, "steps": [{
      "name": "inline {{row.l}}", "request": {"method": "GET", "path": "/greetings"}}]}
  ]})");
    test::recording_sink sink;
    auto r = run_profile(model::load_profile(lp.tmp.path), sink);
    CHECK(r.testcases[0].v == verdict::pass);
    std::vector<std::string> ran;
    for (const auto& [i, s] : sink.steps)
        ran.push_back(s.name);
    CHECK(ran == std::vector<std::string>{"search en", "inline da"});

    // A typed column compares as its type; a value no row holds, or a column the data set
    // does not have, is found when the profile loads.
    lp.write("testcases/where.json",
             R"({"id": "T-WHERE", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "steps": [
    {"for_each": "languages", "where": {"min": "1"}, "steps": [{"request": {"method": "GET", "path": "/"}}]},
    {"for_each": "languages", "where": {"langauge": "da"}, "steps": [{"request": {"method": "GET", "path": "/"}}]}
  ]})");
    auto ps = lp.lint();
    const std::string f = (lp.tmp.path / "testcases/where.json").string();
    CHECK(has(ps, f + ":3: /steps/0/where: selects no row of data set \"languages\" "
                      "({\"min\":\"1\"}): the loop would prove nothing"));
    CHECK(has(ps, "/steps/1/where/langauge: data set \"languages\" has no column \"langauge\": "
                  "did you mean \"language\"?"));
}

TEST_CASE(
    "language 2: lint finds misspelled names, keys, filters and fragment misuse at load time") {
    language_profile lp;
    lp.write("fragments/a.json", R"({"id": "a", "steps": [{"use": "b"}]})");
    lp.write("fragments/b.json", R"({"id": "b", "steps": [{"use": "a"}]})");
    lp.write("testcases/t.json",
             R"({"id": "T", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "variables": {"known_postnr": "8000"},
  "steps": [
    {"request": {"method": "GET", "path": "/x/{{knwon_postnr}}"}, "expect": [{"status": 200}]},
    {"request": {"method": "GET", "path": "/x/{{known_postnr | uper}}"}},
    {"request": {"method": "GET", "path": "{{$uuidd}}"}},
    {"request": {"method": "GET", "path": "/{{later}}"}, "capture": {"later": {"json": "/id"}}},
    {"use": "craete"},
    {"use": "create", "with": {"txt": "x"}},
    {"use": "a"},
    {"for_each": "langauges", "steps": [{"request": {"method": "GET", "path": "/"}}]}
  ]})");
    auto ps = lp.lint();
    const std::string f = (lp.tmp.path / "testcases/t.json").string();
    CHECK(has(ps, f + ":4: /steps/0/request/path: undefined name {{knwon_postnr}}: did you mean "
                      "{{known_postnr}}?"));
    CHECK(has(ps, "unknown filter \"uper\" in {{known_postnr | uper}}: did you mean \"upper\"?"));
    CHECK(has(ps, "unknown generator {{$uuidd}}: did you mean {{$uuid}}?"));
    CHECK(has(ps, f + ":7: /steps/3/request/path: undefined name {{later}}")); // captured after
    CHECK(has(ps, "unknown fragment \"craete\": did you mean \"create\"?"));
    CHECK(has(ps, "fragment \"create\" has no parameter \"txt\": did you mean \"text\"?"));
    CHECK(has(ps, "fragment \"create\" needs the parameter \"text\""));
    CHECK(has(ps, "fragments use each other in a cycle: a.json -> b.json -> a.json"));
    CHECK(has(ps, "unknown data set \"langauges\": did you mean \"languages\"?"));
}

TEST_CASE("language 2: an error inside a fragment names the fragment file and the using step") {
    language_profile lp;
    lp.write("fragments/bad.json", R"({"id": "bad", "parameters": {"p": {}},
  "steps": [{"request": {"method": "GET", "path": "/{{q}}"}, "expect": [{"json": "no-slash"}]}]})");
    lp.write("testcases/t.json",
             R"({"id": "T", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "steps": [{"use": "bad", "with": {"p": 1}}]})");
    auto ps = lp.lint();
    const std::string frag = (lp.tmp.path / "fragments/bad.json").string();
    const std::string tc = (lp.tmp.path / "testcases/t.json").string();
    CHECK(has(ps, frag + ":2: /steps/0/expect/0/json: invalid JSON Pointer"));
    CHECK(has(ps, "(used at " + tc + " /steps/0)"));
    CHECK(has(ps, "undefined name {{q}}"));
    CHECK(has(ps, "(written in " + frag + " /steps/0)"));
}

TEST_CASE("language 2: rows built at run time are bounded, whatever an array or range holds") {
    language_profile lp;
    std::string big = "[0";
    for (int i = 1; i <= 100'000; ++i)
        big += "," + std::to_string(i);
    big += "]";
    lp.write("testcases/big.json",
             R"({"id": "T-BIG", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "variables": {"big": )" +
                 big + R"(},
  "steps": [{"for_each": "{{big}}", "as": "n", "steps": [{"request": {"method": "GET", "path": "/greetings"}}]}]})");
    lp.write("testcases/wide.json",
             R"({"id": "T-WIDE", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "steps": [{"for_each": {"from": -9000000000000000000, "to": 9000000000000000000}, "as": "n",
             "steps": [{"request": {"method": "GET", "path": "/greetings"}}]}]})");
    test::recording_sink sink;
    auto r = run_profile(model::load_profile(lp.tmp.path), sink);
    REQUIRE(r.testcases.size() == 2);
    for (const auto& tc : r.testcases) {
        CHECK(tc.v == verdict::error);
        CHECK_MESSAGE(tc.reason.find("more than 100000 rows") != std::string::npos, tc.reason);
    }
    CHECK(sink.exchanges.empty());
}

TEST_CASE("language 2: fragments that fan out are stopped at a bound, not expanded forever") {
    language_profile lp;
    // f0 uses f1 twice, f1 uses f2 twice, ... : 2^30 steps if nothing stopped it.
    for (int i = 0; i < 30; ++i)
        lp.write("fragments/f" + std::to_string(i) + ".json",
                 R"({"id": "f)" + std::to_string(i) + R"(", "steps": [{"use": "f)" +
                     std::to_string(i + 1) + R"("}, {"use": "f)" + std::to_string(i + 1) +
                     R"("}]})");
    lp.write("fragments/f30.json",
             R"({"id": "f30", "steps": [{"request": {"method": "GET", "path": "/greetings"}}]})");
    lp.write("testcases/t.json",
             R"({"id": "T", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "steps": [{"use": "f0"}]})");
    auto ps = lp.lint();
    CHECK(has(ps, "the fragments expand to more than 10000 steps in one test case"));
    CHECK(ps.size() < 40); // said once per level, not once per use
}

TEST_CASE("language 2: an appending capture collects a loop's values for later steps") {
    language_profile lp;
    lp.write("testcases/t.json",
             R"({"id": "T-APPEND", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "setup": [{"for_each": ["Hej", "Hallo", "Hei"], "as": "text",
             "steps": [{"request": {"method": "POST", "path": "/greetings", "json": {"text": "{{text}}", "language": "da"}},
                        "capture": {"created": {"json": "/id", "append": true}}}]}],
  "steps": [{"name": "read {{created | length}}: {{created.1}}",
             "request": {"method": "GET", "path": "/greetings/{{created.1}}"},
             "expect": [{"json": "/text", "equals": "Hallo"}]}],
  "cleanup": [{"for_each": "{{created}}", "as": "id",
               "steps": [{"request": {"method": "DELETE", "path": "/greetings/{{id}}"}, "expect": [{"status": 204}]}]}]})");
    test::recording_sink sink;
    auto r = run_profile(model::load_profile(lp.tmp.path), sink);
    CHECK_MESSAGE(r.testcases[0].v == verdict::pass, r.testcases[0].reason);
    std::vector<std::string> deleted;
    std::string read_name;
    for (const auto& x : sink.exchanges)
        if (x.x.req.method == "DELETE") deleted.push_back(x.x.req.url);
    for (const auto& [i, s] : sink.steps)
        if (s.name.rfind("read ", 0) == 0) read_name = s.name;
    CHECK(deleted.size() == 3);
    CHECK(std::set<std::string>(deleted.begin(), deleted.end()).size() == 3);
    CHECK(read_name.rfind("read 3: ", 0) == 0);
}

TEST_CASE("language 2: a SOAP request is wrapped in its envelope, and soap_body and soap_fault "
          "judge the answer") {
    language_profile lp;
    lp.write("profile.json", R"({"id": "soap", "version": "1.0.0", "title": "SOAP",
  "classes": [{"id": "core", "title": "Core", "mandatory": true}],
  "requirements": [{"id": "R-SEARCH", "class": "core", "level": "MUST", "text": "lookup"}],
  "namespaces": {"ex": "urn:konform:example:greetings:1"},
  "parameters": {"existing_id": {"default": "6f1e2a3b-0000-4000-8000-000000000001"}},
  "testcases": ["testcases/*.json"]})");
    lp.write("testcases/t.json",
             R"({"id": "T-SOAP", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "variables": {"missing": "00000000-0000-4000-8000-00000000000<&>"},
  "steps": [
    {"name": "found", "request": {"method": "POST", "path": "/xml/lookup",
      "soap": {"action": "urn:konform:example:greetings:1/GreetingLookup",
               "body": "<gr:GreetingLookup xmlns:gr=\"urn:konform:example:greetings:1\"><gr:Id>{{existing_id}}</gr:Id></gr:GreetingLookup>"}},
     "expect": [{"status": 200}, {"soap_body": "ex:GreetingResponse"}, {"soap_fault": "code", "absent": true},
                {"xpath": "//ex:GreetingResponse/ex:Text", "equals": "Hej"}]},
    {"name": "unknown", "request": {"method": "POST", "path": "/xml/lookup",
      "soap": {"action": "urn:konform:example:greetings:1/GreetingLookup",
               "body": "<gr:GreetingLookup xmlns:gr=\"urn:konform:example:greetings:1\"><gr:Id>{{missing}}</gr:Id></gr:GreetingLookup>"}},
     "expect": [{"status": 500}, {"soap_fault": "code", "matches": ":Client$"},
                {"soap_fault": "reason", "matches": "^no greeting with id .*<&>$"}]},
    {"name": "expects an answer, gets a fault", "request": {"method": "POST", "path": "/xml/lookup",
      "soap": {"body": "<gr:GreetingLookup xmlns:gr=\"urn:konform:example:greetings:1\"><gr:Id>x</gr:Id></gr:GreetingLookup>"}},
     "expect": [{"soap_body": "ex:GreetingResponse"}]}]})");
    test::recording_sink sink;
    auto r = run_profile(model::load_profile(lp.tmp.path), sink);
    REQUIRE(sink.exchanges.size() == 3);
    const auto& sent = sink.exchanges[0].x.req;
    CHECK(sent.body.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope "
                          "xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>",
                          0) == 0);
    CHECK(*http::find_header(sent.headers, "SOAPAction") ==
          "\"urn:konform:example:greetings:1/GreetingLookup\"");
    CHECK(*http::find_header(sent.headers, "Content-Type") == "text/xml; charset=utf-8");
    CHECK(sink.exchanges[1].x.req.body.find("00000000-0000-4000-8000-00000000000&lt;&amp;&gt;") !=
          std::string::npos); // values are XML-escaped
    // Steps 1 and 2 pass; step 3 fails showing the fault.
    REQUIRE(sink.steps.size() == 3);
    CHECK(sink.steps[0].second.v == verdict::pass);
    CHECK_MESSAGE(sink.steps[1].second.v == verdict::pass, sink.steps[1].second.assertions.size());
    CHECK(sink.steps[2].second.v == verdict::fail);
    const auto& failed = sink.steps[2].second.assertions.at(0);
    CHECK(failed.explanation == "the answer is a SOAP fault: S:Client: no greeting with id x");
    CHECK(failed.actual == "SOAP Fault");
    CHECK(r.testcases[0].v == verdict::fail);
}

TEST_CASE("language 2: a client certificate a profile ships must be a file of the profile") {
    language_profile lp;
    std::ofstream(lp.tmp.path.parent_path() / "konform-outside.pem") << "x";
    lp.write("testcases/t.json",
             R"({"id": "T-CERT", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "steps": [{"request": {"method": "GET", "path": "/", "client_certificate": {"cert": "../konform-outside.pem", "key": "missing.key"}},
             "expect": [{"refused": true}]}]})");
    auto ps = lp.lint();
    CHECK(has(ps, "konform-outside.pem is outside the profile folder"));
    CHECK(has(ps, "missing.key does not exist"));
    std::filesystem::remove(lp.tmp.path.parent_path() / "konform-outside.pem");
}

TEST_CASE("verdict kernel: a class setup that fails makes the test case inconclusive, and a "
          "cleanup over what it never captured sends nothing") {
    language_profile lp;
    lp.write("testcases/t.json",
             R"({"id": "T-CREATED", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "setup": [{"name": "create", "request": {"method": "POST", "path": "/greetings", "json": {"language": "da"}},
             "expect": [{"status": 201}], "capture": {"created": {"json": "/id", "append": true}}}],
  "steps": [{"request": {"method": "GET", "path": "/greetings"}, "expect": [{"status": 200}]}],
  "cleanup": [{"for_each": "{{created}}", "as": "c", "steps": [
                {"request": {"method": "DELETE", "path": "/greetings/{{c}}"}}]},
              {"for_each": "{{created | default([])}}", "as": "c", "steps": [
                {"request": {"method": "DELETE", "path": "/greetings/{{c}}"}}]}]})");
    test::recording_sink sink;
    auto r = run_profile(model::load_profile(lp.tmp.path), sink);
    CHECK_MESSAGE(r.testcases[0].v == verdict::inconclusive, r.testcases[0].reason);
    CHECK(r.testcases[0].reason == "setup step \"create\" did not pass");
    CHECK(sink.exchanges.size() == 1); // the create only: no DELETE of nothing
    REQUIRE(sink.steps.size() == 4);
    CHECK(sink.steps[1].second.name == "GET /greetings"); // an unnamed step reads as its request
    CHECK(sink.steps[1].second.why == run::unjudged::not_reached);
    CHECK(sink.steps[2].second.message == "nothing to clean up: created was never captured");
    CHECK(sink.steps[2].second.v == verdict::pass);
    CHECK(sink.steps[3].second.name == "for_each {{created | default([])}}");
}

TEST_CASE("verdict kernel: a paged step in setup that fails makes the test case inconclusive") {
    language_profile lp;
    lp.write("testcases/t.json",
             R"({"id": "T-PAGED-SETUP", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "variables": {"nothing": "not a number"},
  "setup": [{"name": "every page", "request": {"method": "GET", "path": "/greetings"},
             "pages": {"param": "side", "max": 3}, "expect": [{"status": 404}]},
            {"name": "a page that cannot be built", "request": {"method": "GET", "path": "/{{nothing | int}}"},
             "pages": {"param": "side", "max": 3}}],
  "steps": [{"request": {"method": "GET", "path": "/greetings"}, "expect": [{"status": 200}]}]})");
    test::recording_sink sink;
    auto r = run_profile(model::load_profile(lp.tmp.path), sink);
    CHECK_MESSAGE(r.testcases[0].v == verdict::inconclusive, r.testcases[0].reason);
    CHECK(r.testcases[0].proven.at("R-SEARCH") == verdict::inconclusive);
    REQUIRE(sink.steps.size() == 3);
    CHECK(sink.steps[0].second.v == verdict::inconclusive);
    CHECK(sink.steps[1].second.why == run::unjudged::not_reached);
}

TEST_CASE("verdict kernel: a paged step without expectations whose request cannot be built is an "
          "error, not a pass") {
    language_profile lp;
    lp.write("testcases/t.json",
             R"({"id": "T-PAGED", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "variables": {"nothing": "not a number"},
  "steps": [{"name": "pages", "request": {"method": "GET", "path": "/{{nothing | int}}"}, "pages": {"param": "side"}},
            {"request": {"method": "GET", "path": "/greetings"}, "expect": [{"status": 200}]}]})");
    test::recording_sink sink;
    auto r = run_profile(model::load_profile(lp.tmp.path), sink);
    CHECK(r.testcases[0].v == verdict::error);
    REQUIRE(!sink.steps.empty());
    CHECK(sink.steps[0].second.why == run::unjudged::not_built);
}

TEST_CASE("verdict kernel: an expectation with after is judged only when the status passed") {
    language_profile lp;
    lp.write("profile.json", R"({"id": "after", "version": "1.0.0", "title": "t",
  "classes": [{"id": "core", "title": "Core", "mandatory": true}],
  "requirements": [{"id": "R-STATUS", "class": "core", "level": "MUST", "text": "status"},
                   {"id": "R-BODY", "class": "core", "level": "MUST", "text": "body"}],
  "testcases": ["testcases/*.json"]})");
    lp.write("testcases/t.json",
             R"({"id": "T-AFTER", "title": "t", "class": "core", "verifies": ["R-STATUS", "R-BODY"],
  "steps": [{"request": {"method": "GET", "path": "/greetings/00000000-0000-4000-8000-000000000000"},
             "expect": [{"json": "/text", "type": "string", "after": "status", "proves": "R-BODY"},
                        {"status": 200, "proves": "R-STATUS"}]},
            {"request": {"method": "GET", "path": "/greetings"},
             "expect": [{"json": "/results", "type": "array", "after": ["status"], "proves": "R-BODY"},
                        {"status": 200, "proves": "R-STATUS"}]}]})");
    test::recording_sink sink;
    auto r = run_profile(model::load_profile(lp.tmp.path), sink);
    const auto& tc = r.testcases[0];
    CHECK(tc.v == verdict::fail);
    // The unknown greeting's 404 fails the status requirement only; the body's requirement
    // is not judged on an answer that was not the one it describes.
    CHECK(tc.proven.at("R-STATUS") == verdict::fail);
    CHECK(tc.proven.at("R-BODY") == verdict::inconclusive);
    REQUIRE(tc.failures.size() == 1);
    CHECK(tc.failures[0].subject == "status");
    REQUIRE(!sink.steps.empty());
    const auto& first = sink.steps[0].second.assertions;
    REQUIRE(first.size() == 2);
    CHECK(first[0].why == run::unjudged::needs_unmet); // in the order written
    CHECK(first[0].explanation.find("after the step's status expectations") != std::string::npos);
}

TEST_CASE("verdict kernel: after names a subject of an expectation, not its own") {
    language_profile lp;
    lp.write("testcases/t.json",
             R"({"id": "T-AFTER", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "steps": [{"request": {"method": "GET", "path": "/greetings"},
             "expect": [{"status": 200, "after": "status"}, {"json": "/results", "exists": true, "after": "json"}]}]})");
    auto problems = lp.lint();
    CHECK(has(problems, "cannot wait for its own subject \"status\""));
    CHECK(has(problems, "/steps/0/expect/1/after"));
}

TEST_CASE("verdict kernel: lint knows a data set's columns") {
    language_profile lp;
    lp.write("testcases/t.json",
             R"({"id": "T-COLUMNS", "title": "t", "class": "core", "verifies": ["R-SEARCH"],
  "steps": [{"for_each": "languages", "steps": [
    {"name": "{{row.langauge}}", "request": {"method": "GET", "path": "/greetings", "query": {"language": "{{row.language}}"}},
     "expect": [{"json": "/results", "count": {"ge": "{{row.titel}}"}}]}]},
    {"for_each": [{"titel": 1}], "steps": [
     {"request": {"method": "GET", "path": "/greetings", "query": {"n": "{{row.titel}}"}}}]}]})");
    auto problems = lp.lint();
    CHECK(has(problems, "data set languages has no column \"langauge\" in {{row.langauge}}: did "
                        "you mean {{row.language}}?"));
    CHECK(has(problems, "has no column \"titel\" in {{row.titel}} (its columns: language, min)"));
    int column_problems = 0;
    for (const auto& p : problems)
        column_problems += p.to_string().find("has no column") != std::string::npos;
    CHECK(column_problems == 2); // inline rows are not a data set's
}
