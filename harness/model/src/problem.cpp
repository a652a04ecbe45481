#include "konform/model/problem.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jsonc.hpp"

namespace konform::model {

std::size_t line_of_pointer(const std::string& file, const std::string& where) {
    if (file.empty() || where.empty() || where.front() != '/') return 0;
    try {
        const auto line =
            util::jsonc::line_of(util::read_file(file), where.substr(0, where.find(' ')));
        return line.value_or(0);
    } catch (const std::exception&) { // unreadable: the problem keeps its pointer
        return 0;
    }
}

std::string problem::to_string() const {
    std::string out = file;
    if (line && !out.empty()) out += ":" + std::to_string(line);
    if (!where.empty()) out += (out.empty() ? "" : ": ") + where;
    out += (out.empty() ? "" : ": ") + message;
    return out;
}

void diagnostics::add(std::string file, std::string where, std::string message) {
    const std::size_t line = line_of_pointer(file, where);
    problems_.push_back({std::move(file), std::move(where), std::move(message), line});
}

namespace {
std::string join(const std::vector<problem>& problems) {
    std::string out;
    for (const auto& p : problems) {
        if (!out.empty()) out += '\n';
        out += p.to_string();
    }
    return out;
}
} // namespace

load_error::load_error(std::vector<problem> problems)
    : std::runtime_error(join(problems)), problems_(std::move(problems)) {}

load_error::load_error(std::string file, std::string where, std::string message)
    : load_error(
          std::vector<problem>{{file, where, std::move(message), line_of_pointer(file, where)}}) {}

void throw_if_any(const diagnostics& diag) {
    if (!diag.empty()) throw load_error(diag.problems());
}

} // namespace konform::model
