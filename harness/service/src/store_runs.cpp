// Runs: the queue, leases, progress, results and their files.
#include "konform/service/sealed_box.hpp"
#include "konform/service/store.hpp"

namespace konform::service {

namespace {

const char* run_columns = "id, system, organisation, profile, profile_version, options, kind, "
                          "state, verdict, progress, attempt, submitted, started, finished";

run_record run_of(const row& r) {
    run_record x;
    x.id = r.text(0);
    x.system = r.text(1);
    x.organisation = r.text(2);
    x.profile = r.text(3);
    x.profile_version = r.text(4);
    x.options = r.text(5);
    x.kind = r.text(6);
    x.state = r.text(7);
    x.verdict = r.maybe(8);
    x.progress = r.maybe(9);
    x.attempt = r.integer(10);
    x.submitted = r.integer(11);
    if (r.maybe(12)) x.started = r.integer(12);
    if (r.maybe(13)) x.finished = r.integer(13);
    return x;
}

void record(database& db, const std::string& run, std::int64_t attempt, const std::string& event) {
    db.query("INSERT INTO run_history (run, at, attempt, event) VALUES ($1, $2, $3, $4)",
             {run, now_ms(), attempt, event});
}

// A running run whose worker is gone: queued again on its first attempt, else left
// interrupted with its secrets erased.
void interrupt(database& db, const std::string& id, std::int64_t attempt, const std::string& why) {
    record(db, id, attempt, "interrupted: " + why);
    if (attempt == 1) {
        db.query("UPDATE runs SET state = 'queued', lease_owner = NULL, lease_until = NULL, "
                 "progress = NULL WHERE id = $1",
                 {id});
        record(db, id, attempt, "queued again as attempt 2");
    } else {
        db.query("UPDATE runs SET state = 'interrupted', secrets = NULL, lease_owner = NULL, "
                 "lease_until = NULL, finished = $2 WHERE id = $1",
                 {id, now_ms()});
    }
}

} // namespace

run_record store::submit_run(const system_record& s, const std::string& organisation,
                             const profile_record& p, const std::string& options,
                             const std::string& kind, const std::string& sealed_secrets) {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    const std::string id = random_hex(8);
    db_->query(
        "INSERT INTO runs (id, system, organisation, profile, profile_version, options, "
        "kind, state, secrets, attempt, submitted) VALUES ($1, $2, $3, $4, $5, $6, $7, "
        "'queued', $8, 0, $9)",
        {id, s.id, organisation, p.id, p.version, options, kind, blob{sealed_secrets}, now_ms()});
    record(*db_, id, 0, "queued");
    tx.commit();
    return *find_run(id);
}

std::optional<run_record> store::find_run(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query(std::string("SELECT ") + run_columns + " FROM runs WHERE id = $1", {id});
    if (rows.empty()) return std::nullopt;
    return run_of(rows.front());
}

std::vector<history_entry> store::history(const std::string& run) {
    std::lock_guard lock(mutex_);
    std::vector<history_entry> out;
    for (const auto& r : db_->query("SELECT at, attempt, event FROM run_history WHERE run = $1 "
                                    "ORDER BY at, attempt",
                                    {run}))
        out.push_back({r.integer(0), r.integer(1), r.text(2)});
    return out;
}

std::vector<run_record> store::runs(const std::string& organisation, const std::string& system,
                                    std::size_t last) {
    std::lock_guard lock(mutex_);
    std::vector<run_record> out;
    for (const auto& r : db_->query(std::string("SELECT ") + run_columns +
                                        " FROM runs WHERE ($1 = '' OR organisation = $1) AND "
                                        "($2 = '' OR system = $2) ORDER BY submitted DESC, id "
                                        "LIMIT $3",
                                    {organisation, system, static_cast<std::int64_t>(last)}))
        out.push_back(run_of(r));
    return out;
}

std::map<std::string, std::int64_t> store::run_counts() {
    std::lock_guard lock(mutex_);
    std::map<std::string, std::int64_t> out;
    for (const auto& r : db_->query("SELECT state, COUNT(*) FROM runs GROUP BY state"))
        out[r.text(0)] = r.integer(1);
    return out;
}

std::optional<run_record> store::claim_run(const std::string& worker,
                                           std::chrono::milliseconds lease) {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    const std::string lock_clause = db_->dialect() == "postgresql" ? " FOR UPDATE SKIP LOCKED" : "";
    auto rows = db_->query("SELECT id, attempt FROM runs WHERE state = 'queued' ORDER BY "
                           "submitted, id LIMIT 1" +
                           lock_clause);
    if (rows.empty()) {
        tx.commit();
        return std::nullopt;
    }
    const std::string id = rows.front().text(0);
    const std::int64_t attempt = rows.front().integer(1) + 1;
    const std::int64_t now = now_ms();
    db_->query("UPDATE runs SET state = 'running', attempt = $2, lease_owner = $3, lease_until = "
               "$4, started = $5, progress = NULL WHERE id = $1",
               {id, attempt, worker, now + lease.count(), now});
    record(*db_, id, attempt, "started by " + worker);
    tx.commit();
    return find_run(id);
}

bool store::heartbeat(const std::string& run, const std::string& worker,
                      std::chrono::milliseconds lease) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query("UPDATE runs SET lease_until = $3 WHERE id = $1 AND lease_owner = $2 "
                           "AND state = 'running' RETURNING id",
                           {run, worker, now_ms() + lease.count()});
    return !rows.empty();
}

