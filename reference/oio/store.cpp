#include "store.hpp"

#include <algorithm>
#include <regex>

namespace konform::reference::oio {

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool is_uuid(const std::string& s) {
    static const std::regex re(
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    return std::regex_match(s, re);
}

// OIO string matching: case-insensitive, '%' any run, '_' literal, '\%' a literal '%'.
bool like(const std::string& pattern, const std::string& value, bool case_sensitive) {
    std::string re = "^";
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size() && pattern[i + 1] == '%')
            re += "%", ++i;
        else if (c == '%')
            re += ".*";
        else if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos)
            re += std::string("\\") + c;
        else
            re += c;
    }
    re += "$";
    // Case folding of ASCII and of æ/ø/å (UTF-8) so "SØREN" matches "søren".
    auto fold = [&](std::string s) {
        if (case_sensitive) return s;
        s = lower(s);
        static const std::pair<const char*, const char*> danish[] = {
            {"Æ", "æ"}, {"Ø", "ø"}, {"Å", "å"}};
        for (const auto& [up, low] : danish)
            for (auto pos = s.find(up); pos != std::string::npos; pos = s.find(up, pos))
                s.replace(pos, 2, low);
        return s;
    };
    try {
        return std::regex_match(fold(value), std::regex(fold(re)));
    } catch (const std::regex_error&) {
        return false;
    }
}

// Merge: entries of the new data replace the old ones for the periods they cover; the old
// values stay in force outside them.
std::vector<entry> merge_periods(const std::vector<entry>& old, const std::vector<entry>& fresh) {
    std::vector<entry> out;
    for (const auto& o : old) {
        std::vector<period> pieces{o.p};
        for (const auto& n : fresh) {
            std::vector<period> next;
            for (const auto& p : pieces) {
                if (!p.overlaps(n.p.from, n.p.to)) {
                    next.push_back(p);
                    continue;
                }
                if (p.from < n.p.from) {
                    period left = p;
                    left.to = n.p.from;
                    left.to_included = false;
                    next.push_back(left);
                }
                if (n.p.to < p.to) {
                    period right = p;
                    right.from = n.p.to;
                    right.from_included = true;
                    next.push_back(right);
                }
            }
            pieces = std::move(next);
        }
        for (const auto& p : pieces)
            out.push_back({o.value, p});
    }
    for (const auto& n : fresh)
        out.push_back(n);
    std::stable_sort(out.begin(), out.end(),
                     [](const entry& a, const entry& b) { return a.p.from < b.p.from; });
    return out;
}

json virkning_json(const period& p) {
    json v = {{"from", format_time(p.from)},
              {"to", format_time(p.to)},
              {"from_included", p.from_included},
              {"to_included", p.to_included}};
    v.update(p.extra);
    return v;
}

} // namespace konform::reference::oio
