// Expected records from a data set's selection, compared with an answer on a key: what is
// missing, extra, repeated or different, and where the order departs.
#include "konform/check/rows.hpp"
#include "konform/model/dataset_selection.hpp"

#include <doctest/doctest.h>

using namespace konform;
using nlohmann::json;

namespace {

model::dataset_rows addresses() {
    model::dataset_rows rows;
    rows.set_columns({"id", "kommunekode", "vejnavn", "husnr"});
    rows.set_type(1, model::dataset_rows::column_type::integer);
    rows.add_cells({"a", "101", "Ægade", "2"});
    rows.add_cells({"b", "101", "Bøgevej", "10"});
    rows.add_cells({"c", "751", "Åvej", "1"});
    rows.add_cells({"d", "101", "Ægade", "1"});
    return rows;
}

json spec(json expected, bool ordered = false) {
    return {{"expected", std::move(expected)},
            {"key", "id"},
            {"fields", {{"id", "/id"}, {"vejnavn", "/vej/navn"}}},
            {"ordered", ordered},
            {"source", "data set adresser"}};
}

} // namespace

TEST_CASE("select_rows: where with loose equality, order by columns, offset and limit") {
    const auto rows = addresses();
    model::row_selection sel;
    sel.where = {{"kommunekode", "101"}}; // a template's text selects the typed column
    sel.order_by = {"vejnavn", "husnr"};  // husnr as numbers: 1 before 2 before 10
    sel.columns = {"id"};
    CHECK(model::select_rows(rows, sel) == json::parse(R"([{"id":"b"},{"id":"d"},{"id":"a"}])"));
    sel.offset = 1;
    sel.limit = 1;
    CHECK(model::select_rows(rows, sel) == json::parse(R"([{"id":"d"}])"));
    sel = {};
    sel.where = {{"kommunekode", 999}};
    CHECK(model::select_rows(rows, sel).empty());
    CHECK(model::loosely_equal("101", 101));
    CHECK_FALSE(model::loosely_equal("0101x", 101));
    CHECK_FALSE(model::loosely_equal(nullptr, ""));
}

TEST_CASE("rows: an answer holding exactly the expected records passes, in any order") {
    const json expected =
        json::parse(R"([{"id":"a","vejnavn":"Ægade"},{"id":"b","vejnavn":"Bøgevej"}])");
    check::rows_comparison c(spec(expected));
    c.add(json::parse(R"([{"id":"b","vej":{"navn":"Bøgevej"}}])"));
    c.add(json::parse(R"([{"id":"a","vej":{"navn":"Ægade"},"extra":1}])")); // a second page
    auto o = c.finish();
    CHECK(o.passed);
    CHECK(o.expected == "2 records, data set adresser, matched on id, in any order");
    CHECK(o.actual == "2 records");
}

TEST_CASE("rows: a field compares typed, as the expected value's type says") {
    // An untyped CSV cell is text: "0825" is not 825, and " 1" or "0x1" is not 1.
    const json expected = json::parse(
        R"([{"id":"a","kommunekode":"0825","status":1},{"id":"b","kommunekode":"0101","status":1}])");
    json s = spec(expected);
    s["fields"] = {{"id", "/id"}, {"kommunekode", "/kommunekode"}, {"status", "/status"}};
    check::rows_comparison good(s);
    good.add(json::parse(
        R"([{"id":"a","kommunekode":"0825","status":1},{"id":"b","kommunekode":"0101","status":"1"}])"));
    CHECK(good.finish().passed);
    check::rows_comparison bad(s);
    bad.add(json::parse(
        R"([{"id":"a","kommunekode":825,"status":1},{"id":"b","kommunekode":"0101","status":"0x1"}])"));
    auto o = bad.finish();
    CHECK_FALSE(o.passed);
    CHECK(o.explanation == "2 differing: id=a: kommunekode expected \"0825\", got 825; "
                           "id=b: status expected 1, got \"0x1\"");
    // The key as well: a record whose key is the number 7 is not the expected "7".
    check::rows_comparison key(spec(json::parse(R"([{"id":"7","vejnavn":"V"}])")));
    key.add(json::parse(R"([{"id":7,"vej":{"navn":"V"}}])"));
    auto k = key.finish();
    CHECK_FALSE(k.passed);
    CHECK(k.explanation == "1 differing: id=7: id expected \"7\", got 7");
}

TEST_CASE("rows: missing, extra, repeated and differing records are each listed") {
    json expected = json::array();
    for (int i = 0; i < 30; ++i)
        expected.push_back({{"id", "k" + std::to_string(i)}, {"vejnavn", "Ø"}});
    check::rows_comparison c(spec(expected));
    json answer = json::array();
    for (int i = 5; i < 30; ++i) // k0..k4 missing
        answer.push_back(
            {{"id", "k" + std::to_string(i)}, {"vej", {{"navn", i == 7 ? "Oe" : "Ø"}}}});
    answer.push_back({{"id", "k9"}, {"vej", {{"navn", "Ø"}}}}); // repeated
    answer.push_back({{"id", "zz"}, {"vej", {{"navn", "Ø"}}}}); // extra
    answer.push_back({{"vej", {{"navn", "Ø"}}}});               // no key
    c.add(answer);
    auto o = c.finish();
    CHECK_FALSE(o.passed);
    CHECK(o.explanation == "5 missing: id=k0; id=k1; id=k2; id=k3; id=k4\n"
                           "2 extra: id=zz; id=(no key)\n"
                           "1 repeated: id=k9\n"
                           "1 differing: id=k7: vejnavn expected \"Ø\", got \"Oe\"");
}

TEST_CASE("rows: at most 20 of a kind are shown, with the count; the order is checked when asked") {
    json expected = json::array();
    for (int i = 0; i < 45; ++i)
        expected.push_back({{"id", i}, {"vejnavn", "x"}});
    check::rows_comparison none(spec(expected));
    none.add(json::array());
    auto o = none.finish();
    CHECK(o.explanation.rfind("45 missing (first 20): id=0; id=1;", 0) == 0);
    CHECK(o.explanation.find("id=20") == std::string::npos);

    const json two = json::parse(R"([{"id":"a","vejnavn":"x"},{"id":"b","vejnavn":"x"}])");
    check::rows_comparison ordered(spec(two, true));
    ordered.add(json::parse(R"([{"id":"b","vej":{"navn":"x"}},{"id":"a","vej":{"navn":"x"}}])"));
    o = ordered.finish();
    CHECK_FALSE(o.passed);
    CHECK(o.explanation == "out of order from position 0: expected id=a, got b");

    check::rows_comparison shape(spec(two));
    shape.add(json{{"id", "a"}});
    CHECK(shape.finish().explanation == "the answer is object, not an array");
}

TEST_CASE("rows: an answer far longer than expected stops being compared, and fails") {
    check::rows_comparison c(spec(json::array({{{"id", "a"}, {"vejnavn", "x"}}})));
    json page = json::array();
    for (std::size_t i = 0; i <= check::rows_comparison::max_surplus; ++i)
        page.push_back({{"id", "k" + std::to_string(i)}});
    c.add(page);
    CHECK(c.full());
    c.add(page); // counted, not kept
    CHECK(c.answered() == 2 * (check::rows_comparison::max_surplus + 1));
    auto o = c.finish();
    CHECK_FALSE(o.passed);
    CHECK(o.explanation == "the answer holds more than 100001 records; the rest were not compared");
}
