#pragma once

#include "konform/check/predicate.hpp"
#include "konform/load/recorder.hpp"
#include "konform/model/testcase.hpp"

#include <string>
#include <string_view>

namespace konform::check {

// The largest lag konform allows itself: a request started later than this after its
// intended start, while a connection was free, counts as konform falling behind.
inline constexpr double allowed_start_lag_ms = 25;

// Why a load's figures cannot prove a service level, or "" when they can: the load was
// not applied as the test case states it. `capped` says how the target's limits cut it
// ("" when they did not). A system that held every connection busy did not stop the load
// being applied: its slowness is in the latencies, measured from each intended start.
std::string load_not_applied(const load::recorder& r, std::string_view capped);

// A service-level expectation ({"service_level": "p95_ms", "le": 500}) judged on what a
// load measured.
outcome service_level(const model::assertion& a, const load::recorder& r);

} // namespace konform::check
