#include "commands.hpp"
#include "konform/model/json_file.hpp"
#include "konform/model/json_style.hpp"
#include "konform/util/file.hpp"
#include "konform/util/text.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace konform::cli {

namespace {

namespace fs = std::filesystem;

struct fmt_args {
    std::vector<std::string> paths;
    bool check = false;
};

// The JSON files named: a file as given, a folder's *.json files at any depth (hidden
// folders skipped), in a stable order.
std::vector<fs::path> json_files(const std::vector<std::string>& paths, model::diagnostics& diag) {
    std::vector<fs::path> out;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<fs::path> found;
            for (auto it = fs::recursive_directory_iterator(p, ec);
                 !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
                const auto name = it->path().filename().string();
                if (it->is_directory() && !name.empty() && name.front() == '.') {
                    it.disable_recursion_pending();
                    continue;
                }
                if (it->is_regular_file() && it->path().extension() == ".json")
                    found.push_back(it->path());
            }
            if (ec) diag.add(p, "", "cannot be listed: " + ec.message());
            std::sort(found.begin(), found.end());
            out.insert(out.end(), found.begin(), found.end());
        } else if (fs::is_regular_file(p, ec)) {
            out.emplace_back(p);
        } else {
            diag.add(p, "", "no such file or folder");
        }
    }
    return out;
}

// The 1-based number of the first line where `a` and `b` differ.
std::size_t first_difference(const std::string& a, const std::string& b) {
    const auto end = std::mismatch(a.begin(), a.end(), b.begin(), b.end()).first;
    return 1 + static_cast<std::size_t>(std::count(a.begin(), end, '\n'));
}

exit_code execute(const fmt_args& a) {
    model::diagnostics diag;
    const auto files = json_files(a.paths, diag);
    std::size_t changed = 0;
    for (const auto& file : files) {
        const auto text = model::read_text_file(file, diag);
        if (!text || !model::parse_json_text(*text, file, diag)) continue; // says where it breaks
        std::string styled;
        try {
            styled = model::restyle(*text);
        } catch (const std::exception& e) { // says which file; the ones after it still run
            diag.add(file.string(), "", std::string("cannot be formatted: ") + e.what());
            continue;
        }
        if (styled == *text) continue;
        ++changed;
        if (a.check) {
            std::cout << util::visible(file.string()) << ":" << first_difference(*text, styled)
                      << ": not in konform fmt style\n";
        } else {
            util::write_file_atomically(file, styled);
            std::cout << util::visible(file.string()) << ": formatted\n";
        }
    }
    for (const auto& p : diag.problems())
        std::cerr << util::visible(p.to_string()) << '\n';
    std::cout << changed << " of " << files.size() << " file(s) "
              << (a.check ? "not formatted" : "reformatted") << '\n';
    if (!diag.empty()) return exit_code::input_error;
    return a.check && changed ? exit_code::not_ok : exit_code::ok;
}

} // namespace

action add_fmt(CLI::App& app) {
    auto a = std::make_shared<fmt_args>();
    auto* cmd = app.add_subcommand(
        "fmt", "Rewrite profile, test-case, fragment and target files in konform's one style");
    cmd->add_option("paths", a->paths, "JSON files, or folders to format every *.json file in")
        ->required();
    cmd->add_flag("--check", a->check,
                  "Change nothing; list the files not in style and exit 1 if there is any");
    return [a] { return execute(*a); };
}

} // namespace konform::cli
