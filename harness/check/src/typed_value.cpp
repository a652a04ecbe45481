#include "konform/check/typed_value.hpp"

#include <cctype>

namespace konform::check {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::string_view collapse(std::string_view text) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && space(text.back()))
        text.remove_suffix(1);
    return text;
}

// Reads exactly `n` digits at `at` (or at least `n` when `more`); advances `at`.
std::optional<std::int64_t> digits(std::string_view s, std::size_t& at, std::size_t n,
                                   bool more = false) {
    std::size_t start = at;
    while (at < s.size() && is_digit(s[at]) && (more || at - start < n))
        ++at;
    if (at - start < n || at - start > 12) return std::nullopt;
    std::int64_t v = 0;
    for (std::size_t i = start; i < at; ++i)
        v = v * 10 + (s[i] - '0');
    return v;
}

bool expect(std::string_view s, std::size_t& at, char c) {
    if (at >= s.size() || s[at] != c) return false;
    ++at;
    return true;
}

bool leap(std::int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(std::int64_t y, std::int64_t m) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// -?YYYY-MM-DD, the year at least four digits and without a superfluous leading zero.
std::optional<std::int64_t> read_day(std::string_view s, std::size_t& at) {
    const bool negative = at < s.size() && s[at] == '-';
    if (negative) ++at;
    const std::size_t year_at = at;
    auto y = digits(s, at, 4, true);
    if (!y || (at - year_at > 4 && s[year_at] == '0')) return std::nullopt;
    if (!expect(s, at, '-')) return std::nullopt;
    auto m = digits(s, at, 2);
    if (!m || !expect(s, at, '-')) return std::nullopt;
    auto d = digits(s, at, 2);
    if (!d || *m < 1 || *m > 12) return std::nullopt;
    const std::int64_t year = negative ? -*y : *y;
    if (*d < 1 || *d > days_in_month(year, *m)) return std::nullopt;
    return days_from_civil(year, *m, *d);
}

// (Z|(+|-)hh:mm)? to the end of the text.
bool read_offset(std::string_view s, std::size_t& at, std::optional<int>& offset) {
    if (at == s.size()) return true;
    if (s[at] == 'Z') {
        offset = 0;
        return ++at == s.size();
    }
    if (s[at] != '+' && s[at] != '-') return false;
    const int sign = s[at++] == '-' ? -1 : 1;
    auto h = digits(s, at, 2);
    if (!h || !expect(s, at, ':')) return false;
    auto m = digits(s, at, 2);
    if (!m || *m > 59 || *h > 14 || (*h == 14 && *m != 0)) return false;
    offset = sign * static_cast<int>(*h * 60 + *m);
    return at == s.size();
}

} // namespace

std::optional<std::string> read_integer(std::string_view text) {
    text = collapse(text);
    bool negative = false;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    if (text.empty()) return std::nullopt;
    for (char c : text)
        if (!is_digit(c)) return std::nullopt;
    while (text.size() > 1 && text.front() == '0')
        text.remove_prefix(1);
    if (text == "0") return std::string("0");
    return (negative ? "-" : "") + std::string(text);
}

std::optional<std::string> read_decimal(std::string_view text) {
    text = collapse(text);
    bool negative = false;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    const std::size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
    if (whole.empty() && fraction.empty()) return std::nullopt;
    for (char c : whole)
        if (!is_digit(c)) return std::nullopt;
    for (char c : fraction)
        if (!is_digit(c)) return std::nullopt;
    while (!whole.empty() && whole.front() == '0')
        whole.remove_prefix(1);
    while (!fraction.empty() && fraction.back() == '0')
        fraction.remove_suffix(1);
    std::string out = whole.empty() ? "0" : std::string(whole);
    if (!fraction.empty()) out += "." + std::string(fraction);
    if (negative && out != "0") out.insert(out.begin(), '-');
    return out;
}

std::optional<xsd_date> read_date(std::string_view text) {
    text = collapse(text);
    std::size_t at = 0;
    xsd_date out;
    auto day = read_day(text, at);
    if (!day || !read_offset(text, at, out.offset_minutes)) return std::nullopt;
    out.day = *day;
    return out;
}

std::optional<xsd_date_time> read_date_time(std::string_view text) {
    text = collapse(text);
    std::size_t at = 0;
    auto day = read_day(text, at);
    if (!day || !expect(text, at, 'T')) return std::nullopt;
    auto h = digits(text, at, 2);
    if (!h || !expect(text, at, ':')) return std::nullopt;
    auto mi = digits(text, at, 2);
    if (!mi || !expect(text, at, ':')) return std::nullopt;
    auto s = digits(text, at, 2);
    if (!s) return std::nullopt;
    xsd_date_time out;
    if (at < text.size() && text[at] == '.') {
        const std::size_t start = ++at;
        while (at < text.size() && is_digit(text[at]))
            ++at;
        if (at == start) return std::nullopt;
        out.fraction = std::string(text.substr(start, at - start));
        while (!out.fraction.empty() && out.fraction.back() == '0')
            out.fraction.pop_back();
    }
    const bool midnight_end = *h == 24 && *mi == 0 && *s == 0 && out.fraction.empty();
    if ((*h > 23 && !midnight_end) || *mi > 59 || *s > 59) return std::nullopt;
    if (!read_offset(text, at, out.offset_minutes)) return std::nullopt;
    out.seconds = *day * 86400 + *h * 3600 + *mi * 60 + *s;
    return out;
}

int compare_canonical(std::string_view a, std::string_view b) {
    const bool na = !a.empty() && a.front() == '-', nb = !b.empty() && b.front() == '-';
    if (na != nb) return na ? -1 : 1;
    if (na) {
        a.remove_prefix(1);
        b.remove_prefix(1);
    }
    const auto wa = a.substr(0, a.find('.')), wb = b.substr(0, b.find('.'));
    int c = 0;
    if (wa.size() != wb.size())
        c = wa.size() < wb.size() ? -1 : 1;
    else {
        const auto fa = a.substr(wa.size()), fb = b.substr(wb.size());
        const int w = wa.compare(wb);
        const int f = fa.compare(fb); // ".5" < ".55"; "" < ".1"
        c = w != 0 ? (w < 0 ? -1 : 1) : (f < 0 ? -1 : f > 0 ? 1 : 0);
    }
    return na ? -c : c;
}

} // namespace konform::check
