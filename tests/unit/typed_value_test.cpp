#include "konform/check/predicate.hpp"
#include "konform/check/rows.hpp"
#include "konform/check/typed_value.hpp"

#include <doctest/doctest.h>

using namespace konform::check;
using nlohmann::json;

namespace {
bool holds(const json& preds, const std::optional<json>& v) {
    return evaluate_predicates(preds, v).passed;
}
} // namespace

TEST_CASE("typed value: xsd:integer and xsd:decimal read to their canonical forms") {
    CHECK(read_integer("0101") == "101");
    CHECK(read_integer(" +101\n") == "101");
    CHECK(read_integer("-0042") == "-42");
    CHECK(read_integer("-000") == "0");
    CHECK(read_integer("123456789012345678901234567890") == "123456789012345678901234567890");
    for (const char* bad : {"", "+", "1 2", "0x1", "1.0", "1e3", "١٢"})
        CHECK_MESSAGE(!read_integer(bad), bad);
    CHECK(read_decimal("012.50") == "12.5");
    CHECK(read_decimal("-0.0") == "0");
    CHECK(read_decimal(".5") == "0.5");
    CHECK(read_decimal("5.") == "5");
    for (const char* bad : {"", ".", "1e3", "1,5", "--1", "NaN", "INF"})
        CHECK_MESSAGE(!read_decimal(bad), bad);
    CHECK(compare_canonical("9", "10") < 0);
    CHECK(compare_canonical("-9", "-10") > 0);
    CHECK(compare_canonical("1.5", "1.45") > 0);
    CHECK(compare_canonical("1", "1.0001") < 0);
}

TEST_CASE("typed value: xsd:date and xsd:dateTime, offsets and impossible days") {
    CHECK(read_date("1985-03-12")->day == read_date("1985-03-12+01:00")->day);
    CHECK(read_date("1985-03-12Z")->offset_minutes == 0);
    CHECK(read_date("1985-03-12-05:30")->offset_minutes == -330);
    CHECK(read_date("2024-02-29"));
    CHECK(read_date("1970-01-01")->day == 0);
    for (const char* bad : {"2023-02-29", "1985-13-01", "1985-3-12", "85-03-12", "1985-03-12+1:00",
                            "1985-03-12+15:00", "1985-03-12T00:00:00", "01985-03-12", "1985-03-72"})
        CHECK_MESSAGE(!read_date(bad), bad);
    const auto a = read_date_time("2026-12-04T10:00:00+01:00");
    const auto b = read_date_time("2026-12-04T09:00:00.000Z");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->seconds - *a->offset_minutes * 60 == b->seconds - *b->offset_minutes * 60);
    CHECK(b->fraction.empty());
    CHECK(read_date_time("2026-12-04T24:00:00")->seconds ==
          read_date_time("2026-12-05T00:00:00")->seconds);
    for (const char* bad : {"2026-12-04T24:00:01", "2026-12-04T10:60:00", "2026-12-04 10:00:00",
                            "2026-12-04T10:00", "2026-12-04T10:00:00.", "2026-12-04"})
        CHECK_MESSAGE(!read_date_time(bad), bad);
}

