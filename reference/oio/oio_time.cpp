#include "oio_time.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <regex>

namespace konform::reference::oio {

std::optional<double> parse_time(const std::string& text) {
    if (text == "infinity") return infinity;
    if (text == "-infinity") return -infinity;
    static const std::regex re(
        R"(^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$)");
    std::smatch m;
    if (!std::regex_match(text, m, re)) return std::nullopt;
    std::tm tm{};
    tm.tm_year = std::stoi(m[1]) - 1900;
    tm.tm_mon = std::stoi(m[2]) - 1;
    tm.tm_mday = std::stoi(m[3]);
    tm.tm_hour = m[4].matched ? std::stoi(m[4]) : 0;
    tm.tm_min = m[5].matched ? std::stoi(m[5]) : 0;
    tm.tm_sec = m[6].matched ? std::stoi(m[6]) : 0;
    if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
        tm.tm_sec > 60)
        return std::nullopt;
    double t = static_cast<double>(timegm(&tm));
    if (m[7].matched) t += std::stod("0" + m[7].str());
    if (m[8].matched && m[8] != "Z") {
        std::string off = m[8];
        int sign = off[0] == '-' ? -1 : 1;
        std::string digits;
        for (char c : off.substr(1))
            if (c != ':') digits += c;
        int h = std::stoi(digits.substr(0, 2)),
            mi = digits.size() >= 4 ? std::stoi(digits.substr(2, 2)) : 0;
        t -= sign * (h * 3600 + mi * 60);
    }
    return t;
}

std::string format_time(double t) {
    if (std::isinf(t)) return t > 0 ? "infinity" : "-infinity";
    std::time_t s = static_cast<std::time_t>(std::floor(t));
    int micros = static_cast<int>(std::lround((t - std::floor(t)) * 1e6));
    if (micros >= 1000000) ++s, micros -= 1000000;
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[64];
    if (micros)
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00",
                      tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                      tm.tm_sec, micros);
    else
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+00:00", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

double now_unique() {
    static std::mutex mutex;
    static double last = 0;
    std::lock_guard lock(mutex);
    double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    now = std::floor(now * 1e6) / 1e6;
    if (now <= last) now = last + 1e-6;
    last = now;
    return now;
}

} // namespace konform::reference::oio
