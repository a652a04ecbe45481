#pragma once

#include "konform/model/problem.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace konform::model {

struct target;

// Secret values by the environment-variable names a target uses, given for one run (the
// service takes them at submission). A target with them reads no other secret: not the
// process environment, not a file.
using secret_values = std::map<std::string, std::string>;

// Where a secret comes from. Secrets are never written in a target file itself.
struct secret_ref {
    std::string env;            // environment variable name
    std::filesystem::path file; // or a file holding the value
    bool empty() const { return env.empty() && file.empty(); }
    // Shell form for reproduction lines: ${ENV} or $(cat FILE).
    std::string placeholder() const;
    // Throws load_error naming `where` in `target_file` when the value is not available.
    std::string resolve(const std::string& target_file, const std::string& where) const;
    // The same for a secret of `t`: from the values supplied with it, when it has them.
    std::string resolve(const target& t, const std::string& where) const;
};

struct auth_config {
    enum class kind { none, bearer, basic, api_key, oauth2_client_credentials };
    kind type = kind::none;
    std::string username;             // basic
    secret_ref secret;                // token, password, API key or client secret
    std::string header = "X-API-Key"; // api_key
    std::string query;                // api_key sent as this query parameter instead (apiKey)
    std::string token_url;            // oauth2
    std::string client_id;            // oauth2
    std::string scope;                // oauth2
};

struct tls_config {
    std::filesystem::path ca_file;
    bool insecure = false;             // self-tests only: accepts any certificate
    std::filesystem::path client_cert; // PEM, or PKCS#12 (.p12, .pfx) holding the key too
    std::filesystem::path client_key;  // PEM, optionally encrypted; empty: in client_cert
    secret_ref client_key_password;    // decrypts the key or opens the PKCS#12 file
};

struct limits_config {
    std::optional<std::chrono::milliseconds> connect_timeout;
    std::optional<std::chrono::milliseconds> read_timeout;
    std::optional<std::chrono::milliseconds> total_timeout;
    std::optional<std::uint64_t> max_header_bytes;
    std::optional<std::uint64_t> max_header_fields;
    std::optional<std::uint64_t> max_json_values;
    std::optional<std::uint64_t> max_body_bytes;
    std::optional<std::uint64_t> max_bodies_in_flight_bytes;
    std::optional<int> max_connections;            // caps --jobs: at most this many at once
    std::optional<double> max_requests_per_second; // 0 or unset: no cap
    // A production target runs a profile's load test cases only when this is set (and the
    // profile marks them read-only); every load stays within the two caps above.
    bool allow_load = false;
};

struct parameter_value {
    std::string value;
    std::string placeholder; // non-empty when it came from a secret source
    bool secret = false;
};

// The system under test, as a vendor or certifier describes it.
struct target {
    std::filesystem::path file;
    std::string base_url;
    std::string product;
    std::string product_version;
    std::string vendor;
    // Sent as User-Agent instead of "konform", so the system cannot tell a certification
    // from its other clients by that header.
    std::string user_agent;
    std::vector<std::string> claims; // optional conformance classes implemented (the ICS)
    // "environment": "production": a live system with real data. Only read-only test cases
    // run, at most max_requests_per_second (default 5), and no write is ever sent.
    bool production = false;
    std::map<std::string, parameter_value> parameters;
    auth_config auth;
    tls_config tls;
    limits_config limits;
    // Set: every secret comes from these values, and only from them.
    std::shared_ptr<const secret_values> supplied;
};

// The request-rate cap of a production verification when the target sets none.
inline constexpr double production_requests_per_second = 5;

// The requests a second a run may send to `t`: its limit, else the production cap for a
// production target, else 0 (no cap).
inline double requests_per_second_cap(const target& t) {
    if (t.limits.max_requests_per_second && *t.limits.max_requests_per_second > 0)
        return *t.limits.max_requests_per_second;
    return t.production ? production_requests_per_second : 0;
}

// Replaces the target's base URL (from --base-url), holding it to the same rule as the
// file's: an absolute http:// or https:// URL with a host. Throws load_error naming
// `source` otherwise.
void override_base_url(target& t, const std::string& url, const std::string& source);

// Whether loading a target reads its secrets (from the environment or files). A tool that
// only needs the target's URL and TLS files (konform repro) reads none: it may run where
// the secrets are not set.
enum class secrets_read { now, never };

// Reads a target file. Secret values are resolved from the environment or files.
target load_target(const std::filesystem::path& file, diagnostics& diag,
                   secrets_read secrets = secrets_read::now);
// Reads a target file whose secrets are `supplied` (by environment-variable name) and
// nothing else: a secret named by a file, or by a name not supplied, is a problem in `diag`.
target load_target(const std::filesystem::path& file, diagnostics& diag,
                   std::shared_ptr<const secret_values> supplied);
target load_target(const std::filesystem::path& file, secrets_read secrets = secrets_read::now);

} // namespace konform::model
