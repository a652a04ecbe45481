#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace konform::load {

// A log-linear histogram of latencies in microseconds, HdrHistogram's design: every value
// from 1 µs to `highest` is kept to 3 significant digits (a count's bucket is at most 0.1%
// wide), in constant memory (about 190 KB for an hour), and two histograms of the same
// geometry add up exactly, so percentiles can be recomputed from what a report holds.
class histogram {
public:
    static constexpr std::int64_t default_highest = 3'600'000'000; // one hour, in µs

    explicit histogram(std::int64_t highest = default_highest);

    // Counts `value` µs (`count` times). A value past `highest` counts as `highest`, and
    // `saturated` says how many did; below 1 it counts as 0.
    void record(std::int64_t value, std::uint64_t count = 1);
    // Adds every count of `other` (of any geometry) to this one.
    void merge(const histogram& other);

    std::uint64_t total() const { return total_; }
    std::uint64_t saturated() const { return saturated_; }
    std::int64_t highest() const { return highest_; }
    // The exact smallest and largest values recorded (0 when empty).
    std::int64_t min() const { return total_ ? min_ : 0; }
    std::int64_t max() const { return max_; }
    double mean() const;
    // The value at or below which `percentile` % of the values fall: the highest value
    // equivalent to it at this resolution, never above the largest value recorded (0 when
    // empty). percentile 100 is max().
    std::int64_t value_at(double percentile) const;
    // Whether two values fall in the same bucket.
    bool equivalent(std::int64_t a, std::int64_t b) const;

    // {"unit": "us", "significant_digits": 3, "highest": H, "total", "min", "max",
    //  "saturated", "counts": [[value, count], ...]}: each value is the lowest of its
    // bucket, counts in ascending order of value, empty buckets left out.
    nlohmann::json to_json() const;
    // A histogram from to_json's form; nullopt (and `error`) when it is not one.
    static std::optional<histogram> from_json(const nlohmann::json& j, std::string& error);

private:
    std::size_t index_of(std::int64_t value) const;
    std::int64_t value_of(std::size_t index) const;
    std::int64_t lowest_equivalent(std::int64_t value) const;
    std::int64_t highest_equivalent(std::int64_t value) const;

    std::int64_t highest_;
    int bucket_count_ = 0;
    std::vector<std::uint64_t> counts_;
    std::uint64_t total_ = 0;
    std::uint64_t saturated_ = 0;
    std::int64_t min_ = 0;
    std::int64_t max_ = 0;
    long double sum_ = 0;
};

} // namespace konform::load
