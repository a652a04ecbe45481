#include "request_builder.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <functional>

namespace konform::run::detail {

namespace {

// Percent-encodes what may not stand in a URL as written (spaces, non-ASCII such as
// æ, ø, å, quotes), leaving reserved characters and existing escapes alone.
// After the authority, '[' and ']' (RFC 3986 allows them only around an IPv6 host) and a
// '%' that starts no escape are encoded too: a captured value holding them would make
// konform's own URL invalid, and the test case error instead of judged.
std::string encode_unsafe(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    const auto scheme = s.find("://");
    const std::size_t path_from =
        scheme == std::string_view::npos ? 0 : std::min(s.find('/', scheme + 3), s.size());
    const auto is_hex = [&](std::size_t i) {
        return i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i]));
    };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        bool safe = c > 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>' && c != '\\' &&
                    c != '^' && c != '`' && c != '{' && c != '|' && c != '}';
        if (i >= path_from &&
            (c == '[' || c == ']' || (c == '%' && !(is_hex(i + 1) && is_hex(i + 2)))))
            safe = false;
        if (safe)
            out += static_cast<char>(c);
        else
            out += '%', out += hex[c >> 4], out += hex[c & 0xF];
    }
    return out;
}

std::string query_encode(std::string_view s) {
    return boost::urls::encode(s, boost::urls::unreserved_chars);
}

} // namespace

namespace {

// The request's URL: its path on the target (or a full URL), then its query parameters.
std::string url_of(const model::request_spec& spec, const variables& vars,
                   const std::string& base_url) {
    std::string path = render(spec.path, vars);
    const bool absolute = path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0;
    if (!absolute && !path.empty() && path.front() != '/')
        throw template_error("the path \"" + spec.path + "\" renders to \"" + path.substr(0, 200) +
                             "\": a path starts with '/' (or is a full http(s) URL)");
    std::string url = encode_unsafe(absolute ? path : base_url + path);
    std::string query;
    auto add_pair = [&](const std::string& k, const nlohmann::json& v) {
        query += query.empty() ? "" : "&";
        query +=
            query_encode(k) + "=" + query_encode(v.is_string() ? v.get<std::string>() : v.dump());
    };
    for (const auto& [k, v] : spec.query) {
        // A value that is one placeholder giving an array repeats the parameter, as an
        // array written in the test case does: "uuid": "{{created}}".
        const auto value = render_value(v, vars);
        const auto key = render(k, vars);
        if (value.is_array())
            for (const auto& item : value)
                add_pair(key, item);
        else
            add_pair(key, value);
    }
    if (!query.empty()) url += (url.find('?') == std::string::npos ? "?" : "&") + query;
    return url;
}

// A SOAP request: the body in its envelope, and the action as the version says.
void soap_request(const model::request_spec::soap_message& soap, const variables& vars,
                  http::request& req, const std::function<void(const std::string&)>& content_type) {
    const bool v12 = soap.version == "1.2";
    const std::string ns = v12 ? "http://www.w3.org/2003/05/soap-envelope"
                               : "http://schemas.xmlsoap.org/soap/envelope/";
    req.body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"" + ns + "\">";
    if (!soap.header.empty())
        req.body += "<soap:Header>" + render(soap.header, vars, escaping::xml) + "</soap:Header>";
    req.body +=
        "<soap:Body>" + render(soap.body, vars, escaping::xml) + "</soap:Body></soap:Envelope>";
    const std::string action = render(soap.action, vars);
    if (action.find_first_of("\"\r\n") != std::string::npos)
        throw template_error("the SOAP action \"" + action.substr(0, 200) +
                             "\" holds a quote or a line break");
    if (v12) {
        content_type("application/soap+xml; charset=utf-8" +
                     (action.empty() ? "" : "; action=\"" + action + "\""));
    } else {
        content_type("text/xml; charset=utf-8");
        req.headers.emplace_back("SOAPAction", "\"" + action + "\"");
    }
}

} // namespace

