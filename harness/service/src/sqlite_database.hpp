#pragma once

#include "konform/service/database.hpp"

namespace konform::service::detail {

// SQLite in one process: the file is locked (flock on FILE.lock, holding our pid) for as
// long as it is open, so a second konform on the same file is refused, not corrupting it.
std::unique_ptr<database> open_sqlite(const std::filesystem::path& file);

} // namespace konform::service::detail
