#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace konform::schema {

// A compiled W3C XML Schema (XSD 1.0, as libxml2 implements it). Documents are parsed
// without network access, external entities or DTD loading.
class xml_schema {
public:
    // Loads an XSD file (its includes and imports resolve relative to it). Throws
    // std::invalid_argument with libxml2's explanation when the schema is not usable.
    static xml_schema load(const std::string& xsd_file);

    // Every violation, as "line N: message"; empty when the document is valid.
    std::vector<std::string> validate(std::string_view xml_document) const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace konform::schema
