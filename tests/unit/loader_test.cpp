#include "konform/model/dataset_reader.hpp"
#include "konform/model/profile.hpp"
#include "konform/model/target.hpp"
#include "konform/run/runner.hpp"
#include "konform/util/file.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <fstream>
#include <sys/stat.h>

using namespace konform::model;
namespace fs = std::filesystem;

namespace {

// A profile folder in a fresh temporary directory, with files the test writes.
struct scratch {
    fs::path dir;
    scratch() {
        dir = fs::temp_directory_path() /
              ("konform-loader-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        fs::remove_all(dir);
        fs::create_directories(dir / "tc");
    }
    ~scratch() { fs::remove_all(dir); }
    static int& counter() {
        static int n = 0;
        return n;
    }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(dir / name) << text;
    }
    std::vector<problem> load() {
        diagnostics d;
        load_profile(dir, d);
        return d.problems();
    }
};

const char* good_profile = R"({"id": "p", "version": "1.0.0", "title": "P",
  "classes": [{"id": "core", "title": "Core", "mandatory": true}],
  "requirements": [{"id": "R1", "class": "core", "level": "MUST", "text": "t"}],
  "namespaces": {"ex": "urn:ex"},
  "testcases": ["tc/*.json"]})";

std::string tc_doc(const std::string& steps) {
    return R"({"id": "T1", "title": "T", "class": "core", "verifies": ["R1"], "steps": )" + steps +
           "}";
}

bool has(const std::vector<problem>& ps, const std::string& where, const std::string& words) {
    for (const auto& p : ps)
        if (p.where == where && p.message.find(words) != std::string::npos) return true;
    std::string all;
    for (const auto& p : ps)
        all += "\n  " + p.to_string();
    MESSAGE("problems:" << all);
    return false;
}

} // namespace

TEST_CASE("loader: a good profile loads, with a digest over every file") {
    scratch s;
    s.write("profile.json", good_profile);
    s.write(
        "tc/a.json",
        tc_doc(R"([{"request": {"method": "GET", "path": "/x"}, "expect": [{"status": 200}]}])"));
    diagnostics d;
    auto p = load_profile(s.dir, d);
    CHECK(d.empty());
    CHECK(p.testcases.size() == 1);
    CHECK(p.files.size() == 2);
    CHECK(p.digest.size() == 64);
    std::string before = p.digest;
    s.write(
        "tc/a.json",
        tc_doc(R"([{"request": {"method": "GET", "path": "/y"}, "expect": [{"status": 200}]}])"));
    CHECK(load_profile(s.dir).digest != before);
}

TEST_CASE("loader: invalid JSON names line and column") {
    scratch s;
    s.write("profile.json", "{\n  \"id\": \"p\",\n  \"version\" 1\n}");
    auto ps = s.load();
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].file.find("profile.json") != std::string::npos);
    CHECK(ps[0].where.find("line 3") == 0);
}

TEST_CASE("loader: a test case nested 100,000 levels deep is a problem, not a crash") {
    scratch s;
    s.write("profile.json", good_profile);
    s.write("tc/a.json",
            "{\"steps\": " + std::string(100000, '[') + std::string(100000, ']') + "}");
    auto ps = s.load();
    REQUIRE_FALSE(ps.empty());
    CHECK(ps[0].file.find("a.json") != std::string::npos);
    CHECK(ps[0].message.find("nests deeper than 512 levels") != std::string::npos);
}

TEST_CASE("loader: a missing profile file") {
    scratch s;
    auto ps = s.load();
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].message == "no such file");
}

TEST_CASE("loader: wrong types and unknown keys are named by JSON Pointer") {
    scratch s;
    s.write("profile.json",
            R"({"id": "p", "version": 1, "title": "P", "classes": [], "requirements": [],
                                "testcases": ["x"], "colour": "blue"})");
    auto ps = s.load();
    CHECK(has(ps, "/version", "format"));
    CHECK(has(ps, "/classes", "format"));
}

