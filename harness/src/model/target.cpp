#include "konform/model/target.hpp"

#include "konform/model/json_file.hpp"
#include "konform/util/sha256.hpp"

#include <cstdlib>

namespace konform::model {

namespace fs = std::filesystem;
using nlohmann::json;

std::string secret_ref::placeholder() const {
    if (!env.empty()) return "${" + env + "}";
    return "$(cat " + file.string() + ")";
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

namespace {

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

target load_target(const fs::path& file, diagnostics& diag) {
    target t;
    t.file = file;
    const std::string tfile = file.string();
    auto doc = read_json_file(file, diag);
    if (!doc) return t;
    std::size_t before = diag.problems().size();
    check_format(*doc, "target", file, diag);
    if (diag.problems().size() != before) return t;
    const fs::path base = fs::absolute(file).parent_path();

    t.base_url = (*doc)["base_url"];
    while (t.base_url.size() > 1 && t.base_url.back() == '/')
        t.base_url.pop_back();
    t.product = doc->value("product", "");
    t.product_version = doc->value("product_version", "");
    t.vendor = doc->value("vendor", "");
    if (doc->contains("claims")) t.claims = (*doc)["claims"].get<std::vector<std::string>>();

    auto resolve = [&](const secret_ref& s, const std::string& where) -> std::string {
        try {
            return s.resolve(tfile, where);
        } catch (const load_error& e) {
            for (const auto& p : e.problems())
                diag.add(p.file, p.where, p.message);
            return {};
        }
    };

    if (doc->contains("parameters")) {
        for (const auto& [name, v] : (*doc)["parameters"].items()) {
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

    if (doc->contains("auth")) {
        const json& a = (*doc)["auth"];
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

    if (doc->contains("tls")) {
        const json& j = (*doc)["tls"];
        if (j.contains("ca_file")) t.tls.ca_file = relative_to(base, j["ca_file"]);
        t.tls.insecure = j.value("insecure", false);
        if (j.contains("client_cert")) t.tls.client_cert = relative_to(base, j["client_cert"]);
        if (j.contains("client_key")) t.tls.client_key = relative_to(base, j["client_key"]);
        std::error_code ec;
        for (const auto* p : {&t.tls.ca_file, &t.tls.client_cert, &t.tls.client_key})
            if (!p->empty() && !fs::is_regular_file(*p, ec))
                diag.add(tfile, "/tls", "file " + p->string() + " does not exist");
    }

    if (doc->contains("limits")) {
        const json& j = (*doc)["limits"];
        using ms = std::chrono::milliseconds;
        if (j.contains("connect_timeout_ms"))
            t.limits.connect_timeout = ms(j["connect_timeout_ms"].get<long>());
        if (j.contains("read_timeout_ms"))
            t.limits.read_timeout = ms(j["read_timeout_ms"].get<long>());
        if (j.contains("total_timeout_ms"))
            t.limits.total_timeout = ms(j["total_timeout_ms"].get<long>());
        if (j.contains("max_header_bytes"))
            t.limits.max_header_bytes = j["max_header_bytes"].get<std::uint64_t>();
        if (j.contains("max_body_bytes"))
            t.limits.max_body_bytes = j["max_body_bytes"].get<std::uint64_t>();
    }
    return t;
}

target load_target(const fs::path& file) {
    diagnostics diag;
    target t = load_target(file, diag);
    throw_if_any(diag);
    return t;
}

} // namespace konform::model
