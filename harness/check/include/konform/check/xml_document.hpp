#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace konform::check {

// An XML document whose element and attribute names are rewritten to the profile's own
// namespace prefixes, resolved by namespace URI. An XPath written with the profile's
// prefixes therefore matches whatever prefixes the server chose. No DTD, no external
// entities: pugixml resolves neither.
class xml_document {
public:
    // prefix -> namespace URI, as declared in the profile.
    using namespace_map = std::map<std::string, std::string>;

    // Returns nothing and sets `error` when the text is not well-formed XML.
    static std::optional<xml_document> parse(std::string_view text, const namespace_map& ns,
                                             std::string& error);

    // Evaluates an XPath 1.0 expression. A node set gives its first node's text when it
    // has one node, an array of texts when it has more, and nothing when it is empty;
    // numbers, strings and booleans come back as such. Throws std::invalid_argument for
    // an invalid expression.
    std::optional<nlohmann::json> evaluate(const std::string& xpath) const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace konform::check
