#include "konform/check/service_level.hpp"

#include <cmath>
#include <cstdio>

namespace konform::check {

namespace {

std::string number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

} // namespace

std::string load_not_applied(const load::recorder& r, std::string_view capped) {
    if (!capped.empty()) return "the target's limits cut the load: " + std::string(capped);
    const std::uint64_t sent = r.requests();
    if (r.late() > 0 && static_cast<double>(r.late()) > 0.01 * static_cast<double>(sent))
        return "konform started " + std::to_string(r.late()) + " of " + std::to_string(sent) +
               " requests more than " + number(allowed_start_lag_ms) +
               " ms after their intended start with a connection free: this machine could "
               "not keep the stated rate";
    if (r.stated_rate() > 0 && r.unsent() == 0 && r.achieved_rate() < 0.95 * r.stated_rate())
        return "konform sent " + number(r.achieved_rate()) + " requests a second of the stated " +
               number(r.stated_rate());
    return {};
}

outcome service_level(const model::assertion& a, const load::recorder& r) {
    const auto value = r.metric(a.selector);
    if (!value) return {false, a.selector, "(unknown)", "unknown service level " + a.selector};
    // Figures are kept to 3 decimals, as the report shows them.
    const double shown = std::round(*value * 1000.0) / 1000.0;
    outcome o = evaluate_predicates(a.predicates, nlohmann::json(shown));
    o.expected = a.selector + " " + o.expected;
    if (!o.passed && o.explanation.empty() && r.requests() + r.unsent() == 0)
        o.explanation = "the load sent no request in its measured window";
    return o;
}

} // namespace konform::check
