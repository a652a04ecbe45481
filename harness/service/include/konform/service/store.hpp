#pragma once

#include "konform/service/database.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace konform::service {

// Roles: KL certifies, vendors test their own systems, municipalities read.
enum class role { kl, vendor, municipality };
std::string to_string(role r);
std::optional<role> role_of(std::string_view text);

struct organisation {
    std::string id, name;
    role r = role::vendor;
};

struct profile_record {
    std::string id, version, digest, title, folder;
};

struct system_record {
    std::string id, organisation, product, version, target; // target: the target file's JSON
    std::int64_t created = 0;
};

// A run's life: queued -> running -> done, or running -> interrupted (its worker stopped
// answering) -> queued again once, as the next attempt.
struct run_record {
    std::string id, system, organisation, profile, profile_version, options, kind, state;
    std::optional<std::string> verdict, progress;
    std::int64_t attempt = 0, submitted = 0;
    std::optional<std::int64_t> started, finished;
};

struct history_entry {
    std::int64_t at = 0, attempt = 0;
    std::string event;
};

struct certificate_record {
    std::string id, run, system, organisation, vendor, product, product_version, profile,
        profile_version, fingerprint, status;
    std::int64_t issued = 0, valid_until = 0;
};

// A signed-in browser: the organisation, and the token every form must carry.
struct web_session {
    std::string organisation, csrf;
    std::int64_t expires = 0;
};

struct certificate_filter {
    std::string vendor, product, profile; // empty: any
};

// Milliseconds since the epoch: how the service stores every time.
std::int64_t now_ms();

// Everything the service keeps, over one database. Safe to use from many threads (one
// statement or transaction at a time).
class store {
public:
    explicit store(std::unique_ptr<database> db);

    std::string_view dialect() const { return db_->dialect(); }

    // Accounts.
    organisation ensure_organisation(const std::string& name, role r);
    std::optional<organisation> find_organisation(const std::string& id);
    // A new API token for the organisation, returned once; only its hash is kept.
    std::string issue_token(const organisation& org);
    std::optional<organisation> authenticate(std::string_view token);
    // A web session for the organisation: the cookie's value, returned once (only its hash
    // is kept), valid for `ttl`.
    std::string open_session(const organisation& org, std::chrono::seconds ttl);
    std::optional<web_session> find_session(std::string_view cookie);
    void close_session(std::string_view cookie);

    // Profiles KL has published, frozen by digest.
    // `files` (path relative to the profile folder, content) are kept with it, so that a
    // worker on any machine can rebuild the folder from the database alone.
    void publish_profile(const profile_record& p,
                         const std::vector<std::pair<std::string, std::string>>& files = {});
    std::vector<std::pair<std::string, std::string>> profile_files(const std::string& digest);
    std::vector<profile_record> profiles();
    std::optional<profile_record> find_profile(const std::string& id, const std::string& version);

    // Systems.
    system_record add_system(const std::string& organisation, const std::string& product,
                             const std::string& version, const std::string& target);
    std::optional<system_record> find_system(const std::string& id);
    // Systems of one organisation (empty: every organisation's), newest first.
    std::vector<system_record> systems(const std::string& organisation);

    // Runs.
    run_record submit_run(const system_record& s, const std::string& organisation,
                          const profile_record& p, const std::string& options,
                          const std::string& kind, const std::string& sealed_secrets);
    std::optional<run_record> find_run(const std::string& id);
    std::vector<history_entry> history(const std::string& run);
    // Runs of one organisation (empty: all) and, optionally, one system, newest first.
    std::vector<run_record> runs(const std::string& organisation, const std::string& system,
                                 std::size_t last);
    // How many runs are in each state.
    std::map<std::string, std::int64_t> run_counts();
    // The oldest queued run, now running under `worker`'s lease, or none. Two workers never
    // claim the same run (PostgreSQL: FOR UPDATE SKIP LOCKED).
    std::optional<run_record> claim_run(const std::string& worker, std::chrono::milliseconds lease);
    bool heartbeat(const std::string& run, const std::string& worker,
                   std::chrono::milliseconds lease);
    void set_progress(const std::string& run, const std::string& progress);
    std::optional<std::string> sealed_secrets(const std::string& run);
    // Done: the verdict and the run's files stored, its secrets erased.
    void finish_run(const std::string& run, const std::string& worker, const std::string& verdict,
                    const std::map<std::string, std::string>& artefacts);
    // Runs whose lease ran out become interrupted and, on their first attempt, queued again
    // (secrets kept for it); later ones stay interrupted with their secrets erased. Returns
    // how many it found.
    int recover_expired_leases();
    // At the start of a service that is the database's only user (SQLite): every run still
    // marked running belonged to a process that is gone, so its lease ends now.
    int expire_all_leases();
    // The worker gives the run up (it is stopping): interrupted at once, by the same rule.
    void release_run(const std::string& run, const std::string& worker, const std::string& why);
    std::optional<std::string> artefact(const std::string& run, const std::string& name);
    std::vector<std::string> artefact_names(const std::string& run);
    void add_artefact(const std::string& run, const std::string& name, const std::string& bytes);

    // Certificates.
    certificate_record add_certificate(const certificate_record& c, const std::string& report);
    std::vector<certificate_record> certificates(const certificate_filter& f);
    std::optional<certificate_record> find_certificate(const std::string& id);
    std::optional<std::string> certificate_report(const std::string& id);
    std::optional<certificate_record> certificate_of_run(const std::string& run);
    // The certificate whose report's bytes have this SHA-256 (lower-case hex).
    std::optional<certificate_record> certificate_by_report(const std::string& sha256);

    // The audit trail: who did what to what, when.
    void audit(const std::string& actor, const std::string& action, const std::string& subject,
               const std::string& detail = "");
    std::vector<std::vector<std::string>> audit_trail(std::size_t last);

private:
    std::unique_ptr<database> db_;
    std::recursive_mutex mutex_;
};

} // namespace konform::service
