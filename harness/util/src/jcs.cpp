#include "konform/util/jcs.hpp"

#include "konform/util/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>
#include <vector>

namespace konform::util {

using nlohmann::json;

std::string ecmascript_number(double d) {
    if (!std::isfinite(d)) throw std::invalid_argument("JSON cannot carry NaN or infinity");
    if (d == 0) return "0"; // also -0
    std::string out;
    if (d < 0) {
        out = "-";
        d = -d;
    }
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    // sci is "D[.DDD]e[+-]XX": the shortest digits that read back as d.
    auto e = sci.find('e');
    std::string digits;
    for (std::size_t i = 0; i < e; ++i)
        if (sci[i] != '.') digits += sci[i];
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
    const int k = static_cast<int>(digits.size());
    const int n = std::stoi(sci.substr(e + 1)) + 1; // value = 0.digits x 10^n
    if (k <= n && n <= 21) {
        out += digits + std::string(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, static_cast<std::size_t>(n)) + "." +
               digits.substr(static_cast<std::size_t>(n));
    } else if (-6 < n && n <= 0) {
        out += "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
    } else {
        int exp = n - 1;
        out += digits.substr(0, 1);
        if (k > 1) out += "." + digits.substr(1);
        out += "e";
        out += exp < 0 ? "-" : "+";
        out += std::to_string(std::abs(exp));
    }
    return out;
}

namespace {

void write_string(std::string_view s, std::string& out) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t run = 0; // start of the bytes that need no escape
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

// UTF-8 to UTF-16 code units, for ordering member names as RFC 8785 asks.
std::u16string utf16(const std::string& s) {
    std::u16string out;
    for (std::size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        const int len = c < 0x80           ? 1
                        : (c >> 5) == 0x6  ? 2
                        : (c >> 4) == 0xE  ? 3
                        : (c >> 3) == 0x1E ? 4
                                           : 0;
        if (len == 0) throw std::invalid_argument("member name is not valid UTF-8");
        char32_t cp = len == 1 ? c : c & (0x7F >> len);
        if (i + static_cast<std::size_t>(len) > s.size())
            throw std::invalid_argument("member name is not valid UTF-8");
        for (int j = 1; j < len; ++j)
            cp =
                (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(j)]) & 0x3F);
        i += static_cast<std::size_t>(len);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += static_cast<char16_t>(0xD800 + (cp >> 10));
            out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
        } else
            out += static_cast<char16_t>(cp);
    }
    return out;
}

void write(const json& v, std::string& out) {
    switch (v.type()) {
    case json::value_t::null:
        out += "null";
        break;
    case json::value_t::boolean:
        out += v.get<bool>() ? "true" : "false";
        break;
    case json::value_t::number_integer:
        out += ecmascript_number(static_cast<double>(v.get<std::int64_t>()));
        break;
    case json::value_t::number_unsigned:
        out += ecmascript_number(static_cast<double>(v.get<std::uint64_t>()));
        break;
    case json::value_t::number_float:
        out += ecmascript_number(v.get<double>());
        break;
    case json::value_t::string:
        write_string(v.get_ref<const std::string&>(), out);
        break;
    case json::value_t::array: {
        out += '[';
        bool first = true;
        for (const auto& e : v) {
            if (!first) out += ',';
            first = false;
            write(e, out);
        }
        out += ']';
        break;
    }
    case json::value_t::object: {
        std::vector<std::pair<std::u16string, const std::string*>> keys;
        for (auto it = v.begin(); it != v.end(); ++it)
            keys.emplace_back(utf16(it.key()), &it.key());
        std::sort(keys.begin(), keys.end());
        out += '{';
        bool first = true;
        for (const auto& [k16, key] : keys) {
            if (!first) out += ',';
            first = false;
            write_string(*key, out);
            out += ':';
            write(v.at(*key), out);
        }
        out += '}';
        break;
    }
    default:
        throw std::invalid_argument("value cannot be canonicalized");
    }
}

// Builds a DOM like nlohmann's parser, but refuses duplicate member names.
class strict_sax : public nlohmann::json_sax<json> {
public:
    json root;

