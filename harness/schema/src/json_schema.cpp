#include "konform/schema/json_schema.hpp"

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

json_schema json_schema::compile(const nlohmann::json& schema_document, const resolver& fetch) {
    auto p = std::make_shared<impl>();
    try {
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        valijson::adapters::NlohmannJsonAdapter adapter(schema_document);
        if (!fetch) {
            parser.populateSchema(adapter, p->schema);
        } else {
            // valijson holds each fetched document until it has parsed the schema.
            auto fetch_doc = [&](const std::string& uri) -> const nlohmann::json* {
                auto doc = fetch(uri);
                if (!doc) throw std::invalid_argument("cannot use \"" + uri + "\"");
                return new nlohmann::json(std::move(*doc));
            };
            auto free_doc = [](const nlohmann::json* doc) { delete doc; };
            parser.populateSchema(adapter, p->schema, fetch_doc, free_doc);
        }
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
    return out;
}

} // namespace konform::schema
