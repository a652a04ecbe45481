#include "konform/report/trace.hpp"

#include "konform/check/readable_body.hpp"
#include "konform/util/text.hpp"

#include <cstdio>
#include <sstream>

namespace konform::report {

namespace {

constexpr std::size_t max_traced_body = 64 * 1024;

std::string body_text(const std::string& body) {
    if (body.empty()) return "";
    std::string shown = check::readable_body(body);
    if (shown.size() > max_traced_body)
        shown = shown.substr(0, max_traced_body) + "\n... (" + std::to_string(body.size()) +
                " bytes in all)";
    return shown + "\n";
}

} // namespace

void trace_exchange(std::ostream& out, const http::exchange& x, const std::string& testcase) {
    std::ostringstream t;
    t << ">>> " << testcase << ": " << x.req.method << " " << x.req.url << '\n';
    for (const auto& [name, value] : x.req.headers)
        t << name << ": " << value << '\n';
    t << body_text(x.req.body);
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f ms", x.time.total);
    if (!x.resp) {
        t << "<<< no response (" << ms << "): " << x.explanation << "\n\n";
    } else {
        t << "<<< HTTP " << x.resp->status << " " << x.resp->reason << " (" << ms << ")\n";
        for (const auto& [name, value] : x.resp->headers)
            t << name << ": " << value << '\n';
        t << body_text(x.resp->body);
        if (!x.ok()) t << "(broken answer: " << x.explanation << ")\n";
        t << '\n';
    }
    out << util::visible(t.str()) << std::flush;
}

} // namespace konform::report
