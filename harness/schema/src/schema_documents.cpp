#include "schema_documents.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <vector>

namespace konform::schema::detail {

namespace {

// The value a "$ref" fragment names, read as valijson reads it (trailing slashes dropped,
// empty reference tokens skipped, ~1 ~0 and %XX decoded), or nullptr.
const nlohmann::json* at_pointer(const nlohmann::json& root, std::string pointer) {
    pointer.erase(pointer.find_last_not_of('/') + 1);
    const nlohmann::json* node = &root;
    std::size_t pos = 0;
    while (pos < pointer.size()) {
        if (pointer[pos] != '/') return nullptr;
        const std::size_t next = std::min(pointer.find('/', pos + 1), pointer.size());
        std::string token;
        for (std::size_t i = pos + 1; i < next; ++i) {
            if (pointer[i] == '~' && i + 1 < next &&
                (pointer[i + 1] == '0' || pointer[i + 1] == '1'))
                token += pointer[++i] == '1' ? '/' : '~';
            else if (pointer[i] == '%' && i + 2 < next &&
                     std::isxdigit(static_cast<unsigned char>(pointer[i + 1])) &&
                     std::isxdigit(static_cast<unsigned char>(pointer[i + 2]))) {
                token += static_cast<char>(std::stoi(pointer.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else
                token += pointer[i];
        }
        pos = next;
        if (token.empty()) continue;
        if (node->is_array()) {
            if (token.find_first_not_of("0123456789") != std::string::npos || token.size() > 18)
                return nullptr;
            const auto i = std::stoull(token);
            if (i >= node->size()) return nullptr;
            node = &(*node)[i];
        } else if (node->is_object()) {
            auto it = node->find(token);
            if (it == node->end()) return nullptr;
            node = &*it;
        } else {
            return nullptr;
        }
    }
    return node;
}

// A "$ref" with its fragment's empty reference tokens dropped ("#//a///b/" is "#/a/b"):
// valijson skips them one recursion each, so thousands of slashes overflowed its stack.
std::string without_empty_tokens(const std::string& ref) {
    if (ref.empty()) return "#"; // the document itself, as valijson reads it
    const auto hash = ref.find('#');
    if (hash == std::string::npos) return ref;
    std::string out = ref.substr(0, hash + 1);
    std::size_t pos = hash + 1;
    while (pos < ref.size()) {
        const auto next = std::min(ref.find('/', pos), ref.size());
        if (next > pos)
            out += (out.size() == hash + 1 && ref[hash + 1] != '/' ? "" : "/") +
                   ref.substr(pos, next - pos);
        pos = next + 1;
    }
    return out;
}

// valijson resolves a "$ref" that a schema position holds directly (the root, or the
// target of another "$ref") by following it in a loop, so two shapes never end: a chain of
// local "$ref"s that comes back to itself ({"$ref": "#"}), and a "$ref" to another file
// there (it reads the file name as a place in the same document). The first is refused
// by refuse_endless_validation; the second is written as {"allOf": [{"$ref": ...}]}, which means
// the same (draft 7 ignores what stands beside a "$ref") and which valijson resolves.
void prepare(nlohmann::json& node, std::size_t depth = 0) {
    if (depth > 512) return;
    if (node.is_object()) {
        auto it = node.find("$ref");
        if (it != node.end() && it->is_string())
            *it = without_empty_tokens(it->get<std::string>()); // never empty after
        if (it != node.end() && it->is_string() && it->get<std::string>().front() != '#') {
            nlohmann::json wrapped = {{"allOf", nlohmann::json::array({{{"$ref", *it}}})}};
            for (const char* keep : {"$id", "$schema", "definitions"})
                if (node.contains(keep)) wrapped[keep] = std::move(node[keep]);
            node = std::move(wrapped);
            if (node.contains("definitions")) prepare(node["definitions"], depth + 1);
            return;
        }
        for (auto& [key, value] : node.items())
            if (key != "enum" && key != "const" && key != "examples" && key != "default")
                prepare(value, depth + 1);
    } else if (node.is_array()) {
        for (auto& value : node)
            prepare(value, depth + 1);
    }
}

// Keys whose value is data, never a schema.
bool is_data_key(const std::string& key) {
    return key == "enum" || key == "const" || key == "examples" || key == "default";
}

// Walks subschemas that apply to the same value as their parent, looking for a way back.
class endless_check {
public:
    endless_check(const std::map<std::string, const nlohmann::json*>& docs, std::string root_id)
        : docs_(docs), root_id_(std::move(root_id)) {}

    void every_node(const nlohmann::json& node, const nlohmann::json& root, const std::string& uri,
                    std::size_t depth = 0) {
        if (depth > 512) return;
        if (node.is_object()) {
            visit(node, root, uri, 0);
            for (const auto& [key, value] : node.items())
                if (!is_data_key(key)) every_node(value, root, uri, depth + 1);
        } else if (node.is_array()) {
            for (const auto& value : node)
                every_node(value, root, uri, depth + 1);
        }
    }

private:
    enum class mark { open, done };

    void visit(const nlohmann::json& node, const nlohmann::json& root, const std::string& uri,
               std::size_t steps) {
        if (!node.is_object()) return;
        if (auto it = marks_.find(&node); it != marks_.end()) {
            if (it->second == mark::open)
                throw std::invalid_argument(
                    "it refers to itself without looking deeper into the value (through "
                    "$ref, allOf, anyOf, oneOf, not or if/then/else): validation would never end");
            return;
        }
        // Each step is two stack frames here: bounded well below what a stack holds, also
        // with a sanitizer's larger frames.
        if (steps > 1'000) throw std::invalid_argument("its $refs lead more than 1,000 steps deep");
        marks_[&node] = mark::open;
        for (const char* key : {"allOf", "anyOf", "oneOf"})
            if (auto it = node.find(key); it != node.end() && it->is_array())
                for (const auto& sub : *it)
                    visit(sub, root, uri, steps + 1);
        for (const char* key : {"not", "if", "then", "else"})
            if (auto it = node.find(key); it != node.end()) visit(*it, root, uri, steps + 1);
        if (auto it = node.find("dependencies"); it != node.end() && it->is_object())
            for (const auto& [name, sub] : it->items())
                visit(sub, root, uri, steps + 1);
        if (auto it = node.find("$ref"); it != node.end() && it->is_string())
            follow(it->get<std::string>(), root, uri, steps + 1);
        marks_[&node] = mark::done;
    }

    void follow(const std::string& ref, const nlohmann::json& root, const std::string& uri,
                std::size_t steps) {
        const auto hash = ref.find('#');
        const std::string doc_uri = ref.substr(0, hash);
        const std::string pointer = hash == std::string::npos ? "" : ref.substr(hash + 1);
        const nlohmann::json* doc = &root;
        std::string at = uri;
        if (!doc_uri.empty()) {
            doc = nullptr;
            for (const auto& candidate :
                 {doc_uri, resolve_uri(uri, doc_uri), resolve_uri(root_id_, doc_uri)})
                if (auto it = docs_.find(candidate); it != docs_.end()) {
                    doc = it->second;
                    at = it->first;
                    break;
                }
            if (!doc) return; // valijson resolved it some other way, or refused it
        }
        if (const auto* target = at_pointer(*doc, pointer)) visit(*target, *doc, at, steps);
    }

    const std::map<std::string, const nlohmann::json*>& docs_;
    std::string root_id_;
    std::map<const nlohmann::json*, mark> marks_;
};

} // namespace

bool is_absolute_uri(const std::string& uri) {
    return uri.find("://") != std::string::npos || uri.rfind("urn:", 0) == 0;
}

std::string resolve_uri(const std::string& base, const std::string& ref) {
    if (is_absolute_uri(ref) || base.empty()) return ref;
    return base.substr(0, base.rfind('/') + 1) + ref;
}

void index_ids(const nlohmann::json& node, const std::string& base,
               std::map<std::string, const nlohmann::json*>& out, std::size_t depth) {
    if (depth > 512) return;
    std::string here = base;
    if (node.is_object()) {
        if (auto it = node.find("$id"); it != node.end() && it->is_string()) {
            const std::string id = it->get<std::string>();
            if (!id.empty() && id.front() != '#') {
                here = resolve_uri(base, id.substr(0, id.find('#')));
                if (is_absolute_uri(here)) out.emplace(here, &node);
            }
        }
        for (const auto& [key, value] : node.items())
            if (key != "enum" && key != "const" && key != "examples" && key != "default")
                index_ids(value, here, out, depth + 1);
    } else if (node.is_array()) {
        for (const auto& value : node)
            index_ids(value, here, out, depth + 1);
    }
}

nlohmann::json prepared(const nlohmann::json& doc) {
    // valijson follows $ref chains recursively while it parses: an endless one (a chain of
    // "$ref"s back to itself, "allOf" with itself) or an overlong one is refused before.
    std::map<std::string, const nlohmann::json*> alone;
    index_ids(doc, "", alone);
    alone[""] = &doc;
    refuse_endless_validation(alone, doc.is_object() ? doc.value("$id", "") : "");
    nlohmann::json out = doc;
    prepare(out);
    return out;
}

void refuse_endless_validation(const std::map<std::string, const nlohmann::json*>& docs,
                               const std::string& root_id) {
    endless_check check(docs, root_id);
    for (const auto& [uri, doc] : docs)
        check.every_node(*doc, *doc, uri);
}

} // namespace konform::schema::detail
