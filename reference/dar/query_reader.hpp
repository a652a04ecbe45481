#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

// The DAR reference system's own reading of a GraphQL query: enough of the language to
// serve its entities (one operation, fields with aliases, arguments, variables, nested
// selections). It shares nothing with the harness's parser, which judges it.
namespace konform::reference::dar {

struct query_error : std::runtime_error {
    int line, column;
    query_error(int l, int c, const std::string& what)
        : std::runtime_error(what), line(l), column(c) {}
};

struct field {
    std::string alias, name;
    nlohmann::json arguments = nlohmann::json::object(); // variables substituted
    std::vector<field> selections;
    int line = 1, column = 1;
    std::string key() const { return alias.empty() ? name : alias; }
};

// The selections of the document's operation (`operation_name`, or its only one), its
// variables taken from `variables` (or their defaults). Throws query_error.
std::vector<field> read_query(const std::string& text, const std::string& operation_name,
                              const nlohmann::json& variables);

} // namespace konform::reference::dar