TEST_CASE("typed value: \"as\" compares what the contract types, and nothing else") {
    // A zero-padded house number is the house number; the same text without "as" is not.
    CHECK(holds({{"equals", 12}, {"as", "integer"}}, json("012")));
    CHECK(holds({{"equals", "12"}, {"as", "integer"}}, json(" 0012 ")));
    CHECK_FALSE(holds({{"equals", 12}}, json("012")));
    CHECK_FALSE(holds({{"equals", 12}, {"as", "integer"}}, json("12A")));
    CHECK_FALSE(holds({{"equals", 12}, {"as", "integer"}}, json("13")));
    CHECK(holds({{"one_of", {1, 2, 12}}, {"as", "integer"}}, json("012")));
    CHECK(holds({{"not_equals", 13}, {"as", "integer"}}, json("012")));
    CHECK(holds({{"equals", 12.5}, {"as", "decimal"}}, json("012.500")));
    // A date with an offset is the day; two stated offsets must agree.
    CHECK(holds({{"equals", "1985-03-12"}, {"as", "date"}}, json("1985-03-12+01:00")));
    CHECK(holds({{"equals", "1985-03-12Z"}, {"as", "date"}}, json("1985-03-12")));
    CHECK_FALSE(holds({{"equals", "1985-03-12Z"}, {"as", "date"}}, json("1985-03-12+01:00")));
    CHECK_FALSE(holds({{"equals", "1985-03-12"}, {"as", "date"}}, json("1985-03-13+01:00")));
    CHECK_FALSE(holds({{"equals", "1985-03-12"}}, json("1985-03-12+01:00")));
    // dateTime: instants with offsets; local times without; one of each is not equal.
    CHECK(holds({{"equals", "2026-12-04T09:00:00Z"}, {"as", "dateTime"}},
                json("2026-12-04T10:00:00.000+01:00")));
    CHECK_FALSE(holds({{"equals", "2026-12-04T09:00:00Z"}, {"as", "dateTime"}},
                      json("2026-12-04T09:00:00")));
    CHECK(holds({{"equals", "2026-12-04T09:00:00.5"}, {"as", "dateTime"}},
                json("2026-12-04T09:00:00.50")));
    // Order by the type: days, not text.
    CHECK(holds({{"lt", "2000-01-01"}, {"as", "date"}}, json("1999-12-31-05:00")));
    CHECK(holds({{"gt", 9}, {"as", "integer"}}, json("010")));
    CHECK_FALSE(holds({{"gt", "9"}}, json("10"))); // lexicographic without "as"
    // Nested predicates read as their parent unless they say otherwise.
    CHECK(holds({{"as", "integer"}, {"each", {{"ge", 1}}}}, json::array({"01", "002"})));
    CHECK_FALSE(holds({{"each", {{"ge", 1}}}}, json::array({"01", "002"})));
    // The failure says how it compared.
    const auto o = evaluate_predicates({{"equals", "1985-03-12"}, {"as", "date"}}, json("x"));
    CHECK(o.expected == "equals \"1985-03-12\" (as date)");
}

TEST_CASE("typed value: numbers within a tolerance, at any depth") {
    const json coords = {12.58070837, 55.68124651};
    CHECK(holds({{"equals", coords}, {"decimals", 6}}, json{12.580708371234, 55.6812465}));
    CHECK_FALSE(holds({{"equals", coords}}, json{12.580708371234, 55.6812465}));
    CHECK_FALSE(holds({{"equals", coords}, {"decimals", 6}}, json{12.5807, 55.6812465}));
    CHECK_FALSE(holds({{"equals", coords}, {"decimals", 6}}, json{12.58070837}));
    CHECK(holds({{"equals", 0.3}, {"within", 1e-9}}, json(0.1 + 0.2)));
    CHECK(holds({{"equals", 1.0}, {"within", 0.1}}, json("1.1")));
    CHECK_FALSE(holds({{"equals", 1.0}, {"within", 0.1}}, json("1.11")));
    CHECK(holds({{"equals", json{{"x", 1.0}, {"y", 2.0}}}, {"within", 0.01}},
                json{{"y", 2.001}, {"x", 0.999}}));
    CHECK_FALSE(
        holds({{"equals", json{{"x", 1.0}}}, {"within", 0.01}}, json{{"x", 1.0}, {"y", 2.0}}));
    CHECK(holds({{"equals", 7}, {"as", "integer"}, {"within", 1}}, json("0008")));
}

TEST_CASE("typed value: rows compare a column as the contract types it, key included") {
    const json spec = {
        {"key", "husnummer"},
        {"expected", json::array({{{"husnummer", 5}, {"dato", "1990-07-01"}},
                                  {{"husnummer", 12}, {"dato", "1985-03-12"}}})},
        {"fields", {{"husnummer", "/h"}, {"dato", "/d"}}},
        {"compare", {{"husnummer", {{"as", "integer"}}}, {"dato", {{"as", "date"}}}}}};
    rows_comparison padded(spec);
    padded.add(json::array(
        {{{"h", "005"}, {"d", "1990-07-01+02:00"}}, {{"h", "012"}, {"d", "1985-03-12Z"}}}));
    const auto ok = padded.finish();
    CHECK_MESSAGE(ok.passed, ok.explanation);
    rows_comparison wrong(spec);
    wrong.add(
        json::array({{{"h", "005"}, {"d", "1990-07-02"}}, {{"h", "12"}, {"d", "1985-03-12"}}}));
    const auto bad = wrong.finish();
    CHECK_FALSE(bad.passed);
    CHECK(bad.explanation.find("dato expected \"1990-07-01\" (as date), got \"1990-07-02\"") !=
          std::string::npos);
    json plain = spec;
    plain.erase("compare");
    rows_comparison untyped(plain);
    untyped.add(
        json::array({{{"h", "005"}, {"d", "1990-07-01"}}, {{"h", 12}, {"d", "1985-03-12"}}}));
    CHECK_FALSE(untyped.finish().passed);
}
