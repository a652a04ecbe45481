#include "konform/check/readable_body.hpp"
#include "konform/util/jcs.hpp"

#include <pugixml.hpp>
#include <sstream>

namespace konform::check {

std::string readable_body(std::string_view body) {
    constexpr std::size_t max_bytes = 64 * 1024;
    if (body.size() > max_bytes) return std::string(body);
    const auto start = body.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) return std::string(body);
    if (body[start] == '<') {
        pugi::xml_document doc;
        // No DOCTYPE, no entity expansion: pugixml reads neither.
        if (!doc.load_buffer(body.data(), body.size(),
                             pugi::parse_default | pugi::parse_declaration))
            return std::string(body);
        std::ostringstream out;
        doc.save(out, "  ", pugi::format_indent);
        std::string text = out.str();
        while (!text.empty() && text.back() == '\n')
            text.pop_back();
        return text;
    }
    if (body[start] == '{' || body[start] == '[') {
        try {
            return util::parse_json(body, 100'000)
                .dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
        } catch (const std::exception&) {
            return std::string(body);
        }
    }
    return std::string(body);
}

} // namespace konform::check
