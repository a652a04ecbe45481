#include "konform/schema/json_schema.hpp"
#include "schema_documents.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace konform::schema {

struct json_schema::impl {
    valijson::Schema schema;
};

namespace {

// valijson names a place as {"<root>", "[steps]", "[0]", ...}; turn it into a JSON Pointer.
std::string to_pointer(const std::vector<std::string>& context) {
    std::string out;
    for (const auto& part : context) {
        if (part == "<root>") continue;
        std::string token = part;
        if (token.size() >= 2 && token.front() == '[' && token.back() == ']')
            token = token.substr(1, token.size() - 2);
        if (token.size() >= 2 && token.front() == '"' && token.back() == '"')
            token = token.substr(1, token.size() - 2);
        out += '/';
        for (char c : token) {
            if (c == '~')
                out += "~0";
            else if (c == '/')
                out += "~1";
            else
                out += c;
        }
    }
    return out;
}

} // namespace

using detail::prepared;
using detail::resolve_uri;

json_schema json_schema::compile(const nlohmann::json& schema_document, const resolver& fetch) {
    auto p = std::make_shared<impl>();
    try {
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        const nlohmann::json document = prepared(schema_document);
        valijson::adapters::NlohmannJsonAdapter adapter(document);
        std::map<std::string, const nlohmann::json*> embedded;
        detail::index_ids(document, "", embedded);
        const std::string root_id = document.is_object() ? document.value("$id", "") : "";
        // Documents fetched while one schema compiles: bounded, so $refs between files
        // that never end cannot go on for ever.
        std::size_t fetched = 0;
        std::map<std::string, nlohmann::json> fetched_docs; // for the check after parsing
        // valijson holds each fetched document until it has parsed the schema. A document
        // the schema holds itself under its "$id" comes first; then the resolver; never
        // the network.
        // valijson scopes references by draft 4's "id", so a draft-7 "$ref" relative to the
        // root's "$id" arrives here unresolved: resolve it before looking it up.
        auto fetch_doc = [&](const std::string& uri) -> const nlohmann::json* {
            if (++fetched > 1000)
                throw std::invalid_argument("its $refs name more than 1,000 documents");
            if (auto it = embedded.find(uri); it != embedded.end())
                return new nlohmann::json(*it->second);
            if (auto it = embedded.find(resolve_uri(root_id, uri)); it != embedded.end())
                return new nlohmann::json(*it->second);
            if (!fetch)
                throw std::invalid_argument("the $ref \"" + uri +
                                            "\" names a document outside the schema: konform "
                                            "never fetches schemas from the network");
            auto doc = fetch(uri);
            if (!doc) throw std::invalid_argument("cannot use \"" + uri + "\"");
            const auto& kept = fetched_docs.emplace(uri, prepared(*doc)).first->second;
            return new nlohmann::json(kept);
        };
        auto free_doc = [](const nlohmann::json* doc) { delete doc; };
        parser.populateSchema(adapter, p->schema, fetch_doc, free_doc);
        std::map<std::string, const nlohmann::json*> docs = embedded;
        docs[""] = &document;
        if (!root_id.empty()) docs[root_id] = &document;
        for (const auto& [uri, doc] : fetched_docs)
            docs[uri] = &doc;
        detail::refuse_endless_validation(docs, root_id);
    } catch (const std::exception& e) {
        throw std::invalid_argument(std::string("not a usable JSON Schema: ") + e.what());
    }
    json_schema s;
    s.impl_ = std::move(p);
    return s;
}

std::vector<violation> json_schema::validate(const nlohmann::json& document) const {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    std::vector<violation> out;
    try {
        if (validator.validate(impl_->schema, adapter, &results)) return out;
    } catch (const std::exception& e) {
        out.push_back({"", std::string("validation could not complete: ") + e.what()});
        return out;
    }
    valijson::ValidationResults::Error error;
    while (results.popError(error))
        out.push_back({to_pointer(error.context), error.description});
    // valijson names no reason for a `false` schema or a property name that "propertyNames"
    // rejects: the document is still invalid, and says so.
    if (out.empty())
        out.push_back({"", "the schema rejects this value (a false schema or propertyNames allows "
                           "no such value here)"});
    return out;
}

} // namespace konform::schema
