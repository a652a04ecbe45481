#pragma once

#include "konform/service/database.hpp"

namespace konform::service::detail {

// PostgreSQL through libpq: any number of processes on any number of machines.
std::unique_ptr<database> open_postgresql(const std::string& url);

} // namespace konform::service::detail
