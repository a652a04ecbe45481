#include "konform/http/curl_line.hpp"

#include "konform/util/text.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <cctype>

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
                      const curl_tls& tls) {
    // --globoff: curl would read [ ] { } in the URL as a pattern of many URLs.
    std::string out = "curl -sS -i --globoff";
    if (tls.insecure) out += " -k";
    if (!tls.ca_file.empty()) out += " --cacert " + util::shell_quote(tls.ca_file);
    if (!tls.client_cert.empty()) {
        const std::vector<std::string> pw{tls.password_placeholder};
        // curl takes a PKCS#12 passphrase after the file name, a PEM key's with --pass.
        if (tls.pkcs12)
            out +=
                " --cert-type P12 --cert " +
                quoted(tls.client_cert +
                           (tls.password_placeholder.empty() ? "" : ":" + tls.password_placeholder),
                       pw);
        else
            out += " --cert " + util::shell_quote(tls.client_cert);
        if (!tls.pkcs12 && !tls.client_key.empty())
            out += " --key " + util::shell_quote(tls.client_key);
        if (!tls.pkcs12 && !tls.password_placeholder.empty())
            out += " --pass " + quoted(tls.password_placeholder, pw);
    }
    if (req.method != "GET") {
        const bool token = std::all_of(req.method.begin(), req.method.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '-' || c == '_';
        });
        out += " -X " + (token && !req.method.empty() ? req.method : util::shell_quote(req.method));
    }
    out += " " + quoted(req.url, placeholders);
    for (const auto& [k, v] : req.headers)
        if (!skip_header(k)) out += " -H " + quoted(k + ": " + v, placeholders);
    if (!req.body.empty()) out += " --data-binary " + quoted(req.body, placeholders);
    return out;
}

} // namespace konform::http
