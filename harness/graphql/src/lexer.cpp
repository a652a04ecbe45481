// GraphQL's lexical grammar (October 2021, §2.1): names, numbers, strings (with escapes and
// block strings), punctuators; positions for every error.
#include "lexer.hpp"

namespace konform::graphql::detail {

namespace {

bool name_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool digit(char c) {
    return c >= '0' && c <= '9';
}
bool name_continue(char c) {
    return name_start(c) || digit(c);
}

void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

} // namespace

void lexer::skip_ignored() {
    for (;;) {
        const char c = at(i_);
        if (c == ' ' || c == '\t' || c == ',') {
            ++i_;
        } else if (c == '\n' || c == '\r') {
            i_ += (c == '\r' && at(i_ + 1) == '\n') ? 2 : 1;
            ++line_;
            line_start_ = i_;
        } else if (c == '#') {
            while (i_ < s_.size() && s_[i_] != '\n' && s_[i_] != '\r')
                ++i_;
        } else if (s_.substr(i_, 3) == "\xEF\xBB\xBF") {
            i_ += 3;
        } else {
            return;
        }
    }
}

void lexer::advance() {
    skip_ignored();
    current_ = token{};
    current_.at = here();
    if (i_ >= s_.size()) return;
    const char c = s_[i_];
    if (c == '.') {
        if (s_.substr(i_, 3) != "...") throw syntax_error(here(), "'.' is not '...'");
        current_.is = token::kind::punctuator;
        current_.text = "...";
        i_ += 3;
    } else if (std::string_view("!$&()=:@[]{}|").find(c) != std::string_view::npos) {
        current_.is = token::kind::punctuator;
        current_.text = std::string(1, c);
        ++i_;
    } else if (name_start(c)) {
        const std::size_t from = i_;
        while (name_continue(at(i_)))
            ++i_;
        current_.is = token::kind::name;
        current_.text = std::string(s_.substr(from, i_ - from));
    } else if (c == '-' || digit(c)) {
        read_number(current_);
    } else if (s_.substr(i_, 3) == "\"\"\"") {
        read_block_string(current_);
    } else if (c == '"') {
        read_string(current_);
    } else {
        const auto u = static_cast<unsigned char>(c);
        throw syntax_error(here(), u < 0x20 || u >= 0x7F
                                       ? "unexpected byte 0x" +
                                             std::string(1, "0123456789ABCDEF"[u >> 4]) +
                                             std::string(1, "0123456789ABCDEF"[u & 0xF])
                                       : std::string("unexpected character '") + c + "'");
    }
}

void lexer::read_number(token& t) {
    const std::size_t from = i_;
    if (at(i_) == '-') ++i_;
    if (at(i_) == '0') {
        ++i_;
        if (digit(at(i_))) throw syntax_error(t.at, "a number does not start with 0");
    } else if (digit(at(i_))) {
        while (digit(at(i_)))
            ++i_;
    } else {
        throw syntax_error(t.at, "a digit must follow '-'");
    }
    t.is = token::kind::integer;
    if (at(i_) == '.') {
        ++i_;
        if (!digit(at(i_))) throw syntax_error(t.at, "a digit must follow '.'");
        while (digit(at(i_)))
            ++i_;
        t.is = token::kind::floating;
    }
    if (at(i_) == 'e' || at(i_) == 'E') {
        ++i_;
        if (at(i_) == '+' || at(i_) == '-') ++i_;
        if (!digit(at(i_))) throw syntax_error(t.at, "a digit must follow the exponent");
        while (digit(at(i_)))
            ++i_;
        t.is = token::kind::floating;
    }
    if (name_start(at(i_)) || at(i_) == '.')
        throw syntax_error(t.at, "a number may not run into a name or a '.'");
    t.text = std::string(s_.substr(from, i_ - from));
}

void lexer::read_string(token& t) {
    ++i_; // "
    t.is = token::kind::string;
    for (;;) {
        if (i_ >= s_.size() || s_[i_] == '\n' || s_[i_] == '\r')
            throw syntax_error(here(), "a string is not closed on its line");
        const char c = s_[i_];
        if (c == '"') {
            ++i_;
            return;
        }
        if (c != '\\') {
            t.text += c;
            ++i_;
            continue;
        }
        const char e = at(i_ + 1);
        i_ += 2;
        switch (e) {
        case '"':
            t.text += '"';
            break;
        case '\\':
            t.text += '\\';
            break;
        case '/':
            t.text += '/';
            break;
        case 'b':
            t.text += '\b';
            break;
        case 'f':
            t.text += '\f';
            break;
        case 'n':
            t.text += '\n';
            break;
        case 'r':
            t.text += '\r';
            break;
        case 't':
            t.text += '\t';
            break;
        case 'u': {
            unsigned cp = 0;
            for (int k = 0; k < 4; ++k) {
                const char h = at(i_ + k);
                if (!std::isxdigit(static_cast<unsigned char>(h)))
                    throw syntax_error(here(), "\\u takes four hexadecimal digits");
                cp = cp * 16 + static_cast<unsigned>(digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
            }
            i_ += 4;
            append_utf8(t.text, cp);
            break;
        }
        default:
            throw syntax_error(here(), std::string("unknown escape \\") + e);
        }
    }
}

void lexer::read_block_string(token& t) {
    i_ += 3;
    t.is = token::kind::block_string;
    std::string raw;
    for (;;) {
        if (i_ >= s_.size()) throw syntax_error(t.at, "a block string is not closed");
        if (s_.substr(i_, 3) == "\"\"\"") {
            i_ += 3;
            break;
        }
        if (s_.substr(i_, 4) == "\\\"\"\"") {
            raw += "\"\"\"";
            i_ += 4;
            continue;
        }
        const char c = s_[i_];
        if (c == '\n' || c == '\r') {
            i_ += (c == '\r' && at(i_ + 1) == '\n') ? 2 : 1;
            ++line_;
            line_start_ = i_;
            raw += '\n';
            continue;
        }
        raw += c;
        ++i_;
    }
    t.text = raw; // descriptions: the common indentation is kept (konform does not show them)
}

} // namespace konform::graphql::detail
