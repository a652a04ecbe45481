#include "konform/service/schema.hpp"

#include <string>
#include <vector>

namespace konform::service {

namespace {

// Migration N brings version N-1 to N. Written once for both dialects: TEXT, BIGINT and
// {blob} (BLOB or BYTEA). Never edit a migration that has shipped: add one.
const std::vector<std::string>& migrations() {
    static const std::vector<std::string> all = {
        R"sql(
CREATE TABLE organisations (
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, created BIGINT NOT NULL);
CREATE TABLE tokens (
  id TEXT PRIMARY KEY, organisation TEXT NOT NULL REFERENCES organisations(id),
  hash TEXT NOT NULL, created BIGINT NOT NULL, revoked BIGINT);
CREATE TABLE profiles (
  id TEXT NOT NULL, version TEXT NOT NULL, digest TEXT NOT NULL, title TEXT NOT NULL,
  folder TEXT NOT NULL, published BIGINT NOT NULL, PRIMARY KEY (id, version));
CREATE TABLE systems (
  id TEXT PRIMARY KEY, organisation TEXT NOT NULL REFERENCES organisations(id),
  product TEXT NOT NULL, version TEXT NOT NULL, target TEXT NOT NULL, created BIGINT NOT NULL);
CREATE TABLE runs (
  id TEXT PRIMARY KEY, system TEXT NOT NULL REFERENCES systems(id),
  organisation TEXT NOT NULL REFERENCES organisations(id),
  profile TEXT NOT NULL, profile_version TEXT NOT NULL, options TEXT NOT NULL,
  kind TEXT NOT NULL, state TEXT NOT NULL, verdict TEXT, secrets {blob},
  attempt BIGINT NOT NULL, lease_owner TEXT, lease_until BIGINT,
  submitted BIGINT NOT NULL, started BIGINT, finished BIGINT, progress TEXT);
CREATE INDEX runs_queue ON runs (state, submitted);
CREATE TABLE run_history (
  run TEXT NOT NULL REFERENCES runs(id), at BIGINT NOT NULL, attempt BIGINT NOT NULL,
  event TEXT NOT NULL);
CREATE TABLE artefacts (
  run TEXT NOT NULL REFERENCES runs(id), name TEXT NOT NULL, content {blob} NOT NULL,
  PRIMARY KEY (run, name));
CREATE TABLE certificates (
  id TEXT PRIMARY KEY, run TEXT NOT NULL REFERENCES runs(id),
  system TEXT NOT NULL REFERENCES systems(id), organisation TEXT NOT NULL,
  vendor TEXT NOT NULL, product TEXT NOT NULL, product_version TEXT NOT NULL,
  profile TEXT NOT NULL, profile_version TEXT NOT NULL, fingerprint TEXT NOT NULL,
  issued BIGINT NOT NULL, valid_until BIGINT NOT NULL, status TEXT NOT NULL,
  report {blob} NOT NULL);
CREATE TABLE audit (
  at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL,
  detail TEXT NOT NULL);
)sql",
        // 2: a profile's files, so that a worker on another machine needs only the database;
        // web sessions (only a hash of the cookie is kept).
        R"sql(
CREATE TABLE profile_files (
  digest TEXT NOT NULL, path TEXT NOT NULL, content {blob} NOT NULL, PRIMARY KEY (digest, path));
CREATE TABLE sessions (
  id TEXT PRIMARY KEY, organisation TEXT NOT NULL REFERENCES organisations(id),
  csrf TEXT NOT NULL, created BIGINT NOT NULL, expires BIGINT NOT NULL);
CREATE INDEX runs_by_system ON runs (system, submitted);
ALTER TABLE certificates ADD COLUMN report_sha256 TEXT;
CREATE INDEX certificates_by_report ON certificates (report_sha256);
)sql",
        // 3: a certificate's life. Its events (each an entry of the transparency log once
        // appended), re-verification schedules and their runs, the public feed, and
        // webhook subscriptions with their deliveries.
        R"sql(
ALTER TABLE certificates ADD COLUMN log_index BIGINT;
ALTER TABLE certificates ADD COLUMN regressed BIGINT;
ALTER TABLE certificates ADD COLUMN regression TEXT;
CREATE TABLE certificate_events (
  id TEXT PRIMARY KEY, certificate TEXT NOT NULL REFERENCES certificates(id),
  at BIGINT NOT NULL, event TEXT NOT NULL, reason TEXT NOT NULL, actor TEXT NOT NULL,
  entry TEXT NOT NULL, log_index BIGINT);
CREATE INDEX certificate_events_by_certificate ON certificate_events (certificate, at);
CREATE TABLE schedules (
  certificate TEXT PRIMARY KEY REFERENCES certificates(id), every_ms BIGINT NOT NULL,
  next_at BIGINT NOT NULL, secrets {blob}, last_run TEXT);
CREATE TABLE reverifications (
  run TEXT PRIMARY KEY REFERENCES runs(id), certificate TEXT NOT NULL REFERENCES certificates(id),
  outcome TEXT, summary TEXT, judged BIGINT);
CREATE TABLE feed (
  id TEXT PRIMARY KEY, at BIGINT NOT NULL, system TEXT NOT NULL, profile TEXT NOT NULL,
  certificate TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX feed_by_time ON feed (at);
CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY, organisation TEXT NOT NULL REFERENCES organisations(id),
  system TEXT NOT NULL, profile TEXT NOT NULL, url TEXT NOT NULL, secret {blob} NOT NULL,
  created BIGINT NOT NULL);
CREATE TABLE deliveries (
  subscription TEXT NOT NULL REFERENCES subscriptions(id), event TEXT NOT NULL REFERENCES feed(id),
  state TEXT NOT NULL, attempts BIGINT NOT NULL, next_at BIGINT NOT NULL, updated BIGINT NOT NULL,
  PRIMARY KEY (subscription, event));
CREATE INDEX deliveries_due ON deliveries (state, next_at);
CREATE TABLE delivery_attempts (
  subscription TEXT NOT NULL, event TEXT NOT NULL, attempt BIGINT NOT NULL, at BIGINT NOT NULL,
  status BIGINT, detail TEXT NOT NULL);
)sql",
    };
    return all;
}

std::string in_dialect(std::string sql, const database& db) {
    const std::string mark = "{blob}";
    for (auto at = sql.find(mark); at != std::string::npos; at = sql.find(mark, at))
        sql.replace(at, mark.size(), db.blob_type());
    return sql;
}

} // namespace

int schema_version() {
    return static_cast<int>(migrations().size());
}

int apply_migrations(database& db) {
    db.script("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)");
    for (;;) {
        transaction tx(db);
        // One process migrates at a time; the others wait here, then see it done.
        if (db.dialect() == "postgresql") db.query("SELECT pg_advisory_xact_lock(7315001)");
        auto rows = db.query("SELECT version FROM schema_version");
        const int at = rows.empty() ? 0 : static_cast<int>(rows.front().integer(0));
        if (at > schema_version())
            throw database_error("the database is at schema version " + std::to_string(at) +
                                 ", newer than this konform (" + std::to_string(schema_version()) +
                                 "): upgrade konform");
        if (at == schema_version()) {
            tx.commit();
            return at;
        }
        db.script(in_dialect(migrations()[static_cast<std::size_t>(at)], db));
        if (rows.empty())
            db.query("INSERT INTO schema_version (version) VALUES ($1)", {std::int64_t{at + 1}});
        else
            db.query("UPDATE schema_version SET version = $1", {std::int64_t{at + 1}});
        tx.commit();
    }
}

} // namespace konform::service
