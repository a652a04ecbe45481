#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// JSON with comments as a tree that keeps what a person wrote besides the values: the
// comments, where blank lines stood, each value's line and the exact text of every
// scalar. For `konform fmt` (which rewrites the layout and keeps the rest) and for the
// line numbers in error messages. Values themselves are read by util::parse_json.
namespace konform::util::jsonc {

// Thrown for text that is not JSON with comments; says where.
struct syntax_error : std::invalid_argument {
    syntax_error(std::size_t line, std::size_t column, const std::string& what);
    std::size_t line, column;
};

struct member;

struct node {
    enum class kind { object, array, scalar } type = kind::scalar;
    std::string text;                 // a scalar as written: "\u00f8" stays, 1.50 stays
    std::vector<member> items;        // members of an object, elements of an array
    std::vector<std::string> closing; // comments on their own lines before } or ]
    std::size_t line = 0;             // 1-based line where the value starts
};

struct member {
    std::string key; // the name as written, quotes included; empty in arrays
    node value;
    std::vector<std::string> leading; // comments on the lines before the member
    std::string trailing;             // a comment on the member's last line, after it
    bool blank_before = false;        // an empty line stood before the member
};

struct document {
    std::vector<std::string> leading; // comments before the value
    node root;
    std::vector<std::string> trailing; // comments after the value
};

// Reads JSON with // and /* */ comments (at most max_json_depth levels deep).
document parse(std::string_view text);

// The text of a member name as written ("\"a\\u0062\"") as the name it stands for ("ab").
std::string key_name(const std::string& written);

// A member name that one object gives twice: the object's JSON Pointer, the name, and the
// lines of its first and its later member. A reader that keeps the last (as nlohmann does)
// would read a file other than the one its author sees at the top.
struct duplicate {
    std::string object;
    std::string name;
    std::size_t first_line = 0, line = 0;
};
std::vector<duplicate> duplicate_members(const document& doc);

// The 1-based line of the value that a JSON Pointer names in `text`; when the pointer runs
// past what the text holds (a step that a fragment added), the line of the deepest value
// on its way. Nothing for text that is not JSON or a pointer that is not one.
std::optional<std::size_t> line_of(std::string_view text, std::string_view pointer);
std::optional<std::size_t> line_of(const document& doc, std::string_view pointer);

} // namespace konform::util::jsonc
