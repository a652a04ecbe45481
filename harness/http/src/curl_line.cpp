#include "konform/http/curl_line.hpp"

#include "konform/util/text.hpp"

#include <boost/beast/core/string.hpp>

namespace konform::http {

namespace {

// Quotes `s`, leaving each placeholder outside the single quotes (in double quotes) so
// the shell expands it.
std::string quoted(const std::string& s, const std::vector<std::string>& placeholders) {
    std::string out;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        std::size_t best = std::string::npos;
        const std::string* which = nullptr;
        for (const auto& p : placeholders) {
            if (p.empty()) continue;
            auto at = s.find(p, pos);
            if (at != std::string::npos && (best == std::string::npos || at < best)) {
                best = at;
                which = &p;
            }
        }
        if (!which) {
            if (pos < s.size() || out.empty()) out += util::shell_quote(s.substr(pos));
            break;
        }
        if (best > pos) out += util::shell_quote(s.substr(pos, best - pos));
        out += "\"" + *which + "\"";
        pos = best + which->size();
        if (pos == s.size()) break;
    }
    return out;
}

bool skip_header(const std::string& name) {
    return boost::beast::iequals(name, "Host") || boost::beast::iequals(name, "Content-Length") ||
           boost::beast::iequals(name, "User-Agent");
}

} // namespace

std::string curl_line(const request& req, const std::vector<std::string>& placeholders,
                      bool insecure) {
    // --globoff: curl would read [ ] { } in the URL as a pattern of many URLs.
    std::string out = "curl -sS -i --globoff";
    if (insecure) out += " -k";
    if (req.method != "GET") out += " -X " + req.method;
    out += " " + quoted(req.url, placeholders);
    for (const auto& [k, v] : req.headers)
        if (!skip_header(k)) out += " -H " + quoted(k + ": " + v, placeholders);
    if (!req.body.empty()) out += " --data-binary " + quoted(req.body, placeholders);
    return out;
}

} // namespace konform::http
