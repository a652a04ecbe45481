#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace konform::http {

using header_list = std::vector<std::pair<std::string, std::string>>;

// First value of a header, matched case-insensitively.
std::optional<std::string> find_header(const header_list& headers, std::string_view name);

struct request {
    std::string method = "GET";
    std::string url; // absolute http:// or https:// URL, already percent-encoded
    header_list headers;
    std::string body;
    // false: over TLS, connect without the client certificate the client is configured
    // with (a connection of its own, never shared with those that present it).
    bool client_certificate = true;
    // When set: present this PEM certificate and (unencrypted) key instead of the
    // configured one.
    std::string client_cert_file, client_key_file;
};

struct response {
    int status = 0;
    std::string reason;
    std::string version; // "1.1"
    header_list headers;
    std::string body;

    std::optional<std::string> header(std::string_view name) const {
        return find_header(headers, name);
    }
};

} // namespace konform::http
