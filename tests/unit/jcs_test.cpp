#include "konform/util/jcs.hpp"

#include <cstring>
#include <doctest/doctest.h>

using namespace konform::util;
using nlohmann::json;

namespace {
double from_bits(std::uint64_t bits) {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}
} // namespace

TEST_CASE("jcs: RFC 8785 appendix B number vectors") {
    const std::pair<std::uint64_t, const char*> vectors[] = {
        {0x0000000000000000, "0"},
        {0x8000000000000000, "0"},
        {0x0000000000000001, "5e-324"},
        {0x8000000000000001, "-5e-324"},
        {0x7fefffffffffffff, "1.7976931348623157e+308"},
        {0xffefffffffffffff, "-1.7976931348623157e+308"},
        {0x4340000000000000, "9007199254740992"},
        {0xc340000000000000, "-9007199254740992"},
        {0x4430000000000000, "295147905179352830000"},
        {0x44b52d02c7e14af5, "9.999999999999997e+22"},
        {0x44b52d02c7e14af6, "1e+23"},
        {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
        {0x444b1ae4d6e2ef4e, "999999999999999700000"},
        {0x444b1ae4d6e2ef4f, "999999999999999900000"},
        {0x444b1ae4d6e2ef50, "1e+21"},
        {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
        {0x3eb0c6f7a0b5ed8d, "0.000001"},
        {0x41b3de4355555553, "333333333.3333332"},
        {0x41b3de4355555554, "333333333.33333325"},
        {0x41b3de4355555555, "333333333.3333333"},
        {0x41b3de4355555556, "333333333.3333334"},
        {0x41b3de4355555557, "333333333.33333343"},
        {0xbecbf647612f3696, "-0.0000033333333333333333"},
        {0x43143ff3c1cb0959, "1424953923781206.2"},
    };
    for (const auto& [bits, text] : vectors) {
        CAPTURE(text);
        CHECK(ecmascript_number(from_bits(bits)) == text);
    }
    CHECK(ecmascript_number(1.0) == "1");
    CHECK_THROWS_AS(ecmascript_number(from_bits(0x7ff8000000000000)), std::invalid_argument);
}

TEST_CASE("jcs: RFC 8785 section 3.2.2 example") {
    auto in = json::parse(R"({
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    })");
    CHECK(canonicalize(in) ==
          "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
          "\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

TEST_CASE("jcs: members are ordered by UTF-16 code units (RFC 8785 section 3.2.3)") {
    auto in = json::parse(
        R"({"\u20ac": 1, "\r": 2, "\ufb33": 3, "1": 4, "\ud83d\ude00": 5, "\u0080": 6, "\u00f6": 7})");
    CHECK(canonicalize(in) == "{\"\\r\":2,\"1\":4,\"\xC2\x80\":6,\"\xC3\xB6\":7,\"\xE2\x82\xAC\":1,"
                              "\"\xF0\x9F\x98\x80\":5,\"\xEF\xAC\xB3\":3}");
}

TEST_CASE("jcs: integers are numbers, nesting is kept") {
    CHECK(canonicalize(json{{"b", {1, 2.5, -0.0}}, {"a", json::object()}}) ==
          R"({"a":{},"b":[1,2.5,0]})");
}

TEST_CASE("jcs: strict parsing refuses duplicate member names") {
    CHECK_NOTHROW(parse_strict(R"({"a": 1, "b": {"a": 2}})"));
    CHECK_THROWS_WITH_AS(parse_strict(R"({"a": 1, "a": 2})"),
                         doctest::Contains("duplicate member name"), std::invalid_argument);
    CHECK_THROWS_AS(parse_strict(R"({"x": [{"k": 1, "k": 1}]})"), std::invalid_argument);
    CHECK_THROWS_AS(parse_strict(R"({"x": )"), std::invalid_argument);
    auto v = parse_strict(R"({"list": [1, {"a": [true, null]}], "s": "æ"})");
    CHECK(v["list"][1]["a"][0] == true);
    CHECK(v["s"] == "æ");
}

TEST_CASE("parse_json: wide documents in linear time, deep ones refused") {
    std::string wide = "[";
    for (int i = 0; i < 200000; ++i)
        wide += i ? ",{}" : "{}";
    wide += "]";
    CHECK(parse_json(wide).size() == 200000); // quadratic before: ~15 s here
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK_THROWS_AS(parse_json(deep), json_too_deep);
    CHECK_THROWS_AS(parse_strict(deep), std::invalid_argument);
    const std::string ok = std::string(512, '[') + std::string(512, ']');
    CHECK_NOTHROW(parse_json(ok));
    CHECK_NOTHROW(parse_strict(ok));
    CHECK_THROWS_AS(parse_json("{\"a\": }"), nlohmann::json::parse_error);
}

TEST_CASE("parse_json: a value limit bounds the memory a short text can cost") {
    std::string wide = "[{}";
    for (int i = 1; i < 5000; ++i)
        wide += ",{}";
    wide += "]";
    CHECK(konform::util::parse_json(wide).size() == 5000);
    CHECK_NOTHROW(konform::util::parse_json(wide, 5001)); // the array and its 5,000 objects
    CHECK_THROWS_AS(konform::util::parse_json(wide, 5000), konform::util::json_too_large);
    CHECK_THROWS_AS(konform::util::parse_json("[1, \"a\", null, true, 2.5]", 5),
                    konform::util::json_too_large);
    CHECK(konform::util::parse_json("[1, \"a\", null, true, 2.5]", 6).size() == 5);
}