TEST_CASE("loader: an unknown top-level key is named at its own place and line") {
    scratch s;
    s.write("profile.json", good_profile);
    s.write("tc/a.json", "{\"id\": \"T1\", \"title\": \"T\", \"class\": \"core\",\n"
                         "  \"verfies\": [\"R1\"],\n  \"steps\": []}");
    auto ps = s.load();
    CHECK(has(ps, "/verfies", "unknown key \"verfies\": did you mean \"verifies\"?"));
    for (const auto& p : ps)
        if (p.where == "/verfies") CHECK(p.line == 2);
}

TEST_CASE("loader: a value that breaks the format is shown in the message") {
    scratch s;
    s.write("profile.json", good_profile);
    s.write("tc/a.json", R"({"id": "T1", "title": "T", "class": "core", "verifies": ["R1"],
  "variables": {"bad name": 1}, "steps": []})");
    auto ps = s.load();
    bool shown = false;
    for (const auto& p : ps)
        shown = shown || p.message.find("(the value is ") != std::string::npos;
    CHECK(shown);
}

TEST_CASE("loader: one problem is said once, however many alternatives of the format failed") {
    scratch s;
    s.write("profile.json", good_profile);
    s.write("tc/a.json", tc_doc(R"([{"request": {"method": "GET", "path": "/x"},
                                    "expect": [{"status": "4xxx"}]}])"));
    auto ps = s.load();
    int at_status = 0;
    for (const auto& p : ps)
        at_status += p.where == "/steps/0/expect/0/status";
    CHECK(at_status == 1);
    CHECK(has(ps, "/steps/0/expect/0/status", "(the value is \"4xxx\")"));
    CHECK(has(ps, "/steps/0/expect/0/status", "; or "));
}

TEST_CASE("loader: a declared schema whose file is gone is one problem, not one per use") {
    scratch s;
    std::string profile = good_profile;
    profile.insert(profile.rfind('}'), R"(, "schemas": {"thing": "schemas/thing.schema.json"})");
    s.write("profile.json", profile);
    s.write("tc/a.json", tc_doc(R"([{"request": {"method": "GET", "path": "/x"},
                                    "expect": [{"schema": "thing"}, {"schema": "thing"}]}])"));
    auto ps = s.load();
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].message.find("does not exist") != std::string::npos);
}

TEST_CASE("loader: unknown step and assertion kinds") {
    scratch s;
    s.write("profile.json", good_profile);
    s.write(
        "tc/a.json",
        tc_doc(R"([{"request": {"method": "GET", "path": "/x"}, "expect": [{"stauts": 200}]}])"));
    auto ps = s.load();
    REQUIRE_FALSE(ps.empty());
    // The validator's message is rewritten to say what to write instead.
    CHECK(has(ps, "/steps/0/expect/0/stauts", "unknown key \"stauts\": did you mean \"status\"?"));
    s.write("tc/a.json", tc_doc(R"([{"sleep": 5}])"));
    ps = s.load();
    CHECK(has(ps, "/steps/0/sleep", "unknown key \"sleep\" here"));
    CHECK(has(ps, "/steps/0",
              "expected one of the keys \"request\", \"load\", \"steps\", \"for_each\", "
              "\"use\""));
    s.write("tc/a.json", tc_doc(R"([{"request": {"method": "GETT", "path": "/x"}}])"));
    CHECK(has(s.load(), "/steps/0/request/method",
              "\"GETT\" is not one of \"GET\", \"HEAD\", \"POST\", \"PUT\", \"PATCH\", \"DELETE\", "
              "\"OPTIONS\": did you mean \"GET\"?"));
}

