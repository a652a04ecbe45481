// Organisations and API tokens.
#include "konform/service/sealed_box.hpp"
#include "konform/service/store.hpp"
#include "konform/util/sha256.hpp"

namespace konform::service {

std::string to_string(role r) {
    switch (r) {
    case role::kl:
        return "kl";
    case role::vendor:
        return "vendor";
    case role::municipality:
        return "municipality";
    }
    return "vendor";
}

std::optional<role> role_of(std::string_view text) {
    if (text == "kl") return role::kl;
    if (text == "vendor") return role::vendor;
    if (text == "municipality") return role::municipality;
    return std::nullopt;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

store::store(std::unique_ptr<database> db) : db_(std::move(db)) {}

namespace {

organisation organisation_of(const row& r) {
    return {r.text(0), r.text(1), role_of(r.text(2)).value_or(role::vendor)};
}

} // namespace

organisation store::ensure_organisation(const std::string& name, role r) {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    auto rows = db_->query("SELECT id, name, role FROM organisations WHERE name = $1", {name});
    if (!rows.empty()) {
        organisation o = organisation_of(rows.front());
        if (o.r != r)
            throw database_error("organisation \"" + name + "\" exists with role " +
                                 to_string(o.r));
        tx.commit();
        return o;
    }
    organisation o{random_hex(8), name, r};
    db_->query("INSERT INTO organisations (id, name, role, created) VALUES ($1, $2, $3, $4)",
               {o.id, o.name, to_string(r), now_ms()});
    db_->query("INSERT INTO audit (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
               {now_ms(), std::string("admin"), std::string("organisation.create"), o.id,
                name + " (" + to_string(r) + ")"});
    tx.commit();
    return o;
}

std::optional<organisation> store::find_organisation(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query("SELECT id, name, role FROM organisations WHERE id = $1", {id});
    if (rows.empty()) return std::nullopt;
    return organisation_of(rows.front());
}

std::string store::issue_token(const organisation& org) {
    const std::string id = random_hex(8), secret = random_hex(32);
    std::lock_guard lock(mutex_);
    db_->query("INSERT INTO tokens (id, organisation, hash, created) VALUES ($1, $2, $3, $4)",
               {id, org.id, hash_secret(secret), now_ms()});
    audit("admin", "token.issue", org.id, "token " + id);
    return make_token(id, secret);
}

std::optional<organisation> store::authenticate(std::string_view token) {
    const token_parts parts = split_token(token);
    if (parts.id.empty()) return std::nullopt;
    std::vector<row> rows;
    {
        std::lock_guard lock(mutex_);
        rows = db_->query("SELECT o.id, o.name, o.role, t.hash FROM tokens t JOIN organisations "
                          "o ON o.id = t.organisation WHERE t.id = $1 AND t.revoked IS NULL",
                          {parts.id});
    }
    if (rows.empty() || !secret_matches(parts.secret, rows.front().text(3))) return std::nullopt;
    return organisation_of(rows.front());
}

std::string store::open_session(const organisation& org, std::chrono::seconds ttl) {
    std::lock_guard lock(mutex_);
    const std::string cookie = random_hex(32);
    const std::int64_t now = now_ms();
    db_->query("DELETE FROM sessions WHERE expires < $1", {now});
    db_->query("INSERT INTO sessions (id, organisation, csrf, created, expires) VALUES ($1, $2, "
               "$3, $4, $5)",
               {util::sha256_hex(cookie), org.id, random_hex(16), now,
                now + std::chrono::duration_cast<std::chrono::milliseconds>(ttl).count()});
    return cookie;
}

std::optional<web_session> store::find_session(std::string_view cookie) {
    if (cookie.size() != 64) return std::nullopt;
    std::lock_guard lock(mutex_);
    auto rows = db_->query(
        "SELECT organisation, csrf, expires FROM sessions WHERE id = $1 AND expires > $2",
        {util::sha256_hex(cookie), now_ms()});
    if (rows.empty()) return std::nullopt;
    return web_session{rows.front().text(0), rows.front().text(1), rows.front().integer(2)};
}

void store::close_session(std::string_view cookie) {
    std::lock_guard lock(mutex_);
    db_->query("DELETE FROM sessions WHERE id = $1", {util::sha256_hex(cookie)});
}

void store::audit(const std::string& actor, const std::string& action, const std::string& subject,
                  const std::string& detail) {
    std::lock_guard lock(mutex_);
    db_->query("INSERT INTO audit (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
               {now_ms(), actor, action, subject, detail});
}

std::vector<std::vector<std::string>> store::audit_trail(std::size_t last) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query("SELECT at, actor, action, subject, detail FROM audit ORDER BY at DESC "
                           "LIMIT $1",
                           {static_cast<std::int64_t>(last)});
    std::vector<std::vector<std::string>> out;
    for (const auto& r : rows)
        out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4)});
    return out;
}

} // namespace konform::service
