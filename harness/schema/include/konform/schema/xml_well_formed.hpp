#pragma once

#include "konform/schema/xml_schema.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace konform::schema {

// Whether UTF-8 text is a well-formed, namespace-well-formed XML 1.0 document, as libxml2
// reads it: one root, no raw '&' or '<' in text, no attribute given twice, no prefix
// without its declaration. Nothing when it is; otherwise the first reason, with its line.
// Streams (only the current element's ancestry is held) and stops at the budget's
// deadline or stop flag, which it checks every 256 nodes: the caller bounds what one node
// may cost (attributes per element) before calling. The encoding is UTF-8 whatever the
// text's declaration says: the caller has decoded it.
std::optional<std::string> xml_not_well_formed(std::string_view utf8_text,
                                               const validation_budget& budget = {});

} // namespace konform::schema
