#include "konform/util/jsonc.hpp"
#include "konform/util/jcs.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace konform::util::jsonc {

syntax_error::syntax_error(std::size_t l, std::size_t c, const std::string& what)
    : std::invalid_argument("line " + std::to_string(l) + ", column " + std::to_string(c) + ": " +
                            what),
      line(l), column(c) {}

namespace {

struct token {
    enum class kind { punct, scalar, comment, end } type = kind::end;
    std::string_view text;
    std::size_t line = 0, end_line = 0, column = 0;
};

class lexer {
public:
    explicit lexer(std::string_view text) : text_(text) {
        // A UTF-8 byte order mark before the value is no part of it (RFC 8259 §8.1 lets a
        // reader ignore it, as util::parse_json does).
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = line_start_ = 3;
    }

    token next() {
        skip_space();
        token t;
        t.line = line_;
        t.column = pos_ - line_start_ + 1;
        if (pos_ >= text_.size()) {
            t.end_line = line_;
            return t;
        }
        const std::size_t start = pos_;
        const char c = text_[pos_];
        if (c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',') {
            t.type = token::kind::punct;
            ++pos_;
        } else if (c == '/' && peek(1) == '/') {
            t.type = token::kind::comment;
            while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r')
                ++pos_;
        } else if (c == '/' && peek(1) == '*') {
            t.type = token::kind::comment;
            pos_ += 2;
            while (pos_ < text_.size() && !(text_[pos_] == '*' && peek(1) == '/'))
                advance();
            if (pos_ >= text_.size()) fail(t, "a /* comment is not closed");
            pos_ += 2;
        } else if (c == '"') {
            t.type = token::kind::scalar;
            ++pos_;
            while (pos_ < text_.size() && text_[pos_] != '"') {
                if (text_[pos_] == '\n') fail(t, "a string runs past the end of its line");
                pos_ += text_[pos_] == '\\' ? 2 : 1;
            }
            if (pos_ >= text_.size()) fail(t, "a string is not closed");
            ++pos_;
        } else if (c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) {
            t.type = token::kind::scalar;
            while (pos_ < text_.size() && is_word(text_[pos_]))
                ++pos_;
        } else {
            fail(t, std::string("unexpected character '") + c + "'");
        }
        t.text = text_.substr(start, pos_ - start);
        t.end_line = line_;
        return t;
    }

    [[noreturn]] static void fail(const token& at, const std::string& what) {
        throw syntax_error(at.line, at.column, what);
    }

private:
    static bool is_word(char c) {
        return c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') ||
               (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    char peek(std::size_t ahead) const {
        return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
    }
    void advance() {
        if (text_[pos_] == '\n') {
            ++line_;
            line_start_ = pos_ + 1;
        }
        ++pos_;
    }
    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                       text_[pos_] == '\n' || text_[pos_] == '\r'))
            advance();
    }

    std::string_view text_;
    std::size_t pos_ = 0, line_ = 1, line_start_ = 0;
};

class parser {
public:
    explicit parser(std::string_view text) : lex_(text) { shift(); }

    document run() {
        document doc;
        doc.leading = comments_before();
        doc.root = value(0);
        while (cur_.type == token::kind::comment) {
            doc.trailing.emplace_back(cur_.text);
            shift();
        }
        if (cur_.type != token::kind::end) lexer::fail(cur_, "text after the end of the value");
        return doc;
    }

private:
    void shift() {
        prev_end_line_ = cur_.end_line;
        cur_ = lex_.next();
    }
    bool at(char c) const {
        return cur_.type == token::kind::punct && cur_.text.size() == 1 && cur_.text[0] == c;
    }
    void expect(char c) {
        if (!at(c)) lexer::fail(cur_, std::string("expected '") + c + "'");
        shift();
    }
    std::vector<std::string> comments_before() {
        std::vector<std::string> out;
        while (cur_.type == token::kind::comment) {
            out.emplace_back(cur_.text);
            shift();
        }
        return out;
    }

