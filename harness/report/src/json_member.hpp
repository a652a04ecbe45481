#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace konform::report::detail {

// A member of a report or evidence object as text: a string as it is, another value as
// JSON ("" when the member is absent or null, or the object is not one). Reports read back
// from files may be anything, so nothing here throws.
inline std::string member_text(const nlohmann::json& j, const char* key) {
    if (!j.is_object() || !j.contains(key)) return {};
    const nlohmann::json& v = j[key];
    if (v.is_null()) return {};
    return v.is_string() ? v.get<std::string>()
                         : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace konform::report::detail
