#include "html_load.hpp"

#include "html_page.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace konform::report::detail {

using nlohmann::json;

namespace {

constexpr double width = 560, height = 180, left = 56, bottom = 24, top = 8;

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", std::isfinite(v) ? v : 0.0);
    return buf;
}

// A member that should be a number, or 0: report.html may be rendered again from a
// report.json read from disk.
double number_of(const json& o, const char* key) {
    return o.contains(key) && o[key].is_number() ? o[key].get<double>() : 0.0;
}

double number_at(const json& row, std::size_t i) {
    return row.is_array() && row.size() > i && row[i].is_number() ? row[i].get<double>() : 0.0;
}

// One polyline of (x, y) points scaled into the chart.
std::string polyline(const std::vector<std::pair<double, double>>& pts, double max_x, double max_y,
                     const char* css_class) {
    std::string h = "<polyline class=\"" + std::string(css_class) + "\" fill=\"none\" points=\"";
    for (const auto& [x, y] : pts)
        h += num(left + x / std::max(max_x, 1e-9) * (width - left - 8)) + "," +
             num(height - bottom - y / std::max(max_y, 1e-9) * (height - bottom - top)) + " ";
    return h + "\"/>";
}

std::string frame(const std::string& label_y, double max_y, const std::string& label_x) {
    return "<line x1=\"" + num(left) + "\" y1=\"" + num(top) + "\" x2=\"" + num(left) + "\" y2=\"" +
           num(height - bottom) + "\" stroke=\"#888\"/><line x1=\"" + num(left) + "\" y1=\"" +
           num(height - bottom) + "\" x2=\"" + num(width - 8) + "\" y2=\"" + num(height - bottom) +
           "\" stroke=\"#888\"/><text x=\"2\" y=\"" + num(top + 10) + "\" font-size=\"10\">" +
           num(max_y) + " ms</text><text x=\"2\" y=\"" + num(height - bottom) +
           "\" font-size=\"10\">0</text><text x=\"" + num(left) + "\" y=\"" + num(height - 6) +
           "\" font-size=\"10\">" + esc(label_x) + "</text><text x=\"2\" y=\"" + num(height / 2) +
           "\" font-size=\"10\">" + esc(label_y) + "</text>";
}

std::string svg_open(const std::string& title) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" + num(width) +
           "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) +
           "\"><title>" + esc(title) + "</title>";
}

// Latency over the load's seconds: the mean and the slowest of each second.
std::string over_time(const json& load) {
    const json& secs =
        load.contains("seconds") && load["seconds"].is_array() ? load["seconds"] : json::array();
    std::vector<std::pair<double, double>> mean, max;
    double top_y = 1;
    for (std::size_t i = 0; i < secs.size(); ++i) {
        mean.emplace_back(static_cast<double>(i), number_at(secs[i], 2));
        max.emplace_back(static_cast<double>(i), number_at(secs[i], 3));
        top_y = std::max(top_y, number_at(secs[i], 3));
    }
    const double span = std::max<double>(1, static_cast<double>(secs.size()) - 1);
    return svg_open("latency over time: each second's mean and slowest") +
           frame("latency", top_y, "seconds of the measured window") +
           polyline(max, span, top_y, "max") + polyline(mean, span, top_y, "mean") + "</svg>";
}

// The percentile curve, HdrHistogram's way: x grows as 1 / (1 - p), so the tail shows.
std::string percentile_curve(const json& load) {
    const json& pts = load.contains("percentiles") && load["percentiles"].is_array()
                          ? load["percentiles"]
                          : json::array();
    std::vector<std::pair<double, double>> curve;
    double top_y = 1, max_x = 1;
    for (const auto& p : pts) {
        const double pct = std::min(number_at(p, 0), 99.999);
        const double x = std::log10(100.0 / (100.0 - pct));
        curve.emplace_back(x, number_at(p, 1));
        top_y = std::max(top_y, number_at(p, 1));
        max_x = std::max(max_x, x);
    }
    return svg_open("latency by percentile") +
           frame("latency", top_y, "percentile: 0, 90, 99, 99.9, 99.99 (log of 1/(1-p))") +
           polyline(curve, max_x, top_y, "curve") + "</svg>";
}

} // namespace

std::string load_section(const json& report) {
    std::string h;
    if (!report.contains("testcases") || !report["testcases"].is_array()) return h;
    for (const auto& tc : report["testcases"]) {
        if (!tc.is_object() || !tc.contains("loads") || !tc["loads"].is_array()) continue;
        for (const auto& load : tc["loads"]) {
            if (!load.is_object()) continue;
            if (h.empty()) h = "<h2>Service levels</h2>";
            auto text = [](const json& o, const char* key) {
                return o.contains(key) && o[key].is_string() ? o[key].get<std::string>()
                                                             : std::string();
            };
            h += "<section class=\"load\"><h3>" + esc(text(tc, "id")) + ": " +
                 esc(text(load, "step")) + "</h3><table class=\"levels\"><tr>";
            const json levels = load.contains("levels") && load["levels"].is_object()
                                    ? load["levels"]
                                    : json::object();
            for (const auto& [name, v] : levels.items())
                h += "<th>" + esc(name) + "</th>";
            h += "</tr><tr>";
            for (const auto& [name, v] : levels.items())
                h += "<td>" + esc(v.is_number() ? v.dump() : std::string("?")) + "</td>";
            char line[200];
            std::snprintf(line, sizeof line,
                          "%s model; %.0f s measured; %g requests a second stated; %llu not "
                          "sent; %llu late starts",
                          load.contains("model") && load["model"] == "closed" ? "closed" : "open",
                          number_of(load, "window_s"), number_of(load, "stated_rate"),
                          static_cast<unsigned long long>(number_of(load, "not_sent")),
                          static_cast<unsigned long long>(number_of(load, "late_starts")));
            h += "</tr></table><p>" + esc(line) + "</p><div class=\"charts\">" + over_time(load) +
                 percentile_curve(load) + "</div></section>";
        }
    }
    return h;
}

} // namespace konform::report::detail
