#include "konform/run/template.hpp"

#include "konform/util/text.hpp"

#include <algorithm>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

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

// The variable a name denotes, or nothing when it is undefined (`why` says how).
std::optional<json> lookup_name(const std::string& name, const variables& vars, std::string& why) {
    if (!name.empty() && name.front() == '$') {
        if (auto g = generate(name)) return g;
        throw template_error("unknown generator {{" + name +
                             "}}: expected $uuid, $now, $today, $timestamp or $random");
    }
    std::size_t dot = name.find('.');
    auto it = vars.find(std::string_view(name).substr(0, dot));
    if (it == vars.end()) {
        why = "undefined variable {{" + name + "}}";
        return std::nullopt;
    }
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
        else {
            why = "undefined variable {{" + name + "}}: no field \"" + key + "\"";
            return std::nullopt;
        }
        dot = next;
    }
    return *v;
}

std::string as_text(const json& v);

// Changes the case of ASCII letters and of the Latin-1 letters (æ, ø, å, é, ...).
std::string change_case(std::string text, bool upper) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto& c = text[i];
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x80)
            c = static_cast<char>(upper ? std::toupper(u) : std::tolower(u));
        else if (u == 0xC3 && i + 1 < text.size()) {
            const auto n = static_cast<unsigned char>(text[i + 1]);
            if (upper && n >= 0xA0 && n <= 0xBE && n != 0xB7)
                text[i + 1] = static_cast<char>(n - 0x20);
            else if (!upper && n >= 0x80 && n <= 0x9E && n != 0x97)
                text[i + 1] = static_cast<char>(n + 0x20);
            ++i;
        }
    }
    return text;
}

std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

// A whole number from text or a number; throws when there is none.
json to_int(const json& v, const std::string& expr) {
    if (v.is_number_integer()) return v;
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (d == static_cast<double>(static_cast<long long>(d))) return static_cast<long long>(d);
    }
    if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
    if (v.is_string()) {
        std::string_view t = v.get_ref<const std::string&>();
        while (!t.empty() && t.front() == ' ')
            t.remove_prefix(1);
        while (!t.empty() && t.back() == ' ')
            t.remove_suffix(1);
        long long n = 0;
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
        if (!t.empty() && ec == std::errc() && end == t.data() + t.size()) return n;
    }
    throw template_error("{{" + expr + "}}: " + as_text(v).substr(0, 60) +
                         " is not a whole number");
}

json to_number(const json& v, const std::string& expr) {
    if (v.is_number()) return v;
    if (v.is_string()) {
        json n = json::parse(v.get_ref<const std::string&>(), nullptr, false);
        if (!n.is_discarded() && n.is_number()) return n;
    }
    throw template_error("{{" + expr + "}}: " + as_text(v).substr(0, 60) + " is not a number");
}

json to_bool(const json& v, const std::string& expr) {
    if (v.is_boolean()) return v;
    const std::string t = v.is_string() ? change_case(v.get<std::string>(), false) : v.dump();
    if (t == "true" || t == "1") return true;
    if (t == "false" || t == "0") return false;
    throw template_error("{{" + expr + "}}: " + as_text(v).substr(0, 60) +
                         " is not a boolean (true, false, 1 or 0)");
}

const json& need_array(const json& v, const std::string& filter, const std::string& expr) {
    if (!v.is_array())
        throw template_error("{{" + expr + "}}: the filter " + filter + " takes an array, not " +
                             std::string(v.type_name()));
    return v;
}

// Index arguments of slice: negative counts from the end, like Python's.
std::size_t clamp_index(const json& arg, std::size_t size) {
    long long i = arg.is_number() ? arg.get<long long>() : 0;
    if (i < 0) i += static_cast<long long>(size);
    return static_cast<std::size_t>(std::clamp<long long>(i, 0, static_cast<long long>(size)));
}

