#pragma once

#include "konform/load/histogram.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

namespace konform::load {

// One second of a load, by the seconds its requests were meant to start in.
struct second {
    std::uint64_t requests = 0; // meant to start in this second and sent
    std::uint64_t errors = 0;   // of them: no answer, a 5xx, or not sent
    std::int64_t max_us = 0;    // the slowest latency
    long double sum_us = 0;     // for the mean
};

// What a load measured, in memory independent of the number of requests: the latency
// histogram (each latency from the request's intended start to its answer's end), counts,
// and one entry per second (a load lasts at most max_seconds).
class recorder {
public:
    static constexpr std::size_t max_seconds = 3600;

    // `second_index`: the second of the load the request was meant to start in.
    void answered(std::size_t second_index, std::int64_t latency_us, bool error);
    // An arrival that was never sent (no connection was free before the load ended),
    // `late_us` after its intended start: an error, and its lateness is its latency.
    void not_sent(std::size_t second_index, std::int64_t late_us);
    // A request that started more than the allowed lag late while konform was free to send
    // it: konform, not the system, fell behind.
    void generator_late() { ++generator_late_; }

    void set_window(double seconds) { window_s_ = seconds; }
    void set_stated_rate(double per_second) { stated_rate_ = per_second; }
    void merge(const recorder& other);

    const histogram& latency() const { return latency_; }
    const std::vector<second>& seconds() const { return seconds_; }
    std::uint64_t requests() const { return requests_; }
    std::uint64_t errors() const { return errors_; }
    std::uint64_t unsent() const { return unsent_; }
    std::uint64_t late() const { return generator_late_; }
    double window_seconds() const { return window_s_; }
    double stated_rate() const { return stated_rate_; }
    // Requests sent per second of the window.
    double achieved_rate() const;

    // A service level by name (p50_ms, p90_ms, p95_ms, p99_ms, p999_ms, max_ms, mean_ms,
    // error_rate, achieved_rate, requests); nullopt for an unknown name.
    std::optional<double> metric(std::string_view name) const;

    // {"window_s", "stated_rate", "achieved_rate", "requests", "errors", "not_sent",
    //  "late_starts", "levels": {...}, "histogram": {...}, "seconds": [[requests, errors,
    //  mean_ms, max_ms], ...]}
    nlohmann::json to_json() const;

private:
    second& at(std::size_t index);

    histogram latency_;
    std::vector<second> seconds_;
    std::uint64_t requests_ = 0, errors_ = 0, unsent_ = 0, generator_late_ = 0;
    double window_s_ = 0, stated_rate_ = 0;
};

// The service levels a load expectation may name, in the order reports list them.
const std::vector<std::string_view>& metric_names();

} // namespace konform::load
