#include "konform/check/readable_body.hpp"

#include <doctest/doctest.h>
#include <string>

using konform::check::readable_body;

TEST_CASE("readable body: XML and JSON indented, anything else as it is") {
    CHECK(
        readable_body(
            R"(<?xml version="1.0"?><S:Envelope xmlns:S="urn:s"><S:Body><a>x &amp; y</a></S:Body></S:Envelope>)") ==
        "<?xml version=\"1.0\"?>\n<S:Envelope xmlns:S=\"urn:s\">\n  <S:Body>\n    <a>x &amp; "
        "y</a>\n  </S:Body>\n</S:Envelope>");
    CHECK(readable_body(R"({"a":[1,2],"b":"\u00f8"})") ==
          "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"ø\"\n}");
    CHECK(readable_body("plain text") == "plain text");
    CHECK(readable_body("<broken") == "<broken");
    CHECK(readable_body("{\"a\": ") == "{\"a\": ");
    // A DOCTYPE's entities are never expanded.
    const std::string bomb = R"(<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><x>&a;&a;</x>)";
    CHECK(readable_body(bomb).find("aaaaaaaaaaaaaaaaaaaa") == std::string::npos);
    const std::string big(70 * 1024, ' ');
    CHECK(readable_body("<a>" + big + "</a>") == "<a>" + big + "</a>"); // too big: as it is
}
