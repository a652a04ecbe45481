#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace konform::schema {

// One reason a document does not satisfy a schema: where in the document, and why.
struct violation {
    std::string pointer; // JSON Pointer into the validated document ("" is the root)
    std::string message;
};

// A compiled JSON Schema (draft 7, as valijson implements it).
class json_schema {
public:
    // Finds the document a "$ref" names outside the schema (its URI, resolved against the
    // schema's "$id" or file): nothing when it may not or cannot be read.
    using resolver = std::function<std::optional<nlohmann::json>(const std::string& uri)>;

    // Throws std::invalid_argument when the schema itself is not a usable schema, or names
    // a document the resolver does not give (no resolver: no document outside it).
    static json_schema compile(const nlohmann::json& schema_document, const resolver& fetch = {});

    // Every violation found; empty when the document is valid.
    std::vector<violation> validate(const nlohmann::json& document) const;

private:
    struct impl;
    std::shared_ptr<const impl> impl_;
};

} // namespace konform::schema
