#include "konform/model/target.hpp"

#include "konform/model/json_file.hpp"
#include "konform/util/file.hpp"
#include "konform/util/sha256.hpp"
#include "konform/util/text.hpp"

#include <cstdlib>

namespace konform::model {

namespace fs = std::filesystem;
using nlohmann::json;

std::string secret_ref::placeholder() const {
    if (!env.empty()) return "${" + env + "}";
    return "$(cat " + util::shell_quote(file.string()) + ")";
}

std::string secret_ref::resolve(const std::string& target_file, const std::string& where) const {
    if (!env.empty()) {
        const char* v = std::getenv(env.c_str());
        if (!v || !*v)
            throw load_error(target_file, where,
                             "environment variable " + env + " is not set (it holds a secret)");
        return v;
    }
    try {
        std::string v = util::read_file(file);
        while (!v.empty() && (v.back() == '\n' || v.back() == '\r'))
            v.pop_back();
        return v;
    } catch (const std::exception&) {
        throw load_error(target_file, where, "secret file " + file.string() + " cannot be read");
    }
}

std::string secret_ref::resolve(const target& t, const std::string& where) const {
    if (!t.supplied) return resolve(t.file.string(), where);
    auto it = env.empty() ? t.supplied->end() : t.supplied->find(env);
    if (it == t.supplied->end() || it->second.empty())
        throw load_error(t.file.string(), where,
                         env.empty() ? "a secret from a file is not taken here: give it by name"
                                     : "secret " + env + " was not given with the run");
    return it->second;
}

namespace {

// Why `url` cannot be a base URL, or "" when it can: http:// or https://, a host, no white
// space or control characters, no query or fragment (paths are appended to it).
std::string base_url_problem(std::string_view url) {
    std::string_view rest;
    if (url.rfind("http://", 0) == 0)
        rest = url.substr(7);
    else if (url.rfind("https://", 0) == 0)
        rest = url.substr(8);
    else
        return "base URL must start with http:// or https://";
    for (unsigned char c : url)
        if (c <= 0x20 || c == 0x7F) return "base URL holds white space or a control character";
    if (url.find_first_of("?#") != std::string_view::npos)
        return "base URL must not hold a query or fragment";
    if (rest.empty() || rest.front() == '/' || rest.front() == ':') return "base URL has no host";
    return {};
}

std::string trim_base_url(std::string url) {
    while (url.size() > 1 && url.back() == '/')
        url.pop_back();
    return url;
}

secret_ref parse_secret(const json& j, const fs::path& base) {
    secret_ref s;
    s.env = j.value("env", "");
    if (j.contains("file")) {
        fs::path f = j["file"].get<std::string>();
        s.file = f.is_absolute() ? f : (base / f).lexically_normal();
    }
    return s;
}

fs::path relative_to(const fs::path& base, const std::string& p) {
    fs::path f = p;
    return f.is_absolute() ? f : (base / f).lexically_normal();
}

} // namespace

namespace {

// Reads one part of a target file each; a secret goes through `resolve`.
struct target_reader {
    target& t;
    diagnostics& diag;
    const std::string tfile;
    const fs::path base; // the folder files are named relative to
    secrets_read secrets;

    std::string resolve(const secret_ref& s, const std::string& where) {
        if (secrets == secrets_read::never && !t.supplied) return {};
        try {
            return s.resolve(t, where);
        } catch (const load_error& e) {
            for (const auto& p : e.problems())
                diag.add(p.file, p.where, p.message);
            return {};
        }
    }

    void parameters(const json& j) {
        for (const auto& [name, v] : j.items()) {
            parameter_value pv;
            if (v.is_string())
                pv.value = v.get<std::string>();
            else {
                secret_ref s = parse_secret(v, base);
                pv.value = resolve(s, "/parameters/" + name);
                pv.placeholder = s.placeholder();
                pv.secret = true;
            }
            t.parameters.emplace(name, std::move(pv));
        }
    }

    void auth(const json& a) {
        const std::string type = a["type"];
        auto need = [&](const char* key) {
            if (!a.contains(key))
                diag.add(tfile, "/auth", "auth type " + type + " needs \"" + key + "\"");
            return a.contains(key);
        };
        if (type == "bearer") {
            t.auth.type = auth_config::kind::bearer;
            if (need("token")) t.auth.secret = parse_secret(a["token"], base);
        } else if (type == "basic") {
            t.auth.type = auth_config::kind::basic;
            if (need("username")) t.auth.username = a["username"];
            if (need("password")) t.auth.secret = parse_secret(a["password"], base);
        } else if (type == "api_key") {
            t.auth.type = auth_config::kind::api_key;
            t.auth.header = a.value("header", "X-API-Key");
            t.auth.query = a.value("query", "");
            if (need("key")) t.auth.secret = parse_secret(a["key"], base);
        } else if (type == "oauth2_client_credentials") {
            t.auth.type = auth_config::kind::oauth2_client_credentials;
            if (need("token_url")) t.auth.token_url = a["token_url"];
            if (need("client_id")) t.auth.client_id = a["client_id"];
            if (need("client_secret")) t.auth.secret = parse_secret(a["client_secret"], base);
            t.auth.scope = a.value("scope", "");
        }
        if (!t.auth.secret.empty()) resolve(t.auth.secret, "/auth"); // fail early if missing
    }

