#pragma once

#include "konform/util/jsonc.hpp"

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace konform::model {

// One thing wrong with an input file: which file, where in it (a JSON Pointer or
// "line L, column C") and what was expected there. A pointer also gets the line it points
// at, so the problem reads "file:LINE: /pointer: message", as editors jump to it.
struct problem {
    std::string file;
    std::string where;
    std::string message;
    std::size_t line = 0; // 0: not known

    std::string to_string() const;
};

// The line of `file` that the JSON Pointer at the start of `where` names ("/steps/2" or
// "/steps/2 (used at ...)"); 0 when `where` holds no pointer or the file cannot be read.
std::size_t line_of_pointer(const std::string& file, const std::string& where);

// Collects problems while a file set is read, so `konform lint` can list them all.
class diagnostics {
public:
    // Records a problem; a JSON Pointer in `where` also gets its line (each file is read
    // and parsed once for all its problems).
    void add(std::string file, std::string where, std::string message);
    bool empty() const { return problems_.empty(); }
    const std::vector<problem>& problems() const { return problems_; }

private:
    std::vector<problem> problems_;
    std::map<std::string, std::optional<util::jsonc::document>> files_; // for the lines
};

// Thrown when input files (profile, test cases, target, data sets) cannot be used.
class load_error : public std::runtime_error {
public:
    explicit load_error(std::vector<problem> problems);
    load_error(std::string file, std::string where, std::string message);
    const std::vector<problem>& problems() const { return problems_; }

private:
    std::vector<problem> problems_;
};

// Throws load_error holding every collected problem, if there is any.
void throw_if_any(const diagnostics& diag);

} // namespace konform::model
