#include "konform/load/recorder.hpp"

#include <algorithm>
#include <cmath>

namespace konform::load {

const std::vector<std::string_view>& metric_names() {
    static const std::vector<std::string_view> names{
        "p50_ms", "p90_ms",  "p95_ms",     "p99_ms",        "p999_ms",
        "max_ms", "mean_ms", "error_rate", "achieved_rate", "requests"};
    return names;
}

second& recorder::at(std::size_t index) {
    index = std::min(index, max_seconds - 1);
    if (seconds_.size() <= index) seconds_.resize(index + 1);
    return seconds_[index];
}

void recorder::answered(std::size_t second_index, std::int64_t latency_us, bool error) {
    latency_.record(latency_us);
    ++requests_;
    if (error) ++errors_;
    second& s = at(second_index);
    ++s.requests;
    if (error) ++s.errors;
    s.max_us = std::max(s.max_us, latency_us);
    s.sum_us += latency_us;
}

void recorder::not_sent(std::size_t second_index, std::int64_t late_us) {
    latency_.record(late_us);
    ++unsent_;
    ++errors_;
    second& s = at(second_index);
    ++s.errors;
    s.max_us = std::max(s.max_us, late_us);
}

void recorder::merge(const recorder& other) {
    latency_.merge(other.latency_);
    requests_ += other.requests_;
    errors_ += other.errors_;
    unsent_ += other.unsent_;
    generator_late_ += other.generator_late_;
    for (std::size_t i = 0; i < other.seconds_.size(); ++i) {
        second& s = at(i);
        const second& o = other.seconds_[i];
        s.requests += o.requests;
        s.errors += o.errors;
        s.max_us = std::max(s.max_us, o.max_us);
        s.sum_us += o.sum_us;
    }
}

double recorder::achieved_rate() const {
    return window_s_ > 0 ? static_cast<double>(requests_) / window_s_ : 0.0;
}

std::optional<double> recorder::metric(std::string_view name) const {
    auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1000.0; };
    if (name == "p50_ms") return ms(latency_.value_at(50));
    if (name == "p90_ms") return ms(latency_.value_at(90));
    if (name == "p95_ms") return ms(latency_.value_at(95));
    if (name == "p99_ms") return ms(latency_.value_at(99));
    if (name == "p999_ms") return ms(latency_.value_at(99.9));
    if (name == "max_ms") return ms(latency_.max());
    if (name == "mean_ms") return latency_.mean() / 1000.0;
    if (name == "error_rate") {
        const std::uint64_t all = requests_ + unsent_;
        return all ? static_cast<double>(errors_) / static_cast<double>(all) : 0.0;
    }
    if (name == "achieved_rate") return achieved_rate();
    if (name == "requests") return static_cast<double>(requests_);
    return std::nullopt;
}

nlohmann::json recorder::to_json() const {
    auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    nlohmann::json levels = nlohmann::json::object();
    for (auto name : metric_names())
        levels[std::string(name)] = round3(*metric(name));
    nlohmann::json secs = nlohmann::json::array();
    for (const second& s : seconds_) {
        const double mean = s.requests ? static_cast<double>(s.sum_us / s.requests) / 1000.0 : 0.0;
        secs.push_back({s.requests, s.errors, round3(mean), round3(s.max_us / 1000.0)});
    }
    return {{"window_s", round3(window_s_)},
            {"stated_rate", round3(stated_rate_)},
            {"achieved_rate", round3(achieved_rate())},
            {"requests", requests_},
            {"errors", errors_},
            {"not_sent", unsent_},
            {"late_starts", generator_late_},
            {"levels", std::move(levels)},
            {"histogram", latency_.to_json()},
            {"seconds_columns", {"requests", "errors", "mean_ms", "max_ms"}},
            {"seconds", std::move(secs)}};
}

} // namespace konform::load
