#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace konform::check {

// What one XML document may hold: libxml2's checks (well-formedness, XSD) cost the square of
// an element's attributes, so one element with 80,000 of them would keep a run busy for
// seconds between two looks at its interrupt flag.
struct xml_limits {
    std::size_t max_attributes_per_element = 256;
    std::size_t max_attributes = 100'000;
};

// An XML document whose element and attribute names are rewritten to the profile's own
// namespace prefixes, resolved by namespace URI. An XPath written with the profile's
// prefixes therefore matches whatever prefixes the server chose. No DTD, no external
// entities: pugixml resolves neither.
class xml_document {
public:
    // prefix -> namespace URI, as declared in the profile.
    using namespace_map = std::map<std::string, std::string>;

    // Reads UTF-8 text (check::read_xml_text gives it). Returns nothing and sets `error`
    // when pugixml cannot read it or it holds more attributes than `lim` allows.
    static std::optional<xml_document> parse(std::string_view text, const namespace_map& ns,
                                             std::string& error, const xml_limits& lim = {});

    // The prefix that XPaths on this document use for a namespace URI: the profile's own,
    // or one konform made up ("_ns1") for a namespace the profile does not declare. Empty
    // when no name in the document is in that namespace.
    std::string prefix_of(const std::string& uri) const;

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
