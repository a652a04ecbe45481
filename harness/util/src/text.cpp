#include "konform/util/text.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace konform::util {

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string iso8601(std::chrono::system_clock::time_point t) {
    // Every exchange and step is stamped: the civil date from the calendar, the digits
    // written in place (no stdio, no locale).
    using namespace std::chrono;
    const auto ms = floor<milliseconds>(t);
    const auto day = floor<days>(ms);
    const year_month_day date(day);
    const hh_mm_ss<milliseconds> time(ms - day);
    const int year = static_cast<int>(date.year());
    if (year < 0 || year > 9999) return "0000-01-01T00:00:00.000Z"; // not a time a run has
    char out[] = "YYYY-MM-DDTHH:MM:SS.mmmZ";
    const auto put = [&out](std::size_t at, unsigned value, std::size_t width) {
        for (std::size_t i = width; i-- > 0; value /= 10)
            out[at + i] = static_cast<char>('0' + value % 10);
    };
    put(0, static_cast<unsigned>(year), 4);
    put(5, static_cast<unsigned>(date.month()), 2);
    put(8, static_cast<unsigned>(date.day()), 2);
    put(11, static_cast<unsigned>(time.hours().count()), 2);
    put(14, static_cast<unsigned>(time.minutes().count()), 2);
    put(17, static_cast<unsigned>(time.seconds().count()), 2);
    put(20, static_cast<unsigned>(time.subseconds().count()), 3);
    return std::string(out, sizeof out - 1);
}

std::string valid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80           ? 1
                        : (c >> 5) == 0x6  ? 2
                        : (c >> 4) == 0xE  ? 3
                        : (c >> 3) == 0x1E ? 4
                                           : 0;
        bool ok = n > 0 && i + n <= s.size();
        for (std::size_t k = 1; ok && k < n; ++k)
            ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        if (ok && n > 1) { // no overlong forms, surrogates or values past U+10FFFF
            unsigned cp = c & (0x7F >> n);
            for (std::size_t k = 1; k < n; ++k)
                cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
            ok = (n == 2 && cp >= 0x80) ||
                 (n == 3 && cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) ||
                 (n == 4 && cp >= 0x10000 && cp <= 0x10FFFF);
        }
        if (ok) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out.append("\xEF\xBF\xBD");
            ++i;
        }
    }
    return out;
}

void sanitize_utf8(nlohmann::json& j) {
    if (j.is_string()) {
        auto& s = j.get_ref<std::string&>();
        std::string v = valid_utf8(s);
        if (v != s) s = std::move(v);
    } else if (j.is_array()) {
        for (auto& e : j)
            sanitize_utf8(e);
    } else if (j.is_object()) {
        nlohmann::json clean = nlohmann::json::object();
        for (auto& [k, v] : j.items()) {
            sanitize_utf8(v);
            clean[valid_utf8(k)] = std::move(v);
        }
        j = std::move(clean);
    }
}

std::string xml_safe(std::string_view s) {
    std::string out = valid_utf8(s);
    static constexpr std::string_view replacement = "\xEF\xBF\xBD";
    std::string clean;
    clean.reserve(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            clean += replacement;
        } else if (c == 0xEF && i + 2 < out.size() && out[i + 1] == '\xBF' &&
                   (out[i + 2] == '\xBE' || out[i + 2] == '\xBF')) {
            clean += replacement; // U+FFFE, U+FFFF
            i += 2;
        } else
            clean += static_cast<char>(c);
    }
    return clean;
}

std::string visible(std::string_view s) {
    const std::string text = valid_utf8(s);
    std::string out;
    out.reserve(text.size());
    char buf[16];
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
        unsigned cp = n == 1 ? c : c & (0x7F >> n);
        for (std::size_t k = 1; k < n; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        const bool control =
            (cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
        const bool bidi = cp == 0x061C || cp == 0x200E || cp == 0x200F ||
                          (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
        if (control && cp < 0x80) {
            std::snprintf(buf, sizeof buf, "\\x%02x", cp);
            out += buf;
        } else if (control || bidi) {
            std::snprintf(buf, sizeof buf, "\\u%04x", cp);
            out += buf;
        } else
            out.append(text, i, n);
        i += n;
    }
    return out;
}

std::string shell_quote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::string ascii_upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

} // namespace konform::util
