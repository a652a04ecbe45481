// Service-level figures: the latency histogram (HdrHistogram's design) against exact
// percentiles, merging, its report form, and what a load recorder derives from it.
#include "konform/load/histogram.hpp"
#include "konform/load/recorder.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <random>

using konform::load::histogram;
using konform::load::recorder;

namespace {

// The exact value at a percentile of sorted values, as the histogram defines it: the
// smallest value at or below which `p` % of the values fall.
std::int64_t exact(const std::vector<std::int64_t>& sorted, double p) {
    const auto wanted = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size()))));
    return sorted[wanted - 1];
}

} // namespace

TEST_CASE("histogram: percentiles within 0.1% of the exact ones, over six decades") {
    std::mt19937_64 rng(27);
    std::lognormal_distribution<double> dist(8.0, 2.5); // 1 µs to minutes
    histogram h;
    std::vector<std::int64_t> values;
    for (int i = 0; i < 200'000; ++i) {
        const auto v = std::clamp<std::int64_t>(static_cast<std::int64_t>(dist(rng)), 1,
                                                histogram::default_highest);
        values.push_back(v);
        h.record(v);
    }
    std::sort(values.begin(), values.end());
    CHECK(h.total() == values.size());
    CHECK(h.min() == values.front());
    CHECK(h.max() == values.back());
    for (double p : {1.0, 25.0, 50.0, 90.0, 95.0, 99.0, 99.9, 99.99}) {
        const auto want = exact(values, p);
        const auto got = h.value_at(p);
        INFO("p" << p << ": exact " << want << ", histogram " << got);
        CHECK(got >= want);
        CHECK(static_cast<double>(got - want) <= std::max(1.0, 0.001 * static_cast<double>(want)));
        CHECK(h.equivalent(got, want));
    }
    CHECK(h.value_at(100) == values.back());
}

TEST_CASE("histogram: values below 2,048 µs are exact; memory does not grow with the count") {
    histogram h;
    const auto size_before = h.to_json().dump().size();
    for (std::int64_t v = 1; v <= 2047; ++v)
        h.record(v);
    for (std::int64_t v = 1; v <= 2047; ++v)
        CHECK(!h.equivalent(v, v + 1));
    CHECK(h.value_at(50) == 1024);
    histogram many;
    for (int i = 0; i < 1'000'000; ++i)
        many.record(1000 + i % 7);
    CHECK(many.to_json()["counts"].size() == 7);
    CHECK(size_before < 400);
}

TEST_CASE("histogram: a value past the highest counts as the highest and is told") {
    histogram h(10'000'000);
    h.record(5);
    h.record(50'000'000, 3);
    CHECK(h.saturated() == 3);
    CHECK(h.max() == 10'000'000);
    CHECK(h.value_at(99) == 10'000'000);
    h.record(-4);
    CHECK(h.min() == 0);
}

TEST_CASE("histogram: two merged histograms hold what one holding every value holds") {
    std::mt19937_64 rng(5);
    std::uniform_int_distribution<std::int64_t> dist(1, 5'000'000);
    histogram a, b, all;
    for (int i = 0; i < 50'000; ++i) {
        const auto v = dist(rng);
        (i % 3 ? a : b).record(v);
        all.record(v);
    }
    a.merge(b);
    CHECK(a.to_json() == all.to_json());
    for (double p : {50.0, 99.0, 99.9})
        CHECK(a.value_at(p) == all.value_at(p));
}

TEST_CASE("histogram: the report's form gives back the same percentiles, and lies are refused") {
    std::mt19937_64 rng(9);
    std::exponential_distribution<double> dist(1.0 / 20'000);
    histogram h;
    for (int i = 0; i < 20'000; ++i)
        h.record(1 + static_cast<std::int64_t>(dist(rng)));
    std::string error;
    auto back = histogram::from_json(h.to_json(), error);
    REQUIRE_MESSAGE(back, error);
    CHECK(back->to_json() == h.to_json());
    for (double p : {50.0, 90.0, 99.0, 99.99})
        CHECK(back->value_at(p) == h.value_at(p));
    CHECK(std::abs(back->mean() - h.mean()) < 0.001 * h.mean());

    auto bad = h.to_json();
    bad["total"] = bad["total"].get<std::uint64_t>() + 1;
    CHECK_FALSE(histogram::from_json(bad, error));
    CHECK(error.find("add up") != std::string::npos);
    bad = h.to_json();
    std::swap(bad["counts"][0], bad["counts"][1]);
    CHECK_FALSE(histogram::from_json(bad, error));
    bad = h.to_json();
    bad["counts"][bad["counts"].size() - 1][0] = 2049; // not the lowest value of a bucket
    CHECK_FALSE(histogram::from_json(bad, error));
    CHECK_FALSE(histogram::from_json(nlohmann::json::array(), error));
    bad = h.to_json();
    bad["unit"] = "ms";
    CHECK_FALSE(histogram::from_json(bad, error));
}

TEST_CASE("recorder: service levels, error rate and achieved rate") {
    recorder r;
    r.set_window(10);
    r.set_stated_rate(10);
    for (int i = 0; i < 98; ++i)
        r.answered(static_cast<std::size_t>(i / 10), 10'000 + i * 100, false); // 10.0 to 19.7 ms
    r.answered(9, 2'000'000, true);                                            // a 2 s stall
    r.not_sent(9, 3'000'000);
    CHECK(r.requests() == 99);
    CHECK(r.errors() == 2);
    CHECK(*r.metric("error_rate") == doctest::Approx(0.02));
    CHECK(*r.metric("achieved_rate") == doctest::Approx(9.9));
    CHECK(*r.metric("p50_ms") == doctest::Approx(14.9).epsilon(0.002));
    CHECK(*r.metric("p99_ms") == doctest::Approx(2000).epsilon(0.002));
    CHECK(*r.metric("max_ms") == doctest::Approx(3000));
    CHECK_FALSE(r.metric("p42_ms"));
    const auto j = r.to_json();
    CHECK(j["seconds"].size() == 10);
    CHECK(j["seconds"][9][1] == 2);
    CHECK(j["levels"]["requests"] == 99);
    CHECK(j["not_sent"] == 1);
    for (auto name : konform::load::metric_names())
        CHECK(r.metric(name));
}

TEST_CASE("recorder: a load of any length keeps at most an hour of seconds") {
    recorder r;
    r.answered(1'000'000, 5, false);
    CHECK(r.seconds().size() == recorder::max_seconds);
    recorder other;
    other.answered(3, 7, true);
    r.merge(other);
    CHECK(r.errors() == 1);
    CHECK(r.seconds()[3].errors == 1);
}
