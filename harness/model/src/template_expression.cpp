#include "konform/model/template_expression.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace konform::model {

using nlohmann::json;

namespace {

constexpr filter_info filter_table[] = {
    {"int", 0, 0, "a whole number from a number or its text (\"4\" -> 4)"},
    {"number", 0, 0, "a number from a number or its text (\"2.5\" -> 2.5)"},
    {"bool", 0, 0, "true or false from a boolean or the text true/false/1/0"},
    {"string", 0, 0, "the value as text (numbers as written, objects as JSON)"},
    {"lower", 0, 0, "text in lower case (ASCII and Danish letters)"},
    {"upper", 0, 0, "text in upper case (ASCII and Danish letters)"},
    {"trim", 0, 0, "text without leading and trailing white space"},
    {"urlencode", 0, 0, "text percent-encoded as UTF-8, all but unreserved characters"},
    {"json", 0, 0, "the value as JSON text"},
    {"length", 0, 0, "the number of items of an array or object, characters of a text"},
    {"first", 0, 0, "the first item of an array"},
    {"last", 0, 0, "the last item of an array"},
    {"sort", 0, 0, "an array sorted (numbers, then texts, in order)"},
    {"slice", 1, 2, "items (or characters) from index a up to b: slice(1, 3)"},
    {"join", 0, 1, "array items as text joined by a separator: join(\", \")"},
    {"default", 1, 1, "the value, or x when the name is undefined or null: default(\"x\")"},
};

constexpr std::string_view generator_table[] = {"$uuid", "$now", "$today", "$timestamp", "$random"};

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$' ||
           c == '-';
}

// Reads expressions left to right.
struct reader {
    std::string_view text;
    std::size_t pos = 0;

    [[noreturn]] void fail(const std::string& why) const {
        throw template_error(why + " in {{" + std::string(text) + "}}");
    }
    void skip() {
        while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos])))
            ++pos;
    }
    bool at(char c) {
        skip();
        return pos < text.size() && text[pos] == c;
    }
    bool done() {
        skip();
        return pos >= text.size();
    }

    std::string quoted() {
        const char q = text[pos++];
        std::string out;
        while (pos < text.size() && text[pos] != q) {
            if (text[pos] == '\\' && pos + 1 < text.size()) ++pos;
            out += text[pos++];
        }
        if (pos >= text.size()) fail("unterminated string");
        ++pos;
        return out;
    }

    // A literal, or nothing when a name stands here.
    std::optional<json> literal() {
        skip();
        if (pos >= text.size()) fail("missing value");
        const char c = text[pos];
        if (c == '"' || c == '\'') return json(quoted());
        if (c == '[' || c == '{') { // only the empty array and object: default([])
            const char close = c == '[' ? ']' : '}';
            ++pos;
            if (!at(close)) fail(std::string("only an empty ") + c + close + " stands here");
            ++pos;
            return c == '[' ? json::array() : json::object();
        }
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
            std::size_t end = pos + 1;
            while (end < text.size() &&
                   (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.' ||
                    text[end] == 'e' || text[end] == 'E' || text[end] == '+' || text[end] == '-'))
                ++end;
            json v = json::parse(text.substr(pos, end - pos), nullptr, false);
            if (v.is_discarded() || !v.is_number())
                fail("invalid number \"" + std::string(text.substr(pos, end - pos)) + "\"");
            pos = end;
            return v;
        }
        for (std::string_view word : {"true", "false", "null"}) {
            if (text.substr(pos, word.size()) == word &&
                (pos + word.size() == text.size() || !name_char(text[pos + word.size()]))) {
                pos += word.size();
                return json::parse(word);
            }
        }
        return std::nullopt;
    }

    std::string name() {
        skip();
        const std::size_t start = pos;
        while (pos < text.size() && name_char(text[pos]))
            ++pos;
        if (pos == start)
            fail("unexpected \"" + std::string(text.substr(pos, 1)) +
                 "\": expected a name, a number or a quoted string");
        return std::string(text.substr(start, pos - start));
    }
};

// Edits (insert, delete, replace, swap two neighbours) that turn a into b.
std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                                d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

} // namespace

