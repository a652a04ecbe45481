#include "postgresql_database.hpp"

#include <libpq-fe.h>

#include <string>

namespace konform::service::detail {

namespace {

constexpr unsigned bytea_oid = 17;

// bytea in PostgreSQL's text form ("\x0a1b...") as its bytes.
std::string from_hex(const char* p, int len) {
    std::string out;
    if (len < 2 || p[0] != '\\' || p[1] != 'x')
        return std::string(p, static_cast<std::size_t>(len));
    auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    out.reserve(static_cast<std::size_t>(len - 2) / 2);
    for (int i = 2; i + 1 < len; i += 2)
        out += static_cast<char>(nibble(p[i]) << 4 | nibble(p[i + 1]));
    return out;
}

class postgresql_database final : public database {
public:
    explicit postgresql_database(const std::string& url) {
        conn_ = PQconnectdb(url.c_str());
        if (PQstatus(conn_) != CONNECTION_OK) {
            std::string why = PQerrorMessage(conn_);
            while (!why.empty() && (why.back() == '\n' || why.back() == ' '))
                why.pop_back();
            PQfinish(conn_);
            conn_ = nullptr;
            // libpq's message names host and port, never the URL's password.
            throw database_error("cannot connect to PostgreSQL: " + why);
        }
        script("SET client_min_messages TO WARNING");
    }
    ~postgresql_database() override {
        if (conn_) PQfinish(conn_);
    }

    std::string_view dialect() const override { return "postgresql"; }

    std::vector<row> query(std::string_view sql, const std::vector<value>& params) override {
        std::vector<std::string> text(params.size());
        std::vector<const char*> values(params.size());
        std::vector<int> lengths(params.size()), formats(params.size());
        std::vector<unsigned> types(params.size());
        for (std::size_t i = 0; i < params.size(); ++i) {
            if (std::holds_alternative<std::nullptr_t>(params[i])) {
                values[i] = nullptr;
                continue;
            }
            if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
                text[i] = std::to_string(*n);
            } else if (const auto* s = std::get_if<std::string>(&params[i])) {
                text[i] = *s;
            } else {
                text[i] = std::get<blob>(params[i]).bytes;
                formats[i] = 1;
                types[i] = bytea_oid;
            }
            values[i] = text[i].data();
            lengths[i] = static_cast<int>(text[i].size());
        }
        const std::string statement(sql);
        PGresult* res =
            PQexecParams(conn_, statement.c_str(), static_cast<int>(params.size()), types.data(),
                         values.data(), lengths.data(), formats.data(), 0);
        struct clearer {
            PGresult* r;
            ~clearer() { PQclear(r); }
        } guard{res};
        const auto status = PQresultStatus(res);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            throw database_error(trimmed(PQresultErrorMessage(res)));
        std::vector<row> out;
        const int rows = PQntuples(res), cols = PQnfields(res);
        out.reserve(static_cast<std::size_t>(rows));
        for (int r = 0; r < rows; ++r) {
            row x;
            for (int c = 0; c < cols; ++c) {
                if (PQgetisnull(res, r, c)) {
                    x.columns.emplace_back();
                    continue;
                }
                const char* p = PQgetvalue(res, r, c);
                const int len = PQgetlength(res, r, c);
                x.columns.emplace_back(PQftype(res, c) == bytea_oid
                                           ? from_hex(p, len)
                                           : std::string(p, static_cast<std::size_t>(len)));
            }
            out.push_back(std::move(x));
        }
        return out;
    }

    void script(std::string_view sql) override {
        const std::string text(sql);
        PGresult* res = PQexec(conn_, text.c_str());
        const auto status = PQresultStatus(res);
        const std::string why = trimmed(PQresultErrorMessage(res));
        PQclear(res);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw database_error(why);
    }
    void begin() override { script("BEGIN"); }
    void commit() override { script("COMMIT"); }
    void rollback() override { script("ROLLBACK"); }

private:
    static std::string trimmed(std::string s) {
        while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
            s.pop_back();
        return s;
    }
    PGconn* conn_ = nullptr;
};

} // namespace

std::unique_ptr<database> open_postgresql(const std::string& url) {
    return std::make_unique<postgresql_database>(url);
}

} // namespace konform::service::detail