TEST_CASE("loader: bad regex, JSON Pointer and XPath are found before any request") {
    scratch s;
    s.write("profile.json", good_profile);
    s.write("tc/a.json", tc_doc(R"([{"request": {"method": "GET", "path": "/x"}, "expect": [
        {"json": "/a", "matches": "([a-z"},
        {"json": "no-slash", "exists": true},
        {"xpath": "/ex:a[", "exists": true},
        {"xpath": "/zz:a", "exists": true}]}])"));
    auto ps = s.load();
    CHECK(has(ps, "/steps/0/expect/0/matches", "invalid regular expression"));
    CHECK(has(ps, "/steps/0/expect/1/json", "invalid JSON Pointer"));
    CHECK(has(ps, "/steps/0/expect/2/xpath", "invalid XPath"));
    CHECK(has(ps, "/steps/0/expect/3/xpath", "prefix \"zz\" is not declared"));
}

TEST_CASE("loader: references to undefined requirements, classes, schemas and data sets") {
    scratch s;
    s.write("profile.json", good_profile);
    s.write("tc/a.json",
            R"({"id": "T1", "title": "T", "class": "nope", "verifies": ["R9"], "steps": [
        {"request": {"method": "GET", "path": "/x"}, "expect": [{"schema": "missing"}, {"status": 200, "proves": "R1"}]},
        {"for_each": "rows", "steps": [{"request": {"method": "GET", "path": "/y"}}]}]})");
    auto ps = s.load();
    CHECK(has(ps, "/class", "unknown class"));
    CHECK(has(ps, "/verifies/0", "unknown requirement \"R9\""));
    CHECK(has(ps, "/steps/0/expect/0/schema", "unknown schema"));
    CHECK(has(ps, "/steps/0/expect/1/proves", "not listed in the test case's verifies"));
    CHECK(has(ps, "/steps/1/for_each", "unknown data set"));
}

TEST_CASE("loader: duplicate ids and an empty test-case pattern") {
    scratch s;
    s.write("profile.json", R"({"id": "p", "version": "1.0.0", "title": "P",
      "classes": [{"id": "core", "title": "Core", "mandatory": true}],
      "requirements": [{"id": "R1", "class": "core", "level": "MUST", "text": "t"},
                       {"id": "R1", "class": "core", "level": "MUST", "text": "t"}],
      "testcases": ["none/*.json"]})");
    auto ps = s.load();
    CHECK(has(ps, "/requirements/1/id", "duplicate requirement id"));
    CHECK(has(ps, "/testcases/0", "no test case file matches"));
}

TEST_CASE("target: required parameters, claims and secrets") {
    scratch s;
    s.write("profile.json", R"({"id": "p", "version": "1.0.0", "title": "P",
      "classes": [{"id": "core", "title": "Core", "mandatory": true}, {"id": "b", "title": "B", "depends_on": ["c"]},
                  {"id": "c", "title": "C"}],
      "requirements": [{"id": "R1", "class": "core", "level": "MUST", "text": "t"}],
      "parameters": {"needed": {"required": true}},
      "testcases": ["tc/*.json"]})");
    s.write("tc/a.json", tc_doc(R"([{"request": {"method": "GET", "path": "/x"}}])"));
    s.write("target.json", R"({"base_url": "http://127.0.0.1:1", "claims": ["b", "zz"],
        "auth": {"type": "bearer", "token": {"env": "KONFORM_TEST_UNSET_TOKEN"}}})");
    ::unsetenv("KONFORM_TEST_UNSET_TOKEN");
    diagnostics d;
    auto p = load_profile(s.dir, d);
    REQUIRE(d.empty());
    auto t = load_target(s.dir / "target.json", d);
    CHECK(has(d.problems(), "/auth", "KONFORM_TEST_UNSET_TOKEN is not set"));
    konform::run::check_target(p, t, d);
    CHECK(has(d.problems(), "/claims/0", "depends on \"c\""));
    CHECK(has(d.problems(), "/claims/1", "no class \"zz\""));
    CHECK(has(d.problems(), "/parameters", "missing required parameter \"needed\""));
}

