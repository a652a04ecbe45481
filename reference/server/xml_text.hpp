#pragma once

#include <string>
#include <string_view>

namespace konform::reference {

// Text with &, < and > escaped for XML element content.
std::string xml_escape(std::string_view text);

} // namespace konform::reference
