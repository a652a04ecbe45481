#pragma once

#include "konform/run/result.hpp"

#include <functional>
#include <vector>

namespace konform::run::detail {

// Where one test case's exchanges and steps go while it runs. Exchanges get local indexes
// (0, 1, ...); once every earlier test case is complete the stream goes live with the
// global index of its first exchange, hands on what it held and from then on writes
// through. Run alone, or first in line, a test case holds nothing.
class testcase_stream {
public:
    using exchange_fn = std::function<void(const http::exchange&, const std::string&)>;
    using step_fn = std::function<void(const step_result&)>;

    // Returns the exchange's local index. Copied only while the stream is not live.
    std::size_t add_exchange(const http::exchange& x, const std::string& testcase);
    // A step whose exchange indexes are local.
    void add_step(step_result s);
    // From now on, exchanges and steps go to these, local index i as global base + i.
    void go_live(std::size_t base, exchange_fn on_exchange, step_fn on_step);
    bool live() const { return live_; }
    std::size_t global(std::size_t local) const {
        return local == no_exchange ? local : base_ + local;
    }

private:
    void emit(step_result& s);

    bool live_ = false;
    std::size_t base_ = 0;
    std::size_t count_ = 0;
    exchange_fn on_exchange_;
    step_fn on_step_;
    std::vector<recorded_exchange> held_exchanges_;
    std::vector<step_result> held_steps_;
};

} // namespace konform::run::detail
