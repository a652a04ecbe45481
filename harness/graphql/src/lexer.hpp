#pragma once

#include "konform/graphql/document.hpp"

#include <string>
#include <string_view>

namespace konform::graphql::detail {

// One token of GraphQL's lexical grammar (§2.1). Commas, white space, comments and the
// byte order mark are ignored, as the specification says.
struct token {
    enum class kind { end, punctuator, name, integer, floating, string, block_string };
    kind is = kind::end;
    std::string text; // punctuator or name as written; a string's value, escapes decoded
    position at;
};

class lexer {
public:
    explicit lexer(std::string_view text) : s_(text) { advance(); }
    const token& peek() const { return current_; }
    token next() {
        token t = current_;
        advance();
        return t;
    }

private:
    void advance();
    void skip_ignored();
    char at(std::size_t i) const { return i < s_.size() ? s_[i] : '\0'; }
    position here() const { return {line_, static_cast<int>(i_ - line_start_) + 1}; }
    void read_string(token& t);
    void read_block_string(token& t);
    void read_number(token& t);

    std::string_view s_;
    std::size_t i_ = 0, line_start_ = 0;
    int line_ = 1;
    token current_;
};

} // namespace konform::graphql::detail