    void tls(const json& j) {
        if (j.contains("ca_file")) t.tls.ca_file = relative_to(base, j["ca_file"]);
        t.tls.insecure = j.value("insecure", false);
        if (j.contains("client_cert")) t.tls.client_cert = relative_to(base, j["client_cert"]);
        if (j.contains("client_key")) t.tls.client_key = relative_to(base, j["client_key"]);
        if (j.contains("client_key_password")) {
            t.tls.client_key_password = parse_secret(j["client_key_password"], base);
            resolve(t.tls.client_key_password, "/tls/client_key_password"); // fail early
        }
        std::error_code ec;
        for (const auto* p : {&t.tls.ca_file, &t.tls.client_cert, &t.tls.client_key})
            if (!p->empty() && !fs::is_regular_file(*p, ec))
                diag.add(tfile, "/tls", "file " + p->string() + " does not exist");
    }

    void limits(const json& j) {
        using ms = std::chrono::milliseconds;
        auto& l = t.limits;
        if (j.contains("connect_timeout_ms"))
            l.connect_timeout = ms(j["connect_timeout_ms"].get<long>());
        if (j.contains("read_timeout_ms")) l.read_timeout = ms(j["read_timeout_ms"].get<long>());
        if (j.contains("total_timeout_ms")) l.total_timeout = ms(j["total_timeout_ms"].get<long>());
        for (auto [key, slot] :
             {std::pair{"max_header_bytes", &l.max_header_bytes},
              std::pair{"max_header_fields", &l.max_header_fields},
              std::pair{"max_json_values", &l.max_json_values},
              std::pair{"max_body_bytes", &l.max_body_bytes},
              std::pair{"max_bodies_in_flight_bytes", &l.max_bodies_in_flight_bytes}})
            if (j.contains(key)) *slot = j[key].get<std::uint64_t>();
        if (j.contains("max_connections")) l.max_connections = j["max_connections"].get<int>();
        if (j.contains("max_requests_per_second"))
            l.max_requests_per_second = j["max_requests_per_second"].get<double>();
        l.allow_load = j.value("allow_load", false);
    }
};

} // namespace

namespace {

target read_target(const fs::path& file, diagnostics& diag, secrets_read secrets,
                   std::shared_ptr<const secret_values> supplied) {
    target t;
    t.file = file;
    t.supplied = std::move(supplied);
    auto doc = read_json_file(file, diag);
    if (!doc) return t;
    std::size_t before = diag.problems().size();
    check_format(*doc, "target", file, diag);
    if (diag.problems().size() != before) return t;
    target_reader read{t, diag, file.string(), fs::absolute(file).parent_path(), secrets};

    const std::string base_url = (*doc)["base_url"];
    if (std::string why = base_url_problem(base_url); !why.empty())
        diag.add(read.tfile, "/base_url", why);
    t.base_url = trim_base_url(base_url);
    t.product = doc->value("product", "");
    t.product_version = doc->value("product_version", "");
    t.vendor = doc->value("vendor", "");
    t.user_agent = doc->value("user_agent", "");
    t.production = doc->value("environment", "test") == "production";
    if (doc->contains("claims")) t.claims = (*doc)["claims"].get<std::vector<std::string>>();
    if (doc->contains("parameters")) read.parameters((*doc)["parameters"]);
    if (doc->contains("auth")) read.auth((*doc)["auth"]);
    if (doc->contains("tls")) read.tls((*doc)["tls"]);
    if (doc->contains("limits")) read.limits((*doc)["limits"]);
    return t;
}

} // namespace

target load_target(const fs::path& file, diagnostics& diag, secrets_read secrets) {
    return read_target(file, diag, secrets, nullptr);
}

target load_target(const fs::path& file, diagnostics& diag,
                   std::shared_ptr<const secret_values> supplied) {
    if (!supplied) supplied = std::make_shared<const secret_values>();
    return read_target(file, diag, secrets_read::now, std::move(supplied));
}

void override_base_url(target& t, const std::string& url, const std::string& source) {
    if (std::string why = base_url_problem(url); !why.empty()) throw load_error(source, url, why);
    t.base_url = trim_base_url(url);
}

target load_target(const fs::path& file, secrets_read secrets) {
    diagnostics diag;
    target t = load_target(file, diag, secrets);
    throw_if_any(diag);
    return t;
}

} // namespace konform::model