http::request build_request(const model::request_spec& spec, const variables& vars,
                            const std::string& base_url) {
    http::request req;
    req.method = spec.method;
    req.client_certificate = spec.client_certificate;
    req.client_cert_file = spec.profile_cert.string();
    req.client_key_file = spec.profile_key.string();
    req.url = url_of(spec, vars, base_url);
    bool has_content_type = false, has_accept = false;
    for (const auto& [k, v] : spec.headers) {
        req.headers.emplace_back(k, render(v, vars));
        has_content_type = has_content_type || boost::beast::iequals(k, "Content-Type");
        has_accept = has_accept || boost::beast::iequals(k, "Accept");
    }
    auto content_type = [&](const std::string& t) {
        if (!has_content_type) req.headers.emplace_back("Content-Type", t);
    };
    if (spec.json_body) {
        req.body = render_json(*spec.json_body, vars).dump();
        content_type("application/json");
    } else if (spec.xml_body) {
        req.body = render(*spec.xml_body, vars, escaping::xml);
        content_type("text/xml; charset=utf-8");
    } else if (spec.text_body) {
        req.body = render(*spec.text_body, vars);
    } else if (spec.soap) {
        soap_request(*spec.soap, vars, req, content_type);
    } else if (spec.graphql) {
        // GraphQL over HTTP: the query as written, its variables rendered, the paging
        // variables as the system sent them (never rendered: a cursor is the system's text).
        const auto& g = *spec.graphql;
        nlohmann::json variables = render_json(g.variables, vars);
        if (!variables.is_object())
            throw template_error("the GraphQL variables render to " +
                                 variables.dump().substr(0, 200) + ", not an object");
        for (const auto& [k, v] : g.paging_variables)
            variables[k] = v;
        nlohmann::json body{{"query", g.query}, {"variables", variables}};
        if (!g.operation.empty()) body["operationName"] = g.operation;
        req.body = body.dump();
        content_type("application/json");
        if (!has_accept)
            req.headers.emplace_back("Accept",
                                     "application/graphql-response+json, application/json;q=0.9");
    } else if (spec.form_body) {
        for (const auto& [k, v] : *spec.form_body)
            req.body += (req.body.empty() ? "" : "&") + query_encode(k) + "=" +
                        query_encode(render(v, vars));
        content_type("application/x-www-form-urlencoded");
    }
    if (!spec.soap_action.empty())
        req.headers.emplace_back("SOAPAction", "\"" + render(spec.soap_action, vars) + "\"");
    return req;
}

namespace {

// A "$" inside a placeholder: a generator, or a name no variable can have.
bool names_generator(std::string_view text) {
    for (std::size_t at = text.find("{{"); at != std::string_view::npos;
         at = text.find("{{", at + 2)) {
        const std::size_t end = text.find("}}", at + 2);
        if (text.substr(at + 2, end == std::string_view::npos ? end : end - at - 2).find('$') !=
            std::string_view::npos)
            return true;
    }
    return false;
}

bool json_names_generator(const nlohmann::json& value) {
    if (value.is_string()) return names_generator(value.get_ref<const std::string&>());
    if (value.is_array() || value.is_object())
        for (const auto& [k, v] : value.items())
            if (names_generator(k) || json_names_generator(v)) return true;
    return false;
}

bool pairs_name_generator(const std::vector<std::pair<std::string, std::string>>& pairs) {
    for (const auto& [k, v] : pairs)
        if (names_generator(k) || names_generator(v)) return true;
    return false;
}

} // namespace

bool builds_alike(const model::request_spec& spec) {
    bool generated = names_generator(spec.path) || pairs_name_generator(spec.query) ||
                     pairs_name_generator(spec.headers) || names_generator(spec.soap_action);
    if (spec.json_body) generated = generated || json_names_generator(*spec.json_body);
    if (spec.xml_body) generated = generated || names_generator(*spec.xml_body);
    if (spec.text_body) generated = generated || names_generator(*spec.text_body);
    if (spec.form_body) generated = generated || pairs_name_generator(*spec.form_body);
    if (spec.soap)
        generated = generated || names_generator(spec.soap->action) ||
                    names_generator(spec.soap->header) || names_generator(spec.soap->body);
    if (spec.graphql)
        generated = generated || json_names_generator(spec.graphql->variables) ||
                    !spec.graphql->paging_variables.empty();
    return !generated;
}

} // namespace konform::run::detail
