#pragma once

#include <memory>
#include <nlohmann/json.hpp>
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
    // Throws std::invalid_argument when the schema itself is not a usable schema.
    static json_schema compile(const nlohmann::json& schema_document);

    // Every violation found; empty when the document is valid.
    std::vector<violation> validate(const nlohmann::json& document) const;

private:
    struct impl;
    std::shared_ptr<const impl> impl_;
};

} // namespace konform::schema
