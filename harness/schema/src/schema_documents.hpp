#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

// What konform does to JSON Schema documents around valijson: finds the subschemas a
// document names by "$id", rewrites the "$ref" shapes valijson would follow for ever, and
// refuses schemas whose validation could never end.
namespace konform::schema::detail {

bool is_absolute_uri(const std::string& uri);

// `ref` resolved against `base` as far as schemas need it: an absolute URI stands; a
// relative one replaces the last path segment of the base.
std::string resolve_uri(const std::string& base, const std::string& ref);

// Every subschema that declares an absolute "$id" (resolved against the ids around it),
// by that id without its fragment.
void index_ids(const nlohmann::json& node, const std::string& base,
               std::map<std::string, const nlohmann::json*>& out, std::size_t depth = 0);

// A schema document as valijson can read it: a "$ref" to another file standing where
// valijson resolves references in a loop is written as {"allOf": [{"$ref": ...}]} (the same
// meaning: draft 7 ignores what stands beside a "$ref"), and a document that
// refuse_endless_validation refuses on its own is refused (std::invalid_argument).
nlohmann::json prepared(const nlohmann::json& doc);

// Throws std::invalid_argument when some subschema reaches itself again without looking
// deeper into the value (through allOf, anyOf, oneOf, not, if/then/else, dependencies or
// "$ref" alone): validating any value against it would never end. `docs` holds every
// document the schema's "$ref"s name, by the URI they were fetched as ("" is the schema).
void refuse_endless_validation(const std::map<std::string, const nlohmann::json*>& docs,
                               const std::string& root_id);

} // namespace konform::schema::detail