json apply(const model::filter_call& f, const json& v, const std::string& expr) {
    const std::string& n = f.name;
    if (n == "int") return to_int(v, expr);
    if (n == "number") return to_number(v, expr);
    if (n == "bool") return to_bool(v, expr);
    if (n == "string") return as_text(v);
    if (n == "lower" || n == "upper") return change_case(as_text(v), n == "upper");
    if (n == "trim") {
        std::string t = as_text(v);
        const auto b = t.find_first_not_of(" \t\r\n");
        if (b == std::string::npos) return std::string();
        return t.substr(b, t.find_last_not_of(" \t\r\n") - b + 1);
    }
    if (n == "urlencode") return boost::urls::encode(as_text(v), boost::urls::unreserved_chars);
    if (n == "json") return v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (n == "length") {
        if (v.is_string()) return code_points(v.get_ref<const std::string&>());
        if (v.is_array() || v.is_object()) return v.size();
        throw template_error("{{" + expr + "}}: length takes text, an array or an object");
    }
    if (n == "first" || n == "last") {
        const json& a = need_array(v, n, expr);
        if (a.empty()) throw template_error("{{" + expr + "}}: " + n + " of an empty array");
        return n == "first" ? a.front() : a.back();
    }
    if (n == "sort") {
        json a = need_array(v, n, expr);
        std::stable_sort(a.begin(), a.end());
        return a;
    }
    if (n == "slice") {
        const std::size_t size =
            v.is_string() ? v.get_ref<const std::string&>().size() : need_array(v, n, expr).size();
        const std::size_t from = clamp_index(f.args.at(0), size);
        const std::size_t to = f.args.size() > 1 ? clamp_index(f.args[1], size) : size;
        if (v.is_string()) return v.get<std::string>().substr(from, to > from ? to - from : 0);
        json out = json::array();
        for (std::size_t i = from; i < to; ++i)
            out.push_back(v[i]);
        return out;
    }
    if (n == "join") {
        const std::string sep = f.args.empty() ? "," : as_text(f.args[0]);
        std::string out;
        bool first = true;
        for (const auto& item : need_array(v, n, expr)) {
            out += (first ? "" : sep) + as_text(item);
            first = false;
        }
        return out;
    }
    if (n == "default") return v.is_null() ? f.args.at(0) : v;
    throw template_error("unknown filter \"" + n + "\" in {{" + expr + "}}");
}

// Evaluates one expression: its name or literal, then its filters left to right.
json lookup(const std::string& text, const variables& vars) {
    const model::expression e = model::parse_expression(text);
    std::optional<json> v;
    std::string why;
    if (e.literal)
        v = e.literal;
    else
        v = lookup_name(e.name, vars, why);
    for (const auto& f : e.filters) {
        if (std::string why = model::filter_problem(f, text); !why.empty())
            throw template_error(why);
        if (!v) {
            if (f.name != "default") throw template_error(why);
            v = f.args.at(0);
            continue;
        }
        v = apply(f, *v, text);
    }
    if (!v) throw template_error(why);
    return std::move(*v);
}

std::string as_text(const json& v) {
    return v.is_string() ? v.get<std::string>()
                         : v.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace

std::string render(std::string_view text, const variables& vars, escaping esc) {
    std::string out;
    model::scan_template(
        text, [&](std::string_view literal) { out.append(literal); },
        [&](std::string_view expr) {
            std::string v = as_text(lookup(std::string(expr), vars));
            out += esc == escaping::xml ? util::xml_escape(v) : v;
        });
    return out;
}

json evaluate(std::string_view expression, const variables& vars) {
    return lookup(std::string(expression), vars);
}

json render_value(std::string_view text, const variables& vars) {
    if (auto sole = model::sole_placeholder(text)) return lookup(*sole, vars);
    return render(text, vars);
}

bool has_placeholder(std::string_view text) {
    return text.find("{{") != std::string_view::npos;
}

bool holds_placeholder(const json& value) {
    if (value.is_string()) return has_placeholder(value.get_ref<const std::string&>());
    if (value.is_array())
        return std::any_of(value.begin(), value.end(),
                           [](const json& e) { return holds_placeholder(e); });
    if (value.is_object())
        for (const auto& [k, v] : value.items())
            if (has_placeholder(k) || holds_placeholder(v)) return true;
    return false;
}

json render_json(const json& value, const variables& vars) {
    if (value.is_string()) {
        return render_value(value.get_ref<const std::string&>(), vars);
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