TEST_CASE("target: a member named twice is a load error naming both lines") {
    scratch s;
    s.write("target.json", "{\"base_url\": \"http://127.0.0.1:1\",\n"
                           " \"environment\": \"production\",\n"
                           " \"auth\": {\"type\": \"none\"},\n"
                           " \"environment\": \"test\"}");
    diagnostics d;
    load_target(s.dir / "target.json", d);
    CHECK(has(d.problems(), "line 4", "\"environment\" is given twice"));
    CHECK(has(d.problems(), "line 4", "first on line 2"));
    // Nested objects too, and a name written with an escape is the same name.
    s.write("t2.json",
            R"({"base_url": "http://127.0.0.1:1", "auth": {"type": "none", "typ\u0065": "x"}})");
    diagnostics d2;
    load_target(s.dir / "t2.json", d2);
    CHECK(has(d2.problems(), "line 1", "\"type\" is given twice in \"/auth\""));
}

TEST_CASE("loader: only a POST may be marked safe, and a GET that asks for another method "
          "writes") {
    scratch s;
    s.write("profile.json", R"({"id": "p", "version": "1.0.0", "title": "P",
      "classes": [{"id": "core", "title": "Core", "mandatory": true}],
      "requirements": [{"id": "R1", "class": "core", "level": "MUST", "text": "t"}],
      "testcases": ["tc/*.json"]})");
    s.write("tc/a.json",
            tc_doc(R"([{"request": {"method": "DELETE", "path": "/x", "safe": true}}])"));
    CHECK(has(s.load(), "/steps/0/request/safe", "only a POST may be marked safe"));
    using konform::model::request_spec;
    request_spec r;
    r.method = "POST";
    r.safe = true;
    CHECK_FALSE(konform::model::writes(r));
    r.headers = {{"x-http-method-override", "DELETE"}};
    CHECK(konform::model::writes(r));
    request_spec get;
    CHECK_FALSE(konform::model::writes(get));
    get.headers = {{"X-HTTP-Method-Override", "DELETE"}};
    CHECK(konform::model::writes(get));
    get.headers.clear();
    get.query = {{"_method", "DELETE"}};
    CHECK(konform::model::writes(get));
    get.query.clear();
    get.text_body = "x";
    CHECK(konform::model::writes(get));
}

