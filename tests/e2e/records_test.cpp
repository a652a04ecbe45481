// Records end to end: a paged query in JSON and CSV judged against a data set's selection,
// against a small register served on 127.0.0.1 that can drop, repeat or change a record.
#include "e2e_support.hpp"
#include "server/http_server.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace konform;
using run::verdict;
namespace fs = std::filesystem;

namespace {

// Five addresses; ?side=N&per_side=M pages them; ?format=csv answers CSV.
reference::handler register_with(const std::string& fault) {
    return [fault](const reference::server_request& req) {
        std::vector<nlohmann::json> all;
        for (int i = 1; i <= 5; ++i)
            all.push_back({{"id", "a" + std::to_string(i)},
                           {"vej", {{"navn", i == 3 && fault == "mangle" ? "AEgade" : "Ægade"}}},
                           {"kommunekode", i <= 4 ? "0101" : "0751"}});
        if (fault == "drop") all.erase(all.begin() + 1);
        if (fault == "repeat") all.push_back(all.front());
        int side = 1, per_side = 20;
        std::string format = "json", kommune;
        for (const auto& [k, v] : req.query) {
            if (k == "side") side = std::stoi(v);
            if (k == "per_side") per_side = std::stoi(v);
            if (k == "format") format = v;
            if (k == "kommunekode") kommune = v;
        }
        std::vector<nlohmann::json> selected, page;
        for (const auto& a : all)
            if (kommune.empty() ||
                std::stoi(a["kommunekode"].get<std::string>()) == std::stoi(kommune))
                selected.push_back(a);
        for (int i = (side - 1) * per_side; i < side * per_side && i < int(selected.size()); ++i)
            page.push_back(selected[i]);
        if (format == "csv") {
            std::string csv = "id,vejnavn\r\n";
            for (const auto& a : page)
                csv +=
                    a["id"].get<std::string>() + "," + a["vej"]["navn"].get<std::string>() + "\r\n";
            return reference::server_response{
                200, {{"Content-Type", "text/csv; charset=UTF-8"}}, csv, false};
        }
        return reference::server_response::json(200, nlohmann::json(page).dump());
    };
}

struct records_profile {
    test::temp_dir tmp;
    records_profile() {
        fs::create_directories(tmp.path / "testcases");
        std::ofstream(tmp.path / "profile.json") << R"({
  "id": "records", "version": "1.0.0", "title": "Records",
  "classes": [{"id": "core", "title": "Core", "mandatory": true}],
  "requirements": [{"id": "R-ALL", "class": "core", "level": "MUST", "text": "every address"},
                   {"id": "R-CSV", "class": "core", "level": "MUST", "text": "every address as CSV"}],
  "datasets": {"adresser": {"file": "adresser.csv", "types": {"kommunekode": "integer"}}},
  "testcases": ["testcases/*.json"]
})";
        std::ofstream(tmp.path / "adresser.csv")
            << "id,vejnavn,kommunekode\na1,Ægade,101\na2,Ægade,101\na3,Ægade,101\na4,Ægade,101\n"
               "a5,Ægade,751\n";
        std::ofstream(tmp.path / "testcases/all.json")
            << R"({"id": "T-ALL", "title": "t", "class": "core", "verifies": ["R-ALL"],
  "steps": [{"request": {"method": "GET", "path": "/adresser", "query": {"kommunekode": "101", "per_side": 2}},
    "pages": {"param": "side", "max": 10},
    "expect": [{"status": 200}, {"json": "", "rows": {"dataset": "adresser", "where": {"kommunekode": "0101"},
      "key": "id", "fields": {"vejnavn": "/vej/navn"}}}]}]})";
        std::ofstream(tmp.path / "testcases/csv.json")
            << R"({"id": "T-CSV", "title": "t", "class": "core", "verifies": ["R-CSV"],
  "steps": [{"request": {"method": "GET", "path": "/adresser", "query": {"format": "csv", "per_side": 100}},
    "expect": [{"csv": "", "rows": {"dataset": "adresser", "key": "id", "fields": ["vejnavn"], "ordered": true}}]}]})";
    }
};

