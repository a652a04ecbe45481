// Bodies in the formats registers serve besides JSON (CSV, NDJSON, JSONP) read as JSON
// records, and hostile ones refused with their place.
#include "konform/check/body_formats.hpp"

#include <doctest/doctest.h>

using namespace konform::check;
using nlohmann::json;

TEST_CASE("csv: a header row names the cells; quotes, CRLF and a byte order mark are read") {
    const auto rows =
        csv_records("\xEF\xBB\xBFid,vejnavn,d\xC3\xB8r\r\n1,\"Ny \"\"Torv\"\", 3\",tv\r\n2,"
                    "\xC3\x86gade,\r\n",
                    1000);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0] == json{{"id", "1"}, {"vejnavn", "Ny \"Torv\", 3"}, {"dør", "tv"}});
    CHECK(rows[1]["vejnavn"] == "Ægade");
    CHECK(rows[1]["dør"] == "");
    CHECK(csv_records("id,navn\n", 10).empty()); // a header alone: no records
}

TEST_CASE("csv: a row of the wrong width, no header, or too many cells is a format error") {
    CHECK_THROWS_WITH_AS(csv_records("a,b\n1,2,3\n", 100), "CSV row 2 has 3 cells, the header 2",
                         format_error);
    CHECK_THROWS_WITH_AS(csv_records("", 100), "the CSV has no header row", format_error);
    std::string big = "a\n";
    for (int i = 0; i < 50; ++i)
        big += "x\n";
    CHECK_THROWS_WITH_AS(csv_records(big, 20), "the CSV has more than 20 cells", format_error);
}

TEST_CASE("ndjson: one value per line, LF or CRLF, one final line end allowed") {
    CHECK(ndjson_values("{\"a\":1}\r\n{\"a\":2}", 100) == json::array({{{"a", 1}}, {{"a", 2}}}));
    CHECK(ndjson_values("1\n2\n", 100) == json::array({1, 2}));
    CHECK(ndjson_values("", 100).empty());
    CHECK_THROWS_WITH_AS(ndjson_values("1\n\n2", 100), "NDJSON line 2 is empty", format_error);
    CHECK_THROWS_AS(ndjson_values("1\n{\"a\":\n", 100), format_error);
    std::string deep(600, '[');
    CHECK_THROWS_WITH_AS(ndjson_values(deep, 100000), "NDJSON line 1 nests deeper than 512 levels",
                         format_error);
}

TEST_CASE("jsonp: the value inside callback(...), the callback name checked") {
    CHECK(jsonp_value("cb([1,2]);", 100) == json::array({1, 2}));
    CHECK(jsonp_value("  window.x_1 ({\"id\":\"a\"})\n", 100) == json{{"id", "a"}});
    CHECK_THROWS_AS(jsonp_value("[1,2]", 100), format_error);
    CHECK_THROWS_AS(jsonp_value("alert(1);x([1])", 100), format_error); // not one call
    CHECK_THROWS_WITH_AS(jsonp_value("a-b([1])", 100),
                         "the JSONP callback's name has a character other than [$_A-Za-z0-9.]",
                         format_error);
    CHECK_THROWS_AS(jsonp_value("cb({)", 100), format_error);
}
