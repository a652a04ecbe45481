// Text helpers: the timestamps every exchange and step carries.
#include "konform/util/text.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <doctest/doctest.h>
#include <random>

using namespace konform;
using namespace std::chrono;

TEST_CASE("text: iso8601 writes UTC to the millisecond, as gmtime reads the same instant") {
    CHECK(util::iso8601(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
    CHECK(util::iso8601(sys_days{2024y / February / 29} + 23h + 59min + 59s + 999ms) ==
          "2024-02-29T23:59:59.999Z");
    CHECK(util::iso8601(sys_days{2026y / December / 6} + 4h + 5min + 6s + 7ms + 900us) ==
          "2026-12-06T04:05:06.007Z"); // truncated, never rounded up
    // Up to 2255: system_clock counts nanoseconds in 64 bits (to 2262).
    std::mt19937_64 random(20261206);
    for (int i = 0; i < 10'000; ++i) {
        const auto t = system_clock::time_point{} +
                       milliseconds(static_cast<std::int64_t>(random() % 9'000'000'000'000ULL));
        const std::time_t tt = system_clock::to_time_t(t);
        std::tm tm{};
        gmtime_r(&tt, &tm);
        char want[32];
        std::snprintf(
            want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
            static_cast<int>(duration_cast<milliseconds>(t.time_since_epoch()).count() % 1000));
        REQUIRE(util::iso8601(t) == want);
    }
}
