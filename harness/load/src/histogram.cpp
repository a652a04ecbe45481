#include "konform/load/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace konform::load {

namespace {

// 3 significant digits: every value below 2,000 has its own bucket, so each power of two
// above it is split in 1,024 equal sub-buckets (HdrHistogram's sub_bucket_count 2,048).
constexpr int sub_bucket_count_magnitude = 11;
constexpr std::int64_t sub_bucket_count = 1 << sub_bucket_count_magnitude;
constexpr int sub_bucket_half_magnitude = sub_bucket_count_magnitude - 1;
constexpr std::int64_t sub_bucket_half_count = sub_bucket_count / 2;
constexpr std::uint64_t sub_bucket_mask = sub_bucket_count - 1;

int bucket_index(std::int64_t value) {
    const int pow2ceiling =
        64 - std::countl_zero(static_cast<std::uint64_t>(value) | sub_bucket_mask);
    return pow2ceiling - (sub_bucket_half_magnitude + 1);
}

int sub_bucket_index(std::int64_t value, int bucket) {
    return static_cast<int>(value >> bucket);
}

} // namespace

histogram::histogram(std::int64_t highest) : highest_(std::max<std::int64_t>(highest, 2 * 2000)) {
    std::int64_t smallest_untrackable = sub_bucket_count;
    bucket_count_ = 1;
    while (smallest_untrackable <= highest_) {
        smallest_untrackable <<= 1;
        ++bucket_count_;
    }
    counts_.assign(static_cast<std::size_t>(bucket_count_ + 1) * sub_bucket_half_count, 0);
}

std::size_t histogram::index_of(std::int64_t value) const {
    const int bucket = bucket_index(value);
    const int sub = sub_bucket_index(value, bucket);
    return (static_cast<std::size_t>(bucket + 1) << sub_bucket_half_magnitude) +
           static_cast<std::size_t>(sub - sub_bucket_half_count);
}

std::int64_t histogram::value_of(std::size_t index) const {
    int bucket = static_cast<int>(index >> sub_bucket_half_magnitude) - 1;
    std::int64_t sub =
        static_cast<std::int64_t>(index & (sub_bucket_half_count - 1)) + sub_bucket_half_count;
    if (bucket < 0) {
        sub -= sub_bucket_half_count;
        bucket = 0;
    }
    return sub << bucket;
}

std::int64_t histogram::lowest_equivalent(std::int64_t value) const {
    const int bucket = bucket_index(value);
    return static_cast<std::int64_t>(sub_bucket_index(value, bucket)) << bucket;
}

std::int64_t histogram::highest_equivalent(std::int64_t value) const {
    const int bucket = bucket_index(value);
    const int sub = sub_bucket_index(value, bucket);
    const int adjusted = sub >= sub_bucket_count ? bucket + 1 : bucket;
    return lowest_equivalent(value) + (std::int64_t{1} << adjusted) - 1;
}

bool histogram::equivalent(std::int64_t a, std::int64_t b) const {
    return lowest_equivalent(std::max<std::int64_t>(a, 0)) ==
           lowest_equivalent(std::max<std::int64_t>(b, 0));
}

void histogram::record(std::int64_t value, std::uint64_t count) {
    if (count == 0) return;
    value = std::max<std::int64_t>(value, 0);
    if (value > highest_) {
        value = highest_;
        saturated_ += count;
    }
    counts_[index_of(value)] += count;
    min_ = total_ ? std::min(min_, value) : value;
    max_ = std::max(max_, value);
    total_ += count;
    sum_ += static_cast<long double>(value) * count;
}

void histogram::merge(const histogram& other) {
    if (!other.total_) return;
    for (std::size_t i = 0; i < other.counts_.size(); ++i)
        if (other.counts_[i]) {
            const std::int64_t v = std::min(other.value_of(i), highest_);
            counts_[index_of(v)] += other.counts_[i];
        }
    min_ = total_ ? std::min(min_, other.min_) : other.min_;
    max_ = std::max(max_, std::min(other.max_, highest_));
    total_ += other.total_;
    saturated_ += other.saturated_;
    sum_ += other.sum_;
}

double histogram::mean() const {
    return total_ ? static_cast<double>(sum_ / total_) : 0.0;
}

std::int64_t histogram::value_at(double percentile) const {
    if (!total_) return 0;
    percentile = std::clamp(percentile, 0.0, 100.0);
    if (percentile >= 100.0) return max_;
    const auto wanted = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(percentile / 100.0 * static_cast<double>(total_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= wanted) return std::min(highest_equivalent(value_of(i)), max_);
    }
    return max_;
}

nlohmann::json histogram::to_json() const {
    nlohmann::json counts = nlohmann::json::array();
    for (std::size_t i = 0; i < counts_.size(); ++i)
        if (counts_[i]) counts.push_back({value_of(i), counts_[i]});
    return {{"unit", "us"},
            {"significant_digits", 3},
            {"highest", highest_},
            {"total", total_},
            {"min", min()},
            {"max", max_},
            {"saturated", saturated_},
            {"counts", std::move(counts)}};
}

std::optional<histogram> histogram::from_json(const nlohmann::json& j, std::string& error) {
    auto integer = [&](const char* key, std::int64_t& out) {
        if (!j.contains(key) || !j[key].is_number_integer() || j[key].get<std::int64_t>() < 0) {
            error = std::string("the histogram's \"") + key + "\" is not a whole number";
            return false;
        }
        out = j[key].get<std::int64_t>();
        return true;
    };
    if (!j.is_object() || j.value("unit", "") != "us" || j.value("significant_digits", 0) != 3) {
        error = "not a histogram of microseconds to 3 significant digits";
        return std::nullopt;
    }
    std::int64_t highest = 0, min = 0, max = 0, total = 0, saturated = 0;
    if (!integer("highest", highest) || !integer("min", min) || !integer("max", max) ||
        !integer("total", total) || !integer("saturated", saturated))
        return std::nullopt;
    if (!j.contains("counts") || !j["counts"].is_array()) {
        error = "the histogram has no \"counts\" array";
        return std::nullopt;
    }
    histogram h(highest);
    std::uint64_t sum = 0;
    std::int64_t last = -1;
    for (const auto& c : j["counts"]) {
        if (!c.is_array() || c.size() != 2 || !c[0].is_number_integer() ||
            !c[1].is_number_integer() || c[0].get<std::int64_t>() < 0 ||
            c[1].get<std::int64_t>() <= 0) {
            error = "a count is not a [value, count] pair of whole numbers";
            return std::nullopt;
        }
        const auto v = c[0].get<std::int64_t>();
        const auto n = c[1].get<std::uint64_t>();
        if (v <= last || v > highest || h.lowest_equivalent(v) != v) {
            error = "the count at " + std::to_string(v) +
                    " is out of order or not the lowest value of its bucket";
            return std::nullopt;
        }
        last = v;
        h.counts_[h.index_of(v)] += n;
        sum += n;
        h.sum_ +=
            static_cast<long double>(h.lowest_equivalent(v) + h.highest_equivalent(v)) / 2 * n;
    }
    if (sum != static_cast<std::uint64_t>(total)) {
        error = "the counts add up to " + std::to_string(sum) + ", not the total " +
                std::to_string(total);
        return std::nullopt;
    }
    h.total_ = sum;
    h.min_ = min;
    h.max_ = max;
    h.saturated_ = static_cast<std::uint64_t>(saturated);
    return h;
}

} // namespace konform::load
