#include "konform/model/json_file.hpp"

#include "konform/schema/json_schema.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/sha256.hpp"

#include <map>
#include <mutex>
#include <regex>

namespace konform::model {

namespace detail {
// Generated at build time from schemas/*.schema.json (see harness/CMakeLists.txt).
std::string_view embedded_format_schema(std::string_view name);
} // namespace detail

std::string_view format_schema_text(std::string_view format) {
    return detail::embedded_format_schema(format);
}

std::optional<nlohmann::json> read_json_file(const std::filesystem::path& file, diagnostics& diag) {
    std::string text;
    try {
        text = util::read_file(file);
    } catch (const std::exception&) {
        std::error_code ec;
        diag.add(file.string(), "",
                 std::filesystem::exists(file, ec) ? "cannot be read" : "no such file");
        return std::nullopt;
    }
    try {
        return util::parse_json(text, util::default_max_json_values, util::json_comments::allowed);
    } catch (const std::invalid_argument& e) { // json_too_deep, json_too_large
        diag.add(file.string(), "", std::string("refused JSON: the document ") + e.what());
        return std::nullopt;
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann's message reads "[json.exception.parse_error.101] parse error at line 3,
        // column 5: syntax error while parsing ...": keep the place and the reason.
        std::string what = e.what();
        std::smatch m;
        static const std::regex place(R"(at line (\d+), column (\d+): (.*))");
        if (std::regex_search(what, m, place))
            diag.add(file.string(), "line " + m[1].str() + ", column " + m[2].str(),
                     "invalid JSON: " + m[3].str());
        else
            diag.add(file.string(), "byte " + std::to_string(e.byte), "invalid JSON: " + what);
        return std::nullopt;
    } catch (const nlohmann::json::exception& e) { // a number too large for a double
        std::string what = e.what();
        const auto pos = what.find("] ");
        diag.add(file.string(), "",
                 "invalid JSON: " + (pos == std::string::npos ? what : what.substr(pos + 2)));
        return std::nullopt;
    }
}

namespace {

const schema::json_schema& compiled_format(std::string_view format) {
    static std::mutex mutex;
    static std::map<std::string, schema::json_schema, std::less<>> cache;
    std::lock_guard lock(mutex);
    auto it = cache.find(format);
    if (it == cache.end()) {
        auto doc = nlohmann::json::parse(format_schema_text(format));
        // The format schemas name each other ("testcase.schema.json#/definitions/step").
        auto sibling = [](const std::string& uri) -> std::optional<nlohmann::json> {
            static const std::string base = "https://konform.invalid/schemas/";
            std::string name = uri.rfind(base, 0) == 0 ? uri.substr(base.size()) : uri;
            const std::string suffix = ".schema.json";
            if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix)
                return std::nullopt;
            std::string_view text = format_schema_text(name.substr(0, name.size() - suffix.size()));
            if (text.empty()) return std::nullopt;
            return nlohmann::json::parse(text);
        };
        it = cache.emplace(std::string(format), schema::json_schema::compile(doc, sibling)).first;
    }
    return it->second;
}

} // namespace

void check_format(const nlohmann::json& doc, std::string_view format,
                  const std::filesystem::path& file, diagnostics& diag) {
    auto violations = compiled_format(format).validate(doc);
    // valijson reports the deepest failure and then each enclosing one ("Failed to
    // validate item #0 ..."): keep the deepest, which name the real place.
    std::vector<schema::violation> kept;
    for (const auto& v : violations) {
        bool enclosing = v.message.rfind("Failed to validate", 0) == 0;
        if (!enclosing) kept.push_back(v);
    }
    if (kept.empty()) kept = violations;
    for (const auto& v : kept)
        diag.add(file.string(), v.pointer.empty() ? "/" : v.pointer,
                 "does not match the " + std::string(format) + " format: " + v.message);
}

} // namespace konform::model
