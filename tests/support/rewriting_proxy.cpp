#include "rewriting_proxy.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <regex>
#include <sstream>

namespace konform::test {

namespace rewrite {

namespace {

using ordered = nlohmann::ordered_json;

bool is_geojson_object(const ordered& v) {
    if (!v.is_object()) return false;
    auto t = v.find("type");
    return t != v.end() && (*t == "Feature" || *t == "FeatureCollection");
}

// Every object's members reversed, at every depth.
ordered reversed(const ordered& v, bool foreign_members) {
    if (v.is_array()) {
        ordered out = ordered::array();
        for (const auto& e : v)
            out.push_back(reversed(e, foreign_members));
        return out;
    }
    if (!v.is_object()) return v;
    std::vector<std::pair<std::string, ordered>> members;
    for (auto it = v.begin(); it != v.end(); ++it)
        members.emplace_back(it.key(), reversed(it.value(), foreign_members));
    ordered out = ordered::object();
    if (foreign_members && is_geojson_object(v)) out["konform_foreign_member"] = "to be ignored";
    for (auto it = members.rbegin(); it != members.rend(); ++it)
        out[it->first] = std::move(it->second);
    return out;
}

// Numbers with a fraction and no exponent get one more trailing zero; strings untouched.
std::string longer_fractions(const std::string& text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < text.size())
                out += text[++i];
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
            out += c;
            continue;
        }
        if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
            std::size_t end = i;
            while (end < text.size() && std::strchr("+-.eE0123456789", text[end]) != nullptr)
                ++end;
            const std::string number = text.substr(i, end - i);
            out += number;
            if (number.find('.') != std::string::npos &&
                number.find_first_of("eE") == std::string::npos)
                out += '0';
            i = end - 1;
            continue;
        }
        out += c;
    }
    return out;
}

std::string rewritten_json(const std::string& body, bool foreign_members, int indent) {
    ordered v = ordered::parse(body, nullptr, false);
    if (v.is_discarded()) return body;
    try {
        return longer_fractions(reversed(v, foreign_members).dump(indent));
    } catch (const ordered::exception&) { // text that is not UTF-8: left as it is
        return body;
    }
}

// A QName "p:local" whose prefix is renamed, or the text unchanged.
std::string renamed_qname(const std::string& text, const std::map<std::string, std::string>& to) {
    const auto colon = text.find(':');
    if (colon == std::string::npos) return text;
    auto it = to.find(text.substr(0, colon));
    return it == to.end() ? text : it->second + text.substr(colon);
}

void collect_prefixes(const pugi::xml_node& n, std::map<std::string, std::string>& to) {
    for (const auto& a : n.attributes()) {
        const std::string name = a.name();
        if (name.rfind("xmlns:", 0) == 0 && !to.count(name.substr(6)))
            to[name.substr(6)] = "k" + std::to_string(to.size());
    }
    for (const auto& c : n.children())
        if (c.type() == pugi::node_element) collect_prefixes(c, to);
}

void rename_prefixes(pugi::xml_node n, const std::map<std::string, std::string>& to) {
    n.set_name(renamed_qname(n.name(), to).c_str());
    static const std::regex qname("^[A-Za-z_][A-Za-z0-9_.-]*:[A-Za-z_][A-Za-z0-9_.-]*$");
    for (auto a : n.attributes()) {
        const std::string name = a.name();
        if (name.rfind("xmlns:", 0) == 0) {
            a.set_name(("xmlns:" + to.at(name.substr(6))).c_str());
        } else {
            a.set_name(renamed_qname(name, to).c_str());
            if (std::regex_match(a.value(), qname))
                a.set_value(renamed_qname(a.value(), to).c_str());
        }
    }
    auto only = n.first_child();
    if (only && only.type() == pugi::node_pcdata && !only.next_sibling()) {
        std::string text = only.value();
        const auto first = text.find_first_not_of(" \t\r\n");
        const auto last = text.find_last_not_of(" \t\r\n");
        if (first != std::string::npos) {
            const std::string core = text.substr(first, last - first + 1);
            if (std::regex_match(core, qname)) only.set_value(renamed_qname(core, to).c_str());
        }
    }
    for (auto c : n.children())
        if (c.type() == pugi::node_element) rename_prefixes(c, to);
}

} // namespace

std::string json_text(const std::string& body, bool foreign_members) {
    return rewritten_json(body, foreign_members, 3);
}

