#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace konform::service {

// Bytes stored as they are (a report, evidence): BLOB in SQLite, bytea in PostgreSQL.
struct blob {
    std::string bytes;
};

// A statement's parameter: $1, $2, ... in the SQL, in this order.
using value = std::variant<std::nullptr_t, std::int64_t, std::string, blob>;

// One result row; a column is empty when it is NULL. Blobs come back as their bytes.
struct row {
    std::vector<std::optional<std::string>> columns;

    const std::string& text(std::size_t i) const; // throws when NULL
    std::optional<std::string> maybe(std::size_t i) const { return columns.at(i); }
    std::int64_t integer(std::size_t i) const; // throws when NULL or not a number
};

// The database behind the service: SQLite (one process) or PostgreSQL (many workers). SQL
// is written once, with $N parameters and types both accept (TEXT, BIGINT); the few words
// that differ come from dialect().
class database {
public:
    virtual ~database() = default;
    // "sqlite" or "postgresql".
    virtual std::string_view dialect() const = 0;
    // One statement; its rows (none for a statement that returns none). Throws
    // database_error with the database's own message.
    virtual std::vector<row> query(std::string_view sql, const std::vector<value>& params = {}) = 0;
    // Several statements without parameters (a migration).
    virtual void script(std::string_view sql) = 0;
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    // The type of a column of bytes in this dialect: BLOB or BYTEA.
    std::string_view blob_type() const { return dialect() == "sqlite" ? "BLOB" : "BYTEA"; }
};

struct database_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Opens "sqlite:FILE" (relative to `data_dir`; the file is made) or "postgresql://...".
// A SQLite file another process holds open is refused with a database_error saying so.
// Throws database_error for an unusable URL or a database that cannot be reached.
std::unique_ptr<database> open_database(const std::string& url,
                                        const std::filesystem::path& data_dir);

// A transaction for the scope: commits on commit(), rolls back otherwise.
class transaction {
public:
    explicit transaction(database& db) : db_(db) { db_.begin(); }
    ~transaction() {
        if (!done_) try {
                db_.rollback();
            } catch (...) {
            }
    }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    void commit() {
        db_.commit();
        done_ = true;
    }

private:
    database& db_;
    bool done_ = false;
};

} // namespace konform::service