void store::set_progress(const std::string& run, const std::string& progress) {
    std::lock_guard lock(mutex_);
    db_->query("UPDATE runs SET progress = $2 WHERE id = $1", {run, progress});
}

std::optional<std::string> store::sealed_secrets(const std::string& run) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query("SELECT secrets FROM runs WHERE id = $1", {run});
    if (rows.empty()) return std::nullopt;
    return rows.front().maybe(0);
}

void store::finish_run(const std::string& run, const std::string& worker,
                       const std::string& verdict,
                       const std::map<std::string, std::string>& artefacts) {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    auto rows = db_->query("SELECT attempt FROM runs WHERE id = $1 AND lease_owner = $2 AND state "
                           "= 'running'",
                           {run, worker});
    if (rows.empty()) { // the lease was lost: another attempt owns the run now
        tx.commit();
        return;
    }
    db_->query("DELETE FROM artefacts WHERE run = $1", {run});
    for (const auto& [name, content] : artefacts)
        db_->query("INSERT INTO artefacts (run, name, content) VALUES ($1, $2, $3)",
                   {run, name, blob{content}});
    db_->query("UPDATE runs SET state = 'done', verdict = $2, secrets = NULL, lease_owner = NULL, "
               "lease_until = NULL, finished = $3 WHERE id = $1",
               {run, verdict, now_ms()});
    record(*db_, run, rows.front().integer(0), "done: " + verdict);
    tx.commit();
}

void store::release_run(const std::string& run, const std::string& worker, const std::string& why) {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    auto rows = db_->query("SELECT attempt FROM runs WHERE id = $1 AND lease_owner = $2 AND state "
                           "= 'running'",
                           {run, worker});
    if (!rows.empty()) interrupt(*db_, run, rows.front().integer(0), worker + " " + why);
    tx.commit();
}

int store::expire_all_leases() {
    std::lock_guard lock(mutex_);
    db_->query("UPDATE runs SET lease_until = 0 WHERE state = 'running'");
    return recover_expired_leases();
}

int store::recover_expired_leases() {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    const std::string lock_clause = db_->dialect() == "postgresql" ? " FOR UPDATE SKIP LOCKED" : "";
    auto rows = db_->query("SELECT id, attempt, lease_owner FROM runs WHERE state = 'running' AND "
                           "lease_until < $1" +
                               lock_clause,
                           {now_ms()});
    for (const auto& r : rows)
        interrupt(*db_, r.text(0), r.integer(1), r.maybe(2).value_or("?") + " stopped answering");
    tx.commit();
    return static_cast<int>(rows.size());
}

std::optional<std::string> store::artefact(const std::string& run, const std::string& name) {
    std::lock_guard lock(mutex_);
    auto rows =
        db_->query("SELECT content FROM artefacts WHERE run = $1 AND name = $2", {run, name});
    if (rows.empty()) return std::nullopt;
    return rows.front().text(0);
}

void store::add_artefact(const std::string& run, const std::string& name,
                         const std::string& bytes) {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    db_->query("DELETE FROM artefacts WHERE run = $1 AND name = $2", {run, name});
    db_->query("INSERT INTO artefacts (run, name, content) VALUES ($1, $2, $3)",
               {run, name, blob{bytes}});
    tx.commit();
}

std::vector<std::string> store::artefact_names(const std::string& run) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& r :
         db_->query("SELECT name FROM artefacts WHERE run = $1 ORDER BY name", {run}))
        out.push_back(r.text(0));
    return out;
}

} // namespace konform::service
