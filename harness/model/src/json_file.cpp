#include "konform/model/json_file.hpp"

#include "konform/model/template_expression.hpp"
#include "konform/schema/json_schema.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/jsonc.hpp"
#include "konform/util/sha256.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <regex>
#include <set>

namespace konform::model {

namespace detail {
// Generated at build time from schemas/*.schema.json (see harness/CMakeLists.txt).
std::string_view embedded_format_schema(std::string_view name);
} // namespace detail

std::string_view format_schema_text(std::string_view format) {
    return detail::embedded_format_schema(format);
}

std::optional<std::string> read_text_file(const std::filesystem::path& file, diagnostics& diag) {
    try {
        return util::read_file(file);
    } catch (const std::exception&) {
        std::error_code ec;
        diag.add(file.string(), "",
                 std::filesystem::exists(file, ec) ? "cannot be read" : "no such file");
        return std::nullopt;
    }
}

std::optional<nlohmann::json> read_json_file(const std::filesystem::path& file, diagnostics& diag) {
    const auto text = read_text_file(file, diag);
    return text ? parse_json_text(*text, file, diag) : std::nullopt;
}

schema::json_schema::resolver
sibling_schema_files(const std::filesystem::path& schema_file, const nlohmann::json& doc,
                     std::function<std::string(const std::filesystem::path&)> why_not,
                     std::function<void(const std::filesystem::path&)> on_read) {
    const std::string id = doc.is_object() ? doc.value("$id", "") : "";
    const std::string id_dir = id.substr(0, id.rfind('/') + 1);
    return [schema_file, id_dir, why_not = std::move(why_not),
            on_read = std::move(on_read)](const std::string& uri) -> std::optional<nlohmann::json> {
        std::string rel = uri;
        if (!id_dir.empty() && uri.rfind(id_dir, 0) == 0)
            rel = uri.substr(id_dir.size());
        else if (uri.find("://") != std::string::npos || uri.rfind("urn:", 0) == 0)
            throw std::invalid_argument("the $ref \"" + uri +
                                        "\" names no file: konform never fetches schemas from "
                                        "the network");
        const auto target = (schema_file.parent_path() / rel).lexically_normal();
        if (std::string why = why_not(target); !why.empty())
            throw std::invalid_argument("the $ref \"" + uri + "\": " + target.string() + " " + why);
        diagnostics inner;
        auto found = read_json_file(target, inner);
        if (!found) throw load_error(inner.problems());
        if (on_read) on_read(target);
        return found;
    };
}

namespace {

// konform's own files (targets, profiles, test cases, data sets) may not name a member
// twice: the parser keeps the last, so a target that says "production" at its top and
// "test" at its end would run as a test system. Both places are named.
bool refuse_duplicate_members(const std::string& text, const std::filesystem::path& file,
                              diagnostics& diag) {
    std::vector<util::jsonc::duplicate> found;
    try {
        found = util::jsonc::duplicate_members(util::jsonc::parse(text));
    } catch (const util::jsonc::syntax_error&) {
        return true; // nlohmann read it; the layout reader's stricter lexer has no say here
    }
    for (const auto& d : found)
        diag.add(file.string(), "line " + std::to_string(d.line),
                 "the member \"" + d.name + "\" is given twice in " +
                     (d.object.empty() ? std::string("the document") : "\"" + d.object + "\"") +
                     " (first on line " + std::to_string(d.first_line) +
                     "): say it once, a reader would keep only the last");
    return found.empty();
}

} // namespace

std::optional<nlohmann::json>
parse_json_text(const std::string& text, const std::filesystem::path& file, diagnostics& diag) {
    try {
        auto doc =
            util::parse_json(text, util::default_max_json_values, util::json_comments::allowed);
        if (!refuse_duplicate_members(text, file, diag)) return std::nullopt;
        return doc;
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

namespace {

// What an author may write, read from a format schema: every key it names anywhere, and
// the allowed values of each key that has an enum.
struct format_vocabulary {
    std::vector<std::string> keys;
    std::map<std::string, std::vector<std::string>> enums;

    void collect(const nlohmann::json& s) {
        if (s.is_array()) {
            for (const auto& item : s)
                collect(item);
            return;
        }
        if (!s.is_object()) return;
        if (s.contains("properties") && s["properties"].is_object())
            for (const auto& [key, sub] : s["properties"].items()) {
                if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
                if (sub.is_object() && sub.contains("enum"))
                    for (const auto& v : sub["enum"]) {
                        auto& values = enums[key];
                        if (v.is_string() &&
                            std::find(values.begin(), values.end(), v) == values.end())
                            values.push_back(v.get<std::string>());
                    }
            }
        for (const auto& [key, sub] : s.items())
            collect(sub);
    }
};

const format_vocabulary& vocabulary(std::string_view format) {
    static std::mutex mutex;
    static std::map<std::string, format_vocabulary, std::less<>> cache;
    std::lock_guard lock(mutex);
    auto it = cache.find(format);
    if (it == cache.end()) {
        format_vocabulary v;
        v.collect(nlohmann::json::parse(format_schema_text(format)));
        if (format == "fragment" || format == "profile") // they name the test-case format
            v.collect(nlohmann::json::parse(format_schema_text("testcase")));
        it = cache.emplace(std::string(format), std::move(v)).first;
    }
    return it->second;
}

std::string last_token(const std::string& pointer) {
    const auto slash = pointer.rfind('/');
    return slash == std::string::npos ? pointer : pointer.substr(slash + 1);
}

std::string quoted_list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items)
        out += (out.empty() ? "\"" : ", \"") + i + "\"";
    return out;
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
    // Validator messages rewritten to say what to write instead.
    const format_vocabulary& vocab = vocabulary(format);
    static const std::regex unknown_key(
        R"(could not be validated using 'properties' or 'additionalProperties' constraints: '(.*)'\.$)");
    static const std::regex missing_key(R"(^Missing required property '(.*)'\.$)");
    std::map<std::string, std::vector<std::string>> missing; // pointer -> keys
    std::set<std::string> unknown_at, generic_said;
    for (const auto& v : kept) {
        std::smatch m;
        if (std::regex_search(v.message, m, missing_key))
            if (auto& keys = missing[v.pointer];
                std::find(keys.begin(), keys.end(), m[1].str()) == keys.end())
                keys.push_back(m[1].str());
            else if (std::regex_search(v.message, m, unknown_key) &&
                     closest(m[1].str(), vocab.keys))
                unknown_at.insert(v.pointer); // a misspelling: its hint says enough
    }
    const std::string fname = file.string();
    for (const auto& v : kept) {
        const std::string where = v.pointer.empty() ? "/" : v.pointer;
        std::smatch m;
        if (std::regex_search(v.message, m, unknown_key)) {
            const std::string key = m[1].str();
            auto hint = closest(key, vocab.keys);
            diag.add(fname, v.pointer + "/" + key, // at the key's own line
                     "unknown key \"" + key + "\"" +
                         (hint && *hint != key ? ": did you mean \"" + *hint + "\"?"
                                               : " here: see the " + std::string(format) +
                                                     " format in docs/writing-profiles.md"));
        } else if (std::regex_search(v.message, m, missing_key)) {
            auto& keys = missing[v.pointer];
            if (keys.empty()) continue; // said once for the place
            // A misspelled key explains a missing one: say only that.
            if (!unknown_at.count(v.pointer))
                diag.add(fname, where,
                         keys.size() == 1 ? "missing key \"" + keys[0] + "\""
                                          : "expected one of the keys " + quoted_list(keys));
            keys.clear();
        } else if (v.message.find("any enum values") != std::string::npos) {
            const nlohmann::json* value = nullptr;
            try {
                value = &doc.at(nlohmann::json::json_pointer(v.pointer));
            } catch (const nlohmann::json::exception&) {
            }
            auto it = vocab.enums.find(last_token(v.pointer));
            std::string text = value ? value->dump() : "the value";
            if (it == vocab.enums.end()) {
                diag.add(fname, where, text + " is not one of the allowed values");
                continue;
            }
            auto hint = value && value->is_string() ? closest(value->get<std::string>(), it->second)
                                                    : std::nullopt;
            diag.add(fname, where,
                     text + " is not one of " + quoted_list(it->second) +
                         (hint ? ": did you mean \"" + *hint + "\"?" : ""));
        } else {
            // One problem a place: valijson reports each alternative of a oneOf that failed,
            // often in the same words; they are said once, together.
            if (!generic_said.insert(v.pointer).second) continue;
            std::string messages;
            for (const auto& other : kept)
                if (other.pointer == v.pointer && !std::regex_search(other.message, unknown_key) &&
                    !std::regex_search(other.message, missing_key) &&
                    other.message.find("any enum values") == std::string::npos &&
                    messages.find(other.message.substr(0, other.message.size() - 1)) ==
                        std::string::npos) {
                    std::string m = other.message;
                    if (!m.empty() && m.back() == '.') m.pop_back();
                    messages += (messages.empty() ? "" : "; or ") + m;
                }
            // The value as written, so the message says what was wrong with what.
            std::string written;
            try {
                written = doc.at(nlohmann::json::json_pointer(v.pointer))
                              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                if (written.size() > 80) written = written.substr(0, 77) + "...";
                written = " (the value is " + written + ")";
            } catch (const nlohmann::json::exception&) {
            }
            diag.add(fname, where,
                     "does not match the " + std::string(format) + " format: " + messages +
                         written);
        }
    }
}

} // namespace konform::model
