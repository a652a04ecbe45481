#include "konform/model/problem.hpp"

namespace konform::model {

std::string problem::to_string() const {
    std::string out = file;
    if (!where.empty()) out += (out.empty() ? "" : ": ") + where;
    out += (out.empty() ? "" : ": ") + message;
    return out;
}

void diagnostics::add(std::string file, std::string where, std::string message) {
    problems_.push_back({std::move(file), std::move(where), std::move(message)});
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
    : load_error(std::vector<problem>{{std::move(file), std::move(where), std::move(message)}}) {}

void throw_if_any(const diagnostics& diag) {
    if (!diag.empty()) throw load_error(diag.problems());
}

} // namespace konform::model