run::run_result run_with(const std::string& fault, test::recording_sink& sink) {
    static records_profile profile;
    static const model::profile p = model::load_profile(profile.tmp.path);
    reference::http_server server(0, register_with(fault));
    server.start();
    return run::run_profile(p, test::example_target(server.base_url()), {}, &sink);
}

const run::testcase_result& testcase(const run::run_result& r, const std::string& id) {
    for (const auto& tc : r.testcases)
        if (tc.id == id) return tc;
    FAIL("no test case " << id);
    throw;
}

} // namespace

TEST_CASE("records: a paged query and a CSV answer that hold the data set's selection pass") {
    test::recording_sink sink;
    auto r = run_with("", sink);
    CHECK(testcase(r, "T-ALL").v == verdict::pass);
    CHECK(testcase(r, "T-CSV").v == verdict::pass);
    // Pages 1 and 2 hold the four records of kommune 101, page 3 is empty and ends the
    // query; one CSV answer: 3 + 1 exchanges.
    CHECK(sink.exchanges.size() == 4);
}

TEST_CASE("records: a dropped, repeated or changed record fails, named with its key") {
    for (const auto& [fault, words] : std::vector<std::pair<std::string, std::string>>{
             {"drop", "1 missing: id=a2"},
             {"repeat", "1 repeated: id=a1"},
             {"mangle", "1 differing: id=a3: vejnavn expected \"Ægade\", got \"AEgade\""}}) {
        CAPTURE(fault);
        test::recording_sink sink;
        auto r = run_with(fault, sink);
        const auto& all = testcase(r, "T-ALL");
        CHECK(all.v == verdict::fail);
        REQUIRE(!all.failures.empty());
        CHECK(all.failures[0].explanation.find(words) != std::string::npos);
        CHECK(
            all.failures[0].expected ==
            "4 records, data set adresser where {\"kommunekode\":\"0101\"}, matched on id, in any "
            "order");
    }
}

TEST_CASE(
    "records: a query that never ends stops at pages.max; a misspelt column is found at load") {
    records_profile profile;
    std::ofstream(profile.tmp.path / "testcases/all.json")
        << R"({"id": "T-ALL", "title": "t", "class": "core", "verifies": ["R-ALL"],
  "steps": [{"request": {"method": "GET", "path": "/adresser", "query": {"per_side": 1}},
    "pages": {"param": "x", "max": 3},
    "expect": [{"json": "", "rows": {"dataset": "adresser", "key": "id", "fields": ["vejnavn"]}}]}]})";
    const model::profile p = model::load_profile(profile.tmp.path);
    reference::http_server server(0, register_with(""));
    server.start();
    model::target t = test::example_target(server.base_url());
    auto r = run::run_profile(p, t, {});
    const auto& all = testcase(r, "T-ALL");
    CHECK(all.v == verdict::fail);
    REQUIRE(!all.failures.empty());
    CHECK(all.failures[0].explanation.find("no last page after 3 pages") != std::string::npos);

    std::ofstream(profile.tmp.path / "testcases/csv.json")
        << R"({"id": "T-CSV", "title": "t", "class": "core", "verifies": ["R-CSV"],
  "steps": [{"request": {"method": "GET", "path": "/"},
    "expect": [{"csv": "", "rows": {"dataset": "adresser", "key": "idd", "fields": ["vejnavm"]}}]}]})";
    model::diagnostics d;
    model::load_profile(profile.tmp.path, d);
    std::string all_problems;
    for (const auto& problem : d.problems())
        all_problems += problem.to_string() + "\n";
    CHECK(all_problems.find("/rows/key: data set \"adresser\" has no column \"idd\": did you mean "
                            "\"id\"?") != std::string::npos);
    CHECK(all_problems.find("has no column \"vejnavm\": did you mean \"vejnavn\"?") !=
          std::string::npos);
}
