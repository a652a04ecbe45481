#pragma once

#include "konform/service/database.hpp"

namespace konform::service {

// The service's tables, as numbered migrations. apply_migrations brings a database of any
// earlier version up to the newest, each migration in its own transaction, and returns the
// version it ends at; a database newer than this konform is refused (database_error).
int apply_migrations(database& db);

// The newest schema version this konform knows.
int schema_version();

} // namespace konform::service