TEST_CASE("target: a base URL must be http or https") {
    scratch s;
    s.write("target.json", R"({"base_url": "ftp://x"})");
    diagnostics d;
    load_target(s.dir / "target.json", d);
    CHECK(has(d.problems(), "/base_url", "format"));
}

TEST_CASE("csv data sets: quotes, commas, CRLF and ragged rows") {
    std::vector<std::vector<std::string>> rows;
    parse_csv("a,b\r\n\"x, y\",\"say \"\"hej\"\"\"\r\nø,\n",
              [&](std::vector<std::string>& r) { rows.push_back(r); });
    REQUIRE(rows.size() == 3);
    CHECK(rows[1][0] == "x, y");
    CHECK(rows[1][1] == "say \"hej\"");
    CHECK(rows[2][0] == "ø");
    CHECK(rows[2][1] == "");
    scratch s;
    s.write("d.csv", "a,b\n1,2\n3\n");
    diagnostics d;
    auto data = read_dataset(s.dir / "d.csv", d);
    REQUIRE(data.size() == 1);
    CHECK(data.row(0) == nlohmann::json{{"a", "1"}, {"b", "2"}});
    CHECK(has(d.problems(), "row 3", "expected 2 cells"));
    // A header that names a column twice would hide the first column's cells.
    s.write("twice.csv", "vejkode,postnr,vejkode\n0825,8000,9999\n");
    diagnostics d2;
    read_dataset(s.dir / "twice.csv", d2);
    CHECK(has(d2.problems(), "line 1", "names the column \"vejkode\" twice (columns 1 and 3)"));
}

TEST_CASE("files: only regular files are read, and only up to the limit") {
    scratch s;
    s.write("small.json", "{}");
    CHECK(konform::util::read_file(s.dir / "small.json") == "{}");
    CHECK_THROWS_WITH_AS(konform::util::read_file("/dev/urandom"),
                         doctest::Contains("not a regular file"), std::runtime_error);
    CHECK_THROWS_WITH_AS(konform::util::read_file(s.dir), doctest::Contains("not a regular file"),
                         std::runtime_error);
    CHECK_THROWS_WITH_AS(konform::util::read_file(s.dir / "small.json", 1),
                         doctest::Contains("larger than the limit of 1 bytes"), std::runtime_error);
    // A FIFO is refused at once, not waited on.
    REQUIRE(::mkfifo((s.dir / "fifo").c_str(), 0600) == 0);
    CHECK_THROWS_WITH_AS(konform::util::read_file(s.dir / "fifo"),
                         doctest::Contains("not a regular file"), std::runtime_error);
    CHECK(konform::util::sha256_file(s.dir / "small.json") ==
          "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
}

TEST_CASE("loader: every file a profile names stays inside the profile folder") {
    scratch s;
    // A secret beside the profile folder, reached by .., by an absolute path and by a link.
    const fs::path outside = s.dir.parent_path() / (s.dir.filename().string() + "-secret.csv");
    std::ofstream(outside) << "key\nAAAA-private\n";
    fs::create_symlink(outside, s.dir / "linked.csv");
    fs::create_symlink("/dev/zero", s.dir / "dev.schema.json");
    const fs::path outside_tc = s.dir.parent_path() / (s.dir.filename().string() + "-tc.json");
    std::ofstream(outside_tc) << tc_doc(R"([{"request": {"method": "GET", "path": "/"}}])");
    fs::create_symlink(outside_tc, s.dir / "tc" / "linked.json");
    s.write("p.json", R"({"id": "p", "version": "1.0.0", "title": "P",
      "classes": [{"id": "core", "title": "Core", "mandatory": true}],
      "requirements": [{"id": "R1", "class": "core", "level": "MUST", "text": "t"}],
      "datasets": {"up": "../)" +
                          outside.filename().string() + R"(", "abs": ")" + outside.string() +
                          R"(", "link": "linked.csv"},
      "schemas": {"dev": "dev.schema.json"},
      "testcases": ["tc/*.json"]})");
    fs::rename(s.dir / "p.json", s.dir / "profile.json");
    auto ps = s.load();
    CHECK(has(ps, "/datasets/up", "is outside the profile folder"));
    CHECK(has(ps, "/datasets/abs", "is outside the profile folder"));
    CHECK(has(ps, "/datasets/link", "is outside the profile folder"));
    CHECK(has(ps, "/schemas/dev", "is outside the profile folder"));
    CHECK(has(ps, "/testcases/0", "is outside the profile folder"));
    fs::remove(outside);
    fs::remove(outside_tc);
}

TEST_CASE("loader: a number too large for a double is a problem naming the file, not a crash") {
    scratch s;
    s.write("profile.json", good_profile);
    s.write("tc/t.json", tc_doc(R"([{"request": {"method": "GET", "path": "/"},
        "expect": [{"status": 1e4444}]}])"));
    CHECK(has(s.load(), "", "number overflow"));
}

