#include "konform/model/problem.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jsonc.hpp"

namespace konform::model {

namespace {

bool names_pointer(const std::string& file, const std::string& where) {
    return !file.empty() && !where.empty() && where.front() == '/';
}

// The file as a tree with lines, or nothing when it cannot be read or is not JSON.
std::optional<util::jsonc::document> read_document(const std::string& file) {
    try {
        return util::jsonc::parse(util::read_file(file));
    } catch (const std::exception&) { // the problem keeps its pointer, without a line
        return std::nullopt;
    }
}

std::size_t line_in(const std::optional<util::jsonc::document>& doc, const std::string& where) {
    if (!doc) return 0;
    return util::jsonc::line_of(*doc, where.substr(0, where.find(' '))).value_or(0);
}

} // namespace

std::size_t line_of_pointer(const std::string& file, const std::string& where) {
    return names_pointer(file, where) ? line_in(read_document(file), where) : 0;
}

std::string problem::to_string() const {
    std::string out = file;
    if (line && !out.empty()) out += ":" + std::to_string(line);
    if (!where.empty()) out += (out.empty() ? "" : ": ") + where;
    out += (out.empty() ? "" : ": ") + message;
    return out;
}

void diagnostics::add(std::string file, std::string where, std::string message) {
    std::size_t line = 0;
    if (names_pointer(file, where)) {
        auto it = files_.find(file);
        if (it == files_.end()) it = files_.emplace(file, read_document(file)).first;
        line = line_in(it->second, where);
    }
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