    node value(std::size_t depth) {
        if (depth >= max_json_depth) lexer::fail(cur_, "nests deeper than 512 levels");
        node n;
        n.line = cur_.line;
        if (cur_.type == token::kind::scalar) {
            n.text = std::string(cur_.text);
            shift();
            return n;
        }
        const bool object = at('{');
        if (!object && !at('[')) lexer::fail(cur_, "expected a value");
        n.type = object ? node::kind::object : node::kind::array;
        const char close = object ? '}' : ']';
        shift();
        while (true) {
            // A comment on the line where the previous member ended belongs to it.
            while (cur_.type == token::kind::comment && cur_.line == prev_end_line_ &&
                   !n.items.empty() && n.items.back().trailing.empty()) {
                n.items.back().trailing = std::string(cur_.text);
                shift();
            }
            const bool blank = cur_.line > prev_end_line_ + 1 && !n.items.empty();
            auto leading = comments_before();
            if (at(close)) {
                n.closing = std::move(leading);
                shift();
                return n;
            }
            member m;
            m.blank_before = blank;
            m.leading = std::move(leading);
            if (object) {
                if (cur_.type != token::kind::scalar || cur_.text.front() != '"')
                    lexer::fail(cur_, "expected a member name in quotes");
                m.key = std::string(cur_.text);
                shift();
                for (auto& c : comments_before())
                    m.leading.push_back(std::move(c));
                expect(':');
                for (auto& c : comments_before())
                    m.leading.push_back(std::move(c));
            }
            m.value = value(depth + 1);
            n.items.push_back(std::move(m));
            if (cur_.type == token::kind::comment && cur_.line == prev_end_line_) {
                n.items.back().trailing = std::string(cur_.text);
                shift();
            }
            auto after = comments_before();
            if (at(close)) {
                n.closing = std::move(after);
                shift();
                return n;
            }
            for (auto& c : after) // a comment between a value and its comma
                n.items.back().leading.push_back(std::move(c));
            if (at(',')) {
                shift();
                continue;
            }
            if (!at(close)) lexer::fail(cur_, std::string("expected ',' or '") + close + "'");
        }
    }

    lexer lex_;
    token cur_;
    std::size_t prev_end_line_ = 0;
};

// One reference token of a JSON Pointer, ~1 and ~0 undone.
std::string unescape(std::string_view t) {
    std::string out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '~' && i + 1 < t.size() && (t[i + 1] == '0' || t[i + 1] == '1')) {
            out += t[i + 1] == '0' ? '~' : '/';
            ++i;
        } else {
            out += t[i];
        }
    }
    return out;
}

} // namespace

document parse(std::string_view text) {
    return parser(text).run();
}

std::string key_name(const std::string& written) {
    try {
        auto j = nlohmann::json::parse(written);
        if (j.is_string()) return j.get<std::string>();
    } catch (const nlohmann::json::exception&) {
    }
    return written;
}

namespace {

void collect_duplicates(const node& n, const std::string& pointer, std::vector<duplicate>& out) {
    std::map<std::string, std::size_t> seen; // name -> line of its first member
    for (std::size_t i = 0; i < n.items.size(); ++i) {
        const auto& m = n.items[i];
        std::string token;
        if (n.type == node::kind::object) {
            token = key_name(m.key);
            auto [it, fresh] = seen.emplace(token, m.value.line);
            if (!fresh) out.push_back({pointer, token, it->second, m.value.line});
        } else {
            token = std::to_string(i);
        }
        std::string escaped;
        for (char c : token)
            escaped += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
        collect_duplicates(m.value, pointer + "/" + escaped, out);
    }
}

} // namespace

std::vector<duplicate> duplicate_members(const document& doc) {
    std::vector<duplicate> out;
    collect_duplicates(doc.root, "", out);
    return out;
}

std::optional<std::size_t> line_of(std::string_view text, std::string_view pointer) {
    try {
        return line_of(parse(text), pointer);
    } catch (const syntax_error&) {
        return std::nullopt;
    }
}

std::optional<std::size_t> line_of(const document& doc, std::string_view pointer) {
    if (!pointer.empty() && pointer.front() != '/') return std::nullopt;
    const node* at = &doc.root;
    while (!pointer.empty()) {
        pointer.remove_prefix(1);
        const auto slash = pointer.find('/');
        const std::string token = unescape(pointer.substr(0, slash));
        pointer = slash == std::string_view::npos ? std::string_view() : pointer.substr(slash);
        const node* next = nullptr;
        if (at->type == node::kind::object) {
            for (const auto& m : at->items)
                if (key_name(m.key) == token) next = &m.value;
        } else if (at->type == node::kind::array && !token.empty() &&
                   token.find_first_not_of("0123456789") == std::string::npos &&
                   token.size() < 10) {
            const auto i = std::stoul(token);
            if (i < at->items.size()) next = &at->items[i].value;
        }
        if (!next) break;
        at = next;
    }
    return at->line;
}

} // namespace konform::util::jsonc