TEST_CASE("loader: every ref cites a declared source, a file it lists, and the standard in a "
          "mandatory class") {
    scratch s;
    s.write("profile.json", R"x({"id": "p", "version": "1.0.0", "title": "P",
  "sources": [{"id": "std", "title": "The standard", "version": "1.3.0", "files": ["doc/read.rst", "doc/search.rst"]},
              {"id": "profile", "title": "This profile", "own": true}],
  "classes": [{"id": "core", "title": "Core", "mandatory": true}, {"id": "opt", "title": "Optional"}],
  "requirements": [
    {"id": "R1", "class": "core", "level": "MUST", "text": "t", "ref": "std doc/read.rst §2; std doc/search.rst"},
    {"id": "R2", "class": "core", "level": "MUST", "text": "t", "ref": "std doc/read-operation.rst"},
    {"id": "R3", "class": "core", "level": "MUST", "text": "t", "ref": "sdt doc/read.rst"},
    {"id": "R4", "class": "core", "level": "MUST", "text": "t", "ref": "profile (our idea)"},
    {"id": "R5", "class": "opt", "level": "MUST", "text": "t", "ref": "profile (our idea)"},
    {"id": "R6", "class": "opt", "level": "MUST", "text": "t"},
    {"id": "R7", "class": "core", "level": "MUST", "text": "t", "ref": "std doc/read.rst:12-14,20 (x); std doc/search.rst:3"},
    {"id": "R8", "class": "core", "level": "MUST", "text": "t", "ref": "std doc/read.rst:twelve"}],
  "testcases": ["tc/*.json"]})x");
    s.write("tc/a.json", tc_doc(R"([{"request": {"method": "GET", "path": "/x"}}])"));
    auto ps = s.load();
    CHECK_FALSE(has(ps, "/requirements/0/ref", ""));
    CHECK_FALSE(has(ps, "/requirements/6/ref", "")); // lines after the file name
    CHECK(has(ps, "/requirements/7/ref", "has no file \"doc/read.rst:twelve\""));
    CHECK(has(
        ps, "/requirements/1/ref",
        "source std 1.3.0 has no file \"doc/read-operation.rst\": did you mean \"doc/read.rst\"?"));
    CHECK(has(ps, "/requirements/2/ref", "names no declared source: did you mean \"std\"?"));
    CHECK(has(ps, "/requirements/3/ref", "cites only the profile itself"));
    CHECK_FALSE(has(ps, "/requirements/4/ref", ""));
    CHECK(has(ps, "/requirements/5/ref", "cites no source (declared: std, profile)"));
}

