#include "konform/service/database.hpp"

#include "postgresql_database.hpp"
#include "sqlite_database.hpp"

namespace konform::service {

const std::string& row::text(std::size_t i) const {
    const auto& c = columns.at(i);
    if (!c) throw database_error("column " + std::to_string(i) + " is NULL");
    return *c;
}

std::int64_t row::integer(std::size_t i) const {
    const std::string& t = text(i);
    std::size_t used = 0;
    const long long v = std::stoll(t, &used);
    if (used != t.size()) throw database_error("column " + std::to_string(i) + " is not a number");
    return v;
}

std::unique_ptr<database> open_database(const std::string& url,
                                        const std::filesystem::path& data_dir) {
    if (url.rfind("sqlite:", 0) == 0) {
        std::filesystem::path file = url.substr(7);
        if (file.empty()) throw database_error("sqlite: names no file (sqlite:FILE)");
        if (file.is_relative()) file = data_dir / file;
        return detail::open_sqlite(file);
    }
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
        return detail::open_postgresql(url);
    throw database_error("unknown database URL \"" + url +
                         "\": use sqlite:FILE or postgresql://USER@HOST:PORT/NAME");
}

} // namespace konform::service