expression parse_expression(std::string_view text) {
    reader r{trim(text)};
    expression out;
    if (r.done()) r.fail("empty expression");
    if (auto lit = r.literal())
        out.literal = std::move(*lit);
    else
        out.name = r.name();
    while (!r.done()) {
        if (!r.at('|'))
            r.fail("unexpected \"" + std::string(r.text.substr(r.pos)) +
                   "\": filters follow a \"|\"");
        ++r.pos;
        filter_call f;
        f.name = r.name();
        if (r.at('(')) {
            ++r.pos;
            while (!r.at(')')) {
                auto arg = r.literal();
                if (!arg)
                    r.fail("filter arguments are numbers, quoted strings, true, false, null, [] or "
                           "{}");
                f.args.push_back(std::move(*arg));
                if (r.at(','))
                    ++r.pos;
                else if (!r.at(')'))
                    r.fail("expected \",\" or \")\" after a filter argument");
            }
            ++r.pos;
        }
        out.filters.push_back(std::move(f));
    }
    return out;
}

void scan_template(std::string_view text, const std::function<void(std::string_view)>& literal,
                   const std::function<void(std::string_view)>& expression) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t open = text.find("{{", pos);
        if (open == std::string_view::npos) {
            literal(text.substr(pos));
            return;
        }
        if (open > pos) literal(text.substr(pos, open - pos));
        const std::size_t close = text.find("}}", open + 2);
        if (close == std::string_view::npos)
            throw template_error("unterminated placeholder at character " + std::to_string(open) +
                                 ": missing \"}}\"");
        std::string_view inner = trim(text.substr(open + 2, close - open - 2));
        if (inner.empty())
            throw template_error("empty placeholder {{}} at character " + std::to_string(open));
        expression(inner);
        pos = close + 2;
    }
}

std::vector<std::string> template_placeholders(std::string_view text) {
    std::vector<std::string> out;
    scan_template(
        text, [](std::string_view) {}, [&](std::string_view e) { out.emplace_back(e); });
    return out;
}

std::string filter_problem(const filter_call& f, std::string_view expr) {
    const filter_info* info = find_filter(f.name);
    if (!info) {
        std::vector<std::string_view> names;
        for (const auto& k : filter_table)
            names.push_back(k.name);
        auto hint = closest(f.name, names);
        return "unknown filter \"" + f.name + "\" in {{" + std::string(expr) + "}}" +
               (hint ? ": did you mean \"" + *hint + "\"?"
                     : ": see the filters in docs/writing-profiles.md");
    }
    if (f.args.size() < info->min_args || f.args.size() > info->max_args)
        return "the filter " + f.name + " in {{" + std::string(expr) + "}} takes " +
               std::to_string(info->min_args) +
               (info->max_args != info->min_args ? " to " + std::to_string(info->max_args)
                                                 : std::string()) +
               " argument(s), not " + std::to_string(f.args.size());
    return {};
}

std::optional<std::string> sole_placeholder(std::string_view s) {
    if (s.size() > 4 && s.rfind("{{", 0) == 0 && s.find("{{", 2) == std::string_view::npos &&
        s.find("}}") == s.size() - 2)
        return std::string(trim(s.substr(2, s.size() - 4)));
    return std::nullopt;
}

std::span<const filter_info> known_filters() {
    return filter_table;
}

const filter_info* find_filter(std::string_view name) {
    for (const auto& f : filter_table)
        if (f.name == name) return &f;
    return nullptr;
}

std::span<const std::string_view> known_generators() {
    return generator_table;
}

std::optional<std::string> closest(std::string_view word,
                                   std::span<const std::string_view> candidates,
                                   std::size_t max_distance) {
    std::optional<std::string> best;
    std::size_t best_d =
        (max_distance ? max_distance : std::max<std::size_t>(1, word.size() / 3)) + 1;
    for (auto c : candidates) {
        const std::size_t d = distance(word, c);
        if (d < best_d) best_d = d, best = std::string(c);
    }
    return best;
}

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates,
                                   std::size_t max_distance) {
    std::vector<std::string_view> views(candidates.begin(), candidates.end());
    return closest(word, std::span<const std::string_view>(views), max_distance);
}

} // namespace konform::model