TEST_CASE("loader: a JSON Schema's $ref reaches sibling files in the profile folder, never the "
          "network or outside") {
    scratch s;
    fs::create_directories(s.dir / "schemas");
    s.write("profile.json", R"({"id": "p", "version": "1.0.0", "title": "P",
  "classes": [{"id": "core", "title": "Core", "mandatory": true}],
  "requirements": [{"id": "R1", "class": "core", "level": "MUST", "text": "t"}],
  "schemas": {"unit": "schemas/unit.json", "by_id": "schemas/by-id.json"},
  "testcases": ["tc/*.json"]})");
    s.write("schemas/common.json",
            R"({"definitions": {"uuid": {"type": "string", "pattern": "^[0-9a-f-]{36}$"}}})");
    s.write(
        "schemas/unit.json",
        R"({"type": "object", "properties": {"id": {"$ref": "common.json#/definitions/uuid"}}})");
    s.write(
        "schemas/by-id.json",
        R"({"$id": "https://example.invalid/s/by-id.json", "properties": {"id": {"$ref": "https://example.invalid/s/common.json#/definitions/uuid"}}})");
    s.write(
        "tc/a.json",
        tc_doc(
            R"([{"request": {"method": "GET", "path": "/x"}, "expect": [{"schema": "unit"}]}])"));
    diagnostics d;
    auto p = load_profile(s.dir, d);
    CHECK(d.empty());
    REQUIRE(p.schemas.count("unit"));
    CHECK(p.schemas.at("unit").json->validate({{"id", "x"}}).size() >= 1);
    CHECK(p.schemas.at("unit")
              .json->validate({{"id", "6f1e2a3b-0000-4000-8000-000000000001"}})
              .empty());
    CHECK(p.schemas.at("by_id").json->validate({{"id", "x"}}).size() >= 1);
    bool digested = false;
    for (const auto& f : p.files)
        digested = digested || f.path == "schemas/common.json";
    CHECK(digested); // the referenced file is part of the profile's digest
    s.write("schemas/unit.json",
            R"({"properties": {"id": {"$ref": "https://example.org/uuid.json"}}})");
    CHECK(has(s.load(), "", "never fetches schemas from the network"));
    fs::create_symlink("/etc/passwd", s.dir / "schemas/link.json");
    s.write("schemas/unit.json", R"({"properties": {"id": {"$ref": "link.json"}}})");
    CHECK(has(s.load(), "", "outside the profile folder"));
}

TEST_CASE("loader: a test case's effect is inferred from its requests, and a stated one holds") {
    scratch s;
    s.write("profile.json", good_profile);
    auto tc = [](const std::string& effect, const std::string& request) {
        return R"({"id": "T1", "title": "T", "class": "core", "verifies": ["R1"], )" + effect +
               R"("steps": [{"request": )" + request + R"(, "expect": [{"status": 200}]}]})";
    };
    auto effect_of = [&] {
        diagnostics d;
        const profile p = load_profile(s.dir, d);
        REQUIRE(d.empty());
        return p.testcases.at(0).eff;
    };
    s.write("tc/a.json", tc("", R"({"method": "GET", "path": "/x"})"));
    CHECK(effect_of() == effect::read_only);
    s.write("tc/a.json", tc("", R"({"method": "DELETE", "path": "/x"})"));
    CHECK(effect_of() == effect::writes);
    s.write("tc/a.json", tc("", R"({"method": "POST", "path": "/x", "safe": true})"));
    CHECK(effect_of() == effect::read_only); // a lookup sent as POST
    s.write("tc/a.json", tc(R"("effect": "writes", )", R"({"method": "GET", "path": "/x"})"));
    CHECK(effect_of() == effect::writes); // a GET with side effects, as the profile says
    s.write("tc/a.json", tc(R"("effect": "read-only", )", R"({"method": "PUT", "path": "/x"})"));
    CHECK(has(s.load(), "/effect", "states it is read-only, but step /steps/0 sends PUT"));
}

TEST_CASE("loader: as, within and decimals are checked where they stand") {
    scratch s;
    s.write("profile.json", good_profile);
    s.write("tc/a.json", tc_doc(R"([{"request": {"method": "GET", "path": "/x"}, "expect": [
        {"json": "/a", "equals": 1, "as": "int"},
        {"json": "/a", "equals": 1, "within": -1},
        {"json": "/a", "equals": 1, "decimals": 99},
        {"json": "/a", "each": {"ge": 1, "as": "day"}}]}])"));
    auto ps = s.load();
    CHECK(has(ps, "/steps/0/expect/0/as", "\"int\" is not one of \"integer\""));
    CHECK(has(ps, "/steps/0/expect/1/within", "greater than or equal to 0"));
    CHECK(has(ps, "/steps/0/expect/2/decimals", "less than or equal to 15"));
    CHECK(has(ps, "/steps/0/expect/3/each/as", "\"day\" is not one of"));
    s.write("tc/a.json", tc_doc(R"([{"request": {"method": "GET", "path": "/x"}, "expect": [
        {"json": "/a", "as": "date"},
        {"json": "/a", "equals": "2020-01-01", "as": "date", "within": 1},
        {"json": "/a", "equals": 1, "within": 1, "decimals": 2},
        {"json": "", "rows": {"key": "k", "expected": [], "compare": {"k": {"as": "integer"}}}},
        {"json": "/a", "equals": "1985-03-12", "as": "date"}]}])"));
    ps = s.load();
    CHECK(has(ps, "/steps/0/expect/0", "add one"));
    CHECK(has(ps, "/steps/0/expect/1", "does not go with \"as\": \"date\""));
    CHECK(has(ps, "/steps/0/expect/2", "keep one"));
    CHECK(ps.size() == 3);
}
