#include "konform/model/target.hpp"
#include "konform/run/runner.hpp"

namespace konform::run {

void apply_target_limits(run_options& opt, const model::target& t) {
    auto& lim = opt.http.lim;
    const auto& tl = t.limits;
    if (tl.connect_timeout) lim.connect_timeout = *tl.connect_timeout;
    if (tl.read_timeout) lim.read_timeout = *tl.read_timeout;
    if (tl.total_timeout) lim.total_timeout = *tl.total_timeout;
    if (tl.max_header_bytes) lim.max_header_bytes = *tl.max_header_bytes;
    if (tl.max_header_fields) lim.max_header_fields = *tl.max_header_fields;
    if (tl.max_body_bytes) lim.max_body_bytes = *tl.max_body_bytes;
    if (tl.max_bodies_in_flight_bytes) lim.max_bodies_in_flight = *tl.max_bodies_in_flight_bytes;
    if (tl.max_json_values) opt.max_json_values = *tl.max_json_values;
}

} // namespace konform::run