    bool null() override { return put(nullptr); }
    bool boolean(bool v) override { return put(v); }
    bool number_integer(number_integer_t v) override { return put(v); }
    bool number_unsigned(number_unsigned_t v) override { return put(v); }
    bool number_float(number_float_t v, const string_t&) override { return put(v); }
    bool string(string_t& v) override { return put(v); }
    bool binary(binary_t&) override { return false; }
    bool start_object(std::size_t) override {
        if (stack_.size() >= max_json_depth) return too_deep();
        push(json::object());
        keys_.emplace_back();
        return true;
    }
    bool key(string_t& k) override {
        if (!keys_.back().insert(k).second) {
            error = "duplicate member name \"" + k + "\"";
            return false;
        }
        key_ = k;
        return true;
    }
    bool end_object() override {
        keys_.pop_back();
        stack_.pop_back();
        return true;
    }
    bool start_array(std::size_t) override {
        if (stack_.size() >= max_json_depth) return too_deep();
        push(json::array());
        return true;
    }
    bool end_array() override {
        stack_.pop_back();
        return true;
    }
    bool parse_error(std::size_t pos, const std::string&,
                     const nlohmann::detail::exception& e) override {
        error = std::string(e.what()) + " (byte " + std::to_string(pos) + ")";
        return false;
    }
    std::string error;

private:
    bool too_deep() {
        error = "the document nests deeper than " + std::to_string(max_json_depth) + " levels";
        return false;
    }
    bool put(json v) {
        if (stack_.empty())
            root = std::move(v);
        else if (stack_.back()->is_array())
            stack_.back()->push_back(std::move(v));
        else
            (*stack_.back())[key_] = std::move(v);
        return true;
    }
    void push(json v) {
        json* slot;
        if (stack_.empty()) {
            root = std::move(v);
            slot = &root;
        } else if (stack_.back()->is_array()) {
            stack_.back()->push_back(std::move(v));
            slot = &stack_.back()->back();
        } else
            slot = &((*stack_.back())[key_] = std::move(v));
        stack_.push_back(slot);
    }
    std::vector<json*> stack_;
    std::vector<std::set<std::string>> keys_;
    std::string key_;
};

// nlohmann's own DOM builder, with a depth count: linear, where a parse callback that
// refuses deep documents makes nlohmann rescan each parent (quadratic in its size).
class depth_limited_dom : public nlohmann::detail::json_sax_dom_parser<json> {
public:
    depth_limited_dom(json& root, std::size_t max_values)
        : json_sax_dom_parser(root, true), max_values_(max_values) {}
    bool null() { return counted(), json_sax_dom_parser::null(); }
    bool boolean(bool v) { return counted(), json_sax_dom_parser::boolean(v); }
    bool number_integer(json::number_integer_t v) {
        return counted(), json_sax_dom_parser::number_integer(v);
    }
    bool number_unsigned(json::number_unsigned_t v) {
        return counted(), json_sax_dom_parser::number_unsigned(v);
    }
    bool number_float(json::number_float_t v, const json::string_t& s) {
        return counted(), json_sax_dom_parser::number_float(v, s);
    }
    bool string(json::string_t& v) { return counted(), json_sax_dom_parser::string(v); }
    bool binary(json::binary_t& v) { return counted(), json_sax_dom_parser::binary(v); }
    bool start_object(std::size_t n) {
        counted();
        deeper();
        return json_sax_dom_parser::start_object(n);
    }
    bool end_object() {
        --depth_;
        return json_sax_dom_parser::end_object();
    }
    bool start_array(std::size_t n) {
        counted();
        deeper();
        return json_sax_dom_parser::start_array(n);
    }
    bool end_array() {
        --depth_;
        return json_sax_dom_parser::end_array();
    }

private:
    void deeper() {
        if (++depth_ > max_json_depth) throw json_too_deep();
    }
    void counted() {
        if (++values_ > max_values_) throw json_too_large(max_values_);
    }
    std::size_t depth_ = 0;
    std::size_t values_ = 0;
    std::size_t max_values_;
};

} // namespace

json parse_json(std::string_view text, std::size_t max_values, json_comments comments) {
    json root;
    depth_limited_dom sax(root, max_values);
    json::sax_parse(text, &sax, json::input_format_t::json, true,
                    comments == json_comments::allowed);
    return root;
}

namespace {

// What a byte of a JSON string needs: 0 nothing (copied as it is), 1 an escape (a control
// character, '"' or '\\'), 2 a check that the UTF-8 sequence it is part of is valid.
constexpr std::array<unsigned char, 256> byte_needs = [] {
    std::array<unsigned char, 256> t{};
    for (int c = 0; c < 0x20; ++c)
        t[c] = 1;
    t['"'] = t['\\'] = 1;
    for (int c = 0x80; c < 0x100; ++c)
        t[c] = 2;
    return t;
}();

} // namespace

void append_string(std::string& out, std::string_view s) {
    // One pass decides; most strings (member names, URLs, header values) need nothing and
    // are copied whole.
    unsigned char needs = 0;
    for (unsigned char c : s)
        needs |= byte_needs[c];
    if (needs == 0) {
        out.reserve(out.size() + s.size() + 2);
        out += '"';
        out.append(s);
        out += '"';
    } else if (needs & 2) {
        write_string(valid_utf8(s), out);
    } else {
        write_string(s, out);
    }
}

std::string canonicalize(const json& value) {
    std::string out;
    write(value, out);
    return out;
}

json parse_strict(std::string_view text) {
    strict_sax sax;
    bool ok = json::sax_parse(text, &sax);
    if (!ok) throw std::invalid_argument(sax.error.empty() ? "invalid JSON" : sax.error);
    return std::move(sax.root);
}

} // namespace konform::util
