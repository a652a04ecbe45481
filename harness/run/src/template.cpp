#include "konform/run/template.hpp"

#include "konform/util/text.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <openssl/rand.h>

namespace konform::run {

using nlohmann::json;

namespace detail {

std::string new_uuid() {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) throw template_error("no random bytes for {{$uuid}}");
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    char out[37];
    std::snprintf(out, sizeof out,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                  b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return out;
}

std::string now_iso8601() {
    return util::iso8601(std::chrono::system_clock::now());
}

} // namespace detail

namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return std::string(s);
}

std::optional<json> generate(const std::string& name) {
    if (name == "$uuid") return detail::new_uuid();
    if (name == "$now") return detail::now_iso8601();
    if (name == "$today") return detail::now_iso8601().substr(0, 10);
    if (name == "$timestamp")
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    if (name == "$random") {
        unsigned int v = 0;
        RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v);
        return v % 1000000000u;
    }
    return std::nullopt;
}

json lookup_plain(const std::string& name, const variables& vars);

// "name | upper" and "name | lower" change the case of a text value.
json lookup(const std::string& expr, const variables& vars) {
    auto bar = expr.find('|');
    if (bar == std::string::npos) return lookup_plain(expr, vars);
    std::string name = trim(std::string_view(expr).substr(0, bar));
    std::string filter = trim(std::string_view(expr).substr(bar + 1));
    json v = lookup_plain(name, vars);
    std::string text = v.is_string() ? v.get<std::string>() : v.dump();
    if (filter == "upper")
        for (auto& c : text)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    else if (filter == "lower")
        for (auto& c : text)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else
        throw template_error("unknown filter \"" + filter + "\" in {{" + expr +
                             "}}: expected upper or lower");
    return text;
}

json lookup_plain(const std::string& name, const variables& vars) {
    if (!name.empty() && name.front() == '$') {
        if (auto g = generate(name)) return *g;
        throw template_error("unknown generator {{" + name +
                             "}}: expected $uuid, $now, $today, $timestamp or $random");
    }
    std::size_t dot = name.find('.');
    auto it = vars.find(std::string_view(name).substr(0, dot));
    if (it == vars.end()) throw template_error("undefined variable {{" + name + "}}");
    const json* v = &it->second;
    while (dot != std::string::npos) {
        std::size_t next = name.find('.', dot + 1);
        std::string key =
            name.substr(dot + 1, next == std::string::npos ? std::string::npos : next - dot - 1);
        // An array index: digits only, and parsed without throwing (a fuzzer found that
        // "{{list.99999999999999999999}}" escaped as std::out_of_range).
        std::size_t index = 0;
        auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
        bool is_index = !key.empty() && ec == std::errc() && end == key.data() + key.size();
        if (v->is_object() && v->contains(key))
            v = &(*v)[key];
        else if (v->is_array() && is_index && index < v->size())
            v = &(*v)[index];
        else
            throw template_error("undefined variable {{" + name + "}}: no field \"" + key + "\"");
        dot = next;
    }
    return *v;
}

std::string as_text(const json& v) {
    return v.is_string() ? v.get<std::string>()
                         : v.dump(-1, ' ', false, json::error_handler_t::replace);
}

template <class F> void scan(std::string_view text, F&& on_name, std::string* out) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t open = text.find("{{", pos);
        if (open == std::string_view::npos) {
            if (out) out->append(text.substr(pos));
            return;
        }
        if (out) out->append(text.substr(pos, open - pos));
        std::size_t close = text.find("}}", open + 2);
        if (close == std::string_view::npos)
            throw template_error("unterminated placeholder at character " + std::to_string(open) +
                                 ": missing \"}}\"");
        std::string name = trim(text.substr(open + 2, close - open - 2));
        if (name.empty())
            throw template_error("empty placeholder {{}} at character " + std::to_string(open));
        std::string value = on_name(name);
        if (out) out->append(value);
        pos = close + 2;
    }
}

} // namespace

std::string render(std::string_view text, const variables& vars, escaping esc) {
    std::string out;
    scan(
        text,
        [&](const std::string& name) {
            std::string v = as_text(lookup(name, vars));
            return esc == escaping::xml ? util::xml_escape(v) : v;
        },
        &out);
    return out;
}

json render_json(const json& value, const variables& vars) {
    if (value.is_string()) {
        const std::string& s = value.get_ref<const std::string&>();
        if (s.size() > 4 && s.rfind("{{", 0) == 0 && s.find("{{", 2) == std::string::npos &&
            s.find("}}") == s.size() - 2)
            return lookup(trim(std::string_view(s).substr(2, s.size() - 4)), vars);
        return render(s, vars);
    }
    if (value.is_array()) {
        json out = json::array();
        for (const auto& e : value)
            out.push_back(render_json(e, vars));
        return out;
    }
    if (value.is_object()) {
        json out = json::object();
        for (const auto& [k, v] : value.items())
            out[render(k, vars)] = render_json(v, vars);
        return out;
    }
    return value;
}

} // namespace konform::run