std::string ndjson_text(const std::string& body) {
    std::string out;
    std::size_t at = 0;
    while (at <= body.size()) {
        const auto nl = body.find('\n', at);
        std::string line = body.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
        const bool cr = !line.empty() && line.back() == '\r';
        if (cr) line.pop_back();
        out += line.empty() ? line : rewritten_json(line, false, -1);
        if (nl == std::string::npos) break;
        out += cr ? "\r\n" : "\n";
        at = nl + 1;
    }
    return out;
}

std::string csv_text(const std::string& body) {
    std::string out, cell;
    bool quoted = false, in_cell = false;
    auto flush = [&] {
        out += '"';
        for (char c : cell)
            out += c == '"' ? std::string("\"\"") : std::string(1, c);
        out += '"';
        cell.clear();
        in_cell = false;
    };
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (quoted) {
            if (c == '"' && i + 1 < body.size() && body[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = in_cell = true;
        } else if (c == ',') {
            flush();
            out += ',';
        } else if (c == '\r' || c == '\n') {
            if (in_cell || (!out.empty() && out.back() == ',')) flush();
            out += c;
        } else {
            cell += c;
            in_cell = true;
        }
    }
    if (in_cell || (!out.empty() && out.back() == ',')) flush();
    return out;
}

std::string xml_text(const std::string& body) {
    pugi::xml_document doc;
    if (!doc.load_buffer(body.data(), body.size(), pugi::parse_default | pugi::parse_declaration))
        return body;
    std::map<std::string, std::string> to;
    collect_prefixes(doc, to);
    for (auto c : doc.children())
        if (c.type() == pugi::node_element) rename_prefixes(c, to);
    for (auto n = doc.first_child(); n;) {
        const auto next = n.next_sibling();
        if (n.type() == pugi::node_declaration) doc.remove_child(n);
        n = next;
    }
    std::ostringstream os;
    os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    doc.save(os, "    ", pugi::format_indent | pugi::format_no_declaration, pugi::encoding_utf8);
    return os.str();
}

} // namespace rewrite

rewriting_proxy::rewriting_proxy(options o) : opt_(std::move(o)) {
    http::client_options co;
    co.tls = opt_.upstream_tls;
    client_ = std::make_unique<http::client>(ioc_, co);
    auto h = [this](const reference::server_request& req) { return forward(req); };
    server_ = opt_.cert_chain.empty()
                  ? std::make_unique<reference::http_server>(0, h)
                  : std::make_unique<reference::http_server>(0, h, opt_.cert_chain, opt_.key);
    if (!opt_.client_ca.empty()) server_->require_client_certificate(opt_.client_ca);
    server_->start();
}

rewriting_proxy::~rewriting_proxy() {
    server_->stop();
}

std::map<std::string, int> rewriting_proxy::rewritten() const {
    std::lock_guard lock(mutex_);
    return rewritten_;
}

reference::server_response rewriting_proxy::forward(const reference::server_request& req) {
    http::request up;
    up.method = req.method;
    up.url = opt_.upstream + req.target;
    for (const auto& [name, value] : req.headers)
        if (name != "host" && name != "content-length" && name != "connection" &&
            name != "transfer-encoding")
            up.headers.emplace_back(name, value);
    up.body = req.body;
    std::lock_guard lock(mutex_);
    const http::exchange x = client_->perform(std::move(up));
    if (!x.ok()) return {502, {{"Content-Type", "text/plain"}}, x.explanation, true};
    reference::server_response out;
    out.status = x.resp->status;
    for (const auto& [name, value] : x.resp->headers) {
        std::string lower = name;
        for (auto& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower != "content-length" && lower != "transfer-encoding" && lower != "connection" &&
            lower != "server")
            out.headers.emplace_back(name, value);
    }
    std::string type = x.resp->header("Content-Type").value_or("");
    for (auto& c : type)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string kind;
    if (type.find("x-ndjson") != std::string::npos) {
        kind = "ndjson";
        out.body = rewrite::ndjson_text(x.resp->body);
    } else if (type.find("javascript") != std::string::npos) {
        out.body = x.resp->body;
    } else if (type.find("json") != std::string::npos) {
        kind = "json";
        out.body = rewrite::json_text(x.resp->body, opt_.foreign_members);
    } else if (type.find("text/csv") != std::string::npos) {
        kind = "csv";
        out.body = rewrite::csv_text(x.resp->body);
    } else if (type.find("xml") != std::string::npos) {
        kind = "xml";
        out.body = rewrite::xml_text(x.resp->body);
    } else {
        out.body = x.resp->body;
    }
    if (!kind.empty() && out.body != x.resp->body) ++rewritten_[kind];
    return out;
}

} // namespace konform::test
