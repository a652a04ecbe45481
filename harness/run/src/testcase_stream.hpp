#pragma once

#include "konform/run/result.hpp"

#include <cstddef>
#include <exception>
#include <functional>
#include <vector>

namespace konform::run::detail {

// Where one test case's exchanges and steps go while it runs. Exchanges get local indexes
// (0, 1, ...); once every earlier test case is complete the stream goes live with the
// global index of its first exchange, hands on what it held and from then on writes
// through.
//
// A live stream holds what it is given until flush(), within hold_limit, so that a
// step's evidence is written while the next request is out (interpreter::send gives the
// client flush_quietly to run while it waits). Order is kept: held exchanges and steps
// are written before anything added after them.
class testcase_stream {
public:
    using exchange_fn = std::function<void(const http::exchange&, const std::string&)>;
    using step_fn = std::function<void(const step_result&)>;

    // What a live stream holds at most before it writes through: the time a flush adds to
    // the wait of the request it overlaps stays small.
    struct hold_limit {
        std::size_t exchanges = 8;
        std::size_t steps = 8;
        std::size_t bytes = 64 * 1024; // bodies, URLs and header values of held exchanges
    };

    testcase_stream() = default;
    explicit testcase_stream(hold_limit limit) : limit_(limit) {}

    // Returns the exchange's local index.
    std::size_t add_exchange(const http::exchange& x, const std::string& testcase);
    std::size_t add_exchange(http::exchange&& x, const std::string& testcase);
    // The local index the next exchange added takes.
    std::size_t next_exchange() const { return count_; }
    // A step whose exchange indexes are local.
    void add_step(step_result s);
    // From now on, exchanges and steps go to these, local index i as global base + i.
    void go_live(std::size_t base, exchange_fn on_exchange, step_fn on_step);
    // Writes what a live stream holds. Throws what writing threw, here or in an earlier
    // flush_quietly.
    void flush();
    // flush() for a caller that cannot take an exception (the client while it waits): a
    // failure is kept, and thrown by the next flush or add.
    void flush_quietly() noexcept;
    bool live() const { return live_; }
    // What is held and not yet written (exchanges, steps).
    std::size_t held() const { return held_exchanges_.size() + held_steps_.size(); }
    std::size_t global(std::size_t local) const {
        return local == no_exchange ? local : base_ + local;
    }

private:
    template <class Exchange> std::size_t add(Exchange&& x, const std::string& testcase);
    void emit(step_result& s);
    void write_held();
    void rethrow_failure();

    bool live_ = false;
    std::size_t base_ = 0;
    std::size_t count_ = 0;
    hold_limit limit_;
    std::size_t held_bytes_ = 0;
    std::exception_ptr failure_;
    exchange_fn on_exchange_;
    step_fn on_step_;
    std::vector<recorded_exchange> held_exchanges_;
    std::vector<step_result> held_steps_;
};

} // namespace konform::run::detail
