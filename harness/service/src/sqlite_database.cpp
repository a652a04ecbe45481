#include "sqlite_database.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <string>

namespace konform::service::detail {

namespace {

class sqlite_database final : public database {
public:
    sqlite_database(const std::filesystem::path& file) : file_(file) {
        lock();
        if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            nullptr) != SQLITE_OK) {
            const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
            close();
            throw database_error("cannot open " + file.string() + ": " + why);
        }
        sqlite3_busy_timeout(db_, 5000);
        script("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
    }
    ~sqlite_database() override { close(); }

    std::string_view dialect() const override { return "sqlite"; }

    std::vector<row> query(std::string_view sql, const std::vector<value>& params) override {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr) !=
            SQLITE_OK)
            throw database_error(sqlite3_errmsg(db_));
        struct finalizer {
            sqlite3_stmt* s;
            ~finalizer() { sqlite3_finalize(s); }
        } guard{st};
        for (std::size_t i = 0; i < params.size(); ++i) {
            const std::string name = "$" + std::to_string(i + 1);
            const int at = sqlite3_bind_parameter_index(st, name.c_str());
            if (at == 0) continue; // a parameter the statement does not use
            int rc = SQLITE_OK;
            if (std::holds_alternative<std::nullptr_t>(params[i]))
                rc = sqlite3_bind_null(st, at);
            else if (const auto* n = std::get_if<std::int64_t>(&params[i]))
                rc = sqlite3_bind_int64(st, at, *n);
            else if (const auto* s = std::get_if<std::string>(&params[i]))
                rc = sqlite3_bind_text64(st, at, s->data(), s->size(), SQLITE_TRANSIENT,
                                         SQLITE_UTF8);
            else {
                const auto& b = std::get<blob>(params[i]).bytes;
                rc = sqlite3_bind_blob64(st, at, b.data(), b.size(), SQLITE_TRANSIENT);
            }
            if (rc != SQLITE_OK) throw database_error(sqlite3_errmsg(db_));
        }
        std::vector<row> out;
        for (;;) {
            const int rc = sqlite3_step(st);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) throw database_error(sqlite3_errmsg(db_));
            row r;
            const int n = sqlite3_column_count(st);
            for (int c = 0; c < n; ++c) {
                if (sqlite3_column_type(st, c) == SQLITE_NULL) {
                    r.columns.emplace_back();
                    continue;
                }
                const auto* p = static_cast<const char*>(sqlite3_column_blob(st, c));
                const int len = sqlite3_column_bytes(st, c);
                r.columns.emplace_back(std::string(p ? p : "", static_cast<std::size_t>(len)));
            }
            out.push_back(std::move(r));
        }
        return out;
    }

    void script(std::string_view sql) override {
        char* err = nullptr;
        const std::string text(sql);
        if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            const std::string why = err ? err : "failed";
            sqlite3_free(err);
            throw database_error(why);
        }
    }
    void begin() override { script("BEGIN IMMEDIATE"); }
    void commit() override { script("COMMIT"); }
    void rollback() override { script("ROLLBACK"); }

private:
    void lock() {
        const std::string lock_file = file_.string() + ".lock";
        lock_fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (lock_fd_ < 0) throw database_error("cannot open " + lock_file);
        if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
            char pid[32] = {};
            const auto n = ::pread(lock_fd_, pid, sizeof pid - 1, 0);
            ::close(lock_fd_);
            lock_fd_ = -1;
            throw database_error(
                file_.string() + " is in use by another konform process" +
                (n > 0 ? " (pid " + std::string(pid, static_cast<std::size_t>(n)) + ")"
                       : std::string()) +
                ": SQLite serves one process; stop it, or use PostgreSQL "
                "(--db postgresql://...) for many");
        }
        const std::string me = std::to_string(::getpid());
        if (::ftruncate(lock_fd_, 0) == 0) (void)!::pwrite(lock_fd_, me.data(), me.size(), 0);
    }
    void close() {
        if (db_) sqlite3_close_v2(db_);
        db_ = nullptr;
        if (lock_fd_ >= 0) ::close(lock_fd_); // releases the lock
        lock_fd_ = -1;
    }

    std::filesystem::path file_;
    sqlite3* db_ = nullptr;
    int lock_fd_ = -1;
};

} // namespace

std::unique_ptr<database> open_sqlite(const std::filesystem::path& file) {
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    return std::make_unique<sqlite_database>(file);
}

} // namespace konform::service::detail
